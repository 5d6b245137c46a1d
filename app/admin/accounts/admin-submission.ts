import "server-only";
import { isId } from "@/lib/admin/database-id";
import type { AuditActor } from "@/lib/audit/write-audit-event";
import { ADMIN_ONLY_MESSAGE, checkPrivilegedAction } from "@/lib/auth/privilege-guard";
import type { RequestMeta } from "@/lib/request-meta";
import { actorOf } from "@/lib/audit/actor";
import { formValues, formVersion, refused, type AdminFormState } from "./form-state";

export const STALE_FORM = "This form is out of date or incomplete: reload the page and try again.";

export type AdminSubmission =
  | { ok: true; values: Record<string, string>; actor: AuditActor; meta: RequestMeta }
  | { ok: false; state: AdminFormState };

/**
 * How every account, role and rule action starts: the named fields as text, and the action's own
 * check that the caller is a signed-in admin (docs/INVARIANTS.md invariant 4). A refusal says so and hands
 * back nothing of what was typed.
 */
export async function readAdminSubmission(
  form: FormData,
  fields: readonly string[],
  what: string,
): Promise<AdminSubmission> {
  const values = formValues(form, fields);
  const check = await checkPrivilegedAction("admin", what);
  if (!check.allowed) return { ok: false, state: refused({}, ADMIN_ONLY_MESSAGE) };
  return { ok: true, values, actor: actorOf(check.user), meta: check.meta };
}

/**
 * The database ids (`names`) and the version an edit or delete form carries back, or null when
 * any is missing or malformed: a stale or tampered form, answered with STALE_FORM.
 */
export function editTarget<K extends string>(
  values: Record<string, string>,
  form: FormData,
  names: readonly K[],
): ({ [name in K]: string } & { version: number }) | null {
  const version = formVersion(form);
  if (version === null || !names.every((name) => isId(values[name]))) return null;
  const ids = Object.fromEntries(names.map((name) => [name, values[name]])) as {
    [name in K]: string;
  };
  return { ...ids, version };
}
