import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminPageShell } from "@/components/admin-page-shell";
import { AdminRoleForm } from "@/components/admin-role-form";
import { AdminRulesTable } from "@/components/admin-rules-table";
import { findRoleForAdmin } from "@/lib/admin/roles";
import { isId } from "@/lib/admin/validation";
import { getDb } from "@/lib/db/client";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { updateRoleAction } from "../../../role-actions";

export const metadata: Metadata = { title: "Role" };

type Params = Promise<{ accountId: string; roleId: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminRolePage(props: { params: Params; searchParams: SearchParams }) {
  const { accountId, roleId } = await props.params;
  const path = `/admin/accounts/${encodeURIComponent(accountId)}/roles/${encodeURIComponent(roleId)}`;
  const check = await requirePrivilegedPage("admin", path);
  const base = [{ label: "Accounts & access", href: "/admin/accounts" }];
  const role =
    isId(accountId) && isId(roleId) ? await findRoleForAdmin(getDb(), accountId, roleId) : null;
  if (!role) notFound();
  const { notice } = await props.searchParams;
  const rolePath = `/admin/accounts/${role.account.id}/roles/${role.id}`;
  return (
    <AdminPageShell
      user={check.user}
      crumbs={[
        ...base,
        { label: role.account.name, href: `/admin/accounts/${role.account.id}` },
        { label: role.name },
      ]}
      notice={typeof notice === "string" ? notice : undefined}
    >
      <div>
        <h1 className="text-2xl font-semibold">{role.name}</h1>
        <p className="font-mono text-sm break-all text-slate-500">{role.arn}</p>
      </div>
      <section className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <div className="flex items-center justify-between border-b border-slate-100 px-4 py-3">
          <h2 className="text-lg font-semibold">Who may assume it</h2>
          <Link
            href={`${rolePath}/rules/new`}
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Add rule
          </Link>
        </div>
        <AdminRulesTable
          rules={role.rules}
          rolePath={rolePath}
          roleMaxSeconds={role.maxSessionDurationSeconds}
          now={new Date()}
        />
      </section>
      <AdminRoleForm
        action={updateRoleAction}
        accountId={role.account.accountId}
        initial={{
          accountDbId: role.account.id,
          id: role.id,
          version: String(role.version),
          name: role.name,
          arn: role.isDefaultArn ? "" : role.arn,
          description: role.description,
          maxSessionDurationSeconds: String(role.maxSessionDurationSeconds),
          assumeMethod: role.assumeMethod,
          samlProviderArn: role.samlProviderArn ?? "",
          externalId: role.externalId ?? "",
          requiresBrokerMfa: role.requiresBrokerMfa ? "on" : "",
        }}
      />
      <section className="rounded-xl border border-red-200 bg-white p-6 shadow-sm">
        <h2 className="text-lg font-semibold text-red-800">Delete this role</h2>
        <p className="mt-1 text-sm text-slate-600">
          Removes the role from Gatehouse with its {role.rules.length} rule
          {role.rules.length === 1 ? "" : "s"}. Nothing changes in AWS.
        </p>
        <Link
          href={`${rolePath}/delete`}
          className="mt-3 inline-block rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50"
        >
          Review and delete…
        </Link>
      </section>
    </AdminPageShell>
  );
}
