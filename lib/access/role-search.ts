import type { AccountView, RoleView } from "@/lib/access/group-by-account";
import { looksLikeArn, parseRoleArnQuery, roleKey, roleKeysInSentence } from "./role-arn-query";
import { nearlyMatchesAWord, wordStarts } from "./typo-match";

/** One role with its account and a precomputed lower-case haystack, built once per page load. */
export interface SearchEntry {
  account: AccountView;
  role: RoleView;
  /** Lower-case account name, alias, environment, description, role name and description. */
  text: string;
  /**
   * Where a typo-tolerant term may start (lib/access/typo-match.ts `wordStarts`): made by
   * `wordsOf` on the first search that forgives a slip, not for every role on every page render.
   */
  words?: string[];
  /** Account id and lower-case role name (lib/access/role-arn-query.ts `roleKey`): what an ARN names. */
  roleKey: string;
}

export interface AccountMatch {
  account: AccountView;
  roles: RoleView[];
}

/**
 * Builds the search index once: typing then only does substring tests, no allocation per role
 * (a term that forgives a slip makes each role's word starts the first time: wordsOf).
 */
export function buildSearchIndex(accounts: readonly AccountView[]): SearchEntry[] {
  const entries: SearchEntry[] = [];
  for (const account of accounts) {
    for (const role of account.roles) {
      entries.push({
        account,
        role,
        text: searchedTextOf(account, role).toLowerCase(),
        roleKey: roleKey(account.accountId, role.roleName),
      });
    }
  }
  return entries;
}

/** What a search looks in: the account's names and description, the role's name and description. */
function searchedTextOf(account: AccountView, role: RoleView): string {
  return [
    account.name,
    account.alias,
    account.environment,
    account.description,
    role.roleName,
    role.description,
  ].join("\n");
}

/** The entry's word starts, in their original case for CamelCase; made once, then kept on it. */
function wordsOf(entry: SearchEntry): string[] {
  entry.words ??= wordStarts(searchedTextOf(entry.account, entry.role));
  return entry.words;
}

export interface SearchTerm {
  text: string;
  /** Set when the term is an account id or its start (digits, dashes allowed as in 1234-5678-9012). */
  idPrefix: string | null;
  /** Set when the term is a role or assumed-role ARN: the one role it names (`SearchEntry.roleKey`). */
  roleKey: string | null;
  /**
   * The roles the term names when read as part of a pasted sentence (roleKeysInSentence): used
   * only when the query as typed finds nothing (searchAccounts).
   */
  sentenceRoleKeys: string[];
  /** The term begins with `arn:`: never typo-forgiven, a slip in an ARN names another resource. */
  isArn: boolean;
}

/** Splits a query into case-insensitive terms, all of which must match (AND); ARNs parsed here, once. */
export function parseQuery(query: string): SearchTerm[] {
  return query
    .split(/\s+/)
    .filter(Boolean)
    .map((raw) => {
      const text = raw.toLowerCase();
      const isArn = looksLikeArn(raw);
      return {
        text,
        idPrefix: /^[\d-]*\d[\d-]*$/.test(text) ? text.replace(/-/g, "") : null,
        roleKey: isArn ? (parseRoleArnQuery(raw)?.key ?? null) : null,
        sentenceRoleKeys: /arn:/i.test(raw) ? roleKeysInSentence(raw) : [],
        isArn,
      };
    });
}

/**
 * Whether every term matches: as a substring of the names, alias, environment and descriptions,
 * or — for digits — as the beginning of the 12-digit account id (a middle fragment of an id would
 * match almost anything and mean nothing). A role ARN matches the role it names and nothing else.
 */
export function entryMatches(
  entry: SearchEntry,
  terms: readonly SearchTerm[],
  forgiveTypos = false,
): boolean {
  for (const term of terms) {
    if (term.roleKey !== null) {
      if (entry.roleKey === term.roleKey) continue;
      return false;
    }
    if (entry.text.includes(term.text)) continue;
    if (term.idPrefix !== null && entry.account.accountId.startsWith(term.idPrefix)) continue;
    if (forgiveTypos && isForgivable(term) && nearlyMatchesAWord(term.text, wordsOf(entry))) {
      continue;
    }
    return false;
  }
  return true;
}

/**
 * How a query was read: as typed; as the role ARNs in a pasted sentence, its other words set aside;
 * or with slips forgiven. The page says which, so a result is never mistaken for an exact match.
 */
export type SearchReading = "as-typed" | "arns-in-text" | "close-spellings";

/** The matching roles grouped by account (searchAccountsRead), without how the query was read. */
export function searchAccounts(index: readonly SearchEntry[], query: string): AccountMatch[] {
  return searchAccountsRead(index, query).matches;
}

/**
 * The matching roles grouped by account, in the index's (server's) order. When nothing matches
 * exactly, a term may also be a slip or two away from the start of a word (lib/access/typo-match.ts),
 * so a mistyped name still finds its role instead of an empty page.
 */
export function searchAccountsRead(
  index: readonly SearchEntry[],
  query: string,
): { matches: AccountMatch[]; readAs: SearchReading } {
  const terms = parseQuery(query);
  const exact = matchingEntries(index, terms, false);
  if (exact.length > 0) return { matches: exact, readAs: "as-typed" };
  // A pasted error message or log line: its words around a role ARN match nothing, so it is read
  // as the ARNs it holds (the roles any of them names).
  const named = new Set(terms.flatMap((t) => t.sentenceRoleKeys));
  if (named.size > 0) {
    const byArn = matchingEntries(index, [], false, (entry) => named.has(entry.roleKey));
    return { matches: byArn, readAs: byArn.length > 0 ? "arns-in-text" : "as-typed" };
  }
  // The typo pass is the costly one: skip it when no term could be forgiven (an ARN, an id).
  if (!terms.some(isForgivable)) return { matches: exact, readAs: "as-typed" };
  const close = matchingEntries(index, terms, true);
  return { matches: close, readAs: close.length > 0 ? "close-spellings" : "as-typed" };
}

/** Terms a slip is forgiven in: words, not account ids or ARNs. */
function isForgivable(term: SearchTerm): boolean {
  return term.idPrefix === null && !term.isArn;
}

function matchingEntries(
  index: readonly SearchEntry[],
  terms: readonly SearchTerm[],
  forgiveTypos: boolean,
  keep: (entry: SearchEntry) => boolean = () => true,
): AccountMatch[] {
  const result: AccountMatch[] = [];
  for (const entry of index) {
    if (!keep(entry)) continue;
    if (terms.length > 0 && !entryMatches(entry, terms, forgiveTypos)) continue;
    const last = result.at(-1);
    if (last && last.account === entry.account) last.roles.push(entry.role);
    else result.push({ account: entry.account, roles: [entry.role] });
  }
  return result;
}
