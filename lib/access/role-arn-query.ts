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

/** Whether a term is meant as an ARN (begins with `arn:`, quotes aside), valid or not. */
export function looksLikeArn(term: string): boolean {
  return /^["'`]*arn:/i.test(term);
}

/**
 * What to say when a search names no role and one of its terms is an ARN: which role the ARN
 * names (so "not yours" is plain), or that it is not a role ARN at all. Null for other searches.
 */
export function arnSearchNote(query: string): string | null {
  for (const term of query.split(/\s+/)) {
    if (!looksLikeArn(term)) continue;
    const arn = parseRoleArnQuery(term);
    return arn
      ? `That ARN names role ${arn.roleName} in account ${arn.accountId}, which is not among your roles.`
      : "That is not a role ARN: expected arn:aws:iam::<12-digit account id>:role/<name> or arn:aws:sts::<account id>:assumed-role/<name>/<session>.";
  }
  return null;
}

function arnQuery(accountId: string, roleName: string): RoleArnQuery {
  return { accountId, roleName, key: roleKey(accountId, roleName) };
}
