import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AdminDeleteForm } from "@/components/admin-delete-form";
import { AdminPageShell } from "@/components/admin-page-shell";
import { describeAccountDeletion } from "@/lib/admin/accounts";
import { isId } from "@/lib/admin/validation";
import { getDb } from "@/lib/db/client";
import { deleteAccountAction } from "../../account-actions";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";

export const metadata: Metadata = { title: "Delete account" };

type Params = Promise<{ accountId: string }>;

export default async function DeleteAccountPage(props: { params: Params }) {
  const { accountId } = await props.params;
  const check = await requirePrivilegedPage(
    "admin",
    `/admin/accounts/${encodeURIComponent(accountId)}/delete`,
  );
  const base = [{ label: "Accounts & access", href: "/admin/accounts" }];
  const account = isId(accountId) ? await describeAccountDeletion(getDb(), accountId) : null;
  if (!account) notFound();
  const ruleCount = account.roles.reduce((n, r) => n + r.rules.length, 0);
  return (
    <AdminPageShell
      user={check.user}
      crumbs={[
        ...base,
        { label: account.name, href: `/admin/accounts/${account.id}` },
        { label: "Delete" },
      ]}
    >
      <section
        className="space-y-4 rounded-xl border border-red-200 bg-white p-6 shadow-sm"
        data-testid="delete-review"
      >
        <h1 className="text-xl font-semibold text-red-800">
          Delete {account.name} ({account.accountId})?
        </h1>
        <p className="text-sm text-slate-700">
          This also deletes its <strong>{account.roles.length}</strong> role
          {account.roles.length === 1 ? "" : "s"} and <strong>{ruleCount}</strong> access rule
          {ruleCount === 1 ? "" : "s"}: everyone they grant loses access through Gatehouse at once.
          Nothing changes in AWS itself.
        </p>
        {account.roles.length > 0 && (
          <ul className="space-y-2 text-sm" data-testid="delete-takes-along">
            {account.roles.map((role) => (
              <li key={role.arn} className="rounded-md bg-slate-50 px-3 py-2">
                <span className="font-medium">{role.name}</span>{" "}
                <span className="font-mono text-xs text-slate-500">{role.arn}</span>
                <span className="block text-xs text-slate-600">
                  {role.rules.length === 0
                    ? "no rules"
                    : `grants: ${role.rules.map((r) => r.subject).join(", ")}`}
                </span>
              </li>
            ))}
          </ul>
        )}
        <AdminDeleteForm
          action={deleteAccountAction}
          hidden={{ id: account.id, version: String(account.version) }}
          expected={account.accountId}
          label="Delete account, roles and rules"
        />
      </section>
    </AdminPageShell>
  );
}
