"use server";

import { revalidatePath } from "next/cache";
import { auditedChange } from "@/app/admin/accounts/audited-change";
import { refused, type AdminFormState } from "@/app/admin/accounts/form-state";
import { addSamlIdpCertificate, removeSamlIdpCertificate } from "@/lib/admin/saml-idp-certificates";
import { getDb } from "@/lib/db/client";
import {
  updateSamlIdpSettings,
  type IdpEditResult,
  type SamlIdpSettingsInput,
} from "@/lib/admin/saml-idp-edit";
import { readIdpSubmission, STALE_IDP_FORM } from "./idp-submission";
import { actionForm } from "@/lib/http/action-form";

const SETTINGS = [
  "displayName",
  "entityId",
  "ssoUrl",
  "sloUrl",
  "groupsAttribute",
  "userKeyAttribute",
  "emailAttribute",
  "displayNameAttribute",
  "allowIdpInitiated",
  "requireSignedResponse",
  "awsAppUrl",
  "metadataUrl",
] as const;

function settingsFrom(values: Record<string, string>): SamlIdpSettingsInput {
  const text = (name: (typeof SETTINGS)[number]) => values[name] ?? "";
  return {
    displayName: text("displayName"),
    entityId: text("entityId"),
    ssoUrl: text("ssoUrl"),
    sloUrl: text("sloUrl"),
    groupsAttribute: text("groupsAttribute"),
    userKeyAttribute: text("userKeyAttribute"),
    emailAttribute: text("emailAttribute"),
    displayNameAttribute: text("displayNameAttribute"),
    allowIdpInitiated: text("allowIdpInitiated") === "on",
    requireSignedResponse: text("requireSignedResponse") === "on",
    awsAppUrl: text("awsAppUrl"),
    metadataUrl: text("metadataUrl"),
  };
}

/**
 * A refused change keeps what was typed; a saved one hands back no values, so the form shows the
 * stored row again (the page is revalidated, and the form's version with it).
 */
function stateOf(result: IdpEditResult, values: Record<string, string>, saved: string) {
  if (!result.ok) return { ...refused(values, ""), errors: result.errors } satisfies AdminFormState;
  return { ok: true, message: saved, warnings: result.warnings, errors: {}, values: {} };
}

// Every action checks for itself that the caller is a signed-in admin (docs/SAML-IDENTITY.md
// "Editing an IdP"); the page's own check doesn't cover a request posted straight to the action.

export async function updateIdentityProvider(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readIdpSubmission(form, SETTINGS, "update identity provider");
  if (!submission.ok) return submission.state;
  const { target, values, actor, meta } = submission;
  if (!target) return refused(values, STALE_IDP_FORM);
  const result = await auditedChange(() =>
    updateSamlIdpSettings(getDb(), target.id, target.version, settingsFrom(values), actor, meta),
  );
  if (result.ok) revalidatePath("/admin/identity-providers", "layout");
  return stateOf(result, values, "Saved.");
}

export async function addIdentityProviderCertificate(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readIdpSubmission(form, ["certificate"], "add IdP certificate");
  if (!submission.ok) return submission.state;
  const { target, values, actor, meta } = submission;
  if (!target) return refused(values, STALE_IDP_FORM);
  const result = await auditedChange(() =>
    addSamlIdpCertificate(
      getDb(),
      target.id,
      target.version,
      values.certificate ?? "",
      actor,
      meta,
    ),
  );
  if (result.ok) revalidatePath("/admin/identity-providers", "layout");
  return stateOf(result, values, "Certificate added.");
}

export async function removeIdentityProviderCertificate(
  _prev: AdminFormState,
  input: unknown,
): Promise<AdminFormState> {
  const form = actionForm(input);
  const submission = await readIdpSubmission(form, ["fingerprint"], "remove IdP certificate");
  if (!submission.ok) return submission.state;
  const { target, values, actor, meta } = submission;
  if (!target) return refused(values, STALE_IDP_FORM);
  const result = await auditedChange(() =>
    removeSamlIdpCertificate(
      getDb(),
      target.id,
      target.version,
      values.fingerprint ?? "",
      actor,
      meta,
    ),
  );
  if (result.ok) revalidatePath("/admin/identity-providers", "layout");
  return stateOf(result, values, "Certificate removed.");
}
