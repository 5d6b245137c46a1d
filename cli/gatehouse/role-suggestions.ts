import { type PortalAccount, isCliUsable } from "./api-types";

/**
 * "Did you mean …?" for a role reference the portal does not know. Only roles from the caller's
 * own `GET /api/v1/roles` are offered, so a suggestion reveals nothing the caller may not see.
 */

/** At most this many suggestions, closest first. */
const MAX_SUGGESTIONS = 3;

/**
 * The caller's CLI roles, as `<account name>/<role>`, whose name (by account name, alias or id)
 * is a few edits from `typed`, ignoring case.
 */
export function closeRoles(typed: string, accounts: readonly PortalAccount[]): string[] {
  const wanted = typed.toLowerCase();
  // A typo or two in a short name, a few more in a long one.
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  const best = new Map<string, number>();
  for (const account of accounts) {
    const accountNames = [account.name, account.alias, account.accountId].filter(
      (name): name is string => typeof name === "string" && name !== "",
    );
    for (const role of account.roles) {
      if (!isCliUsable(role)) continue;
      const shown = `${account.name}/${role.roleName}`;
      for (const accountName of accountNames) {
        const distance = editDistance(wanted, `${accountName}/${role.roleName}`.toLowerCase());
        if (distance <= limit && distance < (best.get(shown) ?? Infinity)) {
          best.set(shown, distance);
        }
      }
    }
  }
  return [...best.entries()]
    .sort(([a, x], [b, y]) => x - y || a.localeCompare(b))
    .slice(0, MAX_SUGGESTIONS)
    .map(([name]) => name);
}

/** Levenshtein distance: insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        substitution,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
