"use server";

import { revalidatePath } from "next/cache";
import { auditedChange } from "@/app/admin/accounts/audited-change";
import { refused, type AdminFormState } from "@/app/admin/accounts/form-state";
import {
  applySamlIdpMetadataRefresh,
  previewSamlIdpMetadataRefresh,
  type MetadataRefreshPreview,
} from "@/lib/admin/saml-idp-refresh";
import { getDb } from "@/lib/db/client";
import { IDP_ADMIN_ONLY, readIdpSubmission, STALE_IDP_FORM } from "./idp-submission";
import { actionForm } from "@/lib/http/action-form";

export interface RefreshPreviewState {
  error: string | null;
  preview: MetadataRefreshPreview | null;
}

// Both actions check for themselves that the caller is a signed-in admin:
// fetching a URL from the server is an admin's privilege (SSRF), even when nothing changes.

/** Fetches the IdP's metadata URL and says what refreshing would change; changes nothing. */
export async function previewIdentityProviderRefresh(
  _prev: RefreshPreviewState,
  input: unknown,
): Promise<RefreshPreviewState> {
  const form = actionForm(input);
  const submission = await readIdpSubmission(form, [], "check IdP metadata");
  if (!submission.ok) return { error: IDP_ADMIN_ONLY, preview: null };
  if (!submission.target) return { error: STALE_IDP_FORM, preview: null };
  const result = await previewSamlIdpMetadataRefresh(getDb(), submission.target.id);
  return result.ok
    ? { error: null, preview: result.preview }
    : { error: result.error, preview: null };
}

/** Applies the refresh the admin previewed (its hash), to the IdP at the version they saw. */
export async function applyIdentityProviderRefresh(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readIdpSubmission(form, ["expectedHash"], "refresh IdP metadata");
  if (!submission.ok) return submission.state;
  const { target, values, actor, meta } = submission;
  if (!target || !/^[0-9a-f]{64}$/.test(values.expectedHash ?? ""))
    return refused({}, STALE_IDP_FORM);
  const result = await auditedChange(() =>
    applySamlIdpMetadataRefresh(
      getDb(),
      target.id,
      target.version,
      values.expectedHash ?? "",
      actor,
      meta,
    ),
  );
  if (!result.ok) return { ...refused({}, ""), errors: result.errors };
  revalidatePath("/admin/identity-providers", "layout");
  return {
    ok: true,
    message: "Refreshed from the metadata URL.",
    warnings: [],
    errors: {},
    values: {},
  };
}
