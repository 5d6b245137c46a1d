import "server-only";
import { notFound } from "next/navigation";
import type { Crumb } from "@/components/admin-page-shell";
import { findRoleForAdmin } from "@/lib/admin/roles";
import { isId } from "@/lib/admin/database-id";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { getDb, type Db } from "@/lib/db/client";

export const ACCOUNTS_CRUMB: Crumb = { label: "Accounts & access", href: "/admin/accounts" };

export type AdminRole = NonNullable<Awaited<ReturnType<typeof findRoleForAdmin>>>;

/** "Accounts & access / <account>" followed by `tail`. */
export function accountCrumbs(account: { id: string; name: string }, ...tail: Crumb[]): Crumb[] {
  return [ACCOUNTS_CRUMB, { label: account.name, href: `/admin/accounts/${account.id}` }, ...tail];
}

/** "Accounts & access / <account> / <role>" followed by `tail`. */
export function roleCrumbs(role: AdminRole, ...tail: Crumb[]): Crumb[] {
  return accountCrumbs(role.account, { label: role.name, href: rolePathOf(role) }, ...tail);
}

export function rolePathOf(role: { id: string; account: { id: string } }): string {
  return `/admin/accounts/${role.account.id}/roles/${role.id}`;
}

/**
 * For a page below /admin/accounts/<accountId>: the admin check first (each page makes it, docs/INVARIANTS.md
 * invariant 4; `subpath` is where sign-in returns to), then the account as `find` reads it. An id
 * that is not one, or no such account, is a 404.
 */
export async function loadAccountPage<T>(
  accountId: string,
  subpath: string,
  find: (db: Db, accountDbId: string) => Promise<T | null>,
): Promise<{ user: SignedInUser; account: T }> {
  const { user } = await requirePrivilegedPage(
    "admin",
    `/admin/accounts/${encodeURIComponent(accountId)}${subpath}`,
  );
  const account = isId(accountId) ? await find(getDb(), accountId) : null;
  if (!account) notFound();
  return { user, account };
}

/** As loadAccountPage, for a page below /admin/accounts/<accountId>/roles/<roleId>. */
export async function loadRolePage(
  ids: { accountId: string; roleId: string },
  subpath: string,
): Promise<{ user: SignedInUser; role: AdminRole; rolePath: string }> {
  const { accountId, roleId } = ids;
  const { user } = await requirePrivilegedPage(
    "admin",
    `/admin/accounts/${encodeURIComponent(accountId)}/roles/${encodeURIComponent(roleId)}${subpath}`,
  );
  const role =
    isId(accountId) && isId(roleId) ? await findRoleForAdmin(getDb(), accountId, roleId) : null;
  if (!role) notFound();
  return { user, role, rolePath: rolePathOf(role) };
}
