import "server-only";

/** AWS's floor for any AssumeRole session. */
export const MIN_SESSION_SECONDS = 900;

export interface RuleForResolution {
  id: string;
  groupName: string | null;
  userId: string | null;
  maxSessionDurationSeconds: number;
  allowConsole: boolean;
  allowCli: boolean;
  expiresAt: Date | null;
  role: {
    id: string;
    name: string;
    arn: string;
    description: string;
    maxSessionDurationSeconds: number;
    assumeMethod: string;
    samlProviderArn: string | null;
    externalId: string | null;
    awsAccount: { accountId: string; name: string; environment: string; description: string };
  };
}

export interface Principal {
  userId: string;
  groups: readonly string[];
}

/** What one user may do with one role, merged over every rule that grants it. */
export interface Grant {
  roleId: string;
  roleName: string;
  roleArn: string;
  roleDescription: string;
  assumeMethod: string;
  /** For roles assumed with SAML: the IAM SAML provider the assertion must name. */
  samlProviderArn: string | null;
  externalId: string | null;
  account: { accountId: string; name: string; environment: string; description: string };
  /** The session length issued: the most generous matching rule, capped by the role's maximum. */
  maxSessionDurationSeconds: number;
  allowConsole: boolean;
  allowCli: boolean;
  /** The rules that grant this role, for "why can Alice use this role". */
  ruleIds: string[];
}

/** Whether a rule applies to this principal at this instant. */
export function ruleMatches(rule: RuleForResolution, principal: Principal, now: Date): boolean {
  if (rule.expiresAt !== null && rule.expiresAt <= now) return false;
  if (rule.userId !== null) return rule.userId === principal.userId;
  if (rule.groupName !== null) return principal.groups.includes(rule.groupName);
  return false;
}

/**
 * Resolves which roles a principal may use and how. Rules are additive: several rules for the same
 * role merge to the union of outputs and the longest duration, which is then capped by the role's
 * MaxSessionDuration. A rule that would allow neither console nor CLI grants nothing. The result is
 * sorted by account name, then role name. Pure: the accounts page and every issuance call it.
 */
export function resolveGrants(
  rules: readonly RuleForResolution[],
  principal: Principal,
  now: Date,
): Grant[] {
  const byRole = new Map<string, Grant>();
  for (const rule of rules) {
    if (!ruleMatches(rule, principal, now)) continue;
    if (!rule.allowConsole && !rule.allowCli) continue;
    const role = rule.role;
    const existing = byRole.get(role.id);
    if (existing) {
      existing.allowConsole ||= rule.allowConsole;
      existing.allowCli ||= rule.allowCli;
      existing.maxSessionDurationSeconds = Math.max(
        existing.maxSessionDurationSeconds,
        rule.maxSessionDurationSeconds,
      );
      existing.ruleIds.push(rule.id);
      continue;
    }
    byRole.set(role.id, {
      roleId: role.id,
      roleName: role.name,
      roleArn: role.arn,
      roleDescription: role.description,
      assumeMethod: role.assumeMethod,
      samlProviderArn: role.samlProviderArn,
      externalId: role.externalId,
      account: { ...role.awsAccount },
      maxSessionDurationSeconds: rule.maxSessionDurationSeconds,
      allowConsole: rule.allowConsole,
      allowCli: rule.allowCli,
      ruleIds: [rule.id],
    });
  }
  const grants = [...byRole.values()];
  for (const grant of grants) {
    const roleMax =
      rules.find((r) => r.role.id === grant.roleId)?.role.maxSessionDurationSeconds ??
      MIN_SESSION_SECONDS;
    grant.maxSessionDurationSeconds = Math.max(
      MIN_SESSION_SECONDS,
      Math.min(grant.maxSessionDurationSeconds, roleMax),
    );
    grant.ruleIds.sort();
  }
  return grants.sort(
    (a, b) =>
      a.account.name.localeCompare(b.account.name) ||
      a.account.accountId.localeCompare(b.account.accountId) ||
      a.roleName.localeCompare(b.roleName),
  );
}
