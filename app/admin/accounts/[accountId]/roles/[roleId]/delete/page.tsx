import type { Metadata } from "next";
import { AdminDeleteForm } from "@/components/admin-delete-form";
import { AdminDeleteReview } from "@/components/admin-page-sections";
import { AdminPageShell } from "@/components/admin-page-shell";
import { roleDeletionSummary } from "@/components/admin-wording";
import { RequestsDeletedNote } from "@/components/requests-deleted-note";
import { requestsDeletedWithRole } from "@/lib/admin/roles";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { loadRolePage, roleCrumbs } from "../../../../load-admin-page";
import { deleteRoleAction } from "../../../../role-actions";

export const metadata: Metadata = { title: "Delete role" };

type Params = Promise<{ accountId: string; roleId: string }>;

export default async function DeleteRolePage(props: { params: Params }) {
  const { user, role } = await loadRolePage(await props.params, "/delete");
  // What the delete would take as of now; the delete counts again, in its own transaction.
  const requests = await requestsDeletedWithRole(getDb(), role.id, currentTime());
  return (
    <AdminPageShell user={user} crumbs={roleCrumbs(role, { label: "Delete" })}>
      <AdminDeleteReview
        title={`Delete the role ${role.name}?`}
        arn={role.arn}
        summary={roleDeletionSummary(role.rules.length)}
      >
        <RequestsDeletedNote counts={requests} />
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
          label={
            requests.total > 0 ? "Delete role, rules and access requests" : "Delete role and rules"
          }
        />
      </AdminDeleteReview>
    </AdminPageShell>
  );
}
