import "server-only";
import { randomUUID } from "node:crypto";
import type { RequestMeta } from "@/lib/request-meta";
import { CLIENT_ADDRESS_HEADER } from "./client-address";

export const REQUEST_ID_HEADER = "x-request-id";
const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * Reads request metadata. The request id is the one proxy.ts stamped on the request (it always
 * replaces an inbound one). The client address is the one server.ts stamped from the connection
 * (and GATEHOUSE_TRUSTED_PROXY_HOPS); X-Forwarded-For itself is never believed here, since any
 * client can write it.
 */
export function requestMetaFrom(headers: HeaderSource): RequestMeta {
  const stamped = headers.get(REQUEST_ID_HEADER);
  const requestId = stamped && REQUEST_ID_PATTERN.test(stamped) ? stamped : randomUUID();
  const ip = headers.get(CLIENT_ADDRESS_HEADER);
  const userAgent = headers.get("user-agent")?.slice(0, 512) ?? null;
  return { requestId, ip: ip ? ip.slice(0, 64) : null, userAgent };
}
