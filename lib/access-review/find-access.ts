import "server-only";
import { groupRulesOf, ruleSelect as resolutionSelect } from "@/lib/access/find-grants";
import { resolveGrants, type RuleForResolution } from "@/lib/access/resolve-grants";
import type { Db } from "@/lib/db/client";
import { parseGroupsJson } from "@/lib/users/upsert-signed-in-user";
import { explainAccess, type Explanation, type Output } from "./explain";

/** Every field resolveGrants reads, plus the rule's description and who a user rule names. */
const ruleSelect = {
  ...resolutionSelect,
  description: true,
  user: { select: { email: true, subject: true } },
} as const;

type RuleRow = RuleForResolution & {
  description: string;
  user: { email: string | null; subject: string } | null;
};

export interface KnownUser {
  email: string | null;
  subject: string;
  lastLoginAt: Date | null;
}

/** One rule as the review shows it. */
export interface ReviewedRule {
  id: string;
  subjectKind: "group" | "user";
  subject: string;
  expiresAt: Date | null;
  isExpired: boolean;
  allowConsole: boolean;
  allowCli: boolean;
  requireMfa: boolean;
  maxSessionDurationSeconds: number;
  hasSessionPolicy: boolean;
  description: string;
  /** For group rules: users whose groups, as last asserted at their sign-in, include it. */
  members: KnownUser[];
}

function subjectOf(rule: RuleRow): { kind: "group" | "user"; text: string } {
  if (rule.groupName !== null) return { kind: "group", text: rule.groupName };
  return { kind: "user", text: rule.user?.email ?? rule.user?.subject ?? "(unknown user)" };
}

async function knownUsersByGroup(db: Pick<Db, "user">): Promise<Map<string, KnownUser[]>> {
  const users = await db.user.findMany({
    select: { email: true, subject: true, lastLoginAt: true, groupsJson: true },
    orderBy: [{ email: "asc" }, { subject: "asc" }],
  });
  const byGroup = new Map<string, KnownUser[]>();
  for (const u of users)
    for (const group of new Set(parseGroupsJson(u.groupsJson))) {
      const entry = { email: u.email, subject: u.subject, lastLoginAt: u.lastLoginAt };
      const list = byGroup.get(group);
      if (list) list.push(entry);
      else byGroup.set(group, [entry]);
    }
  return byGroup;
}

function reviewed(rule: RuleRow, members: Map<string, KnownUser[]>, now: Date): ReviewedRule {
  const subject = subjectOf(rule);
  return {
    id: rule.id,
    subjectKind: subject.kind,
    subject: subject.text,
    expiresAt: rule.expiresAt,
    isExpired: rule.expiresAt !== null && rule.expiresAt <= now,
    allowConsole: rule.allowConsole,
    allowCli: rule.allowCli,
    requireMfa: rule.requireMfa,
    maxSessionDurationSeconds: rule.maxSessionDurationSeconds,
    hasSessionPolicy: rule.sessionPolicy !== null,
    description: rule.description,
    members: rule.groupName === null ? [] : (members.get(rule.groupName) ?? []),
  };
}

export interface RoleAccess {
  account: { accountId: string; name: string; environment: string };
  role: { id: string; name: string; arn: string; maxSessionDurationSeconds: number };
  rules: ReviewedRule[];
}

/**
 * "Who can reach account X (or its role Y)": every rule on its roles (expired ones shown as such),
 * with the known members of each group. Null when there is no such account or role.
 */
export async function findAccountAccess(
  db: Db,
  query: { accountId: string; roleName?: string },
  now: Date,
): Promise<RoleAccess[] | null> {
  const account = await db.awsAccount.findUnique({
    where: { accountId: query.accountId },
    include: {
      roles: {
        where: query.roleName ? { name: query.roleName } : {},
        orderBy: { name: "asc" },
        include: {
          accessRules: { select: ruleSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
        },
      },
    },
  });
  if (!account || (query.roleName && account.roles.length === 0)) return null;
  const members = await knownUsersByGroup(db);
  return account.roles.map((role) => ({
    account: { accountId: account.accountId, name: account.name, environment: account.environment },
    role: {
      id: role.id,
      name: role.name,
      arn: role.arn,
      maxSessionDurationSeconds: role.maxSessionDurationSeconds,
    },
    rules: role.accessRules.map((r) => reviewed(r, members, now)),
  }));
}

export interface ReviewedUser {
  id: string;
  email: string | null;
  subject: string;
  issuer: string;
  groups: string[];
  lastLoginAt: Date | null;
}

async function usersByEmail(db: Pick<Db, "user">, email: string): Promise<ReviewedUser[]> {
  const rows = await db.user.findMany({
    where: { email: { in: [...new Set([email, email.toLowerCase()])] } },
    orderBy: { issuer: "asc" },
  });
  return rows.map((u) => ({
    id: u.id,
    email: u.email,
    subject: u.subject,
    issuer: u.issuer,
    groups: parseGroupsJson(u.groupsJson),
    lastLoginAt: u.lastLoginAt,
  }));
}

/** The rules that could name this user: theirs, and their groups' (expired ones included). */
async function rulesNaming(
  db: Db,
  user: ReviewedUser,
  extra: { roleId?: string } = {},
): Promise<RuleRow[]> {
  return db.accessRule.findMany({
    where: {
      ...(extra.roleId ? { roleId: extra.roleId } : {}),
      OR: [{ userId: user.id }, ...(user.groups.length > 0 ? [groupRulesOf(user)] : [])],
    },
    select: ruleSelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}

export interface UserAccess {
  user: ReviewedUser;
  grants: Array<{
    account: { accountId: string; name: string; environment: string };
    roleName: string;
    roleArn: string;
    allowConsole: boolean;
    allowCli: boolean;
    maxSessionDurationSeconds: number;
    needsMfaStepUp: boolean;
    rules: ReviewedRule[];
  }>;
}

/**
 * "What can user U reach": resolveGrants (the one resolution function) over their groups as last
 * asserted at sign-in, for a sign-in without MFA (roles only MFA rules grant are flagged). One
 * entry per user with that email (several IdPs may assert the same email).
 */
export async function findUserAccess(db: Db, email: string, now: Date): Promise<UserAccess[]> {
  const users = await usersByEmail(db, email);
  const members = await knownUsersByGroup(db);
  const out: UserAccess[] = [];
  for (const user of users) {
    const rules = await rulesNaming(db, user);
    const byId = new Map(rules.map((r) => [r.id, r]));
    const grants = resolveGrants(
      rules,
      { userId: user.id, issuer: user.issuer, groups: user.groups },
      now,
    );
    out.push({
      user,
      grants: grants.map((g) => ({
        account: {
          accountId: g.account.accountId,
          name: g.account.name,
          environment: g.account.environment,
        },
        roleName: g.roleName,
        roleArn: g.roleArn,
        allowConsole: g.allowConsole,
        allowCli: g.allowCli,
        maxSessionDurationSeconds: g.maxSessionDurationSeconds,
        needsMfaStepUp: g.needsMfaStepUp,
        rules: g.ruleIds.flatMap((id) => {
          const rule = byId.get(id);
          return rule ? [reviewed(rule, members, now)] : [];
        }),
      })),
    });
  }
  return out;
}

export interface ExplainedAccess {
  user: ReviewedUser;
  role: { name: string; arn: string; accountId: string; accountName: string };
  explanation: Explanation;
  rules: ReviewedRule[];
}

/**
 * "Why can (or can't) this user use this role": for each user with the email, explainAccess over
 * all of the role's rules. Null when there is no such role; [] when no user has that email.
 */
export async function explainUserRole(
  db: Db,
  query: { email: string; roleArn: string; output?: Output; mfaAuthenticated: boolean },
  now: Date,
): Promise<ExplainedAccess[] | null> {
  const role = await db.role.findUnique({
    where: { arn: query.roleArn },
    include: {
      awsAccount: { select: { accountId: true, name: true } },
      accessRules: { select: ruleSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!role) return null;
  const users = await usersByEmail(db, query.email);
  const members = await knownUsersByGroup(db);
  return users.map((user) => ({
    user,
    role: {
      name: role.name,
      arn: role.arn,
      accountId: role.awsAccount.accountId,
      accountName: role.awsAccount.name,
    },
    explanation: explainAccess(
      role.accessRules,
      {
        userId: user.id,
        issuer: user.issuer,
        groups: user.groups,
        mfaAuthenticated: query.mfaAuthenticated,
      },
      now,
      query.output,
    ),
    rules: role.accessRules.map((r) => reviewed(r, members, now)),
  }));
}
