import "server-only";
import type { Db } from "@/lib/db/client";

/**
 * Disabling an IdP is how an admin cuts it off (a compromised or retired IdP): the people signed
 * in through it lose their portal sessions and CLI tokens at once, not when those expire hours
 * later. Their identities and history stay; credentials already issued at AWS live on until they
 * expire (README "Revoking a person"). Counts go into the audit record.
 */
export async function endSignInsThrough(
  tx: Pick<Db, "user" | "portalSession" | "cliToken">,
  entityId: string,
  now: Date,
): Promise<{ portalSessionsEnded: number; cliTokensRevoked: number }> {
  const users = await tx.user.findMany({ where: { issuer: entityId }, select: { id: true } });
  const userId = { in: users.map((u) => u.id) };
  const sessions = await tx.portalSession.updateMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    data: { revokedAt: now, oidcIdTokenSealed: null },
  });
  const tokens = await tx.cliToken.updateMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    data: { revokedAt: now, revokedBy: "idp-disabled" },
  });
  return { portalSessionsEnded: sessions.count, cliTokensRevoked: tokens.count };
}
