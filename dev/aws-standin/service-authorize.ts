/**
 * Authorizing an IAM or Organizations call against the caller's identity policy, with the
 * request context AWS supplies for any signed call. As for STS (docs/AWS-STANDIN.md), a caller
 * without an identity policy may call anything; one with a policy needs it to allow the action.
 */
import { evaluatePolicy, type Verdict } from "./iam-policy-eval";
import type { Caller } from "./state";
import { awsRequestPrincipal, identityPolicyOf } from "./sts-authorize";
import type { WorldIndex } from "./world";

/** Whether the caller's identity policy allows `action` (`iam:ListRoles`) on `resource`. */
export function identityVerdict(
  world: WorldIndex,
  caller: Caller,
  action: string,
  resource: string,
): Verdict {
  const policy = identityPolicyOf(world, caller.principal);
  if (!policy) return "allow";
  const { principal, issued } = caller;
  const context = new Map<string, string>([
    ["aws:principalarn", principal.type === "assumed-role" ? principal.roleArn : principal.arn],
    ["aws:principalaccount", principal.account],
  ]);
  // Long-term keys carry no aws:MultiFactorAuthPresent at all; temporary ones say true or false.
  if (issued) context.set("aws:multifactorauthpresent", String(issued.isMfaAuthenticated));
  return evaluatePolicy(policy, {
    action,
    resource,
    principal: awsRequestPrincipal(principal),
    context,
  });
}
