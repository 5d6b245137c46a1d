import "server-only";
import type { Change, ConfigDiff } from "./diff";
import { ACCOUNT_FIELDS, REQUEST_FIELDS, ROLE_FIELDS, RULE_FIELDS } from "./diff-fields";
import { idMaker, insertRows, type SqlValue, type Tx } from "./insert-rows";
import {
  storedApprovers,
  type AccountState,
  type CurrentAccount,
  type RoleState,
  type RuleState,
  type Subject,
} from "./state";

/**
 * Ids per `id IN (…)` of a deleteMany or an updateMany: the query engine refuses a SQLite query
 * with more than 999 parameters (P2029), and an update also binds the values it writes.
 */
const IDS_PER_STATEMENT = 900;

// Columns each new row is written with: its id, its parent and key, then the fields an import
// compares (diff.ts, under their column names), in that order (the rest take their defaults:
// version 1, tagsJson {}).
const ACCOUNT_COLUMNS = ["id", "accountId", ...ACCOUNT_FIELDS];
const ROLE_COLUMNS = ["id", "awsAccountId", "name", ...ROLE_FIELDS];
const RULE_COLUMNS = [
  "id",
  "roleId",
  "groupName",
  "groupIssuer",
  "personId",
  ...RULE_FIELDS.map(columnOf),
  "createdBy",
  "updatedBy",
];
const STAMPS = ["createdAt", "updatedAt"];

/** The column a compared field is stored in: a rule's approvers are AccessRule.approversJson. */
function columnOf(field: string): string {
  return field === "approvers" ? "approversJson" : field;
}

/**
 * A compared field's value as bound to SQL: an expiry is stored as a date, not its ISO text;
 * approvers as the JSON the admin editor stores.
 */
function sqlValue(field: string, value: unknown): SqlValue {
  if (field === "approvers") return storedApprovers(value as Subject[]);
  return field === "expiresAt" && typeof value === "string"
    ? new Date(value)
    : ((value ?? null) as SqlValue);
}

/**
 * The fields a changed row is written with: those the diff lists, and for a rule whose kind or
 * terms changed, every term (docs/ACCESS-REQUESTS.md). A standing rule is read with default terms
 * (current-state.ts), so a term left in its row by an earlier eligible version is not in the
 * diff: without this, making the rule eligible again would revive it (say, breakGlass).
 */
function fieldsToWrite(change: Change): string[] {
  const fields = change.fields.map((f) => f.field);
  const terms: readonly string[] = REQUEST_FIELDS;
  if (change.kind === "rule" && fields.some((f) => terms.includes(f)))
    return [...new Set([...fields, ...terms])];
  return fields;
}

function fieldValues<T extends object>(
  fields: readonly (keyof T & string)[],
  state: T,
): SqlValue[] {
  return fields.map((field) => sqlValue(field, state[field]));
}

function accountRow(id: string, a: AccountState): SqlValue[] {
  return [id, a.accountId, ...fieldValues(ACCOUNT_FIELDS, a)];
}

function roleRow(id: string, accountDbId: string, r: RoleState): SqlValue[] {
  return [id, accountDbId, r.name, ...fieldValues(ROLE_FIELDS, r)];
}

function ruleRow(id: string, roleDbId: string, r: RuleState, actor: string): SqlValue[] {
  const group = r.subject.kind === "group" ? r.subject.group : null;
  const groupIssuer = r.subject.kind === "group" ? r.subject.issuer : null;
  const personId = r.subject.kind === "user" ? r.subject.personId : null;
  return [id, roleDbId, group, groupIssuer, personId, ...fieldValues(RULE_FIELDS, r), actor, actor];
}

/** One pending update: the rows to change and the values of the fields the diff says changed. */
interface UpdateGroup {
  ids: string[];
  data: Record<string, SqlValue>;
}

/**
 * Updates of changed rows, grouped: rows whose changed fields get the same values share their
 * `updateMany` statements (a file that shortens 10,000 rules to 1 hour is 12 statements, not
 * 10,000). Only the fields the diff lists are written; versions are bumped as an editor save does.
 */
class Updates {
  private groups = new Map<string, UpdateGroup>();

  add(dbId: string, change: Change, desired: object) {
    const data: Record<string, SqlValue> = {};
    for (const field of fieldsToWrite(change))
      data[columnOf(field)] = sqlValue(field, (desired as Record<string, unknown>)[field]);
    const key = JSON.stringify(data);
    const group = this.groups.get(key);
    if (group) group.ids.push(dbId);
    else this.groups.set(key, { ids: [dbId], data });
  }

  async run(update: (ids: string[], data: Record<string, SqlValue>) => Promise<unknown>) {
    for (const { ids, data } of this.groups.values())
      for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT)
        await update(ids.slice(i, i + IDS_PER_STATEMENT), data);
  }
}

async function deleteInBatches(ids: string[], remove: (ids: string[]) => Promise<unknown>) {
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT)
    await remove(ids.slice(i, i + IDS_PER_STATEMENT));
}

/**
 * Makes the database hold `desired`, inside the caller's transaction: deletes first (so a name or
 * ARN can move), then updates of changed rows (grouped, see Updates), then every new row with
 * multi-row INSERTs (insertRows) — 50,000 new rules are 23 statements, not 50,000. Only what
 * `diff` lists is touched. New rows are stamped `now` (createdAt and updatedAt).
 */
export async function applyConfig(
  tx: Tx,
  plan: {
    desired: readonly AccountState[];
    current: readonly CurrentAccount[];
    diff: ConfigDiff;
    actor: string;
    now: Date;
  },
): Promise<void> {
  const { desired, current, diff, actor, now } = plan;
  const changed = new Map<string, Change>();
  const removed = new Set<string>();
  for (const c of diff.changes) {
    if (c.op === "changed") changed.set(`${c.kind}:${c.key}`, c);
    else if (c.op === "removed") removed.add(`${c.kind}:${c.key}`);
  }

  // Removals: rules of kept roles, roles of kept accounts, then accounts (cascading to the rest).
  const removedRules: string[] = [];
  const removedRoles: string[] = [];
  const removedAccounts: string[] = [];
  for (const account of current) {
    if (removed.has(`account:${account.key}`)) {
      removedAccounts.push(account.dbId);
      continue;
    }
    for (const role of account.roles) {
      if (removed.has(`role:${role.key}`)) {
        removedRoles.push(role.dbId);
        continue;
      }
      for (const rule of role.rules)
        if (removed.has(`rule:${rule.key}`)) removedRules.push(rule.dbId);
    }
  }
  await deleteInBatches(removedRules, (ids) =>
    tx.accessRule.deleteMany({ where: { id: { in: ids } } }),
  );
  await deleteInBatches(removedRoles, (ids) => tx.role.deleteMany({ where: { id: { in: ids } } }));
  await deleteInBatches(removedAccounts, (ids) =>
    tx.awsAccount.deleteMany({ where: { id: { in: ids } } }),
  );

  const nextId = idMaker();
  const updates = { account: new Updates(), role: new Updates(), rule: new Updates() };
  const newAccounts: SqlValue[][] = [];
  const newRoles: SqlValue[][] = [];
  const newRules: SqlValue[][] = [];
  const currentAccounts = new Map(current.map((a) => [a.key, a]));
  for (const account of desired) {
    const stored = currentAccounts.get(account.key);
    const accountDbId = stored?.dbId ?? nextId();
    if (!stored) newAccounts.push(accountRow(accountDbId, account));
    const accountChange = changed.get(`account:${account.key}`);
    if (stored && accountChange) updates.account.add(stored.dbId, accountChange, account);
    const storedRoles = new Map((stored?.roles ?? []).map((r) => [r.key, r]));
    for (const role of account.roles) {
      const storedRole = storedRoles.get(role.key);
      const roleDbId = storedRole?.dbId ?? nextId();
      if (!storedRole) newRoles.push(roleRow(roleDbId, accountDbId, role));
      const roleChange = changed.get(`role:${role.key}`);
      if (storedRole && roleChange) updates.role.add(storedRole.dbId, roleChange, role);
      const storedRules = new Map((storedRole?.rules ?? []).map((r) => [r.key, r]));
      for (const rule of role.rules) {
        const storedRule = storedRules.get(rule.key);
        if (!storedRule) newRules.push(ruleRow(nextId(), roleDbId, rule, actor));
        const ruleChange = changed.get(`rule:${rule.key}`);
        if (storedRule && ruleChange) updates.rule.add(storedRule.dbId, ruleChange, rule);
      }
    }
  }

  const bump = { version: { increment: 1 } };
  await updates.account.run((ids, data) =>
    tx.awsAccount.updateMany({ where: { id: { in: ids } }, data: { ...data, ...bump } }),
  );
  await updates.role.run((ids, data) =>
    tx.role.updateMany({ where: { id: { in: ids } }, data: { ...data, ...bump } }),
  );
  await updates.rule.run((ids, data) =>
    tx.accessRule.updateMany({
      where: { id: { in: ids } },
      data: { ...data, updatedBy: actor, ...bump },
    }),
  );

  const stamped = (rows: SqlValue[][]) => rows.map((row) => [...row, now, now]);
  await insertRows(tx, "AwsAccount", [...ACCOUNT_COLUMNS, ...STAMPS], stamped(newAccounts));
  await insertRows(tx, "Role", [...ROLE_COLUMNS, ...STAMPS], stamped(newRoles));
  await insertRows(tx, "AccessRule", [...RULE_COLUMNS, ...STAMPS], stamped(newRules));
}
