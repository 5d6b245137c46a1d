import type { SignedInUser } from "@/lib/auth/portal-session";

/**
 * Who may answer "who can reach X" and "why can (or can't) Alice": administrators, and auditors.
 * AUDITOR SWITCH: `isAuditor` arrives with the audit-log branch (h/audit); until then only admins
 * pass. When it lands, make this line `return user.isAdmin || user.isAuditor;`.
 */
export function canReviewAccess(user: Pick<SignedInUser, "isAdmin">): boolean {
  return user.isAdmin;
}
