import type { IncomingMessage, ServerResponse } from "node:http";
import { readFormBody } from "../form-body";

/** A refusal the user may read (`userMessage`); `reason` is for the log only. */
export class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly userMessage: string,
    readonly reason: string = userMessage,
  ) {
    super(reason);
    this.name = "BadRequest";
  }
}

/** Room for an HTTP-POST binding SAMLRequest (16 KiB of base64, urlencoded) and a RelayState. */
const MAX_FORM_BYTES = 32 * 1024;

/** Reads an urlencoded form body, refusing other types and anything larger than the cap. */
export function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return readFormBody(req, MAX_FORM_BYTES, (status, message) => new BadRequest(status, message));
}

/** The request's cookies by name; the first of duplicate names wins, as RFC 6265 orders them. */
export function readCookies(req: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * A `Set-Cookie` value for this plain-http IdP: HttpOnly and SameSite=Lax (a form posted from
 * another site carries none of them), not Secure. `maxAgeSeconds` 0 deletes the cookie.
 */
export function serializeCookie(
  name: string,
  value: string,
  path: string,
  maxAgeSeconds: number,
): string {
  return `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax`;
}

/** Appends a Set-Cookie header without dropping those already set on the response. */
export function addCookie(res: ServerResponse, cookie: string): void {
  const existing = res.getHeader("Set-Cookie");
  const list = Array.isArray(existing)
    ? existing
    : existing === undefined
      ? []
      : [String(existing)];
  res.setHeader("Set-Cookie", [...list, cookie]);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location, "Cache-Control": "no-store", "Content-Length": 0 });
  res.end();
}
