"use client";

import { useActionState } from "react";
import { INITIAL_FORM_STATE, type AdminFormState } from "@/app/admin/accounts/form-state";
import { AdminField, AdminFormStatus, AdminSubmit, INPUT_CLASS, valueOf } from "./admin-form-parts";

type Action = (state: AdminFormState, form: FormData) => Promise<AdminFormState>;

/** Adds an account (no `initial.id`) or edits one (the 12-digit id is then fixed). */
export function AdminAccountForm({
  action,
  initial,
  environments,
}: {
  action: Action;
  initial: Record<string, string>;
  environments: string[];
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  const v = valueOf(state, initial);
  const isEdit = initial.id !== undefined;
  const err = state.errors;
  return (
    <form
      action={formAction}
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      data-testid="account-form"
      noValidate
    >
      <h2 className="text-lg font-semibold">{isEdit ? "Account details" : "Add an AWS account"}</h2>
      <AdminFormStatus state={state} />
      {isEdit && <input type="hidden" name="id" value={initial.id} />}
      {isEdit && <input type="hidden" name="version" value={v("version")} />}
      <div className="grid gap-4 sm:grid-cols-2">
        <AdminField
          label="AWS account id"
          error={err.accountId}
          hint={
            isEdit
              ? "Fixed: its roles' ARNs name it. To fix a typo, delete and add again."
              : "12 digits"
          }
        >
          <input
            name="accountId"
            className={`${INPUT_CLASS} font-mono disabled:bg-slate-50 disabled:text-slate-500`}
            inputMode="numeric"
            placeholder="123456789012"
            defaultValue={isEdit ? initial.accountId : v("accountId")}
            disabled={isEdit}
            aria-invalid={!!err.accountId}
          />
        </AdminField>
        <AdminField label="Name" error={err.name} hint="Shown to users, e.g. acme-production">
          <input
            name="name"
            className={INPUT_CLASS}
            defaultValue={v("name")}
            aria-invalid={!!err.name}
          />
        </AdminField>
        <AdminField label="Alias (optional)" error={err.alias} hint="The IAM account alias, if any">
          <input
            name="alias"
            className={INPUT_CLASS}
            defaultValue={v("alias")}
            aria-invalid={!!err.alias}
          />
        </AdminField>
        <AdminField
          label="Environment"
          error={err.environment}
          hint={`${environments.join(", ")} — or your own short label`}
        >
          <input
            name="environment"
            list="environment-suggestions"
            className={INPUT_CLASS}
            defaultValue={v("environment")}
            aria-invalid={!!err.environment}
          />
          <datalist id="environment-suggestions">
            {environments.map((e) => (
              <option key={e} value={e} />
            ))}
          </datalist>
        </AdminField>
      </div>
      <AdminField label="Description (optional)" error={err.description}>
        <input
          name="description"
          className={INPUT_CLASS}
          defaultValue={v("description")}
          aria-invalid={!!err.description}
        />
      </AdminField>
      <AdminSubmit
        pending={pending}
        label={isEdit ? "Save account" : "Add account"}
        busy="Saving…"
      />
    </form>
  );
}
