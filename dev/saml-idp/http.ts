import type { IncomingMessage, ServerResponse } from "node:http";

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
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new BadRequest(415, "The form must be posted as application/x-www-form-urlencoded.");
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (!Number.isFinite(declared) || declared > MAX_FORM_BYTES) {
    throw new BadRequest(413, "The form is too large.");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new BadRequest(413, "The form is too large.");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
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
