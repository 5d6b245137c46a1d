import "server-only";
import { actorOf } from "@/lib/audit/actor";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import type { SignedInUser } from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";

/**
 * Revokes a token: its next use is refused. The owner (any identity of the same person) may revoke
 * their own, an admin anyone's; for anyone else the token does not exist. Audited with the change;
 * a refusal is audited too (a signed-in person's refusals are attributable, docs/SECURITY.md).
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
    await writeAuditEvent(db, {
      action: "cli.token-revoked",
      outcome: "denied",
      actor: actorOf(request.by),
      meta: row ? { ...request.meta, cliTokenId: row.id } : request.meta,
      details: row
        ? {
            deviceName: row.deviceName,
            owner: row.user.email ?? row.user.subject,
            reason: "another person's CLI session, and not an administrator",
          }
        : { tokenId: request.tokenId, reason: "no such CLI session" },
    });
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
