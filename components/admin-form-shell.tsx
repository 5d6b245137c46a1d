"use client";

import {
  createContext,
  use,
  useActionState,
  useRef,
  type InputHTMLAttributes,
  type ReactNode,
} from "react";
import { INITIAL_FORM_STATE, type AdminFormState } from "@/app/admin/accounts/form-state";
import {
  AdminField,
  AdminFormStatus,
  AdminSubmit,
  INPUT_CLASS,
  type FieldControlProps,
} from "./admin-form-parts";
import { useFocusFirstInvalid } from "./use-focus-first-invalid";
import { submitKeepingFields } from "./use-kept-form-submit";

export type AdminFormAction = (state: AdminFormState, form: FormData) => Promise<AdminFormState>;

/** An account, role or rule form's state, as its fields read it. */
export interface AdminForm {
  state: AdminFormState;
  formAction: (form: FormData) => void;
  isPending: boolean;
  /** Editing a stored row (it has an id) rather than adding one. */
  isEdit: boolean;
  initial: Record<string, string>;
  /** The value as typed (after a refused submit) or, before any submit, from the stored row. */
  valueOf: (name: string) => string;
  errorOf: (name: string) => string | undefined;
}

export function useAdminForm(action: AdminFormAction, initial: Record<string, string>): AdminForm {
  const [state, formAction, isPending] = useActionState(action, INITIAL_FORM_STATE);
  return {
    state,
    formAction,
    isPending,
    isEdit: initial.id !== undefined,
    initial,
    valueOf: (name) => state.values[name] ?? initial[name] ?? "",
    errorOf: (name) => state.errors[name],
  };
}

const AdminFormContext = createContext<AdminForm | null>(null);

export function useAdminFormContext(): AdminForm {
  const form = use(AdminFormContext);
  if (!form) throw new TypeError("an admin form field must be inside an AdminFormShell");
  return form;
}

/**
 * The frame every add/edit form shares: heading, outcome, the ids it carries (`carry`, plus id and
 * version when editing, for the server's optimistic concurrency check) and the submit button.
 */
export function AdminFormShell({
  form,
  testId,
  title,
  titleLevel: Title = "h2",
  submitLabel,
  carry = [],
  children,
}: {
  form: AdminForm;
  testId: string;
  title: string;
  /** h1 on a page whose only content is the form (Add account), else under the page's h1. */
  titleLevel?: "h1" | "h2";
  submitLabel: string;
  /** Names of `form.initial` values sent back as hidden inputs (the parent's ids). */
  carry?: readonly string[];
  children: ReactNode;
}) {
  const element = useRef<HTMLFormElement>(null);
  const hasFieldErrors = Object.keys(form.state.errors).some((name) => name !== "form");
  useFocusFirstInvalid(element, form.state, hasFieldErrors);
  return (
    <form
      ref={element}
      action={form.formAction}
      onSubmit={submitKeepingFields(form.formAction)}
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      data-testid={testId}
      noValidate
    >
      <Title className="text-lg font-semibold">{title}</Title>
      <AdminFormStatus state={form.state} />
      {carry.map((name) => (
        <input key={name} type="hidden" name={name} value={form.initial[name]} />
      ))}
      {form.isEdit && <input type="hidden" name="id" value={form.initial.id} />}
      {form.isEdit && <input type="hidden" name="version" value={form.valueOf("version")} />}
      <AdminFormContext value={form}>{children}</AdminFormContext>
      <AdminSubmit pending={form.isPending} label={submitLabel} busy="Saving…" />
    </form>
  );
}

type TextInputProps = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "name" | "id" | "className" | "aria-describedby" | "aria-invalid"
>;

/** A text input named `name`, showing the form's value for it, with its label, hint and error. */
export function TextField({
  name,
  label,
  hint,
  className,
  inputClassName = "",
  ...input
}: TextInputProps & {
  name: string;
  label: string;
  hint?: ReactNode;
  className?: string;
  inputClassName?: string;
}) {
  const form = useAdminFormContext();
  return (
    <AdminField label={label} hint={hint} error={form.errorOf(name)} className={className}>
      {(control) => (
        <input
          name={name}
          className={`${INPUT_CLASS} ${inputClassName}`}
          defaultValue={form.valueOf(name)}
          {...input}
          {...control}
        />
      )}
    </AdminField>
  );
}

/** A checkbox sent as "on" when ticked, labelled by its own text; `control` links its group's note. */
export function CheckboxField({
  name,
  label,
  control,
}: {
  name: string;
  label: ReactNode;
  control?: Omit<FieldControlProps, "id">;
}) {
  const form = useAdminFormContext();
  return (
    <label className="flex items-center gap-2 text-sm font-normal">
      <input
        type="checkbox"
        name={name}
        defaultChecked={form.valueOf(name) === "on"}
        {...control}
      />
      {label}
    </label>
  );
}

/** A role's or a rule's maximum session in whole seconds, up to AWS's 12 hours; 1 hour to start. */
export function MaxSessionField({ min, hint }: { min: number; hint: ReactNode }) {
  const form = useAdminFormContext();
  return (
    <TextField
      name="maxSessionDurationSeconds"
      label="Maximum session (seconds)"
      hint={hint}
      type="number"
      min={min}
      max={43_200}
      step={1}
      defaultValue={form.valueOf("maxSessionDurationSeconds") || "3600"}
    />
  );
}
