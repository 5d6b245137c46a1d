import "server-only";
import { findRulesForPrincipal, principalOf } from "@/lib/access/find-grants";
import type { RuleForResolution } from "@/lib/access/resolve-grants";
import type { SignedInUser } from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import { explainAccess, type Decision, type RuleVerdict } from "./explain";

/**
 * "Why can (or can't) I use this role", for the signed-in person about themselves (the /me page):
 * the rules the accounts page was decided by (findRulesForPrincipal, for this very sign-in: its
 * groups, its IdP, its MFA), each role explained by explainAccess, the access review's own
 * explanation over resolveGrants. No second implementation of the rules.
 */

/** Who a rule names, as the person sees it. */
export type RuleSubject =
  { kind: "group"; group: string; onlyFrom: string | null } | { kind: "user" };

/** One rule's part in a role: who it names, and what it does for this sign-in. */
export interface MyRuleReason {
  subject: RuleSubject;
  verdict: RuleVerdict;
  /** The rule's own end, when it has one (a request's end is in its verdict). */
  ruleExpiresAt: Date | null;
}

export interface MyRole {
  roleId: string;
  roleName: string;
  account: { accountId: string; name: string; alias: string; environment: string };
  decision: Decision;
  allowConsole: boolean;
  allowCli: boolean;
  /** Granted only after an MFA step-up (every granting rule requires MFA). */
  needsMfaStepUp: boolean;
  /** When this access ends (time-bound rules or requests only); null for standing access. */
  accessEndsAt: Date | null;
  /** Granted roles: the rules that grant it; the others: the rules that name the person. */
  reasons: MyRuleReason[];
}

export interface MyAccess {
  /** The roles on the accounts page, each with the rules behind it. */
  granted: MyRole[];
  /** Roles a rule names the person for that they can't use now (expired, requestable, …). */
  notGranted: MyRole[];
}

const GRANTING: ReadonlySet<RuleVerdict["kind"]> = new Set(["grants", "grants-by-request"]);

export async function findMyAccess(db: Db, user: SignedInUser, now: Date): Promise<MyAccess> {
  const principal = principalOf(user);
  const rules = await withApprovers(db, await findRulesForPrincipal(db, principal, now));
  const byRole = new Map<string, RuleForResolution[]>();
  for (const rule of rules) {
    const list = byRole.get(rule.role.id);
    if (list) list.push(rule);
    else byRole.set(rule.role.id, [rule]);
  }
  const granted: MyRole[] = [];
  const notGranted: MyRole[] = [];
  for (const roleRules of byRole.values()) {
    const explanation = explainAccess(roleRules, principal, now);
    const { role } = roleRules[0]!;
    const grant = explanation.grant;
    const isGranted = grant !== null && explanation.decision !== "role-unavailable";
    // A step-up grant shows the MFA rules that would grant it; otherwise the granting ones.
    const shown = (v: RuleVerdict) =>
      isGranted
        ? grant.needsMfaStepUp
          ? v.kind === "requires-mfa"
          : GRANTING.has(v.kind)
        : v.kind !== "not-subject";
    const reasons = explanation.rules.flatMap(({ verdict }, i) => {
      const rule = roleRules[i]!;
      return shown(verdict)
        ? [{ subject: subjectOf(rule), verdict, ruleExpiresAt: rule.expiresAt }]
        : [];
    });
    (isGranted ? granted : notGranted).push({
      roleId: role.id,
      roleName: role.name,
      account: {
        accountId: role.awsAccount.accountId,
        name: role.awsAccount.name,
        alias: role.awsAccount.alias,
        environment: role.awsAccount.environment,
      },
      decision: explanation.decision,
      allowConsole: grant?.allowConsole ?? false,
      allowCli: grant?.allowCli ?? false,
      needsMfaStepUp: grant?.needsMfaStepUp ?? false,
      accessEndsAt: grant?.accessEndsAt ?? null,
      reasons,
    });
  }
  const order = (a: MyRole, b: MyRole) =>
    a.account.name.localeCompare(b.account.name) ||
    a.account.accountId.localeCompare(b.account.accountId) ||
    a.roleName.localeCompare(b.roleName);
  return { granted: granted.sort(order), notGranted: notGranted.sort(order) };
}

/**
 * The issuance path's rule read leaves out who approves a requestable rule; the page says it, so
 * the eligible rules' approvers are read here, in one query and only when there are such rules.
 */
async function withApprovers(db: Db, rules: RuleForResolution[]): Promise<RuleForResolution[]> {
  const ids = rules.filter((r) => r.kind === "eligible" && !r.elevation).map((r) => r.id);
  if (ids.length === 0) return rules;
  const rows = await db.accessRule.findMany({
    where: { id: { in: ids } },
    select: { id: true, approversJson: true },
  });
  const approvers = new Map(rows.map((r) => [r.id, r.approversJson]));
  return rules.map((r) => {
    const json = approvers.get(r.id);
    return json === undefined || r.elevation ? r : { ...r, approversJson: json };
  });
}

function subjectOf(rule: RuleForResolution): RuleSubject {
  return rule.groupName !== null
    ? { kind: "group", group: rule.groupName, onlyFrom: rule.groupIssuer }
    : { kind: "user" };
}
