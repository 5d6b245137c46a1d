import "server-only";
import { MIN_SESSION_SECONDS } from "@/lib/aws/partitions";
import { validateSessionPolicy } from "@/lib/aws/session-policy";
import { accountStatusGrants } from "@/lib/discovery/changes";

export interface RuleForResolution {
  id: string;
  groupName: string | null;
  /** The IdP (issuer) whose assertion of groupName counts; null: any IdP's. */
  groupIssuer: string | null;
  /** The person a user rule names (whichever of their identities signed in). */
  personId: string | null;
  maxSessionDurationSeconds: number;
  allowConsole: boolean;
  allowCli: boolean;
  expiresAt: Date | null;
  /** The rule grants only to a sign-in that carried MFA evidence. */
  requireMfa: boolean;
  /** An IAM session policy (JSON text) narrowing the role, or null. */
  sessionPolicy: string | null;
  /**
   * "standing" (or absent) grants while it matches; "eligible" grants only through an approved
   * access request, passed in as `elevation` (lib/access-requests/elevations.ts).
   */
  kind?: string;
  /** Set on an eligible rule read for one approved, current access request. */
  elevation?: { requestId: string; endsAt: Date; approvedBy?: string[] };
  /** Eligible rules, for explanations: who approves (AccessRule.approversJson). */
  approversJson?: string;
  role: {
    id: string;
    name: string;
    arn: string;
    description: string;
    maxSessionDurationSeconds: number;
    assumeMethod: string;
    samlProviderArn: string | null;
    externalId: string | null;
    requiresBrokerMfa: boolean;
    /** Set when discovery found the role gone from AWS: it grants nothing (roleIsUsable). */
    missingSince?: Date | null;
    awsAccount: {
      accountId: string;
      name: string;
      /** The IAM account alias; "" when none. */
      alias: string;
      environment: string;
      description: string;
      /** AWS Organizations' status at the last discovery ("" when never discovered). */
      organizationStatus?: string;
    };
  };
}

/**
 * Whether a role may be granted at all: not found missing by discovery, and in an account AWS
 * Organizations reports ACTIVE (or never discovered). Rules on such a role stay, and grant again
 * once discovery sees the role (or account) back.
 */
export function roleIsUsable(role: RuleForResolution["role"]): boolean {
  return (
    (role.missingSince ?? null) === null &&
    accountStatusGrants(role.awsAccount.organizationStatus ?? "")
  );
}

export interface Principal {
  /** The person signed in: user rules name a person, not one of their identities. */
  personId: string;
  /** The IdP that asserted `groups` (OIDC issuer or SAML entityID): rules may trust only one. */
  issuer: string;
  groups: readonly string[];
  /**
   * Whether the current sign-in carried MFA evidence. Absent means no: rules that require MFA
   * then list the role for a step-up but never let it be issued.
   */
  mfaAuthenticated?: boolean;
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
  /** The role's trust requires aws:MultiFactorAuthPresent: only the broker's MFA session can assume it. */
  requiresBrokerMfa: boolean;
  account: {
    accountId: string;
    name: string;
    alias: string;
    environment: string;
    description: string;
  };
  /** The session length issued: the most generous matching rule, capped by the role's maximum. */
  maxSessionDurationSeconds: number;
  /** The role's own MaxSessionDuration in IAM (a bound on what may be asked for, with the rules'). */
  roleMaxSessionDurationSeconds: number;
  allowConsole: boolean;
  allowCli: boolean;
  /** The rules that grant this role, for "why can Alice use this role". */
  ruleIds: string[];
  /**
   * When this access ends, if every deciding rule is time-bound (an expiring rule or an approved
   * access request): no session may outlast it. Null when a rule grants without end.
   */
  accessEndsAt: Date | null;
  /** The approved access requests among the deciding grants (empty for standing access only). */
  elevationRequestIds: string[];
  /**
   * Only rules requiring MFA grant this role and the sign-in had none: the role is listed (so the
   * user can step up), but every issuance must first re-authenticate with MFA. Outputs, duration
   * and policy are then what those rules allow after the step-up.
   */
  needsMfaStepUp: boolean;
  /**
   * The session policy to pass as AssumeRole `Policy` (see mergeSessionPolicies), or null for none.
   * Not validated here: issuance re-validates it and fails closed.
   */
  sessionPolicy: string | null;
}

/** Whether a rule applies to this principal at this instant. */
export function ruleMatches(rule: RuleForResolution, principal: Principal, now: Date): boolean {
  if (rule.expiresAt !== null && rule.expiresAt <= now) return false;
  if (rule.elevation && rule.elevation.endsAt <= now) return false;
  if (rule.personId !== null) return rule.personId === principal.personId;
  if (rule.groupName !== null)
    return (
      principal.groups.includes(rule.groupName) &&
      (rule.groupIssuer === null || rule.groupIssuer === principal.issuer)
    );
  return false;
}

/**
 * Resolves which roles a principal may use and how. Rules are additive: several rules for the same
 * role merge to the union of outputs and the longest duration, which is then capped by the role's
 * MaxSessionDuration. A rule that would allow neither console nor CLI grants nothing. A rule that
 * requires MFA counts only for a sign-in with MFA; when such rules are all that grant a role to a
 * sign-in without MFA, the role is still listed with `needsMfaStepUp` (a rule without MFA always
 * wins over that). The result is sorted by account name, then role name. Pure: the accounts page
 * and every issuance call it.
 */
export function resolveGrants(
  rules: readonly RuleForResolution[],
  principal: Principal,
  now: Date,
): Grant[] {
  const hasMfa = principal.mfaAuthenticated === true;
  const byRole = new Map<string, RuleForResolution[]>();
  for (const rule of rules) {
    // An eligible rule grants nothing by itself: only with an approved request (fail closed on an
    // unknown kind too).
    if ((rule.kind ?? "standing") !== "standing" && !(rule.kind === "eligible" && rule.elevation))
      continue;
    if (!roleIsUsable(rule.role)) continue;
    if (!ruleMatches(rule, principal, now)) continue;
    if (!rule.allowConsole && !rule.allowCli) continue;
    const list = byRole.get(rule.role.id);
    if (list) list.push(rule);
    else byRole.set(rule.role.id, [rule]);
  }
  const grants: Grant[] = [];
  for (const matching of byRole.values()) {
    const usable = matching.filter((r) => hasMfa || !r.requireMfa);
    // Usable rules decide; with none, the MFA rules describe what a step-up would give.
    const deciding = usable.length > 0 ? usable : matching;
    const first = deciding[0];
    if (!first) continue;
    const role = first.role;
    grants.push({
      roleId: role.id,
      roleName: role.name,
      roleArn: role.arn,
      roleDescription: role.description,
      assumeMethod: role.assumeMethod,
      samlProviderArn: role.samlProviderArn,
      externalId: role.externalId,
      requiresBrokerMfa: role.requiresBrokerMfa,
      account: {
        accountId: role.awsAccount.accountId,
        name: role.awsAccount.name,
        alias: role.awsAccount.alias,
        environment: role.awsAccount.environment,
        description: role.awsAccount.description,
      },
      maxSessionDurationSeconds: Math.max(
        MIN_SESSION_SECONDS,
        Math.min(
          Math.max(...deciding.map((r) => r.maxSessionDurationSeconds)),
          role.maxSessionDurationSeconds,
        ),
      ),
      roleMaxSessionDurationSeconds: role.maxSessionDurationSeconds,
      allowConsole: deciding.some((r) => r.allowConsole),
      allowCli: deciding.some((r) => r.allowCli),
      ruleIds: [...new Set(deciding.map((r) => r.id))].sort(),
      accessEndsAt: accessEndOf(deciding),
      elevationRequestIds: deciding.flatMap((r) => (r.elevation ? [r.elevation.requestId] : [])),
      needsMfaStepUp: usable.length === 0,
      sessionPolicy: mergeSessionPolicies(deciding.map((r) => r.sessionPolicy)),
    });
  }
  return grants.sort(
    (a, b) =>
      a.account.name.localeCompare(b.account.name) ||
      a.account.accountId.localeCompare(b.account.accountId) ||
      a.roleName.localeCompare(b.roleName),
  );
}

/** The latest end among time-bound rules, or null if any rule grants without end. */
function accessEndOf(rules: readonly RuleForResolution[]): Date | null {
  let latest: Date | null = null;
  for (const r of rules) {
    const ends = [r.expiresAt, r.elevation?.endsAt ?? null].filter((d): d is Date => d !== null);
    if (ends.length === 0) return null;
    const end = new Date(Math.min(...ends.map((d) => d.getTime())));
    if (latest === null || end > latest) latest = end;
  }
  return latest;
}

/**
 * One session policy for several rules granting the same role, never broader than the rules allow:
 * - a rule without a policy grants the whole role, so the session gets no policy (rules are
 *   additive, and that rule alone already allows everything the role does);
 * - one distinct policy (compared as text, whitespace-trimmed): that policy;
 * - several: one document with all their statements. Every request it allows is allowed by a
 *   statement of some rule's policy and denied by none, so it is allowed by that rule's policy too
 *   (never broader than a granting rule). A Deny in one rule's policy now also narrows the other
 *   rules' statements: stricter than the union, on purpose — fail closed.
 * A policy that fails validateSessionPolicy is returned as is (not merged), so that issuance
 * refuses it with its own reason instead of this function silently dropping or repairing it.
 */
export function mergeSessionPolicies(policies: ReadonlyArray<string | null>): string | null {
  if (policies.length === 0 || policies.some((p) => p === null || p.trim() === "")) return null;
  const distinct = [...new Set(policies.map((p) => (p ?? "").trim()))].sort();
  if (distinct.length === 1) return distinct[0] ?? null;
  const statements: unknown[] = [];
  for (const text of distinct) {
    if (!validateSessionPolicy(text).ok) return text;
    const statement = (JSON.parse(text) as { Statement: unknown }).Statement;
    statements.push(...(Array.isArray(statement) ? (statement as unknown[]) : [statement]));
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
