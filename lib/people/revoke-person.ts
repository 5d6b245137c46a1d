import "server-only";
import { closeRequestsAsAdmin, openRequestsWhere } from "@/lib/access-requests/close-for-admin";
import type { NotifySettings } from "@/lib/access-requests/events";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";

export interface PersonRevocation {
  revokedAt: Date;
  portalSessions: number;
  cliTokens: number;
  /** Approved elevations (running or starting later) ended, and pending requests cancelled. */
  elevationsEnded: number;
  requestsCancelled: number;
  /**
   * The SourceIdentity values AWS sessions issued to this person carry: their identities' ids
   * (AssumeRole), and what their IdP's assertions set for roles assumed with SAML.
   */
  sourceIdentities: string[];
  /**
   * The session names of their sessions AWS recorded without a SourceIdentity: roles assumed with
   * SAML whose IdP's assertion set none. The deny policy names those by `aws:userid`.
   */
  sessionNames: string[];
}

/**
 * Ends everything a person holds at the portal, on every replica at once (each request checks
 * the database): their portal sessions (every identity's), their CLI tokens, their approved
 * elevations (running or starting later: signing in again must not bring one back) and their
 * pending requests. One transaction with its audit event and each request's own events. Credentials already issued at AWS live on until they expire: the admin
 * page gives the deny policy that ends them (lib/aws/revocation-policy.ts, README "Revoking a
 * person").
 */
export async function revokePersonAccess(
  db: Db,
  args: {
    personId: string;
    actor: AuditActor;
    meta: RequestMeta;
    now: Date;
    notify: NotifySettings;
  },
): Promise<({ ok: true } & PersonRevocation) | { ok: false; reason: "not_found" }> {
  return db.$transaction(async (tx) => {
    const identities = await tx.user.findMany({
      where: { personId: args.personId },
      select: { id: true, email: true, subject: true },
      orderBy: { id: "asc" },
    });
    if (identities.length === 0) return { ok: false, reason: "not_found" } as const;
    const userIds = identities.map((i) => i.id);
    const { sourceIdentities, sessionNames } = await sessionsIssuedTo(tx, userIds);
    const sessions = await tx.portalSession.updateMany({
      where: { userId: { in: userIds }, revokedAt: null, expiresAt: { gt: args.now } },
      data: { revokedAt: args.now, oidcIdTokenSealed: null },
    });
    const tokens = await tx.cliToken.updateMany({
      where: { userId: { in: userIds }, revokedAt: null, expiresAt: { gt: args.now } },
      data: { revokedAt: args.now, revokedBy: `admin:${args.actor.userId ?? "unknown"}` },
    });
    const open = await tx.accessRequest.findMany({
      where: { personId: args.personId, ...openRequestsWhere(args.now) },
      select: { id: true },
      orderBy: { id: "asc" },
    });
    const closed = await closeRequestsAsAdmin(
      tx,
      open.map((r) => r.id),
      { ...args, comment: "The person's access was revoked by an admin." },
    );
    await writeAuditEvent(tx, {
      action: "admin.person.revoked",
      outcome: "success",
      actor: args.actor,
      meta: args.meta,
      details: {
        person: args.personId,
        identities: identities.map((i) => i.email ?? i.subject).join(", "),
        portalSessions: sessions.count,
        cliTokens: tokens.count,
        elevationsEnded: closed.elevationsEnded,
        requestsCancelled: closed.requestsCancelled,
        revokedAt: args.now.toISOString(),
        identityIds: userIds.join(","),
        // What the deny policy for credentials already issued names (README "Revoking a person"):
        // a JSON list, as an IdP's SourceIdentity may contain a comma.
        sourceIdentities: JSON.stringify(sourceIdentities),
        sessionNames: JSON.stringify(sessionNames),
      },
    });
    return {
      ok: true,
      revokedAt: args.now,
      portalSessions: sessions.count,
      cliTokens: tokens.count,
      ...closed,
      sourceIdentities,
      sessionNames,
    } as const;
  });
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * What identifies the AWS sessions the portal issued to these identities. Every SourceIdentity
 * they carried: each identity's id (AssumeRole sets it), and for roles assumed with SAML the one
 * the IdP's assertion set (usually its subject), as AWS recorded it in the issuance's audit event.
 * And the session names of those AWS recorded without one — an IdP's assertion need not set a
 * SourceIdentity — which only `aws:userid` can name. Without these the deny policy would leave a
 * person's SAML-federated sessions running.
 */
async function sessionsIssuedTo(
  tx: Tx,
  userIds: string[],
): Promise<{ sourceIdentities: string[]; sessionNames: string[] }> {
  const issued = await tx.auditEvent.groupBy({
    by: ["sourceIdentity", "roleSessionName"],
    where: {
      actorUserId: { in: userIds },
      action: { in: ["credentials.issued", "console.issued"] },
    },
  });
  const sourceIdentities = issued.flatMap((e) => e.sourceIdentity ?? []);
  const sessionNames = issued.flatMap((e) =>
    e.sourceIdentity === null && e.roleSessionName !== null ? [e.roleSessionName] : [],
  );
  return {
    sourceIdentities: [...new Set([...userIds, ...sourceIdentities])].sort(),
    sessionNames: [...new Set(sessionNames)].sort(),
  };
}
