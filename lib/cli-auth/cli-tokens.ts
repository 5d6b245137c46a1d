import "server-only";
import { actorOf } from "@/lib/audit/actor";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import {
  signedInUserOf,
  type PrivilegeSettings,
  type SignedInUser,
} from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { parseGroupsJson, type IdentityRow } from "@/lib/users/upsert-signed-in-user";
import { isCliTokenShaped, newCliToken, secretHash } from "./codes";

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

/**
 * Exchanges an approved device code for a token, once: the code moves from approved to exchanged
 * in the same transaction that creates the token and writes its audit event. The token carries the
 * approving browser sign-in's MFA evidence and session tags, and lives at most `ttlSeconds`.
 * @returns null when the code was exchanged meanwhile or its approving session has ended since.
 */
export async function exchangeApprovedDeviceCode(
  db: Db,
  approved: {
    id: string;
    deviceName: string;
    clientAddress: string | null;
    decidedBySessionId: string;
  },
  opts: { ttlSeconds: number; meta: RequestMeta; now: Date },
): Promise<IssuedCliToken | null> {
  const session = await db.portalSession.findUnique({
    where: { id: approved.decidedBySessionId },
    include: { user: true },
  });
  if (!session || session.revokedAt !== null || session.expiresAt <= opts.now) return null;
  const token = newCliToken();
  const expiresAt = new Date(opts.now.getTime() + opts.ttlSeconds * 1000);
  return db.$transaction(async (tx) => {
    const moved = await tx.deviceAuthorization.updateMany({
      where: { id: approved.id, status: "approved" },
      data: { status: "exchanged" },
    });
    if (moved.count !== 1) return null;
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
      token,
      tokenId: row.id,
      expiresAt,
      user: {
        email: session.user.email,
        displayName: session.user.displayName,
        subject: session.user.subject,
      },
    };
  });
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
           u."displayName", u."groupsJson", u."roleSessionName"
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
  return { user, token: viewOf({ ...row, lastUsedAt: opts.now }) };
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

/** Live (unrevoked, unexpired) tokens of the given identities, or of everyone; newest first. */
export async function findLiveCliTokens(
  db: Db,
  owners: { userIds: string[] } | "everyone",
  now: Date,
): Promise<CliTokenView[]> {
  const rows = await db.cliToken.findMany({
    where: {
      revokedAt: null,
      expiresAt: { gt: now },
      ...(owners === "everyone" ? {} : { userId: { in: owners.userIds } }),
    },
    include: { user: true },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: 1000,
  });
  return rows.map(viewOf);
}

/**
 * Revokes a token: its next use is refused. The owner (any identity of the same person) may revoke
 * their own, an admin anyone's; for anyone else the token does not exist. Audited with the change.
 * @throws AppError not_found
 */
export async function revokeCliToken(
  db: Db,
  request: { tokenId: string; by: SignedInUser; ownerUserIds: string[]; meta: RequestMeta },
  now: Date,
): Promise<void> {
  const row = await db.cliToken.findUnique({
    where: { id: request.tokenId },
    include: { user: true },
  });
  const isOwner = row !== null && request.ownerUserIds.includes(row.userId);
  if (!row || (!isOwner && !request.by.isAdmin)) {
    throw new AppError("not_found", "No such CLI session.");
  }
  // Already revoked: idempotent.
  await db.$transaction((tx) =>
    revokeTokenRow(tx, row, { by: request.by, meta: request.meta, isOwner }, now),
  );
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Revokes one token inside `tx`, with its `cli.token-revoked` event in the same transaction
 * (`all`: one of a "Revoke all"). False when it was revoked already.
 */
export async function revokeTokenRow(
  tx: Tx,
  row: { id: string; deviceName: string; user: { email: string | null; subject: string } },
  how: { by: SignedInUser; meta: RequestMeta; isOwner: boolean; all?: boolean },
  now: Date,
): Promise<boolean> {
  const changed = await tx.cliToken.updateMany({
    where: { id: row.id, revokedAt: null },
    data: { revokedAt: now, revokedBy: how.isOwner ? "owner" : `admin:${how.by.id}` },
  });
  if (changed.count === 0) return false;
  await writeAuditEvent(tx, {
    action: "cli.token-revoked",
    outcome: "success",
    actor: actorOf(how.by),
    meta: { ...how.meta, cliTokenId: row.id },
    details: {
      deviceName: row.deviceName,
      owner: row.user.email ?? row.user.subject,
      by: how.isOwner ? "owner" : "admin",
      ...(how.all ? { all: true } : {}),
    },
  });
  return true;
}

/** The CLI's logout: the token revokes itself. */
export async function revokeOwnCliToken(
  db: Db,
  request: { tokenId: string; user: SignedInUser; meta: RequestMeta },
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const changed = await tx.cliToken.updateMany({
      where: { id: request.tokenId, revokedAt: null },
      data: { revokedAt: now, revokedBy: "logout" },
    });
    if (changed.count === 0) return;
    await writeAuditEvent(tx, {
      action: "cli.token-revoked",
      outcome: "success",
      actor: actorOf(request.user),
      meta: request.meta,
      details: { by: "logout" },
    });
  });
}

function viewOf(row: {
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
