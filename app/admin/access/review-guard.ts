import "server-only";
import { redirect } from "next/navigation";
import { canReviewAccess } from "@/lib/access-review/can-review";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { currentRequestMeta, getSignedInUser } from "@/lib/auth/current-user";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { getDb } from "@/lib/db/client";
import { actorOf } from "@/lib/issuance/issue-session";

/**
 * For the access review page: a signed-out visitor is sent to sign in; a signed-in user who may
 * not review access gets `allowed: false` (the page shows the 403 notice and nothing else),
 * audited as admin.denied. The page calls this itself (DESIGN.md invariant 4).
 */
export async function checkReviewPage(
  returnTo: string,
): Promise<{ allowed: boolean; user: SignedInUser }> {
  const meta = await currentRequestMeta();
  const user = await getSignedInUser(meta);
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (canReviewAccess(user)) return { allowed: true, user };
  await writeAuditEvent(getDb(), {
    action: "admin.denied",
    outcome: "denied",
    actor: actorOf(user),
    meta,
    details: { reason: "may not review access", entry: `page ${returnTo}` },
  });
  return { allowed: false, user };
}
