import "server-only";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { requestMetaFrom, type RequestMeta } from "@/lib/http/request-meta";
import { buildAuthOptions } from "./auth-options";
import { findActiveSessionUser, type SignedInUser } from "./portal-session";

/**
 * The signed-in user for this request, or null. The session cookie only names a server-side session;
 * the database row must exist, be unrevoked and unexpired (DESIGN.md invariant 4: every entry point
 * checks for itself, so this runs in each handler and page, not only in middleware).
 */
export async function getSignedInUser(meta: RequestMeta): Promise<SignedInUser | null> {
  const config = getConfig();
  const session = await getServerSession(buildAuthOptions(meta));
  return findActiveSessionUser(getDb(), session?.sid, {
    now: new Date(),
    adminGroup: config.adminGroup,
    auditorGroup: config.auditorGroup,
  });
}

export async function currentRequestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}

/**
 * For pages: the signed-in user, or a redirect to sign-in. Non-admins asking for an admin page are
 * sent to their accounts page with a notice saying why. Pages for auditors (`auditor: true`) answer
 * anyone else with HTTP 403 and the segment's forbidden.tsx (needs experimental.authInterrupts).
 */
export async function requirePageUser(opts: {
  admin?: boolean;
  auditor?: boolean;
  returnTo: string;
}): Promise<{ user: SignedInUser; meta: RequestMeta }> {
  const meta = await currentRequestMeta();
  const user = await getSignedInUser(meta);
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(opts.returnTo)}`);
  if (opts.admin && !user.isAdmin) redirect("/accounts?notice=admin-only");
  if (opts.auditor && !user.isAuditor) forbidden();
  return { user, meta };
}

/**
 * For API routes and actions behind withSession: only auditors (and admins) read the audit log.
 * @throws AppError("forbidden") for anyone else.
 */
export function assertAuditor(user: SignedInUser): void {
  if (!user.isAuditor) {
    throw new AppError("forbidden", "Only auditors and administrators can read the audit log.", {
      internalReason: `user ${user.id} is not in the auditor or admin group`,
    });
  }
}
