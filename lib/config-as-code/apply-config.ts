import "server-only";
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db/client";
import type { ConfigDiff } from "./diff";
import type { AccountState, CurrentAccount, CurrentRole, RoleState, RuleState } from "./state";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Rows per createMany: well under PostgreSQL's 65,535 bind parameters and SQLite's 32,766. */
const BATCH = 1000;

/**
 * Ids made here rather than by the database, so new roles and rules can name their parents
 * without reading them back. Time first, then a counter: rules made in one import sort (by
 * createdAt, then id) in the order the file lists them, which is what gives repeated subjects
 * their ranks on the next export.
 */
function idMaker(): () => string {
  const prefix = `c${Date.now().toString(36).padStart(9, "0")}`;
  const salt = randomBytes(6).toString("hex").slice(0, 8);
  let n = 0;
  return () => `${prefix}${(n++).toString(36).padStart(6, "0")}${salt}`;
}

function ruleData(rule: RuleState, roleId: string, actor: string) {
  return {
    roleId,
    groupName: rule.subject.kind === "group" ? rule.subject.group : null,
    userId: rule.subject.kind === "user" ? rule.subject.userId : null,
    ...ruleFields(rule),
    createdBy: actor,
    updatedBy: actor,
  };
}

function ruleFields(rule: RuleState) {
  return {
    maxSessionDurationSeconds: rule.maxSessionDurationSeconds,
    allowConsole: rule.allowConsole,
    allowCli: rule.allowCli,
    expiresAt: rule.expiresAt ? new Date(rule.expiresAt) : null,
    requireMfa: rule.requireMfa,
    sessionPolicy: rule.sessionPolicy,
    description: rule.description,
  };
}

function roleFields(role: RoleState) {
  return {
    name: role.name,
    arn: role.arn,
    description: role.description,
    maxSessionDurationSeconds: role.maxSessionDurationSeconds,
    assumeMethod: role.assumeMethod,
    samlProviderArn: role.samlProviderArn,
    externalId: role.externalId,
    requiresBrokerMfa: role.requiresBrokerMfa,
  };
}

async function createInBatches<T>(rows: T[], create: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += BATCH) await create(rows.slice(i, i + BATCH));
}

/**
 * Makes the database hold `desired`, inside the caller's transaction: deletes first (so a name or
 * ARN can move), then updates of changed rows one by one (versions bumped, like an editor save),
 * then every new row with createMany in batches — 50,000 new rules are 50 statements, not 50,000.
 * Only what `diff` lists is touched.
 */
export async function applyConfig(
  tx: Tx,
  desired: readonly AccountState[],
  current: readonly CurrentAccount[],
  diff: ConfigDiff,
  actor: string,
): Promise<void> {
  const touched = new Set(diff.changes.map((c) => `${c.kind}:${c.key}`));
  const nextId = idMaker();
  const currentAccounts = new Map(current.map((a) => [a.key, a]));
  const desiredKeys = {
    account: new Set(desired.map((a) => a.key)),
    role: new Set(desired.flatMap((a) => a.roles.map((r) => r.key))),
    rule: new Set(desired.flatMap((a) => a.roles.flatMap((r) => r.rules.map((x) => x.key)))),
  };

  // Removals: rules of kept roles, roles of kept accounts, then accounts (cascading to the rest).
  const removedRules: string[] = [];
  const removedRoles: string[] = [];
  const removedAccounts: string[] = [];
  for (const account of current) {
    if (!desiredKeys.account.has(account.key)) {
      removedAccounts.push(account.dbId);
      continue;
    }
    for (const role of account.roles) {
      if (!desiredKeys.role.has(role.key)) {
        removedRoles.push(role.dbId);
        continue;
      }
      for (const rule of role.rules)
        if (!desiredKeys.rule.has(rule.key)) removedRules.push(rule.dbId);
    }
  }
  for (let i = 0; i < removedRules.length; i += BATCH)
    await tx.accessRule.deleteMany({ where: { id: { in: removedRules.slice(i, i + BATCH) } } });
  for (let i = 0; i < removedRoles.length; i += BATCH)
    await tx.role.deleteMany({ where: { id: { in: removedRoles.slice(i, i + BATCH) } } });
  for (let i = 0; i < removedAccounts.length; i += BATCH)
    await tx.awsAccount.deleteMany({ where: { id: { in: removedAccounts.slice(i, i + BATCH) } } });

  const newAccounts: Array<{
    id: string;
    accountId: string;
    name: string;
    alias: string;
    environment: string;
    description: string;
  }> = [];
  const newRoles: Array<ReturnType<typeof roleFields> & { id: string; awsAccountId: string }> = [];
  const newRules: Array<ReturnType<typeof ruleData> & { id: string }> = [];

  for (const account of desired) {
    const stored = currentAccounts.get(account.key);
    let accountDbId: string;
    if (!stored) {
      accountDbId = nextId();
      newAccounts.push({
        id: accountDbId,
        accountId: account.accountId,
        name: account.name,
        alias: account.alias,
        environment: account.environment,
        description: account.description,
      });
    } else {
      accountDbId = stored.dbId;
      if (touched.has(`account:${account.key}`))
        await tx.awsAccount.update({
          where: { id: stored.dbId },
          data: {
            name: account.name,
            alias: account.alias,
            environment: account.environment,
            description: account.description,
            version: { increment: 1 },
          },
        });
    }
    const storedRoles = new Map<string, CurrentRole>((stored?.roles ?? []).map((r) => [r.key, r]));
    for (const role of account.roles) {
      const storedRole = storedRoles.get(role.key);
      let roleDbId: string;
      if (!storedRole) {
        roleDbId = nextId();
        newRoles.push({ id: roleDbId, awsAccountId: accountDbId, ...roleFields(role) });
      } else {
        roleDbId = storedRole.dbId;
        if (touched.has(`role:${role.key}`))
          await tx.role.update({
            where: { id: roleDbId },
            data: { ...roleFields(role), version: { increment: 1 } },
          });
      }
      const storedRules = new Map((storedRole?.rules ?? []).map((r) => [r.key, r]));
      for (const rule of role.rules) {
        const storedRule = storedRules.get(rule.key);
        if (!storedRule) newRules.push({ id: nextId(), ...ruleData(rule, roleDbId, actor) });
        else if (touched.has(`rule:${rule.key}`))
          await tx.accessRule.update({
            where: { id: storedRule.dbId },
            data: { ...ruleFields(rule), updatedBy: actor, version: { increment: 1 } },
          });
      }
    }
  }
  await createInBatches(newAccounts, (data) => tx.awsAccount.createMany({ data }));
  await createInBatches(newRoles, (data) => tx.role.createMany({ data }));
  await createInBatches(newRules, (data) => tx.accessRule.createMany({ data }));
}
