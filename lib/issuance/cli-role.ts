import "server-only";
import { actorOf } from "@/lib/audit/actor";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { findGrantsForPrincipal, principalOf } from "@/lib/access/find-grants";
import { grantForReference } from "@/lib/access/role-reference";
import { isAppError } from "@/lib/errors";
import type { IssuanceContext } from "./issuance-request";

/**
 * The role id a CLI reference names among the caller's grants (lib/access/role-reference.ts). A
 * reference that names none of them is audited as a denial, like an ungranted role id on the page.
 */
export async function roleIdForReference(ctx: IssuanceContext, reference: string): Promise<string> {
  const grants = await findGrantsForPrincipal(ctx.db, principalOf(ctx.user), ctx.now);
  try {
    return grantForReference(grants, reference).roleId;
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") {
      await writeAuditEvent(ctx.db, {
        action: "access.denied",
        outcome: "denied",
        actor: actorOf(ctx.user),
        meta: ctx.meta,
        details: {
          requestedRole: reference.slice(0, 200),
          reason: "no granted role matches the reference",
        },
      });
    }
    throw error;
  }
}
