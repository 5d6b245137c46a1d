import type { AccountView } from "./group-by-account";
import { buildSearchIndex, searchAccounts } from "./role-search";

/**
 * The accounts whose roles match a filter, with only the matching roles: the accounts page's
 * search (lib/access/role-search.ts), so `gatehouse ls text` finds what typing it on the page does.
 */
export function filterAccountViews(accounts: AccountView[], filter: string): AccountView[] {
  if (filter.trim() === "") return accounts;
  return searchAccounts(buildSearchIndex(accounts), filter).map((m) => ({
    ...m.account,
    roles: m.roles,
  }));
}
