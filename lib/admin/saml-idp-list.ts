import "server-only";
import type { Db } from "@/lib/db/client";
import { certificatesOf } from "@/lib/saml/certificate-info";

/** The list page's rows, by display name. */
export async function findSamlIdpsForAdmin(db: Db) {
  const rows = await db.samlIdentityProvider.findMany({ orderBy: { displayName: "asc" } });
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    displayName: r.displayName,
    entityId: r.entityId,
    ssoUrl: r.ssoUrl,
    // Tolerant: a row edited by hand must not take the whole list page down.
    certificateCount: certificatesOf(r.certificatesJson).length,
    groupsAttribute: r.groupsAttribute,
    userKeyAttribute: r.userKeyAttribute,
    allowIdpInitiated: r.allowIdpInitiated,
    requireSignedResponse: r.requireSignedResponse,
    trustedForPrivileges: r.trustedForPrivileges,
    enabled: r.enabled,
  }));
}
