import "server-only";
import { randomUUID } from "node:crypto";
import type { RequestMeta } from "@/lib/request-meta";
import { CLIENT_ADDRESS_HEADER } from "./client-address";

import { REQUEST_ID_HEADER, stampedRequestId } from "./request-id";

export { REQUEST_ID_HEADER };

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * Reads request metadata. The request id is the one server.ts stamped on the request (it always
 * replaces an inbound one) and proxy.ts passed on. The client address is the one server.ts stamped from the connection
 * (and GATEHOUSE_TRUSTED_PROXY_HOPS); X-Forwarded-For itself is never believed here, since any
 * client can write it.
 */
export function requestMetaFrom(headers: HeaderSource): RequestMeta {
  const requestId = stampedRequestId(headers.get(REQUEST_ID_HEADER)) ?? randomUUID();
  const ip = headers.get(CLIENT_ADDRESS_HEADER);
  const userAgent = headers.get("user-agent")?.slice(0, 512) ?? null;
  return { requestId, ip: ip ? ip.slice(0, 64) : null, userAgent };
}
