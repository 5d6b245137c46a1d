import type { SignedInUser } from "@/lib/auth/portal-session";

/** Who may answer "who can reach X" and "why can (or can't) Alice": auditors (admins included). */
export function canReviewAccess(user: Pick<SignedInUser, "isAdmin" | "isAuditor">): boolean {
  return user.isAdmin || user.isAuditor;
}
