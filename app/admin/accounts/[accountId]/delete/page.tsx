import type { Metadata } from "next";
import { AdminDeleteForm } from "@/components/admin-delete-form";
import { AdminDeleteReview } from "@/components/admin-page-sections";
import { AdminPageShell } from "@/components/admin-page-shell";
import { accountDeletionSummary } from "@/components/admin-wording";
import { describeAccountDeletion } from "@/lib/admin/accounts";
import { deleteAccountAction } from "../../account-actions";
import { accountCrumbs, loadAccountPage } from "../../load-admin-page";
import { ArnText } from "@/components/arn-text";

export const metadata: Metadata = { title: "Delete account" };

type Params = Promise<{ accountId: string }>;

export default async function DeleteAccountPage(props: { params: Params }) {
  const { accountId } = await props.params;
  const { user, account } = await loadAccountPage(accountId, "/delete", describeAccountDeletion);
  const ruleCount = account.roles.reduce((n, r) => n + r.rules.length, 0);
  return (
    <AdminPageShell user={user} crumbs={accountCrumbs(account, { label: "Delete" })}>
      <AdminDeleteReview
        title={`Delete ${account.name} (${account.accountId})?`}
        summary={accountDeletionSummary(account.roles.length, ruleCount)}
      >
        {account.roles.length > 0 && (
          <ul className="space-y-2 text-sm" data-testid="delete-takes-along">
            {account.roles.map((role) => (
              <li key={role.arn} className="rounded-md bg-slate-50 px-3 py-2">
                <span className="font-medium">{role.name}</span>{" "}
                <span className="font-mono text-xs text-slate-500">
                  <ArnText arn={role.arn} />
                </span>
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
      </AdminDeleteReview>
    </AdminPageShell>
  );
}
