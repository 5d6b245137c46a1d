import "server-only";
import { currentTime } from "@/lib/clock";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { recordAnonymousRefusal } from "@/lib/audit/anonymous-refusals";
import { ANONYMOUS_ACTOR, writeAuditEvent } from "@/lib/audit/write-audit-event";
import { getDb } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { actorOf } from "@/lib/audit/actor";
import { PAGE_PATH_HEADER } from "@/lib/http/security-headers";
import { currentRequestMeta, findSignedInUser, requirePageUser } from "./current-user";
import type { SignedInUser } from "./portal-session";
import { signInPathFor } from "./sign-in-redirect";

/**
 * Who may do what beyond using their own roles: administrators change the configuration;
 * auditors (every administrator is one) read the audit log and review access.
 */
export type Privilege = "admin" | "auditor";

export function holdsPrivilege(
  user: Pick<SignedInUser, "isAdmin" | "isAuditor">,
  privilege: Privilege,
): boolean {
  return privilege === "admin" ? user.isAdmin : user.isAdmin || user.isAuditor;
}

const REFUSAL_REASON: Record<Privilege, string> = {
  admin: "not an administrator",
  auditor: "not an auditor or administrator",
};

/** What a refused API call is told (HTTP 403). */
export const PRIVILEGE_REQUIRED: Record<Privilege, string> = {
  admin: "Only Gatehouse administrators can do this.",
  auditor: "Only auditors and Gatehouse administrators can do this.",
};

/** Writes the admin.denied audit event for a refused page, action or API call. */
export async function recordDenial(
  user: SignedInUser | null,
  meta: RequestMeta,
  privilege: Privilege,
  entry: string,
): Promise<void> {
  const event = {
    action: "admin.denied" as const,
    outcome: "denied" as const,
    actor: user ? actorOf(user) : ANONYMOUS_ACTOR,
    meta,
    details: { reason: user ? REFUSAL_REASON[privilege] : "not signed in", entry },
  };
  // A signed-in person's refusal is theirs to answer for; an anonymous one is aggregated.
  if (user) await writeAuditEvent(getDb(), event);
  else await recordAnonymousRefusal(getDb(), event, currentTime());
}

/**
 * For admin and auditor pages, called by each page itself (docs/INVARIANTS.md invariant 4): a signed-out
 * visitor is sent to sign in and back; a signed-in person without the privilege gets HTTP 403 and
 * the segment's friendly forbidden.tsx (nothing of the page is rendered), audited as admin.denied.
 */
export async function requirePrivilegedPage(
  privilege: Privilege,
  returnTo: string,
): Promise<{ user: SignedInUser; meta: RequestMeta }> {
  const { user, meta } = await requirePageUser({ returnTo });
  if (holdsPrivilege(user, privilege)) return { user, meta };
  await recordDenial(user, meta, privilege, `page ${returnTo}`);
  forbidden();
}

export type PrivilegeCheck =
  | { allowed: true; user: SignedInUser; meta: RequestMeta }
  | { allowed: false; user: SignedInUser | null; meta: RequestMeta };

/**
 * For server actions, which anyone can POST to whatever page they were rendered on: the caller
 * when they hold the privilege, else `allowed: false` after an admin.denied audit event. The
 * action then returns its refusal without touching anything.
 *
 * Nobody signed in: the form came from a tab left open after its session ended (signed out,
 * expired, revoked). The tab is sent to the sign-in page, which says the session ended and
 * comes back to the page afterwards, rather than told it is no administrator or told nothing
 * (docs/SINGLE-LOGOUT.md "After signing out"). Actions exist only on pages rendered for a
 * signed-in person, so the session-ended wording holds even when the cookie is already gone.
 */
export async function checkPrivilegedAction(
  privilege: Privilege,
  action: string,
): Promise<PrivilegeCheck> {
  const meta = await currentRequestMeta();
  const user = await findSignedInUser(meta);
  if (user && holdsPrivilege(user, privilege)) return { allowed: true, user, meta };
  await recordDenial(user, meta, privilege, `action ${action}`);
  if (!user) redirect(signInPathFor((await headers()).get(PAGE_PATH_HEADER) ?? "/", true));
  return { allowed: false, user, meta };
}

export const ADMIN_ONLY_MESSAGE =
  "Only Gatehouse administrators can change accounts, roles and access rules. Nothing was changed.";
