import "server-only";
import type { Db } from "@/lib/db/client";

/**
 * Entity IDs are compared exactly at sign-in, so `https://idp.example/` and `https://IdP.example`
 * are two IdPs to the database. Registered side by side they are nearly always the same IdP added
 * twice: its users would split into two sets of users with separate access, depending on which
 * entry the IdP's metadata happens to match. So a new or changed entity ID must differ from every
 * other IdP's by more than letter case and trailing slashes.
 */
function comparable(entityId: string): string {
  return entityId.trim().toLowerCase().replace(/\/+$/, "");
}

/** Why `entityId` can't be used (another IdP has it, or nearly), or null when it can. */
export async function entityIdClash(
  db: Db,
  entityId: string,
  exceptId?: string,
): Promise<string | null> {
  const others = await db.samlIdentityProvider.findMany({
    where: exceptId ? { id: { not: exceptId } } : {},
    select: { slug: true, displayName: true, entityId: true },
  });
  const other = others.find((o) => comparable(o.entityId) === comparable(entityId));
  if (!other) return null;
  const shown = `${other.displayName} (${other.slug})`;
  return other.entityId === entityId
    ? `The identity provider ${shown} already has the entity ID ${entityId.slice(0, 200)}.`
    : `The identity provider ${shown} already has the entity ID ${other.entityId.slice(0, 200)}, which differs from ${entityId.slice(0, 200)} only by letter case or a trailing slash: it is most likely the same IdP. Edit that one instead.`;
}
