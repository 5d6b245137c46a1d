import "server-only";
import { parseApprovers } from "@/lib/access-requests/approvers";
import type { Db } from "@/lib/db/client";
import {
  keyRules,
  roleKey,
  standingTerms,
  type CurrentAccount,
  type CurrentRole,
  type CurrentRule,
  type RequestTerms,
  type RuleState,
  type Subject,
  type UserRef,
} from "./state";

type Reader = Pick<Db, "awsAccount" | "role" | "accessRule">;

/** Every identity, as config files name people: by email, or by IdP and subject. */
export interface PeopleDirectory {
  /**
   * Lowercased email → the people with an identity carrying it, verified by its IdP: an email an
   * IdP did not vouch for may have been typed by anyone, and names nobody (docs/SECURITY.md).
   */
  peopleByEmail: ReadonlyMap<string, ReadonlySet<string>>;
  /** Lowercased emails carried only unverified: said as such rather than "nobody signed in". */
  unverifiedEmails: ReadonlySet<string>;
  /** `${issuer}\n${subject}` → the person of that identity. */
  personByIdentity: ReadonlyMap<string, string>;
  /** Person → their identities, oldest first. */
  identitiesOf: ReadonlyMap<
    string,
    ReadonlyArray<{ issuer: string; subject: string; email: string | null }>
  >;
}

export const identityKey = (issuer: string, subject: string) => `${issuer}\n${subject}`;

/** One pass over the identities (the same data the admin people page shows). */
export async function loadPeopleDirectory(db: Pick<Db, "user">): Promise<PeopleDirectory> {
  const rows = await db.user.findMany({
    select: { personId: true, issuer: true, subject: true, email: true, emailVerified: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const peopleByEmail = new Map<string, Set<string>>();
  const unverifiedEmails = new Set<string>();
  const personByIdentity = new Map<string, string>();
  const identitiesOf = new Map<
    string,
    Array<{ issuer: string; subject: string; email: string | null }>
  >();
  for (const row of rows) {
    personByIdentity.set(identityKey(row.issuer, row.subject), row.personId);
    const list = identitiesOf.get(row.personId);
    const identity = { issuer: row.issuer, subject: row.subject, email: row.email };
    if (list) list.push(identity);
    else identitiesOf.set(row.personId, [identity]);
    if (row.email && !row.emailVerified) unverifiedEmails.add(row.email.toLowerCase());
    else if (row.email) {
      const key = row.email.toLowerCase();
      const people = peopleByEmail.get(key);
      if (people) people.add(row.personId);
      else peopleByEmail.set(key, new Set([row.personId]));
    }
  }
  return { peopleByEmail, unverifiedEmails, personByIdentity, identitiesOf };
}

/**
 * How a file names a person: the first verified email of theirs that no other person has, else their
 * oldest identity (IdP issuer and subject) — never an ambiguous name, so export → import is exact.
 */
export function userRefOf(directory: PeopleDirectory, personId: string): UserRef {
  const identities = directory.identitiesOf.get(personId) ?? [];
  for (const identity of identities) {
    if (!identity.email) continue;
    const people = directory.peopleByEmail.get(identity.email.toLowerCase());
    // Theirs alone, and verified for them: an email they carry only unverified names whoever
    // carries it verified, if anyone.
    if (people?.size === 1 && people.has(personId)) return { email: identity.email };
  }
  const first = identities[0];
  return first ? { idp: first.issuer, subject: first.subject } : { idp: "", subject: personId };
}

/**
 * The stored configuration in the file's terms, in a fixed order: accounts by id, roles by name,
 * rules in the order they were made (which is what gives two rules for one subject their ranks).
 * Three flat queries, not a nested include, so 50,000 rules load in one pass each.
 */
export async function loadCurrentConfig(
  db: Reader,
  people: PeopleDirectory,
): Promise<CurrentAccount[]> {
  const [accounts, roles, rules] = await Promise.all([
    db.awsAccount.findMany({ orderBy: { accountId: "asc" } }),
    db.role.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }] }),
    db.accessRule.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
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
      subject: subjectOf(rule, people),
      maxSessionDurationSeconds: rule.maxSessionDurationSeconds,
      allowConsole: rule.allowConsole,
      allowCli: rule.allowCli,
      expiresAt: rule.expiresAt ? rule.expiresAt.toISOString() : null,
      requireMfa: rule.requireMfa,
      sessionPolicy: rule.sessionPolicy,
      description: rule.description,
      ...requestTermsOf(rule, people),
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

function subjectOf(
  rule: { groupName: string | null; groupIssuer: string | null; personId: string | null },
  people: PeopleDirectory,
): Subject {
  if (rule.groupName !== null)
    return { kind: "group", group: rule.groupName, issuer: rule.groupIssuer };
  const personId = rule.personId ?? "";
  return { kind: "user", personId, ref: userRefOf(people, personId) };
}

type StoredTerms = Omit<RequestTerms, "approvers"> & { kind: string; approversJson: string };

/**
 * A rule's kind and terms (docs/ACCESS-REQUESTS.md). A standing rule reads with the default terms
 * whatever its row holds: they mean nothing until it is made eligible, and apply-config then
 * writes every term. Another kind than these two is kept as stored (it grants nothing), so a file
 * saying "standing" shows as a change.
 */
function requestTermsOf(
  rule: StoredTerms,
  people: PeopleDirectory,
): Pick<RuleState, "kind"> & RequestTerms {
  if (rule.kind !== "eligible") return { kind: rule.kind, ...standingTerms() };
  return {
    kind: rule.kind,
    approvers: approversOf(rule.approversJson, people),
    approvalsRequired: rule.approvalsRequired,
    maxElevationSeconds: rule.maxElevationSeconds,
    requireReason: rule.requireReason,
    requireTicket: rule.requireTicket,
    requireMfaToRequest: rule.requireMfaToRequest,
    requireMfaToApprove: rule.requireMfaToApprove,
    breakGlass: rule.breakGlass,
    webhookUrl: rule.webhookUrl,
  };
}

/**
 * Stored approvers, people named as a file names them (userRefOf). A person with no identity left
 * can never sign in to approve: they are left out rather than exported as a name no import reads.
 */
function approversOf(json: string, people: PeopleDirectory): Subject[] {
  const approvers: Subject[] = [];
  for (const a of parseApprovers(json)) {
    if ("group" in a) approvers.push({ kind: "group", group: a.group, issuer: a.issuer });
    else if (people.identitiesOf.has(a.personId))
      approvers.push({ kind: "user", personId: a.personId, ref: userRefOf(people, a.personId) });
  }
  return approvers;
}
