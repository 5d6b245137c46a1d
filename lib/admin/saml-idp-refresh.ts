import "server-only";
import { currentTime } from "@/lib/clock";
import { createHash } from "node:crypto";
import type { AuditActor } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import {
  certificatesOf,
  describeCertificate,
  type CertificateInfo,
} from "@/lib/saml/certificate-info";
import { fetchIdpMetadata } from "@/lib/saml/fetch-idp-metadata";
import { MetadataError, parseIdpMetadata } from "@/lib/saml/idp-metadata";
import { transientOnlyProblem } from "@/lib/saml/saml-attributes";
import { changeSamlIdp, versionOf, type IdpEditResult } from "./saml-idp-edit";
import { checkMetadataValues } from "./saml-idp-fields";

/**
 * "Refresh from metadata URL": fetch the IdP's metadata again and replace its SSO URL, single
 * logout URL and signing certificates — shown first, applied only as shown. The preview carries a hash of what it
 * showed; applying fetches again and refuses if the metadata now says something else, so the
 * admin never applies a change they did not see.
 */

export interface MetadataRefreshPreview {
  metadataUrl: string;
  ssoUrl: { before: string; after: string };
  sloUrl: { before: string | null; after: string | null };
  added: CertificateInfo[];
  removed: CertificateInfo[];
  kept: CertificateInfo[];
  hasChanges: boolean;
  /** Binds "apply" to exactly this preview. */
  hash: string;
  /** The IdP's version the preview was made at. */
  version: number;
}

export type PreviewResult =
  { ok: true; preview: MetadataRefreshPreview } | { ok: false; error: string };

type Row = {
  id: string;
  entityId: string;
  ssoUrl: string;
  sloUrl: string | null;
  certificatesJson: string;
};
type Fresh = { ssoUrl: string; sloUrl: string | null; certificates: string[]; hash: string };

async function readFresh(
  row: Row & { metadataUrl: string | null; userKeyAttribute: string | null },
): Promise<{ ok: true; fresh: Fresh } | { ok: false; error: string }> {
  if (!row.metadataUrl)
    return {
      ok: false,
      error:
        "This identity provider has no metadata URL (its metadata was pasted or uploaded): set one in the settings above, or add and remove certificates by hand.",
    };
  try {
    const parsed = parseIdpMetadata(await fetchIdpMetadata(row.metadataUrl), {
      entityId: row.entityId,
    });
    // The edit form's rules hold for what a refresh would store, too (saml-idp-fields.ts).
    const checked = checkMetadataValues(parsed);
    if (!checked.ok)
      return { ok: false, error: `${checked.problems.join(" ")} Nothing was changed.` };
    const metadata = { ...parsed, ...checked.values };
    if (metadata.entityId !== row.entityId)
      return {
        ok: false,
        error: `The metadata at this URL is for another entity ID (${metadata.entityId.slice(0, 200)}), not ${row.entityId}. Nothing was changed.`,
      };
    const transient = transientOnlyProblem(metadata.nameIdFormats, row.userKeyAttribute);
    if (transient) return { ok: false, error: transient };
    const hash = createHash("sha256")
      .update(JSON.stringify([metadata.ssoUrl, metadata.sloUrl, metadata.signingCertificates]))
      .digest("hex");
    return {
      ok: true,
      fresh: {
        ssoUrl: metadata.ssoUrl,
        sloUrl: metadata.sloUrl,
        certificates: metadata.signingCertificates,
        hash,
      },
    };
  } catch (error) {
    if (error instanceof MetadataError) return { ok: false, error: error.message };
    throw error;
  }
}

/** What refreshing would change, without changing anything. */
export async function previewSamlIdpMetadataRefresh(
  db: Db,
  id: string,
  now = currentTime(),
): Promise<PreviewResult> {
  const row = await db.samlIdentityProvider.findUnique({ where: { id } });
  if (!row) return { ok: false, error: "This identity provider no longer exists." };
  const read = await readFresh(row);
  if (!read.ok) return read;
  const { fresh } = read;
  const before = certificatesOf(row.certificatesJson).map((c) => describeCertificate(c, now));
  const after = fresh.certificates.map((c) => describeCertificate(c, now));
  const has = (list: CertificateInfo[], c: CertificateInfo) =>
    list.some((x) => x.fingerprint === c.fingerprint);
  const added = after.filter((c) => !has(before, c));
  const removed = before.filter((c) => !has(after, c));
  return {
    ok: true,
    preview: {
      metadataUrl: row.metadataUrl ?? "",
      ssoUrl: { before: row.ssoUrl, after: fresh.ssoUrl },
      sloUrl: { before: row.sloUrl, after: fresh.sloUrl },
      added,
      removed,
      kept: after.filter((c) => has(before, c)),
      hasChanges:
        added.length > 0 ||
        removed.length > 0 ||
        row.ssoUrl !== fresh.ssoUrl ||
        row.sloUrl !== fresh.sloUrl,
      hash: fresh.hash,
      version: versionOf(row),
    },
  };
}

/**
 * Applies a refresh the admin previewed (`expectedHash`) to the IdP still at `version`: its SSO
 * URL and certificates become the metadata's. Audited like every other edit.
 */
export async function applySamlIdpMetadataRefresh(
  db: Db,
  id: string,
  version: number,
  expectedHash: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<IdpEditResult> {
  const row = await db.samlIdentityProvider.findUnique({ where: { id } });
  if (!row)
    return {
      ok: false,
      reason: "not_found",
      errors: { form: "This identity provider no longer exists." },
    };
  const read = await readFresh(row);
  if (!read.ok) return { ok: false, reason: "invalid", errors: { form: read.error } };
  if (read.fresh.hash !== expectedHash)
    return {
      ok: false,
      reason: "conflict",
      errors: {
        form: "The metadata changed since you checked it: check it again and review the new changes. Nothing was changed.",
      },
    };
  return changeSamlIdp(db, id, version, actor, meta, "metadata-refreshed", () => ({
    data: {
      ssoUrl: read.fresh.ssoUrl,
      sloUrl: read.fresh.sloUrl,
      certificatesJson: JSON.stringify(read.fresh.certificates),
    },
    warnings: [],
  }));
}
