"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { formValues } from "@/app/admin/accounts/form-state";
import { createSamlIdp } from "@/lib/admin/saml-idp-create";
import { setSamlIdpEnabled } from "@/lib/admin/saml-idp-enabled";
import { setSamlIdpTrust } from "@/lib/admin/saml-idp-trust";
import { checkPrivilegedAction } from "@/lib/auth/privilege-guard";
import { getDb } from "@/lib/db/client";
import { actorOf } from "@/lib/audit/actor";
import { actionForm } from "@/lib/http/action-form";

export interface IdpFormState {
  ok: boolean;
  message: string | null;
  errors: Record<string, string>;
  /** As submitted (checkboxes "on" or ""), so a refused form keeps what was typed. */
  values: Record<string, string>;
}

/** The add form's fields the state hands back (a chosen file can't be: browsers don't allow it). */
const ADD_FIELDS = [
  "displayName",
  "slug",
  "metadataUrl",
  "metadataXml",
  "groupsAttribute",
  "userKeyAttribute",
  "emailAttribute",
  "displayNameAttribute",
  "awsAppUrl",
  "allowIdpInitiated",
  "requireSignedResponse",
  "trustedForPrivileges",
] as const;

// Every server action checks for itself that the caller is a signed-in admin (invariant 4);
// a refusal is audited as admin.denied and changes nothing.

export async function addIdentityProvider(
  _prev: IdpFormState,
  input: unknown,
): Promise<IdpFormState> {
  const form = actionForm(input);
  const check = await checkPrivilegedAction("admin", "add identity provider");
  if (!check.allowed)
    return {
      ok: false,
      message: null,
      errors: {
        form: "Only Gatehouse administrators can add identity providers. Nothing was changed.",
      },
      values: {},
    };
  const { user, meta } = check;
  const values = formValues(form, ADD_FIELDS);
  const file = form.get("metadataFile");
  const uploaded =
    file instanceof File && file.size > 0
      ? file.size > 512 * 1024
        ? "\u0000too-large"
        : await file.text()
      : "";
  if (uploaded === "\u0000too-large")
    return {
      ok: false,
      message: null,
      errors: { metadata: "The uploaded file is larger than 512 KiB." },
      values,
    };
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" && v.trim() !== "" ? v : undefined;
  };
  const result = await createSamlIdp(
    getDb(),
    {
      slug: text("slug") ?? "",
      displayName: text("displayName") ?? "",
      metadataUrl: text("metadataUrl"),
      metadataXml: uploaded || text("metadataXml"),
      groupsAttribute: text("groupsAttribute") ?? "groups",
      userKeyAttribute: text("userKeyAttribute"),
      emailAttribute: text("emailAttribute"),
      displayNameAttribute: text("displayNameAttribute"),
      allowIdpInitiated: form.get("allowIdpInitiated") === "on",
      requireSignedResponse: form.get("requireSignedResponse") === "on",
      trustedForPrivileges: form.get("trustedForPrivileges") === "on",
      awsAppUrl: text("awsAppUrl"),
    },
    actorOf(user),
    meta,
  );
  if (!result.ok) return { ok: false, message: null, errors: result.errors, values };
  revalidatePath("/admin/identity-providers");
  const message = [`Added ${result.entityId}.`, ...result.warnings].join(" ");
  return { ok: true, message, errors: {}, values: {} };
}

export async function toggleIdentityProvider(input: unknown): Promise<void> {
  const form = actionForm(input);
  const check = await checkPrivilegedAction("admin", "enable or disable identity provider");
  if (!check.allowed) return;
  const { user, meta } = check;
  const id = form.get("id");
  if (typeof id !== "string" || !/^[a-z0-9]{20,32}$/.test(id)) return;
  const result = await setSamlIdpEnabled(
    getDb(),
    id,
    form.get("enabled") === "true",
    actorOf(user),
    meta,
  );
  revalidatePath("/admin/identity-providers");
  if (!result.ok) redirect(`/admin/identity-providers?notice=${result.reason}`);
}

/** Whether the IdP's groups may make administrators and auditors (docs/SECURITY.md "Trust per IdP"). */
export async function setIdentityProviderTrust(input: unknown): Promise<void> {
  const form = actionForm(input);
  const check = await checkPrivilegedAction("admin", "change identity provider trust");
  if (!check.allowed) return;
  const { user, meta } = check;
  const id = form.get("id");
  if (typeof id !== "string" || !/^[a-z0-9]{20,32}$/.test(id)) return;
  const result = await setSamlIdpTrust(
    getDb(),
    id,
    form.get("trusted") === "true",
    actorOf(user),
    meta,
  );
  revalidatePath("/admin/identity-providers");
  if (!result.ok) redirect(`/admin/identity-providers?notice=${result.reason}`);
}
