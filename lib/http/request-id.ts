import { randomUUID } from "node:crypto";

/**
 * The header that carries a request's id. server.ts stamps it on every request at the first byte,
 * replacing any the client sent, and sends it back on the answer; proxy.ts passes it on to routes,
 * whose audit events and error messages quote it (docs/OPERATIONS.md "Logs").
 */
export const REQUEST_ID_HEADER = "x-request-id";

const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

/**
 * The id server.ts stamped, or null when there is none of an id's shape. Only `next dev` serves
 * without server.ts, so only there could a client's own header get this far.
 */
export function stampedRequestId(value: string | null | undefined): string | null {
  return value && REQUEST_ID_PATTERN.test(value) ? value : null;
}

/** The id server.ts put on this answer, or a fresh one (put on it) for an answer it did not stamp. */
export function requestIdOfAnswer(res: {
  getHeader(name: string): unknown;
  setHeader(name: string, value: string): unknown;
}): string {
  const stamped = res.getHeader(REQUEST_ID_HEADER);
  const requestId = stampedRequestId(typeof stamped === "string" ? stamped : null) ?? randomUUID();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  return requestId;
}
