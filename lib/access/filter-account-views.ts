import type { AccountView } from "./group-by-account";
import { buildSearchIndex, searchAccountsRead, type SearchReading } from "./role-search";

/**
 * The accounts whose roles match a filter, with only the matching roles, and how the filter was
 * read: the accounts page's search (lib/access/role-search.ts), so `gatehouse ls text` finds what
 * typing it on the page does and can say, as the page does, when the result is not an exact match.
 */
export function filterAccountViews(
  accounts: AccountView[],
  filter: string,
): { accounts: AccountView[]; readAs: SearchReading } {
  if (filter.trim() === "") return { accounts, readAs: "as-typed" };
  const { matches, readAs } = searchAccountsRead(buildSearchIndex(accounts), filter);
  return { accounts: matches.map((m) => ({ ...m.account, roles: m.roles })), readAs };
}
