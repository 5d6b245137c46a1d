import "server-only";
import { fieldErrorsOf } from "@/lib/admin/admin-result";
import { accountInput } from "@/lib/admin/account-input";
import { parseRole } from "@/lib/admin/role-input";
import {
  configDocument,
  formatDocPath,
  type AccountEntry,
  type DocPath,
  type ImportProblem,
  type RoleEntry,
  type RuleEntry,
} from "./document";
import type { AwsPartition } from "@/lib/aws/partitions";
import type { ParsedText } from "./parse-text";
import { keyRules, roleKey, type AccountState, type RoleState, type RuleState } from "./state";
import { placeholderRule, validateRule } from "./validate-rule";
import { subjectOf } from "./validate-subject";
import { reportFields, type Report, type ValidationContext } from "./validation-context";

export type { ValidationContext } from "./validation-context";

/**
 * A rule allowing longer sessions than its role: valid (issuance caps it at the role's maximum),
 * but the admin editors warn of it, and so does a dry run.
 */
export interface CappedRule extends ImportProblem {
  roleKey: string;
  /** The rule itself: its key may yet change (align-rules.ts). */
  rule: RuleState;
}

// The admin forms name fields as the form does; a file names them as the document does.
const ACCOUNT_FIELD: Record<string, string> = { accountId: "id" };

/**
 * Checks every entry of a parsed file with the admin editors' own rules and returns the desired
 * configuration, or every problem found (not just the first), each with its path and line.
 */
export function validateDocument(
  parsed: ParsedText,
  ctx: ValidationContext,
):
  | { ok: true; accounts: AccountState[]; capped: CappedRule[] }
  | { ok: false; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const capped: CappedRule[] = [];
  const report = (path: DocPath, message: string) =>
    problems.push({ path: formatDocPath(path), line: parsed.lineOf(path), message });

  const shape = configDocument.safeParse(parsed.value);
  if (!shape.success) {
    for (const issue of shape.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
      if (issue.code === "unrecognized_keys")
        for (const key of issue.keys) report([...path, key], `Unknown field "${key}".`);
      else report(path, issue.message);
    }
    return { ok: false, problems };
  }

  const accounts: AccountState[] = [];
  const accountIds = new Map<string, number>();
  const accountNames = new Map<string, number>();
  const aliases = new Map<string, number>();
  const arns = new Map<string, string>();
  shape.data.accounts.forEach((entry, a) => {
    const at: DocPath = ["accounts", a];
    // An invalid account still has its roles and rules checked, so every problem is named at once.
    const account = validateAccount(entry, at, report) ?? {
      key: String(entry.id).trim(),
      accountId: String(entry.id).trim(),
      name: entry.name,
      alias: entry.alias ?? "",
      environment: entry.environment,
      description: entry.description ?? "",
      roles: [],
    };
    const firstId = accountIds.get(account.accountId);
    if (firstId !== undefined)
      report(
        [...at, "id"],
        `Account ${account.accountId} is already listed at accounts[${firstId}].`,
      );
    else accountIds.set(account.accountId, a);
    // Names compare ignoring case, as the admin editors compare them (docs/AWS.md "Accounts and roles").
    const firstName = accountNames.get(account.name.toLowerCase());
    if (firstName !== undefined)
      report([...at, "name"], `accounts[${firstName}] already has this name.`);
    else accountNames.set(account.name.toLowerCase(), a);
    if (account.alias !== "") {
      const firstAlias = aliases.get(account.alias);
      if (firstAlias !== undefined)
        report([...at, "alias"], `accounts[${firstAlias}] already has this alias.`);
      else aliases.set(account.alias, a);
    }
    const roleNames = new Set<string>();
    (entry.roles ?? []).forEach((roleEntryValue, r) => {
      const rat: DocPath = [...at, "roles", r];
      const role = validateRole(roleEntryValue, account.accountId, ctx.partition, rat, report);
      if (!role) return;
      if (roleNames.has(role.name.toLowerCase()))
        report(
          [...rat, "name"],
          "This account already lists a role with this name (IAM role names are unique ignoring case).",
        );
      roleNames.add(role.name.toLowerCase());
      const arnAt = arns.get(role.arn);
      if (arnAt !== undefined)
        report([...rat, "arn"], `The ARN ${role.arn} is already used by ${arnAt}.`);
      else arns.set(role.arn, formatDocPath(rat));
      const rules: Array<Omit<RuleState, "key"> & { path: DocPath; entry: RuleEntry }> = [];
      (roleEntryValue.rules ?? []).forEach((ruleEntryValue, i) => {
        const path: DocPath = [...rat, "rules", i];
        const subject = subjectOf(ruleEntryValue, ctx, path, report);
        if (subject) rules.push({ ...placeholderRule(), subject, path, entry: ruleEntryValue });
      });
      for (const keyed of keyRules(role.key, rules)) {
        const rule = validateRule(keyed.entry, keyed, ctx, keyed.path, report);
        if (!rule) continue;
        role.rules.push(rule);
        if (rule.maxSessionDurationSeconds > role.maxSessionDurationSeconds)
          capped.push({
            roleKey: role.key,
            rule,
            path: formatDocPath([...keyed.path, "maxSessionDurationSeconds"]),
            line: parsed.lineOf([...keyed.path, "maxSessionDurationSeconds"]),
            message: `This rule allows ${rule.maxSessionDurationSeconds} s, but the role's maximum is ${role.maxSessionDurationSeconds} s: sessions are capped at ${role.maxSessionDurationSeconds} s.`,
          });
      }
      account.roles.push(role);
    });
    accounts.push(account);
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, accounts, capped };
}

function validateAccount(entry: AccountEntry, at: DocPath, report: Report): AccountState | null {
  const unquoted = typeof entry.id === "number";
  const parsed = accountInput.safeParse({
    accountId: String(entry.id),
    name: entry.name,
    alias: entry.alias ?? "",
    environment: entry.environment,
    description: entry.description ?? "",
  });
  const errors = parsed.success ? {} : fieldErrorsOf(parsed.error);
  // `012345678901` unquoted reads as the number 12345678901: "12 digits" would puzzle its author,
  // who wrote 12. Whatever the number, the cause to name is the missing quotes.
  if (unquoted) {
    delete errors.accountId;
    report(
      [...at, "id"],
      'Quote the account id ("012345678901"): as a number it loses leading zeros.',
    );
  }
  reportFields(errors, at, ACCOUNT_FIELD, report);
  if (!parsed.success || unquoted) return null;
  return { key: parsed.data.accountId, ...parsed.data, roles: [] };
}

function validateRole(
  entry: RoleEntry,
  accountId: string,
  partition: AwsPartition,
  at: DocPath,
  report: Report,
): RoleState | null {
  const parsed = parseRole(
    {
      name: entry.name,
      arn: entry.arn ?? "",
      description: entry.description ?? "",
      maxSessionDurationSeconds: entry.maxSessionDurationSeconds ?? 3600,
      assumeMethod: entry.assumeMethod ?? "assume-role",
      samlProviderArn: entry.samlProviderArn ?? "",
      externalId: entry.externalId ?? "",
      requiresBrokerMfa: entry.requiresBrokerMfa ?? false,
    },
    accountId,
    partition,
  );
  if (!parsed.ok) {
    reportFields(parsed.errors, at, {}, report);
    return null;
  }
  return { key: roleKey(accountId, parsed.values.name), ...parsed.values, rules: [] };
}
