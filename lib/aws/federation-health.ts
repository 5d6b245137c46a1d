import "server-only";

/**
 * The console federation endpoint as this process last saw it, for Admin → Broker: when it last
 * gave a sign-in token, and when and why it last refused one (docs/AWS.md "Console sign-in").
 * Never a token, a URL or a credential: only times, the HTTP status and the portal's reason.
 */
export interface FederationHealth {
  lastSuccessAt: Date | null;
  lastRefusal: { at: Date; status: number | null; reason: string } | null;
}

// One record per process (Next.js bundles route handlers and pages separately).
const state = globalThis as unknown as { gatehouseFederationHealth?: FederationHealth };

function current(): FederationHealth {
  return (state.gatehouseFederationHealth ??= { lastSuccessAt: null, lastRefusal: null });
}

export function recordFederationSuccess(at: Date): void {
  current().lastSuccessAt = at;
}

export function recordFederationRefusal(at: Date, status: number | null, reason: string): void {
  current().lastRefusal = { at, status, reason: reason.slice(0, 300) };
}

export function federationHealth(): FederationHealth {
  const h = current();
  return { lastSuccessAt: h.lastSuccessAt, lastRefusal: h.lastRefusal };
}
