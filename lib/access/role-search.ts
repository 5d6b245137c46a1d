import type { AccountView, RoleView } from "@/lib/access/group-by-account";
import { nearlyMatchesAWord, wordStarts } from "./typo-match";

/** One role with its account and a precomputed lower-case haystack, built once per page load. */
export interface SearchEntry {
  account: AccountView;
  role: RoleView;
  /** Lower-case account name, alias, environment, description, role name and description. */
  text: string;
  /** Where a typo-tolerant term may start (lib/access/typo-match.ts `wordStarts`). */
  words: string[];
}

export interface AccountMatch {
  account: AccountView;
  roles: RoleView[];
}

/** Builds the search index once: typing then only does substring tests, no allocation per role. */
export function buildSearchIndex(accounts: readonly AccountView[]): SearchEntry[] {
  const entries: SearchEntry[] = [];
  for (const account of accounts) {
    const accountText = [
      account.name,
      account.alias,
      account.environment,
      account.description,
    ].join("\n");
    for (const role of account.roles) {
      const raw = `${accountText}\n${role.roleName}\n${role.description}`;
      entries.push({ account, role, text: raw.toLowerCase(), words: wordStarts(raw) });
    }
  }
  return entries;
}

export interface SearchTerm {
  text: string;
  /** Set when the term is an account id or its start (digits, dashes allowed as in 1234-5678-9012). */
  idPrefix: string | null;
}

/** Splits a query into case-insensitive terms, all of which must match (AND). */
export function parseQuery(query: string): SearchTerm[] {
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .map((text) => ({
      text,
      idPrefix: /^[\d-]*\d[\d-]*$/.test(text) ? text.replace(/-/g, "") : null,
    }));
}

/**
 * Whether every term matches: as a substring of the names, alias, environment and descriptions,
 * or — for digits — as the beginning of the 12-digit account id (a middle fragment of an id would
 * match almost anything and mean nothing).
 */
export function entryMatches(
  entry: SearchEntry,
  terms: readonly SearchTerm[],
  forgiveTypos = false,
): boolean {
  for (const term of terms) {
    if (entry.text.includes(term.text)) continue;
    if (term.idPrefix !== null && entry.account.accountId.startsWith(term.idPrefix)) continue;
    if (forgiveTypos && term.idPrefix === null && nearlyMatchesAWord(term.text, entry.words)) {
      continue;
    }
    return false;
  }
  return true;
}

/**
 * The matching roles grouped by account, in the index's (server's) order. When nothing matches
 * exactly, a term may also be a slip or two away from the start of a word (lib/access/typo-match.ts),
 * so a mistyped name still finds its role instead of an empty page.
 */
export function searchAccounts(index: readonly SearchEntry[], query: string): AccountMatch[] {
  const exact = matchingEntries(index, query, false);
  return exact.length > 0 ? exact : matchingEntries(index, query, true);
}

function matchingEntries(
  index: readonly SearchEntry[],
  query: string,
  forgiveTypos: boolean,
): AccountMatch[] {
  const terms = parseQuery(query);
  const result: AccountMatch[] = [];
  for (const entry of index) {
    if (terms.length > 0 && !entryMatches(entry, terms, forgiveTypos)) continue;
    const last = result.at(-1);
    if (last && last.account === entry.account) last.roles.push(entry.role);
    else result.push({ account: entry.account, roles: [entry.role] });
  }
  return result;
}
