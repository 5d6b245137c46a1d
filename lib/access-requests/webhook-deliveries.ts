import "server-only";
import type { Prisma } from "@gatehouse/db-sqlite";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { keysetPage, keysetRead, keysetWhere, type ListPage } from "./paged-lists";
import {
  isWebhookDeliveryState,
  webhookDestination,
  type WebhookDeliveryRow,
  type WebhookDeliveryState,
} from "./webhook-destination";
import { WEBHOOK_PAGE_SIZE, type WebhookQuery } from "./webhook-query";

export interface WebhookDeliveryList {
  /** Newest first, one page of at most WEBHOOK_PAGE_SIZE. */
  deliveries: WebhookDeliveryRow[];
  /** How many deliveries are in each state within the request and destination filters. */
  counts: Record<WebhookDeliveryState, number>;
  /** The page's place: cursors to its neighbours, the position of its first row, the total. */
  page: ListPage & { first: number };
  /** The destination filter as shown (redacted), or null when its delivery does not exist. */
  destination: string | null;
}

const ROW_FIELDS = {
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
} as const;

/**
 * One page of the outbox as the admin page shows it (docs/ACCESS-REQUESTS.md "Webhooks: an
 * outbox"), newest first, keyset-paged as the access-request lists are (paged-lists.ts), so a page
 * deep in thousands costs what the first does. A destination filter names a delivery and matches
 * that delivery's URL, so the URL — which may be a secret — never travels in a link. The URL is
 * redacted and the payload never read: the page shows where and how it went, not what.
 */
export async function findWebhookDeliveries(
  db: Db,
  query: WebhookQuery,
): Promise<WebhookDeliveryList> {
  const scope: Prisma.WebhookDeliveryWhereInput = {};
  if (query.request) scope.requestId = query.request;
  let destination: string | null = null;
  if (query.destination) {
    const named = await db.webhookDelivery.findUnique({
      where: { id: query.destination },
      select: { url: true },
    });
    destination = named ? webhookDestination(named.url) : null;
    // A delivery that does not exist names no URL: nothing matches.
    scope.url = named ? named.url : { in: [] };
  }
  const where = query.state ? { ...scope, state: query.state } : scope;
  const read = keysetRead("desc", query.page, WEBHOOK_PAGE_SIZE);
  const [found, grouped] = await Promise.all([
    db.webhookDelivery.findMany({
      where: read.past ? { AND: [where, read.past] } : where,
      orderBy: [{ createdAt: read.direction }, { id: read.direction }],
      take: read.take,
      select: ROW_FIELDS,
    }),
    db.webhookDelivery.groupBy({ by: ["state"], where: scope, _count: { _all: true } }),
  ]);
  const counts: Record<WebhookDeliveryState, number> = { pending: 0, delivered: 0, failed: 0 };
  for (const group of grouped)
    if (isWebhookDeliveryState(group.state)) counts[group.state] = group._count._all;
  const total = query.state
    ? counts[query.state]
    : counts.pending + counts.delivered + counts.failed;
  const { rows, next, previous } = keysetPage(found, read, query.page);
  // Deep in the list, the page says where it is: the rows newer than its first, plus one.
  const top = rows[0];
  const newer =
    query.page && top
      ? await db.webhookDelivery.count({ where: { AND: [where, keysetWhere(top, "asc")] } })
      : 0;
  return {
    deliveries: rows.map(shownRow),
    counts,
    page: { total, next, previous, first: newer + 1 },
    destination,
  };
}

function shownRow(row: Prisma.WebhookDeliveryGetPayload<{ select: typeof ROW_FIELDS }>) {
  return {
    id: row.id,
    destination: webhookDestination(row.url),
    event: row.event,
    requestId: row.requestId,
    // The worker writes only these three; anything else would be a bug shown as still pending.
    state: isWebhookDeliveryState(row.state) ? row.state : ("pending" as const),
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  } satisfies WebhookDeliveryRow;
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
