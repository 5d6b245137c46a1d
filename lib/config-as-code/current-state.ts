import "server-only";
import type { Db } from "@/lib/db/client";
import {
  keyRules,
  roleKey,
  type CurrentAccount,
  type CurrentRole,
  type CurrentRule,
  type Subject,
} from "./state";

type Reader = Pick<Db, "awsAccount" | "role" | "accessRule">;

/**
 * The stored configuration in the file's terms, in a fixed order: accounts by id, roles by name,
 * rules in the order they were made (which is what gives two rules for one subject their ranks).
 * Three flat queries, not a nested include, so 50,000 rules load in one pass each.
 */
export async function loadCurrentConfig(db: Reader): Promise<CurrentAccount[]> {
  const [accounts, roles, rules] = await Promise.all([
    db.awsAccount.findMany({ orderBy: { accountId: "asc" } }),
    db.role.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }] }),
    db.accessRule.findMany({
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      include: { user: { select: { email: true } } },
    }),
  ]);
  const rulesByRole = new Map<string, typeof rules>();
  for (const rule of rules) {
    const list = rulesByRole.get(rule.roleId);
    if (list) list.push(rule);
    else rulesByRole.set(rule.roleId, [rule]);
  }
  const rolesByAccount = new Map<string, CurrentRole[]>();
  const accountIdOf = new Map(accounts.map((a) => [a.id, a.accountId]));
  for (const role of roles) {
    const accountId = accountIdOf.get(role.awsAccountId);
    if (accountId === undefined) continue;
    const key = roleKey(accountId, role.name);
    const subjects = (rulesByRole.get(role.id) ?? []).map((rule) => ({
      dbId: rule.id,
      subject: subjectOf(rule),
      maxSessionDurationSeconds: rule.maxSessionDurationSeconds,
      allowConsole: rule.allowConsole,
      allowCli: rule.allowCli,
      expiresAt: rule.expiresAt ? rule.expiresAt.toISOString() : null,
      requireMfa: rule.requireMfa,
      sessionPolicy: rule.sessionPolicy,
      description: rule.description,
    }));
    const current: CurrentRole = {
      dbId: role.id,
      key,
      name: role.name,
      arn: role.arn,
      description: role.description,
      maxSessionDurationSeconds: role.maxSessionDurationSeconds,
      assumeMethod:
        role.assumeMethod === "assume-role-with-saml" ? role.assumeMethod : "assume-role",
      samlProviderArn: role.samlProviderArn,
      externalId: role.externalId,
      requiresBrokerMfa: role.requiresBrokerMfa,
      rules: keyRules(key, subjects) satisfies CurrentRule[],
    };
    const list = rolesByAccount.get(role.awsAccountId);
    if (list) list.push(current);
    else rolesByAccount.set(role.awsAccountId, [current]);
  }
  return accounts.map((a) => ({
    dbId: a.id,
    key: a.accountId,
    accountId: a.accountId,
    name: a.name,
    alias: a.alias,
    environment: a.environment,
    description: a.description,
    roles: rolesByAccount.get(a.id) ?? [],
  }));
}

function subjectOf(rule: {
  groupName: string | null;
  userId: string | null;
  user: { email: string | null } | null;
}): Subject {
  if (rule.groupName !== null) return { kind: "group", group: rule.groupName };
  return { kind: "user", email: rule.user?.email ?? "", userId: rule.userId ?? "" };
}

/** Users by lowercased email, for rules that name a user. */
export async function loadUsersByEmail(
  db: Pick<Db, "user">,
): Promise<Map<string, Array<{ id: string }>>> {
  const users = await db.user.findMany({
    where: { email: { not: null } },
    select: { id: true, email: true },
  });
  const map = new Map<string, Array<{ id: string }>>();
  for (const u of users) {
    const key = (u.email ?? "").toLowerCase();
    const list = map.get(key);
    if (list) list.push({ id: u.id });
    else map.set(key, [{ id: u.id }]);
  }
  return map;
}
