/**
 * Small HTTP helpers: a capped body reader and one way to write a response, so every response
 * carries a request id and a Date from the stand-in's clock (the SDK corrects clock skew from it).
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** The request body exceeded the cap; the rest of it is discarded. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/** The client went away before the body was complete: there is nobody left to answer. */
export class ClientAbortedError extends Error {
  constructor() {
    super("client aborted the request");
    this.name = "ClientAbortedError";
  }
}

/**
 * Reads the whole body, refusing more than `limitBytes`. On overflow it stops buffering but keeps
 * draining the socket, so the client receives the error response instead of a reset connection.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limitBytes) {
      req.resume();
      reject(new BodyTooLargeError(limitBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let isOverflowing = false;
    req.on("data", (chunk: Buffer) => {
      if (isOverflowing) return;
      size += chunk.length;
      if (size > limitBytes) {
        isOverflowing = true;
        chunks.length = 0;
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("aborted", () => reject(new ClientAbortedError()));
    req.on("error", () => reject(new ClientAbortedError()));
  });
}

export interface ResponseSpec {
  status: number;
  contentType: string;
  body: string;
  requestId: string;
  date: Date;
  headers?: Record<string, string>;
}

/** Writes a complete response unless the client is gone or a response was already started. */
export function sendResponse(res: ServerResponse, spec: ResponseSpec): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(spec.body, "utf8");
  res.writeHead(spec.status, {
    "Content-Type": spec.contentType,
    "Content-Length": String(body.length),
    "x-amzn-RequestId": spec.requestId,
    Date: spec.date.toUTCString(),
    ...spec.headers,
  });
  res.end(body);
}

/** Splits a request target into raw path and query without URL resolution (`//x` stays a path). */
export function splitRequestTarget(target: string): { path: string; search: string } {
  const q = target.indexOf("?");
  return q === -1
    ? { path: target, search: "" }
    : { path: target.slice(0, q), search: target.slice(q + 1) };
}
