import { createHash, timingSafeEqual } from "node:crypto";
import { networkAllows } from "@/lib/config/networks";

export type MetricsAccess = { allowed: true } | { allowed: false; status: 401 | 403; why: string };

/**
 * Who may read /api/metrics (docs/OPERATIONS.md "Metrics"). With GATEHOUSE_METRICS_TOKEN set, the
 * scraper must send it as a bearer token, from anywhere; without, only clients in
 * GATEHOUSE_METRICS_ALLOW (loopback by default) are answered. The metrics name no person or
 * secret, but they do say how busy and how healthy the portal is.
 *
 * Both addresses must be on the list: the client's (behind trusted proxies, the X-Forwarded-For
 * entry, which whoever connects to the replica directly can write) and the connection's own (a
 * proxy on loopback, such as a sidecar, connects every visitor from loopback).
 */
export function checkMetricsAccess(
  settings: { token: string | undefined; allow: string[] },
  request: {
    authorization: string | null;
    clientAddress: string | null;
    peerAddress: string | null;
  },
): MetricsAccess {
  if (settings.token !== undefined) {
    const sent = /^Bearer (.+)$/i.exec(request.authorization ?? "")?.[1]?.trim();
    if (sent === undefined)
      return { allowed: false, status: 401, why: "Send the metrics token as a bearer token." };
    return sameSecret(sent, settings.token)
      ? { allowed: true }
      : { allowed: false, status: 403, why: "This metrics token is not valid." };
  }
  return networkAllows(settings.allow, request.clientAddress) &&
    networkAllows(settings.allow, request.peerAddress)
    ? { allowed: true }
    : {
        allowed: false,
        status: 403,
        why: "Metrics are served only to the networks in GATEHOUSE_METRICS_ALLOW.",
      };
}

/** Constant-time comparison of two secrets of any length (their digests have one length). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
