import "server-only";
import type { Db } from "@/lib/db/client";

/**
 * Disabling an IdP is how an admin cuts it off (a compromised or retired IdP): the people signed
 * in through it lose their portal sessions and CLI tokens at once, not when those expire hours
 * later. Their identities and history stay; credentials already issued at AWS live on until they
 * expire (README "Revoking a person"). Counts go into the audit record.
 *
 * Its people are its identities under the entity ID it has now and under any it had before: an
 * identity is keyed by the entity ID it signed in under (docs/SAML-IDENTITY.md), so after an
 * entity ID change its earlier people are found by their sessions' IdP (PortalSession.samlIdpId).
 */
export async function endSignInsThrough(
  tx: Pick<Db, "user" | "portalSession" | "cliToken">,
  idp: { id: string; entityId: string },
  now: Date,
): Promise<{ portalSessionsEnded: number; cliTokensRevoked: number }> {
  const users = await tx.user.findMany({
    where: { OR: [{ issuer: idp.entityId }, { sessions: { some: { samlIdpId: idp.id } } }] },
    select: { id: true },
  });
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
