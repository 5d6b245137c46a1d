import type { Metadata } from "next";
import { AdminPageShell } from "@/components/admin-page-shell";
import { AdminRoleForm } from "@/components/admin-role-form";
import { findAccountForAdmin } from "@/lib/admin/accounts";
import { accountCrumbs, loadAccountPage } from "../../../load-admin-page";
import { createRoleAction } from "../../../role-actions";
import { getConfig } from "@/lib/config";

export const metadata: Metadata = { title: "Add a role" };

type Params = Promise<{ accountId: string }>;

export default async function NewRolePage(props: { params: Params }) {
  const { accountId } = await props.params;
  const { user, account } = await loadAccountPage(accountId, "/roles/new", findAccountForAdmin);
  return (
    <AdminPageShell user={user} crumbs={accountCrumbs(account, { label: "Add role" })}>
      <AdminRoleForm
        action={createRoleAction}
        accountId={account.accountId}
        partition={getConfig().aws.partition}
        initial={{
          accountDbId: account.id,
          maxSessionDurationSeconds: "3600",
          assumeMethod: "assume-role",
        }}
      />
    </AdminPageShell>
  );
}
