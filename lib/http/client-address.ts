/**
 * The client's address as the portal can trust it. With no trusted proxies it is the TCP peer;
 * behind N trusted reverse proxies it is the entry the outermost one appended to X-Forwarded-For
 * (the N-th from the right) — everything left of that the client could have written itself.
 * Pure: server.ts computes it per connection and stamps it on the request.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxyHops: number,
): string | null {
  const normalizedPeer = peer ? peer.replace(/^::ffff:/, "") : null;
  if (trustedProxyHops <= 0) return normalizedPeer;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const hops = header
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const entry = hops[hops.length - trustedProxyHops];
  return entry && /^[0-9A-Fa-f:.]{2,45}$/.test(entry)
    ? entry.replace(/^::ffff:/, "")
    : normalizedPeer;
}

/** The TCP peer's address, as `clientAddress` reports it with no trusted proxies. */
export function peerAddress(peer: string | undefined): string | null {
  return clientAddress(peer, undefined, 0);
}

/** The request header server.ts sets (overwriting anything a client sent). */
export const CLIENT_ADDRESS_HEADER = "x-gatehouse-client-address";

/**
 * The address of the connection itself, which server.ts also sets (overwriting anything a client
 * sent): behind trusted proxies it is the nearest proxy's, where CLIENT_ADDRESS_HEADER is the one
 * X-Forwarded-For names.
 */
export const PEER_ADDRESS_HEADER = "x-gatehouse-peer-address";
