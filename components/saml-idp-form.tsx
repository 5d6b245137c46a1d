"use client";

import { useActionState, useRef, useState, type FormEvent } from "react";
import type { IdpFormState } from "@/app/admin/identity-providers/actions";
import { MAX_METADATA_BYTES, METADATA_TOO_LARGE } from "@/lib/saml/metadata-limits";
import { AdminChoiceGroup, AdminField, FILE_INPUT_CLASS, INPUT_CLASS } from "./admin-form-parts";
import { useFocusFirstInvalid } from "./use-focus-first-invalid";

const INITIAL: IdpFormState = { ok: false, message: null, errors: {}, values: {} };

/**
 * Refuses oversized metadata before it is posted: a post over the server-action body limit never
 * reaches the action (which would say the same), and would end on the error page with all that
 * was typed lost.
 */
function oversizedMetadata(form: HTMLFormElement): string | null {
  const file = form.elements.namedItem("metadataFile");
  const xml = form.elements.namedItem("metadataXml");
  const fileSize = file instanceof HTMLInputElement ? (file.files?.[0]?.size ?? 0) : 0;
  const xmlSize = xml instanceof HTMLTextAreaElement ? new Blob([xml.value]).size : 0;
  return fileSize > MAX_METADATA_BYTES || xmlSize > MAX_METADATA_BYTES ? METADATA_TOO_LARGE : null;
}

function FieldError({ message }: { message: string | undefined }) {
  return message ? <p className="mt-1 text-xs text-red-700">{message}</p> : null;
}

export function SamlIdpForm({
  action,
}: {
  action: (state: IdpFormState, form: FormData) => Promise<IdpFormState>;
}) {
  const [state, formAction, isPending] = useActionState(action, INITIAL);
  // Each refusal its own object, so a second refused submit puts focus back on the field too.
  const [oversize, setOversize] = useState<{ message: string } | null>(null);
  const tooLarge = oversize?.message ?? null;
  const checkSize = (event: FormEvent<HTMLFormElement>) => {
    const problem = oversizedMetadata(event.currentTarget);
    setOversize(problem ? { message: problem } : null);
    if (problem) event.preventDefault();
  };
  const element = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(
    element,
    state,
    Object.keys(state.errors).some((name) => name !== "form"),
  );
  useFocusFirstInvalid(element, oversize, oversize !== null);
  const input = INPUT_CLASS;
  const errors = state.errors;
  // A refused form shows what was typed (a chosen file must be chosen again: browsers allow no
  // other way), and every field's error at once.
  const typed = (name: string, fallback = "") => state.values[name] ?? fallback;
  const ticked = (name: string) => state.values[name] === "on";
  return (
    <form
      ref={element}
      action={formAction}
      onSubmit={checkSize}
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      data-testid="idp-form"
    >
      <h2 className="text-lg font-semibold">Add a SAML identity provider</h2>
      {state.message && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {state.message}
        </p>
      )}
      <FieldError message={errors.form} />
      {(Object.keys(errors).length > 0 || tooLarge) && !errors.form && (
        <p role="alert" className="text-sm text-red-700" data-testid="idp-form-error">
          Nothing was added: correct the fields marked below.
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <AdminField label="Name shown on the sign-in page" error={errors.displayName}>
          {(control) => (
            <input
              name="displayName"
              className={input}
              placeholder="Okta"
              required
              defaultValue={typed("displayName")}
              {...control}
            />
          )}
        </AdminField>
        <AdminField label="Short name (used in URLs)" error={errors.slug}>
          {(control) => (
            <input
              name="slug"
              className={input}
              placeholder="okta"
              // Escaped "-": browsers compile pattern with the v flag, where a bare "-" in a class is
              // a syntax error and the whole pattern is ignored.
              pattern="[a-z0-9][a-z0-9\-]*"
              title="Lowercase letters, digits and dashes, e.g. okta"
              required
              defaultValue={typed("slug")}
              {...control}
            />
          )}
        </AdminField>
      </div>
      <AdminChoiceGroup
        legend="IdP metadata — one of:"
        error={tooLarge ?? errors.metadata ?? errors.metadataUrl ?? errors.metadataXml}
        hint={
          errors.metadata === undefined && state.values.metadataXml === undefined
            ? undefined
            : "A file you chose must be chosen again after a refused submit."
        }
        className="space-y-2"
      >
        {(control) => (
          <>
            <input
              name="metadataUrl"
              aria-label="Metadata URL"
              className={input}
              placeholder="https://idp.example/…/saml/metadata"
              defaultValue={typed("metadataUrl")}
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
              defaultValue={typed("metadataXml")}
              {...control}
            />
          </>
        )}
      </AdminChoiceGroup>
      <div className="grid gap-4 sm:grid-cols-2">
        <AdminField label="Groups attribute" error={errors.groupsAttribute}>
          {(control) => (
            <input
              name="groupsAttribute"
              className={input}
              defaultValue={typed("groupsAttribute", "groups")}
              {...control}
            />
          )}
        </AdminField>
        <AdminField
          label="User-key attribute (empty: the NameID)"
          hint="Required when the IdP sends a transient NameID: a stable attribute such as uid"
          error={errors.userKeyAttribute}
        >
          {(control) => (
            <input
              name="userKeyAttribute"
              className={input}
              placeholder="uid"
              defaultValue={typed("userKeyAttribute")}
              {...control}
            />
          )}
        </AdminField>
        <AdminField
          label="Email attribute (optional)"
          hint="Tried first; then email, mail, emailaddress and the claim/OID names"
          error={errors.emailAttribute}
        >
          {(control) => (
            <input
              name="emailAttribute"
              className={input}
              placeholder="mail"
              defaultValue={typed("emailAttribute")}
              {...control}
            />
          )}
        </AdminField>
        <AdminField
          label="Display-name attribute (optional)"
          hint="Tried first; then displayName, name, the claim/OID names, given name + surname"
          error={errors.displayNameAttribute}
        >
          {(control) => (
            <input
              name="displayNameAttribute"
              className={input}
              placeholder="displayName"
              defaultValue={typed("displayNameAttribute")}
              {...control}
            />
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
            placeholder="https://idp.example/…/amazon_aws/…"
            defaultValue={typed("awsAppUrl")}
            {...control}
          />
        )}
      </AdminField>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          name="allowIdpInitiated"
          defaultChecked={ticked("allowIdpInitiated")}
        />{" "}
        Allow IdP-initiated sign-in (unsolicited responses)
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          name="requireSignedResponse"
          defaultChecked={ticked("requireSignedResponse")}
        />{" "}
        Require the Response to be signed too (the Assertion always must be)
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          name="trustedForPrivileges"
          defaultChecked={ticked("trustedForPrivileges")}
        />{" "}
        Trust its groups to make administrators and auditors (only for the IdP your administrators
        sign in with)
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
