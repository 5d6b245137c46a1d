import "server-only";
import { z } from "zod";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { fieldErrorsOf } from "@/lib/admin/admin-result";
import * as field from "./saml-idp-fields";
import { fetchIdpMetadata } from "@/lib/saml/fetch-idp-metadata";
import { MetadataError, parseIdpMetadata } from "@/lib/saml/idp-metadata";
import { MAX_METADATA_BYTES, METADATA_TOO_LARGE } from "@/lib/saml/metadata-limits";
import { transientOnlyProblem } from "@/lib/saml/saml-attributes";
import { certificateWarnings, fingerprintsOf } from "@/lib/saml/certificate-info";
import { entityIdClash } from "./saml-idp-entity-ids";

// A blank optional field is an absent one (the add form and saml:import may send "").
const blankAsAbsent = <T extends z.ZodType<string, string>>(rule: T) =>
  z
    .string()
    .optional()
    .transform((v) => (v?.trim() === "" ? undefined : v))
    .pipe(rule.optional());

/** The add form's fields, by the rules the edit form applies (saml-idp-fields.ts). */
export const samlIdpInput = z.object({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes, e.g. okta"),
  displayName: field.displayName,
  metadataUrl: blankAsAbsent(field.metadataUrl),
  metadataXml: z.string().max(MAX_METADATA_BYTES, METADATA_TOO_LARGE).optional(),
  groupsAttribute: field.groupsAttribute.default("groups"),
  userKeyAttribute: blankAsAbsent(field.attributeName("user-key attribute")),
  emailAttribute: blankAsAbsent(field.attributeName("email attribute")),
  displayNameAttribute: blankAsAbsent(field.attributeName("display-name attribute")),
  allowIdpInitiated: z.boolean().default(false),
  requireSignedResponse: z.boolean().default(false),
  /** Its groups may make someone an admin or auditor (docs/SECURITY.md "Trust per IdP"). */
  trustedForPrivileges: z.boolean().default(false),
  /** IdP-initiated link of the IdP's AWS app (for roles assumed with SAML). */
  awsAppUrl: blankAsAbsent(field.httpUrl),
});
export type SamlIdpInput = z.input<typeof samlIdpInput>;

const NO_METADATA = "Give the metadata URL, or paste or upload the metadata XML.";
// Only one can be the IdP's metadata: taking either silently would leave the other's reader
// believing theirs was used (a stored URL is what "Refresh from metadata URL" reads later).
export const BOTH_METADATA =
  "Give the metadata XML (pasted or uploaded) or its URL, not both: clear the metadata URL, or the XML.";
const SLUG_TAKEN = "Another identity provider already has this short name.";

export type CreateResult =
  | { ok: true; id: string; entityId: string; warnings: string[] }
  | { ok: false; errors: Record<string, string> };

/**
 * Adds a SAML IdP from its metadata (URL, or XML pasted/uploaded). The change and its audit record
 * are written in one transaction (docs/INVARIANTS.md invariant 2: admin changes carry before/after).
 * The caller must already have checked that the actor is an admin.
 */
export async function createSamlIdp(
  db: Db,
  raw: SamlIdpInput,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<CreateResult> {
  const parsed = samlIdpInput.safeParse(raw);
  const hasMetadata = !!raw.metadataXml?.trim() || !!raw.metadataUrl?.trim();
  const bothMetadata = !!raw.metadataXml?.trim() && !!raw.metadataUrl?.trim();
  const metadataProblem: Record<string, string> = !hasMetadata
    ? { metadata: NO_METADATA }
    : bothMetadata
      ? { metadata: BOTH_METADATA }
      : {};
  if (!parsed.success || bothMetadata) {
    const fieldErrors = parsed.success ? {} : fieldErrorsOf(parsed.error);
    return { ok: false, errors: { ...fieldErrors, ...metadataProblem } };
  }
  const input = parsed.data;
  let xml = input.metadataXml?.trim() ?? "";
  try {
    if (xml === "" && input.metadataUrl) xml = await fetchIdpMetadata(input.metadataUrl);
    if (xml === "") return { ok: false, errors: { metadata: NO_METADATA } };
    const parsedMetadata = parseIdpMetadata(xml);
    // Held to the edit form's rules, so what is added can be edited (saml-idp-fields.ts).
    const checked = field.checkMetadataValues(parsedMetadata);
    if (!checked.ok) return { ok: false, errors: { metadata: checked.problems.join(" ") } };
    const metadata = { ...parsedMetadata, ...checked.values };
    // A transient-only IdP would make a new user at every sign-in (docs/SAML-IDENTITY.md).
    const transient = transientOnlyProblem(metadata.nameIdFormats, input.userKeyAttribute);
    if (transient) return { ok: false, errors: { userKeyAttribute: transient } };
    const clash = await entityIdClash(db, metadata.entityId);
    if (clash) return { ok: false, errors: { metadata: clash } };
    if (
      await db.samlIdentityProvider.findUnique({
        where: { slug: input.slug },
        select: { id: true },
      })
    )
      return { ok: false, errors: { slug: SLUG_TAKEN } };
    const data = {
      slug: input.slug,
      displayName: input.displayName,
      entityId: metadata.entityId,
      ssoUrl: metadata.ssoUrl,
      sloUrl: metadata.sloUrl,
      certificatesJson: JSON.stringify(metadata.signingCertificates),
      groupsAttribute: input.groupsAttribute,
      userKeyAttribute: input.userKeyAttribute ?? null,
      // None configured: the common names are tried (lib/saml/saml-attributes.ts).
      emailAttribute: input.emailAttribute ?? null,
      displayNameAttribute: input.displayNameAttribute ?? null,
      allowIdpInitiated: input.allowIdpInitiated,
      requireSignedResponse: input.requireSignedResponse,
      trustedForPrivileges: input.trustedForPrivileges,
      // Pasted or uploaded metadata has no URL to refresh from (both are refused above).
      metadataUrl: input.metadataUrl || null,
      awsAppUrl: input.awsAppUrl ?? null,
    };
    const { certificatesJson, ...settings } = data;
    const created = await db.$transaction(async (tx) => {
      const row = await tx.samlIdentityProvider.create({ data });
      await writeAuditEvent(tx, {
        action: "admin.saml-idp.created",
        outcome: "success",
        actor,
        meta,
        details: {
          idp: row.slug,
          before: null,
          // Certificates by fingerprint, as an edit records them (saml-idp-edit.ts).
          after: {
            ...settings,
            certificates: fingerprintsOf(certificatesJson),
          },
        },
      });
      return row;
    });
    return {
      ok: true,
      id: created.id,
      entityId: created.entityId,
      warnings: certificateWarnings(metadata.signingCertificates),
    };
  } catch (error) {
    if (error instanceof MetadataError) return { ok: false, errors: { metadata: error.message } };
    if (isUniqueViolation(error))
      return {
        ok: false,
        // Added by someone else between the checks above and this insert.
        errors: { slug: "An identity provider with this short name or entityID already exists." },
      };
    throw error;
  }
}
