import "server-only";
import type { Prisma } from "@gatehouse/db-sqlite";
import type { AuditActor } from "@/lib/audit/write-audit-event";
import type { RequestMeta } from "@/lib/request-meta";
import { recordRequestEvent, type NotifySettings } from "./events";
import { requestInclude, statusOf } from "./request-view";

/** What an admin change (revoking a person, linking identities) closed of their requests. */
export interface ClosedRequests {
  /** Approved elevations, running or starting later, ended now (state "revoked"). */
  elevationsEnded: number;
  /** Pending requests withdrawn (state "cancelled"). */
  requestsCancelled: number;
}

export interface AdminClose {
  actor: AuditActor;
  meta: RequestMeta;
  now: Date;
  notify: NotifySettings;
  /** Why, kept on each request as its closing comment and told in its events. */
  comment: string;
}

/** Requests still open on `now`: pending before their deadline, or approved and not yet ended. */
export function openRequestsWhere(now: Date) {
  return {
    OR: [
      { state: "pending", decideBy: { gt: now } },
      { state: "approved", endsAt: { gt: now } },
    ],
  };
}

const ATTEMPTS = 3;

/**
 * Closes these requests inside the caller's transaction, as a requester's cancel or an approver's
 * revoke would (close-request.ts): each is an UPDATE conditional on the version and state read,
 * with its request event (audit and webhooks) written alongside. A request that changed under us
 * (a decision landing at the same moment) is read again and closed as it now stands; one that
 * ended meanwhile is left alone.
 */
export async function closeRequestsAsAdmin(
  tx: Prisma.TransactionClient,
  ids: readonly string[],
  args: AdminClose,
): Promise<ClosedRequests> {
  const closed: ClosedRequests = { elevationsEnded: 0, requestsCancelled: 0 };
  for (const id of ids) {
    const outcome = await closeOne(tx, id, args);
    if (outcome === "revoked") closed.elevationsEnded += 1;
    if (outcome === "cancelled") closed.requestsCancelled += 1;
  }
  return closed;
}

async function closeOne(
  tx: Prisma.TransactionClient,
  id: string,
  args: AdminClose,
): Promise<"revoked" | "cancelled" | null> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const read = await tx.accessRequest.findUnique({ where: { id }, include: requestInclude });
    if (!read) return null;
    const status = statusOf(read, args.now);
    if (status !== "pending" && status !== "approved" && status !== "active") return null;
    const pending = status === "pending";
    const claimed = await tx.accessRequest.updateMany({
      where: pending
        ? { id, version: read.version, state: "pending", decideBy: { gt: args.now } }
        : { id, version: read.version, state: "approved", endsAt: { gt: args.now } },
      data: {
        version: { increment: 1 },
        state: pending ? "cancelled" : "revoked",
        closedBy: args.actor.email ?? args.actor.subject ?? "an admin",
        closedComment: args.comment,
        ...(pending ? {} : { endsAt: args.now, endedAt: args.now }),
      },
    });
    if (claimed.count !== 1) continue;
    const after = await tx.accessRequest.findUniqueOrThrow({
      where: { id },
      include: requestInclude,
    });
    const event = pending ? "cancelled" : "revoked";
    await recordRequestEvent(tx, {
      event,
      request: after,
      actor: args.actor,
      meta: args.meta,
      now: args.now,
      notify: args.notify,
      comment: args.comment,
    });
    return event;
  }
  // Changed under us on every attempt: rolling back the whole change is safer than leaving one open.
  throw new Error(`access request ${id} kept changing while it was being closed`);
}
