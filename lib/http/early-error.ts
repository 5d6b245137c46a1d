import type { ServerResponse } from "node:http";
import { requestIdOfAnswer } from "./request-id";

/**
 * An error in the API's JSON shape, written by server.ts itself for a request Next.js must not see
 * (it would answer with a bare 500 or an empty 400). Headers are set one by one, not through
 * writeHead's object, so that the request log reads the id back. Returns that id.
 */
export function answerEarlyError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
): string {
  const requestId = requestIdOfAnswer(res);
  res.statusCode = status;
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify({ error: { code, message, requestId } }));
  return requestId;
}
