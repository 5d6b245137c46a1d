import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AdminPageShell } from "@/components/admin-page-shell";
import { AdminRuleForm } from "@/components/admin-rule-form";
import { findRoleForAdmin } from "@/lib/admin/roles";
import { isId } from "@/lib/admin/validation";
import { getDb } from "@/lib/db/client";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { createRuleAction } from "../../../../../rule-actions";

export const metadata: Metadata = { title: "Add an access rule" };

type Params = Promise<{ accountId: string; roleId: string }>;

export default async function NewRulePage(props: { params: Params }) {
  const { accountId, roleId } = await props.params;
  const check = await requirePrivilegedPage(
    "admin",
    `/admin/accounts/${encodeURIComponent(accountId)}/roles/${encodeURIComponent(roleId)}/rules/new`,
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
        { label: "Add rule" },
      ]}
    >
      <AdminRuleForm
        action={createRuleAction}
        roleMaxSeconds={role.maxSessionDurationSeconds}
        initial={{
          accountDbId: role.account.id,
          roleId: role.id,
          subjectKind: "group",
          maxSessionDurationSeconds: String(Math.min(3600, role.maxSessionDurationSeconds)),
          allowConsole: "on",
          allowCli: "on",
        }}
      />
    </AdminPageShell>
  );
}
