import "server-only";
import { actorOf } from "@/lib/audit/actor";
import { writeAuditEvent, type AuditTarget } from "@/lib/audit/write-audit-event";
import { findGrantsForPrincipal, principalOf } from "@/lib/access/find-grants";
import { grantForReference, parseRoleReference } from "@/lib/access/role-reference";
import type { Db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import type { IssuanceContext } from "./issuance-request";

/**
 * The role id a CLI reference names among the caller's grants (lib/access/role-reference.ts). A
 * reference that names none of them is audited as a denial, like an ungranted role id on the page,
 * and like it names the role and account the reference points at when there is exactly one: an
 * auditor filtering the log by account or role must find the attempts on it too (the answer is
 * the same either way, docs/INVARIANTS.md invariant 1). The denial names the output asked for, as
 * the page's do (the metrics count it by output, docs/OPERATIONS.md "Metrics").
 */
export async function roleIdForReference(
  ctx: IssuanceContext,
  reference: string,
  output: "cli" | "console",
): Promise<string> {
  const grants = await findGrantsForPrincipal(ctx.db, principalOf(ctx.user), ctx.now);
  try {
    return grantForReference(grants, reference).roleId;
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") {
      const target = await roleNamedBy(ctx.db, reference);
      await writeAuditEvent(ctx.db, {
        action: "access.denied",
        outcome: "denied",
        actor: actorOf(ctx.user),
        meta: ctx.meta,
        ...(target ? { target } : {}),
        details: {
          output,
          requestedRole: reference.slice(0, 200),
          reason: "no granted role matches the reference",
        },
      });
    }
    throw error;
  }
}

/** The account and ARN of the one role in the portal a reference names, whoever holds it. */
async function roleNamedBy(db: Db, reference: string): Promise<AuditTarget | null> {
  const ref = parseRoleReference(reference);
  if (!ref) return null;
  if ("roleId" in ref) {
    const role = await db.role.findUnique({
      where: { id: ref.roleId },
      select: { arn: true, awsAccount: { select: { accountId: true } } },
    });
    return role ? { awsAccountId: role.awsAccount.accountId, roleArn: role.arn } : null;
  }
  // Names compare without regard to case, as grantForReference compares them.
  const roles = await db.$queryRaw<Array<{ arn: string; accountId: string }>>`
    SELECT r."arn", a."accountId" FROM "Role" r JOIN "AwsAccount" a ON a."id" = r."awsAccountId"
    WHERE lower(r."name") = ${ref.roleName}
      AND (a."accountId" = ${ref.account} OR lower(a."name") = ${ref.account}
        OR (a."alias" <> '' AND lower(a."alias") = ${ref.account}))
    LIMIT 2`;
  const [only, ...others] = roles;
  return only && others.length === 0 ? { awsAccountId: only.accountId, roleArn: only.arn } : null;
}
