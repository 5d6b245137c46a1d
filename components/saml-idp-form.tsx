"use client";

import { useActionState } from "react";
import type { IdpFormState } from "@/app/admin/identity-providers/actions";
import { AdminChoiceGroup, AdminField, FILE_INPUT_CLASS, INPUT_CLASS } from "./admin-form-parts";

const INITIAL: IdpFormState = { ok: false, message: null, errors: {} };

function FieldError({ message }: { message: string | undefined }) {
  return message ? <p className="mt-1 text-xs text-red-700">{message}</p> : null;
}

export function SamlIdpForm({
  action,
}: {
  action: (state: IdpFormState, form: FormData) => Promise<IdpFormState>;
}) {
  const [state, formAction, isPending] = useActionState(action, INITIAL);
  const input = INPUT_CLASS;
  const errors = state.errors;
  return (
    <form
      action={formAction}
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      data-testid="idp-form"
    >
      <h2 className="text-lg font-semibold">Add an identity provider</h2>
      {state.message && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {state.message}
        </p>
      )}
      <FieldError message={errors.form} />
      <div className="grid gap-4 sm:grid-cols-2">
        <AdminField label="Name shown on the sign-in page" error={errors.displayName}>
          {(control) => (
            <input name="displayName" className={input} placeholder="Okta" required {...control} />
          )}
        </AdminField>
        <AdminField label="Short name (used in URLs)" error={errors.slug}>
          {(control) => (
            <input
              name="slug"
              className={input}
              placeholder="okta"
              pattern="[a-z0-9][a-z0-9-]*"
              required
              {...control}
            />
          )}
        </AdminField>
      </div>
      <AdminChoiceGroup
        legend="IdP metadata — one of:"
        error={errors.metadata}
        className="space-y-2"
      >
        {(control) => (
          <>
            <input
              name="metadataUrl"
              aria-label="Metadata URL"
              className={input}
              placeholder="https://idp.example/app/xyz/sso/saml/metadata"
              {...control}
            />
            <input
              name="metadataFile"
              type="file"
              aria-label="Metadata file"
              accept=".xml,application/xml,text/xml"
              className={FILE_INPUT_CLASS}
              {...control}
            />
            <textarea
              name="metadataXml"
              aria-label="Metadata XML"
              className={`${input} h-28 font-mono text-xs`}
              placeholder="<EntityDescriptor …>"
              {...control}
            />
          </>
        )}
      </AdminChoiceGroup>
      <div className="grid gap-4 sm:grid-cols-2">
        <AdminField label="Groups attribute" error={errors.groupsAttribute}>
          {(control) => (
            <input name="groupsAttribute" className={input} defaultValue="groups" {...control} />
          )}
        </AdminField>
        <AdminField label="User key attribute (empty: the NameID)" error={undefined}>
          {(control) => (
            <input name="userKeyAttribute" className={input} placeholder="uid" {...control} />
          )}
        </AdminField>
      </div>
      <AdminField
        label="AWS app link (optional)"
        hint="The IdP-initiated URL of the IdP's AWS app, for roles assumed with SAML"
        error={errors.awsAppUrl}
      >
        {(control) => (
          <input
            name="awsAppUrl"
            className={input}
            placeholder="https://idp.example/home/amazon_aws/…"
            {...control}
          />
        )}
      </AdminField>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="allowIdpInitiated" /> Allow IdP-initiated sign-in (unsolicited
        responses)
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="requireSignedResponse" /> Require the Response to be signed too
        (the Assertion always must be)
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="trustedForPrivileges" /> Trust its groups to make
        administrators and auditors (only for the IdP your administrators sign in with)
      </label>
      <button
        type="submit"
        disabled={isPending}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {isPending ? "Importing…" : "Add identity provider"}
      </button>
    </form>
  );
}
