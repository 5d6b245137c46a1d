"use client";

import { useActionState } from "react";
import { INITIAL_FORM_STATE } from "@/app/admin/accounts/form-state";
import type { CertificateInfo } from "@/lib/saml/certificate-info";
import { NONE_VALID_TODAY, noneValidToday, validityParts } from "@/lib/saml/certificate-validity";
import { AdminField, AdminFormStatus, AdminSubmit, INPUT_CLASS } from "./admin-form-parts";
import type { AdminFormAction } from "./admin-form-shell";
import { UtcTime } from "./utc-time";

/**
 * An expired or not-yet-valid certificate, said as adding the IdP says it. Signatures still
 * verify outside the dates, so this informs rather than blocks: an expired one is usually stale
 * metadata, a future one the IdP's next key published ahead of a rollover.
 */
function ValidityNote({ certificate }: { certificate: CertificateInfo }) {
  const problem = validityParts(certificate);
  if (!problem) return null;
  return (
    <p
      className={`mt-1 text-xs ${certificate.isExpired ? "text-red-700" : "text-amber-700"}`}
      data-testid="certificate-validity"
    >
      {`This certificate ${problem.before}`}
      <span className="whitespace-nowrap">
        <UtcTime value={problem.day} form="date" />
      </span>
      {problem.after}
    </p>
  );
}

/**
 * The IdP's signing certificates (subject, expiry, SHA-256 fingerprint — never the body), each
 * removable but the last, and a form to add one by pasting its PEM (a rollover).
 */
export function SamlIdpCertificates({
  id,
  version,
  certificates,
  addAction,
  removeAction,
}: {
  id: string;
  version: string;
  certificates: CertificateInfo[];
  addAction: AdminFormAction;
  removeAction: AdminFormAction;
}) {
  const [removed, remove, isRemoving] = useActionState(removeAction, INITIAL_FORM_STATE);
  const [added, add, isAdding] = useActionState(addAction, INITIAL_FORM_STATE);
  const isLast = certificates.length <= 1;
  return (
    <section
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      data-testid="idp-certificates"
    >
      <h2 className="text-lg font-semibold">Signing certificates</h2>
      <p className="text-sm text-slate-600">
        An assertion must be signed by one of these. During a rollover, add the IdP&apos;s new
        certificate before it switches, and remove the old one after.
      </p>
      <AdminFormStatus state={removed} />
      {noneValidToday(certificates) && (
        <p role="alert" className="text-sm text-red-700" data-testid="idp-no-valid-certificate">
          {NONE_VALID_TODAY}
        </p>
      )}
      <table className="min-w-full text-left text-sm">
        <thead className="text-xs tracking-wide text-slate-500 uppercase">
          <tr>
            <th className="py-2 pr-3">Subject</th>
            <th className="py-2 pr-3">Expires</th>
            <th className="py-2 pr-3">SHA-256 fingerprint</th>
            <th className="py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {certificates.map((c) => (
            <tr key={c.fingerprint} data-testid="idp-certificate">
              <td className="py-2 pr-3 break-all">{c.subject}</td>
              <td className="py-2 pr-3">
                <span className="whitespace-nowrap">
                  <UtcTime value={c.notAfter} form="date" />
                </span>
                <ValidityNote certificate={c} />
              </td>
              <td className="py-2 pr-3 font-mono text-xs break-all" data-testid="fingerprint">
                {c.fingerprint}
              </td>
              <td className="py-2 text-right">
                <form action={remove}>
                  <input type="hidden" name="id" value={id} />
                  <input type="hidden" name="version" value={version} />
                  <input type="hidden" name="fingerprint" value={c.fingerprint} />
                  <button
                    type="submit"
                    disabled={isLast || isRemoving}
                    title={isLast ? "The only certificate: add its replacement first" : undefined}
                    className="rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 disabled:opacity-50"
                  >
                    Remove
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form action={add} className="space-y-2" data-testid="idp-add-certificate">
        <AdminFormStatus state={added} />
        <input type="hidden" name="id" value={id} />
        <input type="hidden" name="version" value={version} />
        <AdminField
          label="Add a certificate (PEM)"
          hint="-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----, or its base64 body"
          error={added.errors.certificate}
        >
          {(control) => (
            <textarea
              name="certificate"
              className={`${INPUT_CLASS} h-28 font-mono text-xs`}
              defaultValue={added.values.certificate ?? ""}
              {...control}
            />
          )}
        </AdminField>
        <AdminSubmit pending={isAdding} label="Add certificate" busy="Adding…" />
      </form>
    </section>
  );
}
