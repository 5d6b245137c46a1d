import type { ReactNode } from "react";
import type { AdminFormState } from "@/app/admin/accounts/form-state";

export const INPUT_CLASS =
  "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm aria-[invalid=true]:border-red-500";

/** One labelled field with its hint and its own error right under it. */
export function AdminField({
  label,
  hint,
  error,
  children,
  className = "",
}: {
  label: string;
  hint?: ReactNode;
  error: string | undefined;
  children: ReactNode;
  className?: string;
}) {
  return (
    <label className={`block text-sm font-medium text-slate-800 ${className}`}>
      {label}
      {children}
      {hint && !error && (
        <span className="mt-1 block text-xs font-normal text-slate-500">{hint}</span>
      )}
      {error && (
        <span className="mt-1 block text-xs font-normal text-red-700" data-testid="field-error">
          {error}
        </span>
      )}
    </label>
  );
}

/** The form's outcome: the saved message, warnings, and any error not tied to one field. */
export function AdminFormStatus({ state }: { state: AdminFormState }) {
  return (
    <>
      {state.errors.form && (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          data-testid="form-error"
        >
          {state.errors.form}
        </p>
      )}
      {state.ok && state.message && (
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
          data-testid="form-saved"
        >
          {state.message}
        </p>
      )}
      {state.warnings.map((w) => (
        <p
          key={w}
          role="status"
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="form-warning"
        >
          {w}
        </p>
      ))}
    </>
  );
}

export function AdminSubmit({
  pending,
  label,
  busy,
}: {
  pending: boolean;
  label: string;
  busy: string;
}) {
  return (
    <button
      type="submit"
      disabled={pending}
      className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
    >
      {pending ? busy : label}
    </button>
  );
}

/** A value picked from the form state (as typed) or, before any submit, from the stored row. */
export function valueOf(
  state: AdminFormState,
  initial: Record<string, string>,
): (name: string) => string {
  return (name) => state.values[name] ?? initial[name] ?? "";
}
