import { useId, type ReactNode } from "react";
import type { AdminFormState } from "@/app/admin/accounts/form-state";

export const INPUT_CLASS =
  "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm aria-[invalid=true]:border-red-500";

/** A file picker whose button looks like the portal's other secondary buttons. */
export const FILE_INPUT_CLASS =
  "block text-sm text-slate-600 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-700 hover:file:bg-slate-50";

/** What a field hands its control: the id its label points at and the note that describes it. */
export interface FieldControlProps {
  id: string;
  "aria-describedby": string | undefined;
  "aria-invalid": boolean;
}

/** The hint, or the error in its place, under a field; `id` is what the control's aria-describedby names. */
function FieldNote({
  id,
  hint,
  error,
}: {
  id: string;
  hint?: ReactNode;
  error: string | undefined;
}) {
  if (error)
    return (
      <p id={id} className="mt-1 text-xs text-red-700" data-testid="field-error">
        {error}
      </p>
    );
  return hint ? (
    <p id={id} className="mt-1 text-xs text-slate-500">
      {hint}
    </p>
  ) : null;
}

/**
 * One labelled field with its hint and its own error right under it. The label holds only the
 * field's name; hint and error describe the control (aria-describedby), so a screen reader says
 * "Name, edit text, Shown to users…" rather than taking the hint or the error for the name.
 */
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
  children: (control: FieldControlProps) => ReactNode;
  className?: string;
}) {
  const id = useId();
  const noteId = `${id}-note`;
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children({
        id,
        "aria-describedby": error || hint ? noteId : undefined,
        "aria-invalid": !!error,
      })}
      <FieldNote id={noteId} hint={hint} error={error} />
    </div>
  );
}

/**
 * Checkboxes or radio buttons under one name (the legend). Each control keeps its own label; the
 * group's hint or error describes every one of them.
 */
export function AdminChoiceGroup({
  legend,
  hint,
  error,
  children,
  className = "",
}: {
  legend: string;
  hint?: ReactNode;
  error: string | undefined;
  children: (control: Omit<FieldControlProps, "id">) => ReactNode;
  className?: string;
}) {
  const noteId = `${useId()}-note`;
  return (
    <fieldset className={className}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      {children({
        "aria-describedby": error || hint ? noteId : undefined,
        "aria-invalid": !!error,
      })}
      <FieldNote id={noteId} hint={hint} error={error} />
    </fieldset>
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
