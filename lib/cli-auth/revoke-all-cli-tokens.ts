import "server-only";
import type { SignedInUser } from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { revokeTokenRow } from "./revoke-cli-token";

/**
 * Revokes every live CLI token of the signed-in person (all their identities): "Revoke all" on
 * CLI sessions, for a lost laptop or a code approved by mistake. Each token gets its own
 * `cli.token-revoked` event, written in the transaction that revokes it; the next use of any of
 * them is refused.
 * @returns how many were revoked (0 when none was live)
 */
export async function revokeAllOwnCliTokens(
  db: Db,
  request: { by: SignedInUser; ownerUserIds: string[]; meta: RequestMeta },
  now: Date,
): Promise<number> {
  return db.$transaction(async (tx) => {
    const live = await tx.cliToken.findMany({
      where: { userId: { in: request.ownerUserIds }, revokedAt: null, expiresAt: { gt: now } },
      include: { user: true },
      orderBy: { id: "asc" },
    });
    // Every row before the audit chain's head (each event takes it): an issuance with one of
    // these tokens takes its row, then the chain (lib/issuance/issuance-audit.ts), so taking them
    // in the other order could deadlock with it.
    await tx.cliToken.updateMany({
      where: { id: { in: live.map((row) => row.id) }, revokedAt: null },
      data: { revokedAt: null },
    });
    let revoked = 0;
    for (const row of live) {
      const how = { by: request.by, meta: request.meta, isOwner: true, all: true };
      if (await revokeTokenRow(tx, row, how, now)) revoked++;
    }
    return revoked;
  });
}
