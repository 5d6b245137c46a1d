import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AdminPageShell } from "@/components/admin-page-shell";
import { AdminRoleForm } from "@/components/admin-role-form";
import { findAccountForAdmin } from "@/lib/admin/accounts";
import { isId } from "@/lib/admin/validation";
import { getDb } from "@/lib/db/client";
import { checkAdminPage } from "../../../admin-guard";
import { createRoleAction } from "../../../role-actions";

export const metadata: Metadata = { title: "Add a role" };

type Params = Promise<{ accountId: string }>;

export default async function NewRolePage(props: { params: Params }) {
  const { accountId } = await props.params;
  const check = await checkAdminPage(`/admin/accounts/${encodeURIComponent(accountId)}/roles/new`);
  const base = [{ label: "Accounts & access", href: "/admin/accounts" }];
  if (!check.allowed)
    return (
      <AdminPageShell user={check.user} allowed={false} crumbs={base}>
        {null}
      </AdminPageShell>
    );
  const account = isId(accountId) ? await findAccountForAdmin(getDb(), accountId) : null;
  if (!account) notFound();
  return (
    <AdminPageShell
      user={check.user}
      allowed
      crumbs={[
        ...base,
        { label: account.name, href: `/admin/accounts/${account.id}` },
        { label: "Add role" },
      ]}
    >
      <AdminRoleForm
        action={createRoleAction}
        accountId={account.accountId}
        initial={{
          accountDbId: account.id,
          maxSessionDurationSeconds: "3600",
          assumeMethod: "assume-role",
        }}
      />
    </AdminPageShell>
  );
}
