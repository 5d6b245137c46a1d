/**
 * The world's shorthand trust fields (trustedPrincipalArns, allowsSourceIdentity, …) written out
 * as the trust policy they stand for, so shorthand roles and roles with a real policy document go
 * through one evaluation.
 */
import type { ParsedPolicy, PolicyCondition, PolicyStatement } from "./iam-policy";

/** The shorthand fields of a role (see StandinRole). */
export interface ShorthandTrust {
  trustedPrincipalArns: string[];
  allowsSourceIdentity: boolean;
  allowsTagSession: boolean;
  trustedSamlProviderArns?: string[];
  requiresMfa?: boolean;
}

const MFA_PRESENT: PolicyCondition = {
  operator: "Bool",
  ifExists: false,
  key: "aws:multifactorauthpresent",
  values: ["true"],
};

/**
 * The trust policy the shorthand describes:
 * - Allow sts:AssumeRole to trustedPrincipalArns (with `Bool aws:MultiFactorAuthPresent true`
 *   when requiresMfa);
 * - Allow sts:AssumeRoleWithSAML to trustedSamlProviderArns as Federated principals;
 * - Allow sts:SetSourceIdentity / sts:TagSession to both, when allowed.
 */
export function shorthandTrustPolicy(role: ShorthandTrust): ParsedPolicy {
  const aws = role.trustedPrincipalArns;
  const federated = role.trustedSamlProviderArns ?? [];
  const allow = (
    actions: string[],
    principals: { aws: string[]; federated: string[] },
    conditions: PolicyCondition[] = [],
  ): PolicyStatement => ({
    sid: undefined,
    effect: "Allow",
    principal: { isAnyone: false, service: [], ...principals },
    actions,
    resources: [],
    conditions,
  });
  const statements: PolicyStatement[] = [];
  if (aws.length > 0) {
    statements.push(
      allow(["sts:AssumeRole"], { aws, federated: [] }, role.requiresMfa ? [MFA_PRESENT] : []),
    );
  }
  if (federated.length > 0) {
    statements.push(allow(["sts:AssumeRoleWithSAML"], { aws: [], federated }));
  }
  const extras = [
    ...(role.allowsSourceIdentity ? ["sts:SetSourceIdentity"] : []),
    ...(role.allowsTagSession ? ["sts:TagSession"] : []),
  ];
  if (extras.length > 0) statements.push(allow(extras, { aws, federated }));
  return { kind: "trust", statements };
}

/** Whether any shorthand field says something (a role with a trustPolicy must leave them all empty). */
export function usesShorthandTrust(role: ShorthandTrust): boolean {
  return (
    role.trustedPrincipalArns.length > 0 ||
    (role.trustedSamlProviderArns ?? []).length > 0 ||
    role.allowsSourceIdentity ||
    role.allowsTagSession ||
    role.requiresMfa === true
  );
}
