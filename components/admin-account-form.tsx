"use client";

import { AdminFormShell, TextField, useAdminForm, type AdminFormAction } from "./admin-form-shell";

/** Adds an account (no `initial.id`) or edits one (the 12-digit id is then fixed). */
export function AdminAccountForm({
  action,
  initial,
  environments,
}: {
  action: AdminFormAction;
  initial: Record<string, string>;
  environments: string[];
}) {
  const form = useAdminForm(action, initial);
  const { isEdit } = form;
  return (
    <AdminFormShell
      form={form}
      testId="account-form"
      title={isEdit ? "Account details" : "Add an AWS account"}
      titleLevel={isEdit ? "h2" : "h1"}
      submitLabel={isEdit ? "Save account" : "Add account"}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="accountId"
          label="AWS account id"
          hint={
            isEdit
              ? "Fixed: its roles' ARNs name it. To fix a typo, delete and add again."
              : "12 digits"
          }
          inputClassName="font-mono disabled:bg-slate-50 disabled:text-slate-500"
          inputMode="numeric"
          placeholder="123456789012"
          // A disabled input is not submitted: after a save the form state has no account id.
          defaultValue={isEdit ? initial.accountId : form.valueOf("accountId")}
          disabled={isEdit}
        />
        <TextField name="name" label="Name" hint="Shown to users, e.g. acme-production" />
        <TextField name="alias" label="Alias (optional)" hint="The IAM account alias, if any" />
        <TextField
          name="environment"
          label="Environment"
          hint={`${environments.join(", ")} — or your own short label`}
          list="environment-suggestions"
        />
        <datalist id="environment-suggestions">
          {environments.map((e) => (
            <option key={e} value={e} />
          ))}
        </datalist>
      </div>
      <TextField name="description" label="Description (optional)" />
    </AdminFormShell>
  );
}
