// An eligible rule for one person, the shape the access-request tests start from
// (docs/ACCESS-REQUESTS.md): a role they may request, approved by the developers group.
import type { TestStack } from "./stack";

export interface EligibleRuleOptions {
  approvers?: Array<{ group: string } | { personId: string; email: string }>;
  approvalsRequired?: number;
  breakGlass?: boolean;
  maxElevationSeconds?: number;
  maxSessionDurationSeconds?: number;
  webhookUrl?: string;
}

export async function createEligibleRule(
  stack: Pick<TestStack, "db">,
  who: { roleId: string; personId: string },
  opts: EligibleRuleOptions = {},
) {
  return stack.db.accessRule.create({
    data: {
      roleId: who.roleId,
      personId: who.personId,
      kind: "eligible",
      approversJson: JSON.stringify(opts.approvers ?? [{ group: "developers" }]),
      approvalsRequired: opts.approvalsRequired ?? 1,
      breakGlass: opts.breakGlass ?? false,
      maxElevationSeconds: opts.maxElevationSeconds ?? 2 * 3600,
      maxSessionDurationSeconds: opts.maxSessionDurationSeconds ?? 3600,
      ...(opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {}),
    },
  });
}
