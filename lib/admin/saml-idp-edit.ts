import "server-only";
import { currentTime } from "@/lib/clock";
import { z } from "zod";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { fetchIdpMetadata } from "@/lib/saml/fetch-idp-metadata";
import { MetadataError, parseIdpMetadata } from "@/lib/saml/idp-metadata";
import { transientOnlyProblem } from "@/lib/saml/saml-attributes";
import { certificatesOf, describeCertificate, fingerprintsOf } from "@/lib/saml/certificate-info";
import { entityIdClash } from "./saml-idp-entity-ids";
import { entityIdChangeLockout } from "./saml-idp-trust";
import { getConfig } from "@/lib/config";
import { fieldErrorsOf, invalid, type AdminResult, type FieldErrors } from "./admin-result";
import * as field from "./saml-idp-fields";

/**
 * Editing a SAML IdP after it was added (docs/SAML-IDENTITY.md "Editing an IdP"). The model has
 * no version column: its updatedAt, in milliseconds, is the version a form was loaded at, and
 * every change moves it forward, so a stale form never overwrites someone else's change. Every
 * change is audited as admin.saml-idp.updated with before/after, certificates by fingerprint.
 * The slug is fixed (it is in the IdP's login and ACS URLs); trust and enabled have their own
 * guarded actions (saml-idp-trust.ts, saml-idp-enabled.ts).
 */

export type IdpEditResult = AdminResult;
export type SamlIdpRow = NonNullable<Awaited<ReturnType<Db["samlIdentityProvider"]["findUnique"]>>>;

export function versionOf(row: { updatedAt: Date }): number {
  return row.updatedAt.getTime();
}

const optionalAttribute = (what: string) =>
  field.attributeName(what).transform((v) => (v === "" ? null : v));
const optionalHttpUrl = z.union([z.literal("").transform(() => null), field.httpUrl]);

export const samlIdpSettingsInput = z.object({
  displayName: field.displayName,
  entityId: field.entityId,
  ssoUrl: field.httpUrl,
  /** The IdP's HTTP-Redirect SingleLogoutService; empty: no single logout (docs/SINGLE-LOGOUT.md). */
  sloUrl: optionalHttpUrl,
  groupsAttribute: field.groupsAttribute,
  userKeyAttribute: optionalAttribute("user-key attribute"),
  emailAttribute: optionalAttribute("email attribute"),
  displayNameAttribute: optionalAttribute("display-name attribute"),
  allowIdpInitiated: z.boolean(),
  requireSignedResponse: z.boolean(),
  awsAppUrl: optionalHttpUrl,
  metadataUrl: z.union([z.literal("").transform(() => null), field.metadataUrl]),
});
export type SamlIdpSettingsInput = z.input<typeof samlIdpSettingsInput>;

/** What the edit page shows and the audit records (certificates by fingerprint only). */
function auditView(row: SamlIdpRow) {
  return {
    displayName: row.displayName,
    entityId: row.entityId,
    ssoUrl: row.ssoUrl,
    sloUrl: row.sloUrl,
    groupsAttribute: row.groupsAttribute,
    userKeyAttribute: row.userKeyAttribute,
    emailAttribute: row.emailAttribute,
    displayNameAttribute: row.displayNameAttribute,
    allowIdpInitiated: row.allowIdpInitiated,
    requireSignedResponse: row.requireSignedResponse,
    awsAppUrl: row.awsAppUrl,
    metadataUrl: row.metadataUrl,
    certificates: fingerprintsOf(row.certificatesJson),
  };
}

/** The IdP as its edit page shows it, or null when there is no such IdP. */
export async function findSamlIdpForEdit(db: Db, id: string, now = currentTime()) {
  const row = await db.samlIdentityProvider.findUnique({ where: { id } });
  if (!row) return null;
  return {
    id: row.id,
    slug: row.slug,
    version: versionOf(row),
    enabled: row.enabled,
    trustedForPrivileges: row.trustedForPrivileges,
    ...auditView(row),
    certificates: certificatesOf(row.certificatesJson).map((pem) => describeCertificate(pem, now)),
  };
}

type Change =
  | {
      data: Partial<Omit<SamlIdpRow, "id" | "slug" | "createdAt" | "updatedAt">>;
      warnings: string[];
    }
  | { errors: FieldErrors };

const NOT_FOUND: IdpEditResult = {
  ok: false,
  reason: "not_found",
  errors: { form: "This identity provider no longer exists: someone deleted it." },
};
const CONFLICT: IdpEditResult = {
  ok: false,
  reason: "conflict",
  errors: {
    form: "This identity provider was changed since you opened this page (by you in another form, or by someone else); reload to see the change. Nothing was saved.",
  },
};

/**
 * Applies `compute`'s change to the IdP if it is still at `version`, and audits it in the same
 * transaction: a change is never without its record (if the audit write fails, the change rolls
 * back). The new updatedAt is always later than the old one, so two saves in one millisecond still
 * move the version.
 */
export async function changeSamlIdp(
  db: Db,
  id: string,
  version: number,
  actor: AuditActor,
  meta: RequestMeta,
  change: string,
  compute: (before: SamlIdpRow) => Change,
): Promise<IdpEditResult> {
  try {
    return await db.$transaction(async (tx) => {
      const before = await tx.samlIdentityProvider.findUnique({ where: { id } });
      if (!before) return NOT_FOUND;
      if (versionOf(before) !== version) return CONFLICT;
      const computed = compute(before);
      if ("errors" in computed) return invalid(computed.errors);
      const updatedAt = new Date(Math.max(Date.now(), versionOf(before) + 1));
      const { count } = await tx.samlIdentityProvider.updateMany({
        where: { id, updatedAt: before.updatedAt },
        data: { ...computed.data, updatedAt },
      });
      if (count === 0) return CONFLICT;
      const after = await tx.samlIdentityProvider.findUniqueOrThrow({ where: { id } });
      await writeAuditEvent(tx, {
        action: "admin.saml-idp.updated",
        outcome: "success",
        actor,
        meta,
        details: { idp: before.slug, change, before: auditView(before), after: auditView(after) },
      });
      return { ok: true, id, version: versionOf(after), warnings: computed.warnings };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      return invalid({ entityId: "Another identity provider already has this entity ID." });
    throw error;
  }
}

/**
 * Whether the IdP's metadata (at `url`) offers only transient NameIDs while no user-key attribute
 * is set: refused like at import. When the metadata can't be read, the save goes ahead with a
 * warning: the ACS refuses a transient NameID without a user-key attribute anyway.
 */
async function checkNameIdFormats(
  url: string,
  entityId: string,
  userKeyAttribute: string | null,
): Promise<{ error: string | null; warning: string | null }> {
  try {
    const formats = parseIdpMetadata(await fetchIdpMetadata(url), { entityId }).nameIdFormats;
    return { error: transientOnlyProblem(formats, userKeyAttribute), warning: null };
  } catch (error) {
    if (!(error instanceof MetadataError)) throw error;
    return {
      error: null,
      warning: `The metadata URL could not be read to check its NameID formats (${error.message}) Sign-ins with a transient NameID are refused while no user-key attribute is set.`,
    };
  }
}

/**
 * Saves the IdP's settings (every field but the slug, trust, enabled and certificates). Invalid
 * input is refused with every issue by field. Clearing the user-key attribute (or changing the
 * metadata URL without one) re-checks the metadata's NameID formats.
 */
export async function updateSamlIdpSettings(
  db: Db,
  id: string,
  version: number,
  raw: SamlIdpSettingsInput,
  actor: AuditActor,
  meta: RequestMeta,
  opts: { oidcTrusted: boolean } = { oidcTrusted: getConfig().oidc?.trustedForPrivileges === true },
): Promise<IdpEditResult> {
  const parsed = samlIdpSettingsInput.safeParse(raw);
  if (!parsed.success) return invalid(fieldErrorsOf(parsed.error));
  const input = parsed.data;
  const current = await db.samlIdentityProvider.findUnique({ where: { id } });
  if (!current) return NOT_FOUND;
  const clash = await entityIdClash(db, input.entityId, id);
  if (clash) return invalid({ entityId: clash });
  const lockout = await entityIdChangeLockout(db, current, input.entityId, opts);
  if (lockout) {
    await writeAuditEvent(db, {
      action: "admin.saml-idp.updated",
      outcome: "denied",
      actor,
      meta,
      details: {
        idp: current.slug,
        reason: "last privileged IdP",
        requested: { entityId: input.entityId },
      },
    });
    return invalid({ entityId: lockout });
  }
  const warnings: string[] = [];
  const recheck =
    input.userKeyAttribute === null &&
    input.metadataUrl !== null &&
    (current.userKeyAttribute !== null || current.metadataUrl !== input.metadataUrl);
  if (recheck && input.metadataUrl) {
    const checked = await checkNameIdFormats(
      input.metadataUrl,
      input.entityId,
      input.userKeyAttribute,
    );
    if (checked.error) return invalid({ userKeyAttribute: checked.error });
    if (checked.warning) warnings.push(checked.warning);
  }
  return changeSamlIdp(db, id, version, actor, meta, "settings", () => ({
    data: input,
    warnings,
  }));
}
