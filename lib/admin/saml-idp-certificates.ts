import "server-only";
import type { AuditActor } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import {
  certificatesOf,
  describeCertificate,
  parsePastedCertificate,
} from "@/lib/saml/certificate-info";
import { changeSamlIdp, type IdpEditResult } from "./saml-idp-edit";

const MAX_CERTIFICATES = 10;

/**
 * Adds a signing certificate (a rollover: the IdP's next certificate, before it switches), if the
 * IdP is still at `version`. Audited with the fingerprints before and after.
 */
export async function addSamlIdpCertificate(
  db: Db,
  id: string,
  version: number,
  text: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<IdpEditResult> {
  const pem = parsePastedCertificate(text);
  if (!pem)
    return {
      ok: false,
      reason: "invalid",
      errors: {
        certificate:
          "Paste one X.509 certificate in PEM (-----BEGIN CERTIFICATE----- …) or its base64 body.",
      },
    };
  const added = describeCertificate(pem);
  return changeSamlIdp(db, id, version, actor, meta, "certificate-added", (before) => {
    const current = certificatesOf(before.certificatesJson);
    if (current.some((c) => describeCertificate(c).fingerprint === added.fingerprint))
      return { errors: { certificate: "This IdP already has this certificate." } };
    if (current.length >= MAX_CERTIFICATES)
      return {
        errors: {
          certificate: `An IdP can have at most ${MAX_CERTIFICATES} certificates: remove an old one first.`,
        },
      };
    return {
      data: { certificatesJson: JSON.stringify([...current, pem]) },
      warnings: added.isExpired
        ? [
            `The certificate you added expired on ${added.notAfter.toISOString().slice(0, 10)}: it still verifies, but the IdP should not be signing with it.`,
          ]
        : [],
    };
  });
}

/**
 * Removes the certificate with `fingerprint`; never the last one (an IdP without a certificate
 * could sign nobody in, and would look like one that trusts any key).
 */
export async function removeSamlIdpCertificate(
  db: Db,
  id: string,
  version: number,
  fingerprint: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<IdpEditResult> {
  return changeSamlIdp(db, id, version, actor, meta, "certificate-removed", (before) => {
    const current = certificatesOf(before.certificatesJson);
    const kept = current.filter((c) => describeCertificate(c).fingerprint !== fingerprint);
    if (kept.length === current.length)
      return { errors: { form: "That certificate is no longer on this IdP: reload the page." } };
    if (kept.length === 0)
      return {
        errors: {
          form: "This is the IdP's only signing certificate: add its replacement before removing it.",
        },
      };
    return { data: { certificatesJson: JSON.stringify(kept) }, warnings: [] };
  });
}
