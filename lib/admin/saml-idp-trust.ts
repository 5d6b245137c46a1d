import "server-only";
import type { AuditActor } from "@/lib/audit/write-audit-event";
import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { serializableTransaction } from "@/lib/db/serializable-transaction";
import type { RequestMeta } from "@/lib/request-meta";
import { auditSamlIdpUpdate, SAML_IDP_NOT_FOUND } from "./saml-idp-update-audit";

/** Whether no other enabled SAML IdP's groups can make an administrator. */
export async function isLastPrivilegedIdp(
  tx: Pick<Db, "samlIdentityProvider">,
  id: string,
): Promise<boolean> {
  const others = await tx.samlIdentityProvider.count({
    where: { enabled: true, trustedForPrivileges: true, id: { not: id } },
  });
  return others === 0;
}

export const lastPrivilegedIdpMessage = (displayName: string, doing: string) =>
  `${displayName} is the only identity provider whose groups can make an administrator: ${doing} would leave nobody able to administer Gatehouse. Trust another identity provider first.`;

export type SetTrustResult =
  { ok: true } | { ok: false; reason: "not_found" | "last_privileged_idp"; message: string };

/**
 * Marks whether an IdP's groups may make someone an administrator or auditor, audited with
 * before/after. Refused when it would leave no IdP whose groups can make an administrator (then
 * nobody could ever change this again): the configured OIDC IdP if trusted, or another trusted,
 * enabled SAML IdP must remain.
 */
export async function setSamlIdpTrust(
  db: Db,
  id: string,
  trusted: boolean,
  actor: AuditActor,
  meta: RequestMeta,
  opts: { oidcTrusted: boolean } = { oidcTrusted: getConfig().oidc?.trustedForPrivileges === true },
): Promise<SetTrustResult> {
  return serializableTransaction(db, async (tx) => {
    const before = await tx.samlIdentityProvider.findUnique({ where: { id } });
    if (!before) return SAML_IDP_NOT_FOUND;
    if (
      !trusted &&
      before.trustedForPrivileges &&
      !opts.oidcTrusted &&
      (await isLastPrivilegedIdp(tx, id))
    ) {
      const message = lastPrivilegedIdpMessage(before.displayName, "no longer trusting it");
      await auditSamlIdpUpdate(tx, "denied", actor, meta, {
        idp: before.slug,
        reason: "last privileged IdP",
        requested: { trustedForPrivileges: trusted },
      });
      return { ok: false, reason: "last_privileged_idp", message } as const;
    }
    await tx.samlIdentityProvider.update({
      where: { id },
      data: { trustedForPrivileges: trusted },
    });
    await auditSamlIdpUpdate(tx, "success", actor, meta, {
      idp: before.slug,
      before: { trustedForPrivileges: before.trustedForPrivileges },
      after: { trustedForPrivileges: trusted },
    });
    return { ok: true } as const;
  });
}

/**
 * Why the entity ID of `idp` can't change to `entityId`, or null. Identities are stored under
 * their IdP's entity ID, and privileges count only from an IdP that has it (docs/SECURITY.md
 * "Trust per IdP"): changing the last trusted IdP's entity ID would make every administrator it
 * signed in unprivileged at once, and a wrong one would leave nobody able to become one again.
 */
export async function entityIdChangeLockout(
  db: Pick<Db, "samlIdentityProvider">,
  idp: {
    id: string;
    displayName: string;
    entityId: string;
    enabled: boolean;
    trustedForPrivileges: boolean;
  },
  entityId: string,
  opts: { oidcTrusted: boolean },
): Promise<string | null> {
  if (entityId === idp.entityId || !idp.enabled || !idp.trustedForPrivileges || opts.oidcTrusted)
    return null;
  if (!(await isLastPrivilegedIdp(db, idp.id))) return null;
  return `${idp.displayName} is the only identity provider whose groups can make an administrator: changing its entity ID would take every administrator's rights away at once, and a wrong one would leave nobody able to administer Gatehouse. Add the IdP again under its new entity ID, trust it and sign in through it, then disable this one.`;
}
