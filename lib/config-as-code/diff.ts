import { createHash } from "node:crypto";
import {
  ACCOUNT_FIELDS,
  fieldChanges,
  ROLE_FIELDS,
  RULE_FIELDS,
  type FieldChange,
} from "./diff-fields";
import {
  subjectLabel,
  type AccountState,
  type CurrentAccount,
  type CurrentRole,
  type CurrentRule,
  type RoleState,
  type RuleState,
} from "./state";

export type ChangeKind = "account" | "role" | "rule";
export type ChangeOp = "added" | "changed" | "removed";
/** One difference between the file and the database. */
export interface Change {
  kind: ChangeKind;
  op: ChangeOp;
  /** What it is, in words: "account acme-prod (123456789012)", "role …/Admin", "rule … group devs". */
  label: string;
  key: string;
  /** For "changed": each field that differs. */
  fields: FieldChange[];
}

/** Everything the file would change: the list, per-kind counts, and a hash of it all. */
export interface ConfigDiff {
  changes: Change[];
  counts: Record<ChangeKind, Record<ChangeOp, number>>;
  /**
   * SHA-256 over the whole diff and everything each removal takes with it: applying refuses when
   * the database has moved since the dry run.
   */
  hash: string;
}

const accountLabel = (a: { name: string; accountId: string }) =>
  `account ${a.name} (${a.accountId})`;
const roleLabel = (accountId: string, r: { name: string }) => `role ${accountId}/${r.name}`;
const ruleLabel = (accountId: string, roleName: string, r: RuleState) =>
  `rule ${accountId}/${roleName} → ${subjectLabel(r.subject)}${/#1$/.test(r.key) ? "" : ` (#${r.key.split("#").pop() ?? ""})`}`;

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** What goes with a removed account or role, in words: " with its 2 roles and 5 rules". */
function withItsContents(roles: number, rules: number): string {
  const parts = [
    ...(roles > 0 ? [count(roles, "role")] : []),
    ...(rules > 0 ? [count(rules, "rule")] : []),
  ];
  return parts.length === 0 ? "" : ` with its ${parts.join(" and ")}`;
}

/**
 * Everything stored under a removed entry, as its hash input: the diff names only the entry, so
 * without this a rule or role added under it after the dry run would be deleted by an apply whose
 * hash still matched — a deletion nobody reviewed.
 */
type RemovedContents = Map<string, string>;

/**
 * Compares the configuration a file asks for with the one stored. Accounts are matched by their
 * 12-digit id, roles by account and name, rules by role, subject and rank (state.ts). Everything
 * stored but not in the file is removed: a file is the whole configuration. The changes are in a
 * fixed order (removals, then accounts, roles, rules by key), so the same inputs hash the same.
 */
export function diffConfig(
  desired: readonly AccountState[],
  current: readonly CurrentAccount[],
): ConfigDiff {
  const changes: Change[] = [];
  const removedContents: RemovedContents = new Map();
  const currentAccounts = new Map(current.map((a) => [a.key, a]));
  const desiredAccounts = new Map(desired.map((a) => [a.key, a]));
  for (const account of current) {
    if (!desiredAccounts.has(account.key)) {
      const rules = account.roles.reduce((n, r) => n + r.rules.length, 0);
      changes.push({
        kind: "account",
        op: "removed",
        label: `${accountLabel(account)}${withItsContents(account.roles.length, rules)}`,
        key: account.key,
        fields: [],
      });
      removedContents.set(`account:${account.key}`, JSON.stringify(account));
      continue;
    }
  }
  for (const account of desired) {
    const before = currentAccounts.get(account.key);
    if (!before) {
      changes.push({
        kind: "account",
        op: "added",
        label: accountLabel(account),
        key: account.key,
        fields: [],
      });
      for (const role of account.roles) addedRole(changes, account.accountId, role);
      continue;
    }
    const fields = fieldChanges(ACCOUNT_FIELDS, before, account);
    if (fields.length > 0)
      changes.push({
        kind: "account",
        op: "changed",
        label: accountLabel(account),
        key: account.key,
        fields,
      });
    diffRoles(changes, removedContents, account, before);
  }
  return summarise(changes, removedContents);
}

function addedRole(changes: Change[], accountId: string, role: RoleState) {
  changes.push({
    kind: "role",
    op: "added",
    label: roleLabel(accountId, role),
    key: role.key,
    fields: [],
  });
  for (const rule of role.rules)
    changes.push({
      kind: "rule",
      op: "added",
      label: ruleLabel(accountId, role.name, rule),
      key: rule.key,
      fields: [],
    });
}

function diffRoles(
  changes: Change[],
  removedContents: RemovedContents,
  account: AccountState,
  before: CurrentAccount,
) {
  const desiredRoles = new Map(account.roles.map((r) => [r.key, r]));
  const currentRoles = new Map<string, CurrentRole>(before.roles.map((r) => [r.key, r]));
  for (const role of before.roles)
    if (!desiredRoles.has(role.key)) {
      changes.push({
        kind: "role",
        op: "removed",
        label: `${roleLabel(account.accountId, role)}${withItsContents(0, role.rules.length)}`,
        key: role.key,
        fields: [],
      });
      removedContents.set(`role:${role.key}`, JSON.stringify(role));
    }
  for (const role of account.roles) {
    const stored = currentRoles.get(role.key);
    if (!stored) {
      addedRole(changes, account.accountId, role);
      continue;
    }
    const fields = fieldChanges(ROLE_FIELDS, stored, role);
    if (fields.length > 0)
      changes.push({
        kind: "role",
        op: "changed",
        label: roleLabel(account.accountId, role),
        key: role.key,
        fields,
      });
    diffRules(changes, removedContents, account.accountId, role, stored.rules);
  }
}

function diffRules(
  changes: Change[],
  removedContents: RemovedContents,
  accountId: string,
  role: RoleState,
  stored: readonly CurrentRule[],
) {
  const desired = new Map(role.rules.map((r) => [r.key, r]));
  const byKey = new Map(stored.map((r) => [r.key, r]));
  for (const rule of stored)
    if (!desired.has(rule.key)) {
      changes.push({
        kind: "rule",
        op: "removed",
        label: ruleLabel(accountId, role.name, rule),
        key: rule.key,
        fields: [],
      });
      removedContents.set(`rule:${rule.key}`, JSON.stringify(rule));
    }
  for (const rule of role.rules) {
    const before = byKey.get(rule.key);
    if (!before) {
      changes.push({
        kind: "rule",
        op: "added",
        label: ruleLabel(accountId, role.name, rule),
        key: rule.key,
        fields: [],
      });
      continue;
    }
    const fields = fieldChanges(RULE_FIELDS, before, rule);
    if (fields.length > 0)
      changes.push({
        kind: "rule",
        op: "changed",
        label: ruleLabel(accountId, role.name, rule),
        key: rule.key,
        fields,
      });
  }
}

const KIND_ORDER: Record<ChangeKind, number> = { account: 0, role: 1, rule: 2 };
const OP_ORDER: Record<ChangeOp, number> = { removed: 0, changed: 1, added: 2 };

function summarise(changes: Change[], removedContents: RemovedContents): ConfigDiff {
  changes.sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      OP_ORDER[a.op] - OP_ORDER[b.op] ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const counts: ConfigDiff["counts"] = {
    account: { added: 0, changed: 0, removed: 0 },
    role: { added: 0, changed: 0, removed: 0 },
    rule: { added: 0, changed: 0, removed: 0 },
  };
  const hash = createHash("sha256");
  for (const c of changes) {
    counts[c.kind][c.op] += 1;
    const removed = removedContents.get(`${c.kind}:${c.key}`) ?? null;
    hash.update(JSON.stringify([c.kind, c.op, c.key, c.fields, removed]));
    hash.update("\n");
  }
  return { changes, counts, hash: hash.digest("hex") };
}
