import "server-only";
import { actorOf } from "@/lib/audit/actor";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import {
  signedInUserOf,
  type PrivilegeSettings,
  type SignedInUser,
} from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { parseGroupsJson, type IdentityRow } from "@/lib/users/upsert-signed-in-user";
import { isCliTokenShaped, newCliToken, secretHash } from "./codes";
import { refuseEndedApproval } from "./ended-approval";

/** A CLI token as pages and the API show it: never the token itself. */
export interface CliTokenView {
  id: string;
  deviceName: string;
  clientAddress: string | null;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  lastUsedAddress: string | null;
  mfaAuthenticated: boolean;
  /** Whose it is (for the admin list). */
  owner: { userId: string; email: string | null; displayName: string | null; subject: string };
}

export interface IssuedCliToken {
  token: string;
  tokenId: string;
  expiresAt: Date;
  user: { email: string | null; displayName: string | null; subject: string };
}

/** How often lastUsedAt is written: a token used in a loop costs a write at most this often. */
const LAST_USED_RESOLUTION_MS = 30_000;

/** Why an approved device code gave no token. */
export type ExchangeRefusal = "exchanged-meanwhile" | "approving-session-ended";

/**
 * Exchanges an approved device code for a token, once: the code moves from approved to exchanged
 * in the same transaction that creates the token and writes its audit event. The token carries the
 * approving browser sign-in's MFA evidence and session tags, and lives at most `ttlSeconds`. When
 * the approving session has ended since, the code is marked so and the refusal audited instead.
 *
 * The transaction first takes the approving session's row (a write that changes nothing, where
 * the session still lives). Whatever ends a session — sign-out, revoking the person, disabling
 * their IdP — writes that row before it revokes the person's tokens, in one transaction; so
 * either the ending waits for this exchange and then revokes the token it made, or this exchange
 * waits for the ending and finds the session ended. No token outlives the session's ending
 * (docs/CLI.md "When the approving session ends").
 */
export async function exchangeApprovedDeviceCode(
  db: Db,
  approved: {
    id: string;
    deviceName: string;
    clientAddress: string | null;
    decidedBySessionId: string;
    decidedByUserId: string | null;
  },
  opts: { ttlSeconds: number; meta: RequestMeta; now: Date },
): Promise<{ issued: IssuedCliToken } | { refused: ExchangeRefusal }> {
  const token = newCliToken();
  const expiresAt = new Date(opts.now.getTime() + opts.ttlSeconds * 1000);
  const outcome = await db.$transaction(async (tx) => {
    const held = await tx.portalSession.updateMany({
      where: { id: approved.decidedBySessionId, revokedAt: null, expiresAt: { gt: opts.now } },
      data: { revokedAt: null },
    });
    if (held.count !== 1) return { refused: "approving-session-ended" as const };
    const session = await tx.portalSession.findUniqueOrThrow({
      where: { id: approved.decidedBySessionId },
      include: { user: true },
    });
    const moved = await tx.deviceAuthorization.updateMany({
      where: { id: approved.id, status: "approved" },
      data: { status: "exchanged" },
    });
    if (moved.count !== 1) return { refused: "exchanged-meanwhile" as const };
    const row = await tx.cliToken.create({
      data: {
        tokenHash: secretHash(token),
        userId: session.userId,
        deviceName: approved.deviceName,
        clientAddress: approved.clientAddress,
        method: session.method,
        mfaAuthenticated: session.mfaAuthenticated,
        sessionTagsJson: session.sessionTagsJson,
        approvedBySessionId: session.id,
        createdAt: opts.now,
        expiresAt,
      },
    });
    await writeAuditEvent(tx, {
      action: "cli.token-issued",
      outcome: "success",
      actor: actorOf({ ...session.user, groups: parseGroupsJson(session.user.groupsJson) }),
      meta: { ...opts.meta, cliTokenId: row.id },
      details: {
        deviceName: approved.deviceName,
        expiresAt: expiresAt.toISOString(),
        mfaAuthenticated: session.mfaAuthenticated,
      },
    });
    return {
      issued: {
        token,
        tokenId: row.id,
        expiresAt,
        user: {
          email: session.user.email,
          displayName: session.user.displayName,
          subject: session.user.subject,
        },
      },
    };
  });
  if (!("refused" in outcome) || outcome.refused !== "approving-session-ended") return outcome;
  const ended = await db.portalSession.findUnique({
    where: { id: approved.decidedBySessionId },
    include: { user: true },
  });
  await refuseEndedApproval(db, approved, ended, opts);
  return outcome;
}

/** Why a bearer token was not accepted (for the audit log and server log only). */
export type TokenRefusal = "malformed" | "unknown" | "revoked" | "expired";

/**
 * The person behind a CLI bearer token, acting with the approving sign-in's MFA evidence and
 * tags; or why not. Admin and auditor status are recomputed from their groups as for a browser.
 */
export async function findCliTokenUser(
  db: Db,
  token: string,
  opts: PrivilegeSettings & { now: Date; clientAddress: string | null },
): Promise<{ user: SignedInUser; token: CliTokenView } | { refused: TokenRefusal }> {
  if (!isCliTokenShaped(token)) return { refused: "malformed" };
  const [found] = await db.$queryRaw<CliTokenUserRow[]>`
    SELECT t."id", t."deviceName", t."clientAddress", t."method", t."mfaAuthenticated",
           t."sessionTagsJson", t."createdAt", t."expiresAt", t."lastUsedAt",
           t."lastUsedAddress", t."revokedAt",
           u."id" AS "userId", u."personId", u."issuer", u."subject", u."email",
           u."emailVerified", u."displayName", u."groupsJson", u."roleSessionName"
    FROM "CliToken" t JOIN "User" u ON u."id" = t."userId"
    WHERE t."tokenHash" = ${secretHash(token)}`;
  if (!found) return { refused: "unknown" };
  const row = { ...found, user: { ...found, id: found.userId } };
  if (row.revokedAt !== null) return { refused: "revoked" };
  if (row.expiresAt <= opts.now) return { refused: "expired" };
  if (
    row.lastUsedAt === null ||
    opts.now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS ||
    row.lastUsedAddress !== opts.clientAddress
  ) {
    await db.cliToken.update({
      where: { id: row.id },
      data: { lastUsedAt: opts.now, lastUsedAddress: opts.clientAddress },
    });
  }
  const user = await signedInUserOf(
    db,
    row.user,
    {
      // Not a portal session id: nothing held for a browser session (SAML assertions) matches it.
      sessionId: `cli:${row.id}`,
      expiresAt: row.expiresAt,
      createdAt: row.createdAt,
      method: row.method,
      mfaAuthenticated: row.mfaAuthenticated,
      sessionTagsJson: row.sessionTagsJson,
    },
    opts,
  );
  return { user, token: cliTokenViewOf({ ...row, lastUsedAt: opts.now }) };
}

/**
 * A token and its identity, read in one statement: every CLI request reads it (through the query
 * builder's `include` it was two queries and three times the CPU; docs/BENCHMARKS.md "Issuance
 * under load").
 */
type CliTokenUserRow = Omit<IdentityRow, "id"> & {
  id: string;
  userId: string;
  deviceName: string;
  clientAddress: string | null;
  method: string;
  mfaAuthenticated: boolean;
  sessionTagsJson: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  lastUsedAddress: string | null;
  revokedAt: Date | null;
};

/**
 * Live (unrevoked, unexpired) tokens of the given identities, newest first (a person's own page;
 * the admin list is admin-cli-sessions.ts).
 */
export async function findLiveCliTokens(
  db: Db,
  owners: { userIds: string[] },
  now: Date,
): Promise<CliTokenView[]> {
  const rows = await db.cliToken.findMany({
    where: { revokedAt: null, expiresAt: { gt: now }, userId: { in: owners.userIds } },
    include: { user: true },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: 1000,
  });
  return rows.map(cliTokenViewOf);
}

export function cliTokenViewOf(row: {
  id: string;
  deviceName: string;
  clientAddress: string | null;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  lastUsedAddress: string | null;
  mfaAuthenticated: boolean;
  userId: string;
  user: { email: string | null; displayName: string | null; subject: string };
}): CliTokenView {
  return {
    id: row.id,
    deviceName: row.deviceName,
    clientAddress: row.clientAddress,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    lastUsedAddress: row.lastUsedAddress,
    mfaAuthenticated: row.mfaAuthenticated,
    owner: {
      userId: row.userId,
      email: row.user.email,
      displayName: row.user.displayName,
      subject: row.user.subject,
    },
  };
}
