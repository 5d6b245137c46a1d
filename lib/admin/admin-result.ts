import "server-only";
import { z } from "zod";

/**
 * What the admin editors of accounts, roles and access rules return, and the pieces their input
 * rules share (account-input.ts, role-input.ts, rule-input.ts). Every schema reports all of its
 * issues by field (every issue, with its field path), and the messages are safe to show next to
 * the field they name.
 */

export type FieldErrors = Record<string, string>;

/** What an admin edit returns: the saved row's id and version, or why nothing was saved. */
export type AdminResult =
  | { ok: true; id: string; version: number; warnings: string[] }
  | {
      ok: false;
      /**
       * invalid: see `errors` (by field); conflict: the row changed since the form was loaded;
       * not_found: it is gone; audit_unavailable: the audit log refused the record, so the
       * change was rolled back with it; database_unavailable: a database fault, the change's
       * fate unknown until the page is reloaded.
       */
      reason: "invalid" | "conflict" | "not_found" | "audit_unavailable" | "database_unavailable";
      errors: FieldErrors;
    };

export function invalid(errors: FieldErrors): AdminResult {
  return { ok: false, reason: "invalid", errors };
}

export function conflict(what: "account" | "role" | "rule"): AdminResult {
  return {
    ok: false,
    reason: "conflict",
    errors: {
      form: `This ${what} was changed by someone else since you opened it; reload to see their change. Nothing was saved.`,
    },
  };
}

export function notFound(what: "account" | "role" | "rule"): AdminResult {
  return {
    ok: false,
    reason: "not_found",
    errors: { form: `This ${what} no longer exists: someone deleted it.` },
  };
}

/** Every issue of a failed parse, joined per field ("form" for issues without a path). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "form";
    errors[key] = errors[key] ? `${errors[key]} ${issue.message}` : issue.message;
  }
  return errors;
}

/**
 * Parses a form with `schema` and, when some fields are invalid, parses it again with those fields
 * replaced by neutral `fallbacks`, so the form's cross-field checks still run on everything else:
 * every problem is reported at once, not the next one only after the first is fixed. `invalid`
 * names the fields that failed (their fallbacks must not cause cross-field errors of their own).
 */
export function parseAllFields<S extends z.ZodType<Record<string, unknown>>>(
  schema: S,
  raw: Record<string, unknown>,
  fallbacks: z.input<S>,
): { input: z.output<S>; errors: FieldErrors; invalid: Set<string> } | { errors: FieldErrors } {
  const first = schema.safeParse(raw);
  if (first.success) return { input: first.data, errors: {}, invalid: new Set() };
  const errors = fieldErrorsOf(first.error);
  const invalid = new Set(first.error.issues.map((i) => String(i.path[0] ?? "form")));
  const patched: Record<string, unknown> = { ...raw };
  for (const key of invalid) patched[key] = (fallbacks as Record<string, unknown>)[key];
  const second = schema.safeParse(patched);
  return second.success ? { input: second.data, errors, invalid } : { errors };
}

/**
 * Control characters (C0, DEL, C1), line and paragraph separators, and the invisible marks that
 * reorder text (bidirectional overrides, embeddings, isolates: a name could display as another).
 * Zero-width joiners stay allowed: some scripts need them.
 */
const CONTROL_CHARS =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
export const noControlChars = (s: string) => !CONTROL_CHARS.test(s);

export const description = z
  .string()
  .trim()
  .max(500, "Keep the description under 500 characters.")
  .refine(noControlChars, "Use a single line of plain text.");
