"use client";

import { useMemo } from "react";
import type { RoleView } from "@/lib/access/group-by-account";
import { layoutRoleList } from "./role-list-layout";
import { searchAccountsRead, type SearchEntry } from "@/lib/access/role-search";

const RECENT_LIMIT = 8;

/**
 * What the accounts page lists for a query: Favorites and Recently used (the last eight roles
 * used) above every account while the search is empty, only the matches while it isn't.
 */
export function useRoleList(
  index: readonly SearchEntry[],
  query: string,
  isFavorite: (roleId: string, initial: boolean) => boolean,
  lastUsedOf: (role: RoleView) => string | null,
) {
  const pinned = useMemo(() => {
    const favorite = index.filter((e) => isFavorite(e.role.roleId, e.role.isFavorite));
    const recent = index
      .filter((e) => lastUsedOf(e.role) !== null)
      .sort((a, b) => (lastUsedOf(b.role) ?? "").localeCompare(lastUsedOf(a.role) ?? ""))
      .slice(0, RECENT_LIMIT);
    return { favorite, recent };
  }, [index, isFavorite, lastUsedOf]);

  const { matches, readAs } = useMemo(() => searchAccountsRead(index, query), [index, query]);
  const isSearching = query.trim() !== "";
  const layout = useMemo(
    () =>
      layoutRoleList({
        favorites: isSearching ? [] : pinned.favorite,
        recents: isSearching ? [] : pinned.recent,
        matches,
      }),
    [isSearching, pinned, matches],
  );
  const matchCount = matches.reduce((n, m) => n + m.roles.length, 0);
  return { layout, isSearching, matchCount, readAs };
}
