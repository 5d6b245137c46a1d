import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminAccountForm } from "@/components/admin-account-form";
import { AdminPageShell } from "@/components/admin-page-shell";
import { findAccountForAdmin } from "@/lib/admin/accounts";
import { ENVIRONMENT_SUGGESTIONS, isId } from "@/lib/admin/validation";
import { getDb } from "@/lib/db/client";
import { updateAccountAction } from "../account-actions";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";

export const metadata: Metadata = { title: "AWS account" };

type Params = Promise<{ accountId: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminAccountPage(props: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { accountId } = await props.params;
  const check = await requirePrivilegedPage(
    "admin",
    `/admin/accounts/${encodeURIComponent(accountId)}`,
  );
  const base = [{ label: "Accounts & access", href: "/admin/accounts" }];
  const account = isId(accountId) ? await findAccountForAdmin(getDb(), accountId) : null;
  if (!account) notFound();
  const { notice } = await props.searchParams;
  return (
    <AdminPageShell
      user={check.user}
      crumbs={[...base, { label: account.name }]}
      notice={typeof notice === "string" ? notice : undefined}
    >
      <h1 className="text-2xl font-semibold">
        {account.name}{" "}
        <span className="font-mono text-base text-slate-500">{account.accountId}</span>
      </h1>
      <section className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <div className="flex items-center justify-between border-b border-slate-100 px-4 py-3">
          <h2 className="text-lg font-semibold">Roles</h2>
          <Link
            href={`/admin/accounts/${account.id}/roles/new`}
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Add role
          </Link>
        </div>
        <table className="min-w-full text-left text-sm" data-testid="admin-roles-table">
          <tbody className="divide-y divide-slate-100">
            {account.roles.length === 0 && (
              <tr>
                <td className="px-4 py-4 text-slate-500">No roles yet.</td>
              </tr>
            )}
            {account.roles.map((role) => (
              <tr key={role.id} data-testid="admin-role-row">
                <td className="px-4 py-3">
                  <Link
                    href={`/admin/accounts/${account.id}/roles/${role.id}`}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    {role.name}
                  </Link>
                  {role.description && <p className="text-xs text-slate-500">{role.description}</p>}
                </td>
                <td className="px-4 py-3 font-mono text-xs break-all text-slate-600">{role.arn}</td>
                <td className="px-4 py-3 text-xs whitespace-nowrap text-slate-600">
                  {role.assumeMethod === "assume-role-with-saml" ? "SAML" : "broker"} · max{" "}
                  {role.maxSessionDurationSeconds / 3600} h
                </td>
                <td className="px-4 py-3 text-right text-xs whitespace-nowrap text-slate-600">
                  {role.ruleCount} rule{role.ruleCount === 1 ? "" : "s"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <AdminAccountForm
        action={updateAccountAction}
        initial={{
          id: account.id,
          version: String(account.version),
          accountId: account.accountId,
          name: account.name,
          alias: account.alias,
          environment: account.environment,
          description: account.description,
        }}
        environments={ENVIRONMENT_SUGGESTIONS}
      />
      <section className="rounded-xl border border-red-200 bg-white p-6 shadow-sm">
        <h2 className="text-lg font-semibold text-red-800">Delete this account</h2>
        <p className="mt-1 text-sm text-slate-600">
          Removes the account from Gatehouse with its {account.roles.length} role
          {account.roles.length === 1 ? "" : "s"} and their rules. Nothing changes in AWS.
        </p>
        <Link
          href={`/admin/accounts/${account.id}/delete`}
          className="mt-3 inline-block rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50"
        >
          Review and delete…
        </Link>
      </section>
    </AdminPageShell>
  );
}
