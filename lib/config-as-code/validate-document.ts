import "server-only";
import {
  accountInput,
  fieldErrorsOf,
  parseRole,
  parseRule,
  type FieldErrors,
} from "@/lib/admin/validation";
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
import { identityKey, type PeopleDirectory } from "./current-state";
import {
  keyRules,
  roleKey,
  type AccountState,
  type RoleState,
  type RuleState,
  type Subject,
} from "./state";
import { AMBIGUOUS_EMAIL } from "@/lib/people/person-label";

/** What validating a file needs to know about the database. */
export interface ValidationContext {
  now: Date;
  /** The broker's partition: roles and SAML providers of another are refused. */
  partition: AwsPartition;
  /** Every identity and its person, to resolve `user:`. */
  people: PeopleDirectory;
  /** The issuers of the identity providers the portal knows (for a group's `idp:`). */
  knownIssuers: ReadonlySet<string>;
  /** The stored expiry of the rule with this key: an unchanged past expiry may stay. */
  previousExpiresAt(ruleKey: string): Date | null | undefined;
}

// The admin forms name fields as the form does; a file names them as the document does.
const ACCOUNT_FIELD: Record<string, string> = { accountId: "id" };
const RULE_FIELD: Record<string, string> = {
  groupName: "group",
  userEmail: "user",
  allowConsole: "console",
  allowCli: "cli",
  outputs: "console",
  subjectKind: "",
};

/**
 * Checks every entry of a parsed file with the admin editors' own rules and returns the desired
 * configuration, or every problem found (not just the first), each with its path and line.
 */
export function validateDocument(
  parsed: ParsedText,
  ctx: ValidationContext,
): { ok: true; accounts: AccountState[] } | { ok: false; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
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
    const firstName = accountNames.get(account.name);
    if (firstName !== undefined)
      report([...at, "name"], `accounts[${firstName}] already has this name.`);
    else accountNames.set(account.name, a);
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
      if (roleNames.has(role.name))
        report([...rat, "name"], "This account already lists a role with this name.");
      roleNames.add(role.name);
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
        if (rule) role.rules.push(rule);
      }
      account.roles.push(role);
    });
    accounts.push(account);
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, accounts };
}

type Report = (path: DocPath, message: string) => void;

function reportFields(
  errors: FieldErrors,
  at: DocPath,
  names: Record<string, string>,
  report: Report,
) {
  for (const [field, message] of Object.entries(errors)) {
    const name = field in names ? names[field] : field;
    report(name === "" || name === "form" || name === undefined ? at : [...at, name], message);
  }
}

function validateAccount(entry: AccountEntry, at: DocPath, report: Report): AccountState | null {
  const parsed = accountInput.safeParse({
    accountId: typeof entry.id === "number" ? String(entry.id) : entry.id,
    name: entry.name,
    alias: entry.alias ?? "",
    environment: entry.environment,
    description: entry.description ?? "",
  });
  if (!parsed.success) {
    reportFields(fieldErrorsOf(parsed.error), at, ACCOUNT_FIELD, report);
    return null;
  }
  if (typeof entry.id === "number") {
    report(
      [...at, "id"],
      'Quote the account id ("012345678901"): as a number it loses leading zeros.',
    );
    return null;
  }
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

function subjectOf(
  entry: RuleEntry,
  ctx: ValidationContext,
  at: DocPath,
  report: Report,
): Subject | null {
  const hasGroup = entry.group !== undefined;
  const hasUser = entry.user !== undefined;
  if (hasGroup === hasUser) {
    report(at, "Name exactly one subject: `group: <IdP group>` or `user: <email>`.");
    return null;
  }
  if (hasGroup) {
    const group = (entry.group ?? "").trim();
    if (group === "") {
      report([...at, "group"], "Name the IdP group this rule grants to.");
      return null;
    }
    if (entry.idp === undefined) return { kind: "group", group, issuer: null };
    const issuer = entry.idp.trim();
    if (!ctx.knownIssuers.has(issuer)) {
      report(
        [...at, "idp"],
        `The portal knows no identity provider with the issuer "${issuer}" (the OIDC issuer URL or a SAML IdP's entity ID): leave idp out to accept the group from any IdP.`,
      );
      return null;
    }
    return { kind: "group", group, issuer };
  }
  if (entry.idp !== undefined) {
    report([...at, "idp"], "`idp:` goes with `group:`; a user is `user: { idp, subject }`.");
    return null;
  }
  const user = entry.user!;
  if (typeof user !== "string") {
    const ref = { idp: user.idp.trim(), subject: user.subject.trim() };
    const personId = ctx.people.personByIdentity.get(identityKey(ref.idp, ref.subject));
    if (personId === undefined) {
      report(
        [...at, "user"],
        `No one has signed in to Gatehouse as ${ref.subject} at ${ref.idp} yet. Ask them to sign in once, or grant their group.`,
      );
      return null;
    }
    return { kind: "user", personId, ref };
  }
  const email = user.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    report(
      [...at, "user"],
      "Enter the email address of a user who has signed in before, or { idp, subject }.",
    );
    return null;
  }
  const people = [...(ctx.people.peopleByEmail.get(email.toLowerCase()) ?? [])];
  const [first] = people;
  if (!first) {
    report(
      [...at, "user"],
      `No user with the email ${email} has signed in to Gatehouse yet. Ask them to sign in once, or grant their group.`,
    );
    return null;
  }
  if (people.length > 1) {
    report([...at, "user"], `${AMBIGUOUS_EMAIL} Or name one: user: { idp, subject }.`);
    return null;
  }
  return { kind: "user", personId: first, ref: { email } };
}

function placeholderRule(): Omit<RuleState, "key" | "subject"> {
  return {
    maxSessionDurationSeconds: 0,
    allowConsole: false,
    allowCli: false,
    expiresAt: null,
    requireMfa: false,
    sessionPolicy: null,
    description: "",
  };
}

function validateRule(
  entry: RuleEntry,
  keyed: Pick<RuleState, "key" | "subject">,
  ctx: ValidationContext,
  at: DocPath,
  report: Report,
): RuleState | null {
  const policy =
    entry.sessionPolicy === undefined || entry.sessionPolicy === null
      ? ""
      : typeof entry.sessionPolicy === "string"
        ? entry.sessionPolicy
        : JSON.stringify(entry.sessionPolicy);
  const subject = keyed.subject;
  const parsed = parseRule(
    {
      subjectKind: subject.kind,
      groupName: subject.kind === "group" ? subject.group : "",
      groupIssuer: subject.kind === "group" ? (subject.issuer ?? "") : "",
      // The person is resolved already; the form's email check only needs an email's shape.
      userEmail:
        subject.kind === "user"
          ? "email" in subject.ref
            ? subject.ref.email
            : "identity@resolved.invalid"
          : "",
      maxSessionDurationSeconds: entry.maxSessionDurationSeconds ?? 3600,
      allowConsole: entry.console ?? true,
      allowCli: entry.cli ?? true,
      expiresAt: entry.expiresAt ?? "",
      requireMfa: entry.requireMfa ?? false,
      sessionPolicy: policy,
      description: entry.description ?? "",
    },
    { now: ctx.now, previousExpiresAt: ctx.previousExpiresAt(keyed.key) ?? null },
  );
  if (!parsed.ok) {
    reportFields(parsed.errors, at, RULE_FIELD, report);
    return null;
  }
  const v = parsed.values;
  return {
    key: keyed.key,
    subject,
    maxSessionDurationSeconds: v.maxSessionDurationSeconds,
    allowConsole: v.allowConsole,
    allowCli: v.allowCli,
    expiresAt: v.expiresAt ? v.expiresAt.toISOString() : null,
    requireMfa: v.requireMfa,
    sessionPolicy: v.sessionPolicy,
    description: v.description,
  };
}
