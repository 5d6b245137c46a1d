import "server-only";
import { formValues, refused, type AdminFormState } from "@/app/admin/accounts/form-state";
import { isId } from "@/lib/admin/database-id";
import type { AuditActor } from "@/lib/audit/write-audit-event";
import { checkPrivilegedAction } from "@/lib/auth/privilege-guard";
import type { RequestMeta } from "@/lib/request-meta";
import { actorOf } from "@/lib/audit/actor";

export const STALE_IDP_FORM =
  "This form is out of date or incomplete: reload the page and try again.";
export const IDP_ADMIN_ONLY =
  "Only Gatehouse administrators can change identity providers. Nothing was changed.";

export type IdpSubmission =
  | {
      ok: true;
      /** The IdP and the version (updatedAt in ms) the form was loaded at; null when malformed. */
      target: { id: string; version: number } | null;
      values: Record<string, string>;
      actor: AuditActor;
      meta: RequestMeta;
    }
  | { ok: false; state: AdminFormState };

/**
 * How every IdP edit action starts: its own check that the caller is a signed-in admin (a refusal
 * is audited as admin.denied and hands back nothing typed), then the named fields as text and the
 * IdP id and version the form carries.
 */
export async function readIdpSubmission(
  form: FormData,
  fields: readonly string[],
  what: string,
): Promise<IdpSubmission> {
  const check = await checkPrivilegedAction("admin", what);
  if (!check.allowed) return { ok: false, state: refused({}, IDP_ADMIN_ONLY) };
  const id = form.get("id");
  const version = form.get("version");
  const target =
    isId(id) && typeof version === "string" && /^[1-9]\d{0,15}$/.test(version)
      ? { id, version: Number(version) }
      : null;
  return {
    ok: true,
    target,
    values: formValues(form, fields),
    actor: actorOf(check.user),
    meta: check.meta,
  };
}
