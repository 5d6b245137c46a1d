import type { ServerResponse } from "node:http";
import { answerEarlyError } from "./early-error";

/** The methods the portal's routes are written for (lib/http/fallback-handlers.ts). */
const SERVED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Whether no route of the portal can serve the request's method. Next.js answers TRACE with a
 * bare 500 (the fetch Request it builds refuses that method) and any other unknown one (PROPFIND,
 * FOO) with an empty 400, so server.ts answers these itself.
 */
export function isUnservedMethod(method: string | undefined): boolean {
  return !SERVED_METHODS.has(method ?? "");
}

/**
 * 501 in the API's JSON error shape (RFC 9110 §15.6.2: a method the server does not implement for
 * any resource, so there is no resource's Allow to name; OPTIONS on a path lists its own).
 */
export function answerUnservedMethod(res: ServerResponse, method: string | undefined): void {
  const shown = (method ?? "").slice(0, 32).replace(/[^\x21-\x7e]/g, "?");
  answerEarlyError(
    res,
    501,
    "method_not_allowed",
    `The method ${shown} is not served here; the portal serves GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS (OPTIONS on a path lists the ones it accepts).`,
  );
}
