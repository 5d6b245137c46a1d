"use client";

import { useActionState } from "react";
import { INITIAL_FORM_STATE } from "@/app/admin/accounts/form-state";
import { AdminField, AdminFormStatus, INPUT_CLASS } from "./admin-form-parts";
import type { AdminFormAction } from "./admin-form-shell";

/**
 * The second step of a delete: the admin has seen what goes with it and types `expected` (the
 * account id or role name) to confirm. With no `expected`, one click deletes (a single rule).
 */
export function AdminDeleteForm({
  action,
  hidden,
  expected,
  label,
}: {
  action: AdminFormAction;
  hidden: Record<string, string>;
  expected?: string;
  label: string;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  return (
    <form action={formAction} className="space-y-3" data-testid="delete-form" noValidate>
      <AdminFormStatus state={state} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {expected !== undefined && (
        <AdminField label={`Type ${expected} to confirm`} error={state.errors.confirmation}>
          {(control) => (
            <input
              name="confirmation"
              className={`${INPUT_CLASS} max-w-sm font-mono`}
              autoComplete="off"
              defaultValue={state.values.confirmation ?? ""}
              {...control}
            />
          )}
        </AdminField>
      )}
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-red-600 px-4 py-2 text-sm font-medium text-white hover:bg-red-500 disabled:opacity-60"
      >
        {pending ? "Deleting…" : label}
      </button>
    </form>
  );
}
