import type { Metadata } from "next";
import { AdminDeleteForm } from "@/components/admin-delete-form";
import { AdminDeleteReview } from "@/components/admin-page-sections";
import { AdminPageShell } from "@/components/admin-page-shell";
import { accountDeletionSummary, requestsCountLine } from "@/components/admin-wording";
import { RequestsDeletedNote } from "@/components/requests-deleted-note";
import { currentTime } from "@/lib/clock";
import { describeAccountDeletion } from "@/lib/admin/accounts";
import { deleteAccountAction } from "../../account-actions";
import { accountCrumbs, loadAccountPage } from "../../load-admin-page";
import { ArnText } from "@/components/arn-text";

export const metadata: Metadata = { title: "Delete account" };

type Params = Promise<{ accountId: string }>;

export default async function DeleteAccountPage(props: { params: Params }) {
  const { accountId } = await props.params;
  // What the delete would take as of now; the delete counts again, in its own transaction.
  const { user, account } = await loadAccountPage(accountId, "/delete", (db, id) =>
    describeAccountDeletion(db, id, currentTime()),
  );
  const ruleCount = account.roles.reduce((n, r) => n + r.rules.length, 0);
  return (
    <AdminPageShell user={user} crumbs={accountCrumbs(account, { label: "Delete" })}>
      <AdminDeleteReview
        title={`Delete ${account.name} (${account.accountId})?`}
        summary={accountDeletionSummary(account.roles.length, ruleCount)}
      >
        <RequestsDeletedNote counts={account.accessRequests} />
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
                {role.accessRequests.total > 0 && (
                  <span className="block text-xs text-amber-800">
                    {requestsCountLine(role.accessRequests)}
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
        <AdminDeleteForm
          action={deleteAccountAction}
          hidden={{ id: account.id, version: String(account.version) }}
          expected={account.accountId}
          label={
            account.accessRequests.total > 0
              ? "Delete account, roles, rules and access requests"
              : "Delete account, roles and rules"
          }
        />
      </AdminDeleteReview>
    </AdminPageShell>
  );
}
