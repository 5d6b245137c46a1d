import "server-only";
import { randomUUID } from "node:crypto";

/** Who is asking, for audit and logs. Built once per request from its headers. */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export const REQUEST_ID_HEADER = "x-request-id";
const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * Reads request metadata. The request id is the one proxy.ts stamped on the request (it always
 * replaces an inbound one). The client address is the right-most X-Forwarded-For entry: Next.js
 * fills the header with the socket address when it is absent, and a reverse proxy appends the
 * address it saw, so the right-most entry is the nearest hop nobody upstream could forge.
 */
export function requestMetaFrom(headers: HeaderSource): RequestMeta {
  const stamped = headers.get(REQUEST_ID_HEADER);
  const requestId = stamped && REQUEST_ID_PATTERN.test(stamped) ? stamped : randomUUID();
  const ip = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || null;
  const userAgent = headers.get("user-agent")?.slice(0, 512) ?? null;
  return { requestId, ip: ip ? ip.slice(0, 64) : null, userAgent };
}
