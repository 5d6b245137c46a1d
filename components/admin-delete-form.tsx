"use client";

import { useActionState, useState } from "react";
import { INITIAL_FORM_STATE } from "@/app/admin/accounts/form-state";
import { AdminField, AdminFormStatus, INPUT_CLASS } from "./admin-form-parts";
import type { AdminFormAction } from "./admin-form-shell";

/**
 * The second step of a delete: the admin has seen what goes with it and types `expected` (the
 * account id or role name) to confirm. With no `expected` (a single rule), the first click asks
 * "Delete it?" and a second one deletes, so a stray click never removes access.
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
  const [isArmed, setIsArmed] = useState(false);
  const needsSecondClick = expected === undefined && !isArmed;
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
      {needsSecondClick ? (
        <button
          type="button"
          onClick={() => setIsArmed(true)}
          className="rounded-md border border-red-300 px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50"
        >
          {label}
        </button>
      ) : (
        <div className="flex flex-wrap items-center gap-3">
          {expected === undefined && (
            <p className="text-sm text-slate-700" role="status" data-testid="delete-confirm">
              This can&apos;t be undone.
            </p>
          )}
          <button
            type="submit"
            disabled={pending}
            className="rounded-md bg-red-600 px-4 py-2 text-sm font-medium text-white hover:bg-red-500 disabled:opacity-60"
          >
            {pending ? "Deleting…" : expected === undefined ? `Yes, ${label.toLowerCase()}` : label}
          </button>
          {expected === undefined && (
            <button
              type="button"
              onClick={() => setIsArmed(false)}
              className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
            >
              Keep it
            </button>
          )}
        </div>
      )}
    </form>
  );
}
