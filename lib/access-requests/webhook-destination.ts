/**
 * What the admin page shows of a webhook delivery (docs/ACCESS-REQUESTS.md "Webhooks: an
 * outbox"). Pure and free of server-only imports: the page's client table imports the types and
 * the unit tests the redaction.
 */

export const WEBHOOK_DELIVERY_STATES = ["pending", "delivered", "failed"] as const;

export type WebhookDeliveryState = (typeof WEBHOOK_DELIVERY_STATES)[number];

export function isWebhookDeliveryState(value: unknown): value is WebhookDeliveryState {
  return (WEBHOOK_DELIVERY_STATES as readonly unknown[]).includes(value);
}

/** One delivery as the page lists it: times as ISO text, the destination redacted, no payload. */
export interface WebhookDeliveryRow {
  id: string;
  /** The URL as webhookDestination shows it: never the URL itself. */
  destination: string;
  event: string;
  /** The access request the event is about. */
  requestId: string | null;
  state: WebhookDeliveryState;
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/**
 * A webhook URL as it may be shown: scheme, host and port, and the first path segment followed by
 * "/…" when more path follows. A Slack incoming-webhook URL is a bearer secret in its path (README
 * "Access requests"), others put one in the query string or the userinfo: all of that is left out.
 */
export function webhookDestination(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not even a URL: nothing of it is known to be safe to show.
    return "(not a valid URL)";
  }
  // `host` never includes the userinfo; `origin` would be "null" for a scheme URL doesn't know.
  const base = `${parsed.protocol}//${parsed.host}`;
  const segments = parsed.pathname.split("/").filter((s) => s !== "");
  if (segments.length === 0) return base;
  return `${base}/${segments[0]}${segments.length > 1 ? "/…" : ""}`;
}

/** What the admin page's list is narrowed to (docs/ACCESS-REQUESTS.md "Webhooks: an outbox"). */
export interface WebhookFilters {
  state?: WebhookDeliveryState;
  /** The access request the deliveries are about. */
  request?: string;
  /** A delivery id: only deliveries to the same URL as that one (the URL itself is a secret). */
  destination?: string;
}

/** The admin page with these filters, and a page cursor when given. */
export function webhookDeliveriesHref(filters: WebhookFilters, page?: string): string {
  const params = new URLSearchParams();
  if (filters.state) params.set("state", filters.state);
  if (filters.request) params.set("request", filters.request);
  if (filters.destination) params.set("destination", filters.destination);
  if (page) params.set("page", page);
  const query = params.toString();
  return query ? `/admin/webhooks?${query}` : "/admin/webhooks";
}
