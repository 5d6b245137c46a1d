import "server-only";
import { redirect } from "next/navigation";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import { currentRequestMeta, getSignedInUser } from "@/lib/auth/current-user";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { getDb } from "@/lib/db/client";
import type { AdminResult } from "@/lib/admin/validation";
import { isAppError } from "@/lib/http/errors";
import type { RequestMeta } from "@/lib/http/request-meta";
import { actorOf } from "@/lib/issuance/issue-session";

const ANONYMOUS: AuditActor = {
  userId: null,
  issuer: null,
  subject: null,
  email: null,
  groups: null,
};

export type AdminCheck =
  | { allowed: true; user: SignedInUser; meta: RequestMeta }
  | { allowed: false; user: SignedInUser | null; meta: RequestMeta };

async function recordDenial(user: SignedInUser | null, meta: RequestMeta, entry: string) {
  await writeAuditEvent(getDb(), {
    action: "admin.denied",
    outcome: "denied",
    actor: user ? actorOf(user) : ANONYMOUS,
    meta,
    details: { reason: user ? "not an administrator" : "not signed in", entry },
  });
}

/**
 * For the account, role and rule editors' pages: a signed-out visitor is sent to sign in; a
 * signed-in non-admin gets `allowed: false` (the page then shows a 403 notice and nothing else),
 * audited as admin.denied. Each page calls this itself (DESIGN.md invariant 4).
 */
export async function checkAdminPage(
  returnTo: string,
): Promise<AdminCheck & { user: SignedInUser }> {
  const meta = await currentRequestMeta();
  const user = await getSignedInUser(meta);
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (user.isAdmin) return { allowed: true, user, meta };
  await recordDenial(user, meta, `page ${returnTo}`);
  return { allowed: false, user, meta };
}

/**
 * For server actions (which anyone can POST to, bypassing every page): the admin, or null after
 * an admin.denied audit event. The caller then returns its refusal without touching anything.
 */
export async function checkAdminAction(action: string): Promise<AdminCheck> {
  const meta = await currentRequestMeta();
  const user = await getSignedInUser(meta);
  if (user?.isAdmin) return { allowed: true, user, meta };
  await recordDenial(user, meta, `action ${action}`);
  return { allowed: false, user, meta };
}

export const ADMIN_ONLY_MESSAGE =
  "Only Gatehouse administrators can change accounts, roles and access rules. Nothing was changed.";

/**
 * Runs an admin change. When its audit record can't be written the whole transaction, change
 * included, has been rolled back (DESIGN.md invariant 2): the admin is told so, by the form.
 */
export async function auditedChange(run: () => Promise<AdminResult>): Promise<AdminResult> {
  try {
    return await run();
  } catch (error) {
    if (isAppError(error) && error.code === "audit_unavailable")
      return {
        ok: false,
        reason: "audit_unavailable",
        errors: {
          form: "The audit log could not record this change, so it was not made. Try again shortly.",
        },
      };
    throw error;
  }
}
