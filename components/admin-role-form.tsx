"use client";

import { useActionState, useState } from "react";
import { INITIAL_FORM_STATE, type AdminFormState } from "@/app/admin/accounts/form-state";
import { AdminField, AdminFormStatus, AdminSubmit, INPUT_CLASS, valueOf } from "./admin-form-parts";

type Action = (state: AdminFormState, form: FormData) => Promise<AdminFormState>;

/** Adds a role to an account (no `initial.id`) or edits one. */
export function AdminRoleForm({
  action,
  initial,
  accountId,
}: {
  action: Action;
  initial: Record<string, string>;
  /** The account's 12-digit id, for the ARN and SAML provider hints. */
  accountId: string;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  const v = valueOf(state, initial);
  const [method, setMethod] = useState(v("assumeMethod") || "assume-role");
  const isEdit = initial.id !== undefined;
  const err = state.errors;
  const isSaml = method === "assume-role-with-saml";
  return (
    <form
      action={formAction}
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      data-testid="role-form"
      noValidate
    >
      <h2 className="text-lg font-semibold">{isEdit ? "Role details" : "Add a role"}</h2>
      <AdminFormStatus state={state} />
      <input type="hidden" name="accountDbId" value={initial.accountDbId} />
      {isEdit && <input type="hidden" name="id" value={initial.id} />}
      {isEdit && <input type="hidden" name="version" value={v("version")} />}
      <div className="grid gap-4 sm:grid-cols-2">
        <AdminField label="Role name" error={err.name} hint="As in IAM, e.g. ReadOnly">
          <input
            name="name"
            className={INPUT_CLASS}
            defaultValue={v("name")}
            aria-invalid={!!err.name}
          />
        </AdminField>
        <AdminField
          label="Maximum session (seconds)"
          error={err.maxSessionDurationSeconds}
          hint="The role's MaxSessionDuration in IAM: 3600 (1 h) to 43200 (12 h)"
        >
          <input
            name="maxSessionDurationSeconds"
            type="number"
            min={3600}
            max={43200}
            step={1}
            className={INPUT_CLASS}
            defaultValue={v("maxSessionDurationSeconds") || "3600"}
            aria-invalid={!!err.maxSessionDurationSeconds}
          />
        </AdminField>
      </div>
      <AdminField
        label="Role ARN (optional)"
        error={err.arn}
        hint={`Leave empty for arn:aws:iam::${accountId}:role/<name>; paste one to use a path or another partition`}
      >
        <input
          name="arn"
          className={`${INPUT_CLASS} font-mono`}
          defaultValue={v("arn")}
          aria-invalid={!!err.arn}
        />
      </AdminField>
      <AdminField label="Description (optional)" error={err.description}>
        <input
          name="description"
          className={INPUT_CLASS}
          defaultValue={v("description")}
          aria-invalid={!!err.description}
        />
      </AdminField>
      <AdminField label="How the role is assumed" error={err.assumeMethod}>
        <select
          name="assumeMethod"
          className={INPUT_CLASS}
          value={method}
          onChange={(e) => setMethod(e.target.value)}
        >
          <option value="assume-role">
            By the broker (sts:AssumeRole with the portal&apos;s credentials)
          </option>
          <option value="assume-role-with-saml">
            With SAML (the IdP&apos;s AWS app, AssumeRoleWithSAML)
          </option>
        </select>
      </AdminField>
      {isSaml ? (
        <AdminField
          label="SAML provider ARN"
          error={err.samlProviderArn}
          hint={`The IAM SAML provider in this account, e.g. arn:aws:iam::${accountId}:saml-provider/corp-idp`}
        >
          <input
            name="samlProviderArn"
            className={`${INPUT_CLASS} font-mono`}
            defaultValue={v("samlProviderArn")}
            aria-invalid={!!err.samlProviderArn}
          />
        </AdminField>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2">
          <AdminField
            label="ExternalId (optional)"
            error={err.externalId}
            hint="If the role's trust policy requires sts:ExternalId: 2–1224 characters"
          >
            <input
              name="externalId"
              className={`${INPUT_CLASS} font-mono`}
              defaultValue={v("externalId")}
              autoComplete="off"
              aria-invalid={!!err.externalId}
            />
          </AdminField>
          <AdminField
            label="Broker MFA"
            error={err.requiresBrokerMfa}
            hint="The trust policy requires aws:MultiFactorAuthPresent (an admin unlocks the broker)"
          >
            <span className="mt-2 flex items-center gap-2 font-normal">
              <input
                type="checkbox"
                name="requiresBrokerMfa"
                defaultChecked={v("requiresBrokerMfa") === "on"}
              />
              Requires the broker&apos;s MFA session
            </span>
          </AdminField>
        </div>
      )}
      {isSaml && err.externalId && <p className="text-xs text-red-700">{err.externalId}</p>}
      {isSaml && err.requiresBrokerMfa && (
        <p className="text-xs text-red-700">{err.requiresBrokerMfa}</p>
      )}
      <AdminSubmit pending={pending} label={isEdit ? "Save role" : "Add role"} busy="Saving…" />
    </form>
  );
}
