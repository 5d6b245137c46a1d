import "server-only";
import type { AuditActor } from "@/lib/audit/write-audit-event";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { serializableTransaction } from "@/lib/db/serializable-transaction";
import type { RequestMeta } from "@/lib/request-meta";
import { endSignInsThrough } from "./saml-idp-sign-ins";
import { isLastPrivilegedIdp, lastPrivilegedIdpMessage } from "./saml-idp-trust";
import { auditSamlIdpUpdate, SAML_IDP_NOT_FOUND } from "./saml-idp-update-audit";

export type SetSamlIdpEnabledResult =
  | { ok: true }
  | {
      ok: false;
      reason: "not_found" | "last_sign_in_method" | "last_privileged_idp";
      message: string;
    };

/**
 * Enables or disables an IdP (disabled IdPs can't be used to sign in, and disabling ends the
 * sign-ins made through it: endSignInsThrough), audited with before/after.
 * Lockout guards (docs/SECURITY.md "Trust per IdP"): disabling the last enabled SAML IdP while
 * OIDC sign-in is not configured would leave no way for anyone to sign in, and disabling the last
 * enabled IdP trusted for privileges while the OIDC IdP isn't would leave nobody able to become an
 * administrator; both are refused and audited as denied. The counts run in a serializable
 * transaction, so two admins disabling the last two IdPs at once can't both succeed.
 */
export async function setSamlIdpEnabled(
  db: Db,
  id: string,
  enabled: boolean,
  actor: AuditActor,
  meta: RequestMeta,
  opts: { oidcConfigured: boolean; oidcTrusted?: boolean } = {
    oidcConfigured: getConfig().oidc !== undefined,
    oidcTrusted: getConfig().oidc?.trustedForPrivileges === true,
  },
  now: Date = currentTime(),
): Promise<SetSamlIdpEnabledResult> {
  const oidcTrusted = opts.oidcTrusted ?? opts.oidcConfigured;
  return serializableTransaction(db, async (tx) => {
    const before = await tx.samlIdentityProvider.findUnique({ where: { id } });
    if (!before) return SAML_IDP_NOT_FOUND;
    const refuse = async (
      reason: "last_sign_in_method" | "last_privileged_idp",
      why: string,
      message: string,
    ) => {
      await auditSamlIdpUpdate(tx, "denied", actor, meta, {
        idp: before.slug,
        reason: why,
        requested: { enabled },
      });
      return { ok: false, reason, message } as const;
    };
    if (!enabled && before.enabled && !opts.oidcConfigured) {
      const othersEnabled = await tx.samlIdentityProvider.count({
        where: { enabled: true, id: { not: id } },
      });
      if (othersEnabled === 0)
        return refuse(
          "last_sign_in_method",
          "last sign-in method",
          `${before.displayName} is the only way to sign in (OIDC is not configured): disabling it would lock everyone out, administrators included. Add or enable another identity provider first.`,
        );
    }
    if (
      !enabled &&
      before.enabled &&
      before.trustedForPrivileges &&
      !oidcTrusted &&
      (await isLastPrivilegedIdp(tx, id))
    )
      return refuse(
        "last_privileged_idp",
        "last privileged IdP",
        lastPrivilegedIdpMessage(before.displayName, "disabling it"),
      );
    await tx.samlIdentityProvider.update({ where: { id }, data: { enabled } });
    const ended = !enabled && before.enabled ? await endSignInsThrough(tx, before, now) : {};
    await auditSamlIdpUpdate(tx, "success", actor, meta, {
      idp: before.slug,
      before: { enabled: before.enabled },
      after: { enabled },
      ...ended,
    });
    return { ok: true } as const;
  });
}
