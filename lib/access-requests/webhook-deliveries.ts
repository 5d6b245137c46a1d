import "server-only";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import {
  isWebhookDeliveryState,
  webhookDestination,
  type WebhookDeliveryRow,
  type WebhookDeliveryState,
} from "./webhook-destination";

export interface WebhookDeliveryQuery {
  /** Only deliveries in this state; all of them without. */
  state?: WebhookDeliveryState;
  limit: number;
}

export interface WebhookDeliveryList {
  /** Newest first, at most `limit`. */
  deliveries: WebhookDeliveryRow[];
  /** How many deliveries are in each state, whatever the filter. */
  counts: Record<WebhookDeliveryState, number>;
}

/**
 * The outbox as the admin page shows it (docs/ACCESS-REQUESTS.md "Webhooks: an outbox"). The URL
 * is redacted and the payload never read: the page shows where and how it went, not what.
 */
export async function findWebhookDeliveries(
  db: Db,
  query: WebhookDeliveryQuery,
): Promise<WebhookDeliveryList> {
  const [rows, grouped] = await Promise.all([
    db.webhookDelivery.findMany({
      where: query.state ? { state: query.state } : {},
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit,
      select: {
        id: true,
        url: true,
        event: true,
        requestId: true,
        state: true,
        attempts: true,
        nextAttemptAt: true,
        lastStatus: true,
        lastError: true,
        createdAt: true,
        deliveredAt: true,
      },
    }),
    db.webhookDelivery.groupBy({ by: ["state"], _count: { _all: true } }),
  ]);
  const counts: Record<WebhookDeliveryState, number> = { pending: 0, delivered: 0, failed: 0 };
  for (const group of grouped)
    if (isWebhookDeliveryState(group.state)) counts[group.state] = group._count._all;
  return {
    deliveries: rows.map((row) => ({
      id: row.id,
      destination: webhookDestination(row.url),
      event: row.event,
      requestId: row.requestId,
      // The worker writes only these three; anything else would be a bug shown as still pending.
      state: isWebhookDeliveryState(row.state) ? row.state : "pending",
      attempts: row.attempts,
      nextAttemptAt: row.nextAttemptAt.toISOString(),
      lastStatus: row.lastStatus,
      lastError: row.lastError,
      createdAt: row.createdAt.toISOString(),
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
    })),
    counts,
  };
}

const NOT_FAILED: Record<string, string> = {
  pending: "This delivery is still being tried: only a failed one can be retried.",
  delivered: "This delivery already arrived: there is nothing to retry.",
};

/**
 * Puts a failed delivery back in the queue: pending, due `now`, with a fresh set of attempts (the
 * worker gives up after MAX_WEBHOOK_ATTEMPTS counted from here). The change and its audit event
 * are one transaction (docs/INVARIANTS.md invariant 2). The caller has checked admin.
 * @throws AppError("not_found") for an unknown id; AppError("conflict") when it is not failed
 *   (delivered, or still being tried — perhaps another admin retried it first)
 */
export async function retryWebhookDelivery(
  db: Db,
  id: string,
  actor: AuditActor,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.webhookDelivery.findUnique({
      where: { id },
      select: { id: true, url: true, event: true, requestId: true, state: true, attempts: true },
    });
    if (!row) throw new AppError("not_found", "No such webhook delivery.");
    const conflict = new AppError(
      "conflict",
      NOT_FAILED[row.state] ?? "Only a failed delivery can be retried.",
      { internalReason: `webhook delivery ${id} is ${row.state}` },
    );
    if (row.state !== "failed") throw conflict;
    // Conditional on still being failed: of two admins retrying at once, one wins, one is told.
    const changed = await tx.webhookDelivery.updateMany({
      where: { id, state: "failed" },
      data: { state: "pending", attempts: 0, nextAttemptAt: now },
    });
    if (changed.count !== 1) throw conflict;
    await writeAuditEvent(tx, {
      action: "admin.webhook.retried",
      outcome: "success",
      actor,
      meta,
      details: {
        deliveryId: row.id,
        event: row.event,
        accessRequestId: row.requestId,
        destination: webhookDestination(row.url),
        attemptsBefore: row.attempts,
      },
    });
  });
}
