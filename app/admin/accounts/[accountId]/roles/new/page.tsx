import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AdminPageShell } from "@/components/admin-page-shell";
import { AdminRoleForm } from "@/components/admin-role-form";
import { findAccountForAdmin } from "@/lib/admin/accounts";
import { isId } from "@/lib/admin/validation";
import { getDb } from "@/lib/db/client";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { createRoleAction } from "../../../role-actions";

export const metadata: Metadata = { title: "Add a role" };

type Params = Promise<{ accountId: string }>;

export default async function NewRolePage(props: { params: Params }) {
  const { accountId } = await props.params;
  const check = await requirePrivilegedPage(
    "admin",
    `/admin/accounts/${encodeURIComponent(accountId)}/roles/new`,
  );
  const base = [{ label: "Accounts & access", href: "/admin/accounts" }];
  const account = isId(accountId) ? await findAccountForAdmin(getDb(), accountId) : null;
  if (!account) notFound();
  return (
    <AdminPageShell
      user={check.user}
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
