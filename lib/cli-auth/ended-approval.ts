import "server-only";
import { actorOf } from "@/lib/audit/actor";
import { ANONYMOUS_ACTOR, writeAuditEvent } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { parseGroupsJson } from "@/lib/users/upsert-signed-in-user";

/**
 * The status of a sign-in that was approved, but whose approving browser session ended (signed
 * out, revoked or expired) before the CLI collected its token: no token can come of it, ever.
 * The other statuses are pending, approved, denied and exchanged (prisma/schema.prisma).
 */
export const APPROVAL_ENDED_STATUS = "session-ended";

/** What the CLI is told (RFC 8628 expired_token: this sign-in is over, a new one may start). */
export const APPROVAL_ENDED_MESSAGE =
  "The sign-in was approved, but the browser session that approved it has ended (signed out, revoked or expired) before this terminal collected its token, so no token was issued. Run gatehouse login again.";

/** The portal session an approval was made from, as the exchange found it. */
export interface ApprovingSession {
  revokedAt: Date | null;
  user: { id: string; issuer: string; subject: string; email: string | null; groupsJson: string };
}

/**
 * Marks an approved sign-in whose approving session has ended so it can never be exchanged, and
 * audits the refused exchange (`cli.token-issued`, denied) in the same transaction. A concurrent
 * poll that got there first changes nothing and writes nothing.
 */
export async function refuseEndedApproval(
  db: Db,
  approved: {
    id: string;
    deviceName: string;
    clientAddress: string | null;
    decidedByUserId: string | null;
  },
  session: ApprovingSession | null,
  opts: { meta: RequestMeta },
): Promise<void> {
  const approver =
    session?.user ??
    (approved.decidedByUserId
      ? await db.user.findUnique({ where: { id: approved.decidedByUserId } })
      : null);
  await db.$transaction(async (tx) => {
    const marked = await tx.deviceAuthorization.updateMany({
      where: { id: approved.id, status: "approved" },
      data: { status: APPROVAL_ENDED_STATUS },
    });
    if (marked.count !== 1) return;
    await writeAuditEvent(tx, {
      action: "cli.token-issued",
      outcome: "denied",
      actor: approver
        ? actorOf({ ...approver, groups: parseGroupsJson(approver.groupsJson) })
        : ANONYMOUS_ACTOR,
      meta: opts.meta,
      details: {
        deviceName: approved.deviceName,
        clientAddress: approved.clientAddress,
        reason: `the browser session that approved it has ended (${endedHow(session)})`,
      },
    });
  });
}

function endedHow(session: ApprovingSession | null): string {
  if (!session) return "no longer recorded";
  return session.revokedAt ? "signed out or revoked" : "expired";
}
