import type { AdminResult } from "@/lib/admin/admin-result";

/**
 * What every account, role and rule form gets back from its server action: a message, per-field
 * errors, warnings, and the values as typed, so a refused form keeps what the admin wrote.
 */
export interface AdminFormState {
  ok: boolean;
  message: string | null;
  warnings: string[];
  errors: Record<string, string>;
  /** As submitted; checkboxes are "on" or "". */
  values: Record<string, string>;
}

export const INITIAL_FORM_STATE: AdminFormState = {
  ok: false,
  message: null,
  warnings: [],
  errors: {},
  values: {},
};

/** The named fields of a submitted form as text (a missing checkbox is ""). */
export function formValues(form: FormData, names: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = form.get(name);
    values[name] = typeof value === "string" ? value : "";
  }
  return values;
}

/** The version a form was loaded at, or null when it is missing or not a positive integer. */
export function formVersion(form: FormData): number | null {
  const raw = form.get("version");
  return typeof raw === "string" && /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : null;
}

export function refused(values: Record<string, string>, message: string): AdminFormState {
  return { ok: false, message: null, warnings: [], errors: { form: message }, values };
}

/** The state for a result: errors keep the typed values; success reports the new version. */
export function stateOf(
  result: AdminResult,
  values: Record<string, string>,
  success: string,
): AdminFormState {
  if (!result.ok) return { ok: false, message: null, warnings: [], errors: result.errors, values };
  return {
    ok: true,
    message: success,
    warnings: result.warnings,
    errors: {},
    values: { ...values, version: String(result.version) },
  };
}
