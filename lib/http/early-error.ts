import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

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
  const requestId = randomUUID();
  res.statusCode = status;
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("x-request-id", requestId);
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify({ error: { code, message, requestId } }));
  return requestId;
}
