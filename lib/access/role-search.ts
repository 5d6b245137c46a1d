import type { AccountView, RoleView } from "@/lib/access/group-by-account";

/** One role with its account and a precomputed lower-case haystack, built once per page load. */
export interface SearchEntry {
  account: AccountView;
  role: RoleView;
  /** Lower-case account name, alias, environment, description, role name and description. */
  text: string;
}

export interface AccountMatch {
  account: AccountView;
  roles: RoleView[];
}

/** Builds the search index once: typing then only does substring tests, no allocation per role. */
export function buildSearchIndex(accounts: readonly AccountView[]): SearchEntry[] {
  const entries: SearchEntry[] = [];
  for (const account of accounts) {
    const accountText = [account.name, account.alias, account.environment, account.description]
      .join("\n")
      .toLowerCase();
    for (const role of account.roles) {
      entries.push({
        account,
        role,
        text: `${accountText}\n${role.roleName}\n${role.description}`.toLowerCase(),
      });
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
export function entryMatches(entry: SearchEntry, terms: readonly SearchTerm[]): boolean {
  for (const term of terms) {
    if (entry.text.includes(term.text)) continue;
    if (term.idPrefix !== null && entry.account.accountId.startsWith(term.idPrefix)) continue;
    return false;
  }
  return true;
}

/** The matching roles grouped by account, in the index's (server's) order. */
export function searchAccounts(index: readonly SearchEntry[], query: string): AccountMatch[] {
  const terms = parseQuery(query);
  const result: AccountMatch[] = [];
  for (const entry of index) {
    if (terms.length > 0 && !entryMatches(entry, terms)) continue;
    const last = result.at(-1);
    if (last && last.account === entry.account) last.roles.push(entry.role);
    else result.push({ account: entry.account, roles: [entry.role] });
  }
  return result;
}
