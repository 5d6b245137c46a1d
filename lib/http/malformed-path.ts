import type { ServerResponse } from "node:http";
import { answerEarlyError } from "./early-error";

/**
 * Whether the request's path holds a percent-escape that doesn't decode (`%ZZ`) or decodes to
 * bytes that aren't UTF-8 (`%C0%AF`, `%FF%FE`). Next.js decodes a route's parameters before any
 * of the portal's code runs and answers such a path with a bare 500, so server.ts checks it first.
 */
export function hasMalformedPath(url: string | undefined): boolean {
  const path = (url ?? "/").split("?", 1)[0]!;
  if (!path.includes("%")) return false;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

/** A 400 in the API's JSON error shape, written by the server before Next.js sees the request. */
export function answerMalformedPath(res: ServerResponse): void {
  answerEarlyError(
    res,
    400,
    "validation_error",
    "The address is malformed: a %-escape in its path is invalid or not UTF-8 (such as %ZZ or %FF).",
  );
}
