import type { Metadata } from "next";
import Link from "next/link";
import { AdminPageShell } from "@/components/admin-page-shell";
import { OrganizationStatusBadge } from "@/components/discovery/discovery-marks";
import { EnvironmentBadge } from "@/components/environment-badge";
import { findAccountsForAdmin } from "@/lib/admin/accounts";
import { getDb } from "@/lib/db/client";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";

export const metadata: Metadata = { title: "Accounts & access" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminAccountsPage({ searchParams }: { searchParams: SearchParams }) {
  const check = await requirePrivilegedPage("admin", "/admin/accounts");
  const { notice } = await searchParams;
  const crumbs = [{ label: "Accounts & access" }];
  const accounts = await findAccountsForAdmin(getDb());
  return (
    <AdminPageShell
      user={check.user}
      crumbs={crumbs}
      notice={typeof notice === "string" ? notice : undefined}
    >
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Accounts &amp; access</h1>
          <p className="mt-1 text-sm text-slate-600">
            AWS accounts, the roles people may assume in them, and who may assume each role.
          </p>
        </div>
        <div className="flex items-center gap-2">
          <Link
            href="/admin/accounts/discover"
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium whitespace-nowrap text-slate-700 hover:bg-slate-50"
            data-testid="discover-accounts-link"
          >
            Discover accounts
          </Link>
          <Link
            href="/admin/accounts/new"
            className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium whitespace-nowrap text-white hover:bg-indigo-500"
          >
            Add account
          </Link>
        </div>
      </div>
      <section className="relative overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full text-left text-sm" data-testid="admin-accounts-table">
          <thead className="bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th className="px-4 py-2">Account</th>
              <th className="px-4 py-2">Id</th>
              <th className="px-4 py-2">Environment</th>
              <th className="px-4 py-2 text-right">Roles</th>
              <th className="px-4 py-2 text-right">Rules</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {accounts.length === 0 && (
              <tr>
                <td colSpan={5} className="px-4 py-6 text-slate-500">
                  No accounts yet. Add the first one.
                </td>
              </tr>
            )}
            {accounts.map((a) => (
              <tr key={a.id} data-testid="admin-account-row">
                <td className="px-4 py-3">
                  <Link
                    href={`/admin/accounts/${a.id}`}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    {a.name}
                  </Link>
                  {a.alias && <span className="ml-2 text-slate-500">{a.alias}</span>}
                  <OrganizationStatusBadge status={a.organizationStatus} className="ml-2" />
                  {a.description && <p className="text-xs text-slate-500">{a.description}</p>}
                </td>
                <td className="px-4 py-3 font-mono text-xs">{a.accountId}</td>
                <td className="px-4 py-3">
                  <EnvironmentBadge environment={a.environment} />
                </td>
                <td className="px-4 py-3 text-right tabular-nums">
                  {a.roleCount}
                  {a.goneRoleCount > 0 && (
                    <p className="text-xs text-red-700" data-testid="account-gone-roles">
                      {a.goneRoleCount} gone from AWS — grant nothing
                    </p>
                  )}
                  {a.untrustedRoleCount > 0 && (
                    <p className="text-xs text-amber-800" data-testid="account-untrusted-roles">
                      {a.untrustedRoleCount} the portal can&apos;t assume
                    </p>
                  )}
                </td>
                <td className="px-4 py-3 text-right tabular-nums">{a.ruleCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </AdminPageShell>
  );
}
