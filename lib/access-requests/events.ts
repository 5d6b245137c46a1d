import "server-only";
import type { Prisma } from "@gatehouse/db-sqlite";
import { writeAuditEvent, type AuditAction, type AuditActor } from "@/lib/audit/write-audit-event";
import type { RequestMeta } from "@/lib/request-meta";
import { requestView, type RequestRow } from "./request-view";
import { webhookPayload, type WebhookEvent } from "./webhook-payload";

/** Every change an access request or elevation goes through. */
export type RequestEvent =
  | "requested"
  | "approval-recorded"
  | "approved"
  | "denied"
  | "cancelled"
  | "expired"
  | "activated"
  | "break-glass"
  | "ended"
  | "revoked";

const AUDIT_ACTION: Record<RequestEvent, AuditAction> = {
  requested: "access-request.requested",
  "approval-recorded": "access-request.approval-recorded",
  approved: "access-request.approved",
  denied: "access-request.denied",
  cancelled: "access-request.cancelled",
  expired: "access-request.expired",
  activated: "elevation.activated",
  "break-glass": "elevation.break-glass",
  ended: "elevation.ended",
  revoked: "elevation.revoked",
};

/** The webhook event each change is told as (an approval still short of the count is not told). */
const WEBHOOK_EVENT: Partial<Record<RequestEvent, WebhookEvent>> = {
  requested: "requested",
  approved: "approved",
  denied: "denied",
  cancelled: "cancelled",
  expired: "expired",
  activated: "activated",
  "break-glass": "activated",
  ended: "ended",
  revoked: "ended",
};

export interface NotifySettings {
  /** The global webhook (GATEHOUSE_ACCESS_REQUEST_WEBHOOK_URL), or null. */
  webhookUrl: string | null;
  /** The portal's address, for links in messages. */
  portalUrl: string;
}

/**
 * Records one change of a request inside the transaction that makes it: the audit event (hash
 * chained like every other) and one webhook delivery per configured URL (an outbox the dispatcher
 * drains). If either write fails, the change rolls back with it: no state change goes unaudited.
 */
export async function recordRequestEvent(
  tx: Prisma.TransactionClient,
  e: {
    event: RequestEvent;
    request: RequestRow;
    actor: AuditActor;
    meta: RequestMeta;
    now: Date;
    notify: NotifySettings;
    comment?: string;
  },
): Promise<void> {
  const r = e.request;
  await writeAuditEvent(tx, {
    action: AUDIT_ACTION[e.event],
    outcome: "success",
    actor: e.actor,
    meta: e.meta,
    at: e.now,
    target: {
      awsAccountId: r.role.awsAccount.accountId,
      roleArn: r.role.arn,
      durationSeconds: r.durationSeconds,
    },
    details: {
      request: r.id,
      requester: r.requesterEmail,
      state: r.state,
      breakGlass: r.breakGlass,
      reason: r.reason,
      ticket: r.ticket,
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt?.toISOString() ?? null,
      ...(e.comment ? { comment: e.comment } : {}),
      // Who could decide it, as filed: the rule may be deleted or made standing before anyone
      // does, and its approvers still get a clear answer then (recorded-approvers.ts).
      ...(e.event === "requested" && r.rule ? { approvers: r.rule.approversJson } : {}),
    },
  });
  const webhookEvent = WEBHOOK_EVENT[e.event];
  if (!webhookEvent) return;
  const urls = [...new Set([e.notify.webhookUrl, r.rule?.webhookUrl ?? null])].filter(
    (u): u is string => typeof u === "string" && u !== "",
  );
  if (urls.length === 0) return;
  const payload = webhookPayload({
    event: webhookEvent,
    request: requestView(r, e.now),
    actorEmail: e.actor.email,
    comment: e.comment ?? null,
    at: e.now,
    portalUrl: e.notify.portalUrl,
    revoked: e.event === "revoked",
  });
  await tx.webhookDelivery.createMany({
    data: urls.map((url) => ({
      url,
      event: webhookEvent,
      requestId: r.id,
      payloadJson: JSON.stringify(payload),
      nextAttemptAt: e.now,
    })),
  });
}
