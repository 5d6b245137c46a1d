import "server-only";
import type { Db } from "@/lib/db/client";
import type { Principal, RuleForResolution } from "@/lib/access/resolve-grants";
import { ruleSelect } from "@/lib/access/rule-select";

/**
 * The principal's current elevations as rules for resolveGrants: for each approved request of
 * theirs whose window holds `now`, the eligible rule it was made under, marked with the request and
 * its end. The rule must still be eligible and still name them (resolveGrants checks), so deleting
 * the rule, changing it to standing or leaving its group ends the elevation too. Read on every
 * issuance, from the database: a revoke is seen at once by every replica.
 */
export async function elevationRulesFor(
  db: Db,
  principal: Pick<Principal, "personId">,
  now: Date,
  roleId?: string,
): Promise<RuleForResolution[]> {
  const requests = await db.accessRequest.findMany({
    where: {
      personId: principal.personId,
      state: "approved",
      startsAt: { lte: now },
      endsAt: { gt: now },
      ...(roleId ? { roleId } : {}),
      rule: { kind: "eligible" },
    },
    select: {
      id: true,
      endsAt: true,
      rule: { select: ruleSelect },
      decisions: { where: { decision: "approve" }, select: { email: true } },
    },
  });
  const rules: RuleForResolution[] = [];
  for (const r of requests) {
    if (!r.rule || !r.endsAt) continue;
    rules.push({
      ...r.rule,
      elevation: {
        requestId: r.id,
        endsAt: r.endsAt,
        approvedBy: r.decisions.map((d) => d.email),
      },
    });
  }
  return rules;
}
