import "server-only";
import { createHmac } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { guardedFetch } from "@/lib/net/outbound-guard";
import { webhookDestination } from "./webhook-destination";

/** Attempts before a delivery is given up (marked failed; visible on the admin page). */
export const MAX_WEBHOOK_ATTEMPTS = 8;
/** How long a claimed delivery is held by the replica sending it before another may retry. */
const CLAIM_SECONDS = 60;
/** Deliveries read per destination and run. */
const BATCH = 50;

/** Backoff after the n-th failed attempt: 30 s, 1 min, 2 min, … at most an hour. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
}

/**
 * The signature a receiver checks (README "Access requests"): HMAC-SHA256 with the shared secret
 * over `<timestamp>.<body>`, hex, as `sha256=<hex>`. The headers besides the timestamp are not
 * covered: receivers de-duplicate on the body's `id`, which is.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * An error as it may be kept and shown: fetch names the URL in some refusals ("…includes
 * credentials: <url>"), and a webhook URL may hold a secret in its path, query or userinfo.
 */
function withoutUrl(message: string, url: string): string {
  let out = message.split(url).join(webhookDestination(url));
  try {
    out = out.split(new URL(url).href).join(webhookDestination(url));
  } catch {
    // Not a URL: nothing more of it to find.
  }
  return out;
}

export interface DeliveryOptions {
  /** GATEHOUSE_WEBHOOK_SECRET, or null to send unsigned. */
  secret: string | null;
  /** The portal's clock (re-read after each post, which may take a while). */
  clock: () => Date;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface DeliveryReport {
  delivered: number;
  retrying: number;
  failed: number;
}

/** Destinations posted to at once: a hanging receiver holds up only its own lane. */
const LANES = 4;

type Row = Awaited<ReturnType<Db["webhookDelivery"]["findMany"]>>[number];
type Outcome = "delivered" | "retrying" | "failed" | "lost";

/**
 * Posts the webhook deliveries that are due, destination by destination (docs/ACCESS-REQUESTS.md
 * "Webhooks: an outbox"). Up to LANES destinations are served at once, so a receiver that hangs
 * or fails delays only its own deliveries. Within one destination they go oldest first, one at a
 * time, and a delivery not yet due (backing off, or held by a replica sending it) holds back the
 * later ones: a receiver hears a request's events in the order they happened.
 */
export async function deliverDueWebhooks(db: Db, opts: DeliveryOptions): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, retrying: 0, failed: 0 };
  const destinations = await db.webhookDelivery.groupBy({
    by: ["url"],
    where: { state: "pending" },
  });
  const urls = destinations.map((d) => d.url);
  let next = 0;
  const lane = async () => {
    while (next < urls.length) await deliverInOrder(db, urls[next++]!, opts, report);
  };
  // Every lane finishes before the run does, so the next run never overlaps this one's posts.
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(LANES, urls.length) }, lane),
  );
  for (const l of lanes) if (l.status === "rejected") throw l.reason;
  return report;
}

/** One destination's queue, oldest first, until one is not due or not delivered. */
async function deliverInOrder(
  db: Db,
  url: string,
  opts: DeliveryOptions,
  report: DeliveryReport,
): Promise<void> {
  const queue = await db.webhookDelivery.findMany({
    where: { url, state: "pending" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: BATCH,
  });
  for (const row of queue) {
    if (row.nextAttemptAt.getTime() > opts.clock().getTime()) return;
    const outcome = await attemptDelivery(db, row, opts);
    if (outcome === "lost") return;
    report[outcome]++;
    // The rest wait for the next run: this one is retried first (or was given up).
    if (outcome !== "delivered") return;
  }
}

/**
 * One attempt at one delivery. It is claimed first (attempts + 1 and a short hold, conditional
 * on the row still being pending, due and at the attempt read), so replicas running this at once
 * never post the same attempt twice: "lost" when another claimed it. A 2xx answer delivers it;
 * anything else (status, timeout, refused connection) schedules a retry with backoff, until
 * MAX_WEBHOOK_ATTEMPTS. Redirects are not followed: the URL an admin configured is the only
 * place payloads go.
 */
async function attemptDelivery(db: Db, row: Row, opts: DeliveryOptions): Promise<Outcome> {
  // Admins choose these URLs: never sent to cloud metadata and the like (lib/net/outbound-guard.ts).
  const post = opts.fetch ?? guardedFetch;
  const claimedAt = opts.clock();
  const claimed = await db.webhookDelivery.updateMany({
    where: {
      id: row.id,
      state: "pending",
      attempts: row.attempts,
      nextAttemptAt: { lte: claimedAt },
    },
    data: {
      attempts: { increment: 1 },
      nextAttemptAt: new Date(claimedAt.getTime() + CLAIM_SECONDS * 1000),
    },
  });
  if (claimed.count !== 1) return "lost";
  const attempts = row.attempts + 1;
  const timestamp = String(Math.floor(claimedAt.getTime() / 1000));
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Gatehouse-Webhook/1",
    "x-gatehouse-event": row.event,
    "x-gatehouse-delivery": row.id,
    "x-gatehouse-timestamp": timestamp,
  };
  if (opts.secret)
    headers["x-gatehouse-signature"] = webhookSignature(opts.secret, timestamp, row.payloadJson);
  let status: number | null = null;
  let error: string | null = null;
  try {
    const response = await post(row.url, {
      method: "POST",
      headers,
      body: row.payloadJson,
      redirect: "manual",
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
    });
    status = response.status;
    await response.body?.cancel().catch(() => undefined);
    if (status >= 300 && status <= 399) error = `HTTP ${status}: redirects are not followed`;
    else if (status < 200 || status > 299) error = `HTTP ${status}`;
  } catch (e) {
    error = withoutUrl(
      e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e),
      row.url,
    );
  }
  const at = opts.clock();
  if (error === null) {
    await db.webhookDelivery.update({
      where: { id: row.id },
      data: { state: "delivered", deliveredAt: at, lastStatus: status, lastError: null },
    });
    return "delivered";
  }
  const giveUp = attempts >= MAX_WEBHOOK_ATTEMPTS;
  await db.webhookDelivery.update({
    where: { id: row.id },
    data: {
      state: giveUp ? "failed" : "pending",
      lastStatus: status,
      lastError: error.slice(0, 500),
      nextAttemptAt: new Date(at.getTime() + retryDelaySeconds(attempts) * 1000),
    },
  });
  // The operator's logs say so too, with the destination as the admin page shows it.
  const fields = {
    delivery: row.id,
    event: row.event,
    destination: webhookDestination(row.url),
    attempt: attempts,
    error: error.slice(0, 500),
  };
  if (giveUp) {
    log.error("webhook delivery failed for good; an admin can retry it", fields);
    return "failed";
  }
  log.warn("webhook delivery failed; it will be retried", fields);
  return "retrying";
}
