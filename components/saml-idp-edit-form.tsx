"use client";

import { AdminChoiceGroup } from "./admin-form-parts";
import {
  AdminFormShell,
  CheckboxField,
  TextField,
  useAdminForm,
  type AdminFormAction,
} from "./admin-form-shell";

/**
 * Every setting of a SAML IdP but its slug, trust, enabled state and certificates (those have
 * their own controls). A refused save keeps what was typed and shows every field's error; the
 * form carries the version (updatedAt) it was loaded at, so a stale save is refused.
 */
export function SamlIdpEditForm({
  action,
  initial,
}: {
  action: AdminFormAction;
  initial: Record<string, string>;
}) {
  const form = useAdminForm(action, initial);
  const hasFieldErrors = Object.keys(form.state.errors).some((k) => k !== "form");
  return (
    <AdminFormShell form={form} testId="idp-edit-form" title="Settings" submitLabel="Save settings">
      {hasFieldErrors && (
        <p role="alert" className="text-sm text-red-700" data-testid="idp-edit-form-error">
          Nothing was saved: correct the fields marked below.
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="displayName" label="Name shown on the sign-in page" />
        <TextField
          name="entityId"
          label="Entity ID"
          hint="Users are keyed by entity ID and user key: changing it makes everyone a new user"
          inputClassName="font-mono text-xs"
        />
        <TextField
          name="ssoUrl"
          label="SSO URL (HTTP-Redirect)"
          inputClassName="font-mono text-xs"
        />
        <TextField
          name="sloUrl"
          label="Single logout URL (HTTP-Redirect, optional)"
          hint="Empty: signing out of Gatehouse leaves the sign-in at this IdP alone"
          inputClassName="font-mono text-xs"
        />
        <TextField
          name="metadataUrl"
          label="Metadata URL (optional)"
          hint="For “Refresh from metadata URL”; https only"
          inputClassName="font-mono text-xs"
        />
        <TextField name="groupsAttribute" label="Groups attribute" />
        <TextField
          name="userKeyAttribute"
          label="User-key attribute (empty: the NameID)"
          hint="Required when the IdP sends a transient NameID; changing it makes everyone a new user"
          placeholder="uid"
        />
        <TextField
          name="emailAttribute"
          label="Email attribute (optional)"
          hint="Tried first; then email, mail, emailaddress and the claim/OID names"
          placeholder="mail"
        />
        <TextField
          name="displayNameAttribute"
          label="Display-name attribute (optional)"
          hint="Tried first; then displayName, name, the claim/OID names, given name + surname"
          placeholder="displayName"
        />
      </div>
      <TextField
        name="awsAppUrl"
        label="AWS app link (optional)"
        hint="The IdP-initiated URL of the IdP's AWS app, for roles assumed with SAML"
        inputClassName="font-mono text-xs"
      />
      <AdminChoiceGroup legend="Sign-in rules" error={undefined} className="space-y-2">
        {(control) => (
          <>
            <CheckboxField
              name="allowIdpInitiated"
              label="Allow IdP-initiated sign-in (unsolicited responses)"
              control={control}
            />
            <CheckboxField
              name="requireSignedResponse"
              label="Require the Response to be signed too (the Assertion always must be)"
              control={control}
            />
          </>
        )}
      </AdminChoiceGroup>
    </AdminFormShell>
  );
}
