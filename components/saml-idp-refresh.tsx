"use client";

import { useActionState } from "react";
import { INITIAL_FORM_STATE, type AdminFormState } from "@/app/admin/accounts/form-state";
import type { RefreshPreviewState } from "@/app/admin/identity-providers/refresh-actions";
import type { CertificateInfo } from "@/lib/saml/certificate-info";
import { AdminFormStatus, AdminSubmit } from "./admin-form-parts";
import type { AdminFormAction } from "./admin-form-shell";
import { UtcTime } from "./utc-time";

const NO_PREVIEW: RefreshPreviewState = { error: null, preview: null };

function CertificateList({ title, items }: { title: string; items: CertificateInfo[] }) {
  if (items.length === 0) return null;
  return (
    <div>
      <p className="font-medium">{title}</p>
      <ul className="ml-4 list-disc">
        {items.map((c) => (
          <li key={c.fingerprint} className="break-all">
            {c.subject} — expires <UtcTime value={c.notAfter} form="date" /> —{" "}
            <span className="font-mono text-xs">{c.fingerprint}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * "Refresh from metadata URL": first shows what the IdP's metadata would change (SSO URL,
 * certificates added and removed), then applies exactly that on request.
 */
export function SamlIdpRefresh({
  id,
  version,
  metadataUrl,
  previewAction,
  applyAction,
}: {
  id: string;
  version: string;
  metadataUrl: string | null;
  previewAction: (state: RefreshPreviewState, form: FormData) => Promise<RefreshPreviewState>;
  applyAction: AdminFormAction;
}) {
  const [checked, check, isChecking] = useActionState(previewAction, NO_PREVIEW);
  const [applied, apply, isApplying] = useActionState<AdminFormState, FormData>(
    applyAction,
    INITIAL_FORM_STATE,
  );
  const preview = checked.preview;
  // Once applied (or the page moved on), the preview no longer describes a pending change.
  const isCurrent = preview !== null && String(preview.version) === version;
  return (
    <section
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      data-testid="idp-refresh"
    >
      <h2 className="text-lg font-semibold">Refresh from metadata URL</h2>
      <p className="text-sm text-slate-600">
        {metadataUrl ? (
          <>
            Reads <span className="font-mono text-xs break-all">{metadataUrl}</span> and replaces
            the SSO URL and the signing certificates with the metadata&apos;s, after showing you
            what changes.
          </>
        ) : (
          "No metadata URL is set (the metadata was pasted or uploaded): set one in the settings to refresh from it."
        )}
      </p>
      <AdminFormStatus state={applied} />
      {checked.error && (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          {checked.error}
        </p>
      )}
      <form action={check}>
        <input type="hidden" name="id" value={id} />
        <input type="hidden" name="version" value={version} />
        <AdminSubmit pending={isChecking} label="Check the metadata" busy="Fetching…" />
      </form>
      {isCurrent && !preview.hasChanges && (
        <p role="status" className="text-sm text-slate-700" data-testid="refresh-up-to-date">
          The metadata matches this IdP&apos;s settings: nothing to change.
        </p>
      )}
      {isCurrent && preview.hasChanges && (
        <div
          className="space-y-2 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm"
          data-testid="refresh-preview"
        >
          {preview.ssoUrl.before !== preview.ssoUrl.after && (
            <p className="break-all">
              SSO URL: <span className="font-mono text-xs">{preview.ssoUrl.before}</span> →{" "}
              <span className="font-mono text-xs">{preview.ssoUrl.after}</span>
            </p>
          )}
          {preview.sloUrl.before !== preview.sloUrl.after && (
            <p className="break-all">
              Single logout URL:{" "}
              <span className="font-mono text-xs">{preview.sloUrl.before ?? "none"}</span> →{" "}
              <span className="font-mono text-xs">{preview.sloUrl.after ?? "none"}</span>
            </p>
          )}
          <CertificateList title="Certificates added" items={preview.added} />
          <CertificateList title="Certificates removed" items={preview.removed} />
          <CertificateList title="Certificates kept" items={preview.kept} />
          <form action={apply}>
            <input type="hidden" name="id" value={id} />
            <input type="hidden" name="version" value={version} />
            <input type="hidden" name="expectedHash" value={preview.hash} />
            <AdminSubmit pending={isApplying} label="Apply these changes" busy="Applying…" />
          </form>
        </div>
      )}
    </section>
  );
}
