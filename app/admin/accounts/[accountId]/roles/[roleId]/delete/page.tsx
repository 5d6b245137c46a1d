import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AdminDeleteForm } from "@/components/admin-delete-form";
import { AdminPageShell } from "@/components/admin-page-shell";
import { findRoleForAdmin } from "@/lib/admin/roles";
import { isId } from "@/lib/admin/validation";
import { getDb } from "@/lib/db/client";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { deleteRoleAction } from "../../../../role-actions";

export const metadata: Metadata = { title: "Delete role" };

type Params = Promise<{ accountId: string; roleId: string }>;

export default async function DeleteRolePage(props: { params: Params }) {
  const { accountId, roleId } = await props.params;
  const check = await requirePrivilegedPage(
    "admin",
    `/admin/accounts/${encodeURIComponent(accountId)}/roles/${encodeURIComponent(roleId)}/delete`,
  );
  const base = [{ label: "Accounts & access", href: "/admin/accounts" }];
  const role =
    isId(accountId) && isId(roleId) ? await findRoleForAdmin(getDb(), accountId, roleId) : null;
  if (!role) notFound();
  const rolePath = `/admin/accounts/${role.account.id}/roles/${role.id}`;
  return (
    <AdminPageShell
      user={check.user}
      crumbs={[
        ...base,
        { label: role.account.name, href: `/admin/accounts/${role.account.id}` },
        { label: role.name, href: rolePath },
        { label: "Delete" },
      ]}
    >
      <section
        className="space-y-4 rounded-xl border border-red-200 bg-white p-6 shadow-sm"
        data-testid="delete-review"
      >
        <h1 className="text-xl font-semibold text-red-800">Delete the role {role.name}?</h1>
        <p className="font-mono text-xs break-all text-slate-500">{role.arn}</p>
        <p className="text-sm text-slate-700">
          This also deletes its <strong>{role.rules.length}</strong> access rule
          {role.rules.length === 1 ? "" : "s"}: everyone they grant loses this role in Gatehouse at
          once. Nothing changes in AWS itself.
        </p>
        {role.rules.length > 0 && (
          <ul className="space-y-1 text-sm" data-testid="delete-takes-along">
            {role.rules.map((rule) => (
              <li key={rule.id} className="rounded-md bg-slate-50 px-3 py-2">
                {rule.subject}
                <span className="ml-2 text-xs text-slate-500">
                  {[rule.allowConsole && "console", rule.allowCli && "CLI"]
                    .filter(Boolean)
                    .join(" + ")}
                  {rule.description ? ` · ${rule.description}` : ""}
                </span>
              </li>
            ))}
          </ul>
        )}
        <AdminDeleteForm
          action={deleteRoleAction}
          hidden={{ accountDbId: role.account.id, id: role.id, version: String(role.version) }}
          expected={role.name}
          label="Delete role and rules"
        />
      </section>
    </AdminPageShell>
  );
}
