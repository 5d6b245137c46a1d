import { ASSUMED_ROLE_ARN_PATTERN, parseRoleArn } from "@/lib/aws/partitions";

/**
 * A role ARN pasted into the accounts search (from the IAM console, an AccessDenied message or a
 * CloudTrail record) names one role: its account id and role name. Client-safe and pure; parsed
 * once per query, never per role (the search's keystroke budget, tests/bench/accounts-page.ts).
 */

/** What a copied ARN often brings along: JSON or shell quotes, and a list's trailing comma. */
const WRAPPING = /^["'`]+|["'`]+,?$/g;

/** The key a role is found by: account id and role name, which IAM compares without case. */
export function roleKey(accountId: string, roleName: string): string {
  return `${accountId}:${roleName.toLowerCase()}`;
}

export interface RoleArnQuery {
  accountId: string;
  /** The role name as pasted (a path such as `team/` is not part of it). */
  roleName: string;
  key: string;
}

/**
 * The role a term names when it is a role ARN (`arn:aws:iam::123456789012:role/team/Dev`) or an
 * assumed-role ARN (`arn:aws:sts::123456789012:assumed-role/Dev/alice@corp`, the session's role)
 * of a partition the portal serves (lib/aws/partitions.ts); null otherwise.
 */
export function parseRoleArnQuery(term: string): RoleArnQuery | null {
  const text = term.trim().replace(WRAPPING, "");
  if (!looksLikeArn(text)) return null;
  const role = parseRoleArn(text);
  if (role) return arnQuery(role.accountId, role.name);
  const assumed = ASSUMED_ROLE_ARN_PATTERN.exec(text);
  return assumed ? arnQuery(assumed[2]!, assumed[3]!) : null;
}

/** What a sentence puts around a word: brackets before it, punctuation after it. */
const SENTENCE_AROUND = /^\(+|[.;:)]+$/g;

/**
 * The role ARNs a term may be when it sits in a pasted sentence (an AccessDenied message, a log
 * line): as written, and without the sentence's brackets or final full stop. IAM allows a role
 * name to end in `.` or `,`, so both readings are kept and the one that names a role of the
 * person's wins. Empty when neither reading is a role ARN.
 */
function roleArnsInSentence(term: string): RoleArnQuery[] {
  return [term, term.trim().replace(SENTENCE_AROUND, "")].flatMap(
    (reading) => parseRoleArnQuery(reading) ?? [],
  );
}

/** The keys (`roleKey`) of the roles a term in a pasted sentence may name (roleArnsInSentence). */
export function roleKeysInSentence(term: string): string[] {
  return [...new Set(roleArnsInSentence(term).map((arn) => arn.key))];
}

/** Whether a term is meant as an ARN (begins with `arn:`, quotes aside), valid or not. */
export function looksLikeArn(term: string): boolean {
  return /^["'`]*arn:/i.test(term);
}

/**
 * What to say when a search names no role and one of its terms is an ARN: which role the (first
 * role) ARN names (so "not yours" is plain), or that it is not a role ARN at all. Null for other
 * searches.
 */
export function arnSearchNote(query: string): string | null {
  const terms = query.split(/\s+/);
  const arn = terms.flatMap(roleArnsInSentence)[0];
  if (arn)
    return `That ARN names role ${arn.roleName} in account ${arn.accountId}, which is not among your roles.`;
  return terms.some((t) => looksLikeArn(t.replace(/^\(+/, "")))
    ? "That is not a role ARN: expected arn:aws:iam::<12-digit account id>:role/<name> or arn:aws:sts::<account id>:assumed-role/<name>/<session>."
    : null;
}

function arnQuery(accountId: string, roleName: string): RoleArnQuery {
  return { accountId, roleName, key: roleKey(accountId, roleName) };
}
