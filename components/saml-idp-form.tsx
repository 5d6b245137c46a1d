"use client";

import { useActionState } from "react";
import type { IdpFormState } from "@/app/admin/identity-providers/actions";

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
  const input = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm";
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
      <FieldError message={state.errors.form} />
      <div className="grid gap-4 sm:grid-cols-2">
        <label className="text-sm">
          Name shown on the sign-in page
          <input name="displayName" className={input} placeholder="Okta" required />
          <FieldError message={state.errors.displayName} />
        </label>
        <label className="text-sm">
          Short name (used in URLs)
          <input
            name="slug"
            className={input}
            placeholder="okta"
            pattern="[a-z0-9][a-z0-9-]*"
            required
          />
          <FieldError message={state.errors.slug} />
        </label>
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">IdP metadata — one of:</legend>
        <input
          name="metadataUrl"
          className={input}
          placeholder="https://idp.example/app/xyz/sso/saml/metadata"
        />
        <input
          name="metadataFile"
          type="file"
          accept=".xml,application/xml,text/xml"
          className="text-sm"
        />
        <textarea
          name="metadataXml"
          className={`${input} h-28 font-mono text-xs`}
          placeholder="<EntityDescriptor …>"
        />
        <FieldError message={state.errors.metadata} />
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <label className="text-sm">
          Groups attribute
          <input name="groupsAttribute" className={input} defaultValue="groups" />
          <FieldError message={state.errors.groupsAttribute} />
        </label>
        <label className="text-sm">
          User key attribute (empty: the NameID)
          <input name="userKeyAttribute" className={input} placeholder="uid" />
        </label>
      </div>
      <label className="block text-sm">
        AWS app link (optional: the IdP-initiated URL of the IdP&apos;s AWS app, for roles assumed
        with SAML)
        <input
          name="awsAppUrl"
          className={input}
          placeholder="https://idp.example/home/amazon_aws/…"
        />
        <FieldError message={state.errors.awsAppUrl} />
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="allowIdpInitiated" /> Allow IdP-initiated sign-in (unsolicited
        responses)
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="requireSignedResponse" /> Require the Response to be signed too
        (the Assertion always must be)
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
