/**
 * Who may do what: STS's authorization of AssumeRole against the role's trust policy and the
 * caller's identity policy, and the partition rule every ARN in a request must meet.
 */
import type { ParsedPolicy } from "./iam-policy";
import { evaluatePolicy, type PolicyRequest, type RequestPrincipal } from "./iam-policy-eval";
import { partitionOfArn, type StandinPartition } from "./partitions";
import type { Principal } from "./state";
import { notAuthorized, StsError } from "./sts-errors";
import type { ResolvedRole, WorldIndex } from "./world";

/**
 * An ARN of another partition than the endpoint's. AWS's exact STS wording is not documented; the
 * stand-in borrows IAM's message for a foreign-partition ARN (docs/AWS-STANDIN.md).
 *
 * @throws StsError ValidationError `Partition "<p>" is not valid for resource "<arn>".`
 */
export function checkPartition(arn: string, partition: StandinPartition): void {
  const named = partitionOfArn(arn);
  if (named !== undefined && named !== partition) {
    throw new StsError(
      "ValidationError",
      `Partition "${named}" is not valid for resource "${arn}".`,
    );
  }
}

/** The caller as a trust policy's Principal sees it: its own ARN, and a session's role ARN. */
export function awsRequestPrincipal(principal: Principal): RequestPrincipal {
  return {
    type: "aws",
    arns: principal.type === "assumed-role" ? [principal.arn, principal.roleArn] : [principal.arn],
    account: principal.account,
    partition: principal.partition,
  };
}

/** What a session of a role that no longer exists may do: nothing. */
const NO_PERMISSIONS: ParsedPolicy = { kind: "permission", statements: [] };

/**
 * The caller's identity policy: the IAM user's, or for a role session its role's. A session
 * whose role was removed (AwsStandin.removeRole) keeps working keys but, as at AWS, no
 * permissions: its policy allows nothing.
 */
export function identityPolicyOf(
  world: WorldIndex,
  principal: Principal,
): ParsedPolicy | undefined {
  if (principal.type === "user") return world.principalByArn(principal.arn)?.permissions;
  const role = world.roleByArn(principal.roleArn);
  return role ? role.permissions : NO_PERMISSIONS;
}

/** Request context keys (lowercased) for the AssumeRole call a signed caller makes. */
export function assumeRoleContext(input: {
  principal: Principal;
  /** aws:MultiFactorAuthPresent: true/false for temporary credentials, absent for long-term keys without a code. */
  mfaPresent: boolean | undefined;
  externalId: string | undefined;
  sessionName: string;
  sourceIdentity: string | undefined;
}): Map<string, string> {
  const { principal } = input;
  const context = new Map<string, string>([
    ["aws:principalarn", principal.type === "assumed-role" ? principal.roleArn : principal.arn],
    ["aws:principalaccount", principal.account],
    ["sts:rolesessionname", input.sessionName],
  ]);
  if (input.mfaPresent !== undefined)
    context.set("aws:multifactorauthpresent", String(input.mfaPresent));
  if (input.externalId !== undefined) context.set("sts:externalid", input.externalId);
  if (input.sourceIdentity !== undefined) context.set("sts:sourceidentity", input.sourceIdentity);
  return context;
}

/**
 * Whether one action on the role is allowed: its trust policy must allow it and, when the caller
 * has an identity policy, that must allow it too; a Deny in either refuses.
 */
export function isAllowed(
  role: ResolvedRole,
  request: Omit<PolicyRequest, "resource">,
  identityPolicy: ParsedPolicy | undefined,
): boolean {
  const full: PolicyRequest = { ...request, resource: role.arn };
  if (identityPolicy && evaluatePolicy(identityPolicy, full) !== "allow") return false;
  return evaluatePolicy(role.trust, full) === "allow";
}

/**
 * Authorizes AssumeRole's actions in AWS's order — sts:AssumeRole, then sts:SetSourceIdentity and
 * sts:TagSession when the request needs them — and names the first one refused.
 *
 * @throws StsError AccessDenied `User: <caller> is not authorized to perform: <action> on
 *   resource: <role ARN as requested>`.
 */
export function authorizeAssumeRole(
  world: WorldIndex,
  principal: Principal,
  requestedArn: string,
  role: ResolvedRole,
  actions: readonly string[],
  context: ReadonlyMap<string, string>,
): void {
  const identityPolicy = identityPolicyOf(world, principal);
  const caller = awsRequestPrincipal(principal);
  for (const action of actions) {
    if (!isAllowed(role, { action, principal: caller, context }, identityPolicy)) {
      throw notAuthorized(principal.arn, action, requestedArn);
    }
  }
}
