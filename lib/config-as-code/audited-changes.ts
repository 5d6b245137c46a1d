import type { Change, ChangeKind } from "./diff";
import { ACCOUNT_FIELDS, ROLE_FIELDS, RULE_FIELDS, shown, type FieldValue } from "./diff-fields";
import { subjectLabel, type AccountState, type RoleState, type RuleState } from "./state";

/**
 * One change as the audit event records it: what changed, and its fields before and after, as a
 * dry run shows them (ExternalIds as fingerprints), so the log says what an import did to each
 * entry as an editor's save does (before/after).
 */
export interface AuditedChange {
  change: string;
  before: Record<string, FieldValue> | null;
  after: Record<string, FieldValue> | null;
}

const FIELDS: Record<ChangeKind, readonly string[]> = {
  account: ACCOUNT_FIELDS,
  role: ROLE_FIELDS,
  rule: RULE_FIELDS,
};

type Entry = AccountState | RoleState | RuleState;

function byKey(accounts: readonly AccountState[]): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const a of accounts) {
    out.set(`account:${a.key}`, a);
    for (const r of a.roles) {
      out.set(`role:${r.key}`, r);
      for (const rule of r.rules) out.set(`rule:${rule.key}`, rule);
    }
  }
  return out;
}

function fieldsOf(
  kind: ChangeKind,
  entry: Entry | undefined,
  only: readonly string[],
): Record<string, FieldValue> | null {
  if (!entry) return null;
  const values = entry as unknown as Record<string, unknown>;
  const out: Record<string, FieldValue> = {};
  // A removed or added rule's subject is in its label; its grant's terms are here.
  if (kind === "rule") out.subject = subjectLabel((entry as RuleState).subject);
  for (const field of only) out[field] = shown(field, values[field]);
  return out;
}

/** The first `limit` changes of a diff, each with its fields before and after. */
export function auditedChanges(
  changes: readonly Change[],
  desired: readonly AccountState[],
  current: readonly AccountState[],
  limit: number,
): AuditedChange[] {
  const wanted = byKey(desired);
  const stored = byKey(current);
  return changes.slice(0, limit).map((c) => {
    const id = `${c.kind}:${c.key}`;
    const change = `${c.op} ${c.label}`;
    if (c.op === "changed")
      return {
        change,
        before: Object.fromEntries(c.fields.map((f) => [f.field, f.before])),
        after: Object.fromEntries(c.fields.map((f) => [f.field, f.after])),
      };
    const fields = FIELDS[c.kind];
    return c.op === "added"
      ? { change, before: null, after: fieldsOf(c.kind, wanted.get(id), fields) }
      : { change, before: fieldsOf(c.kind, stored.get(id), fields), after: null };
  });
}
