import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AdminDeleteForm } from "@/components/admin-delete-form";
import { AdminPageShell } from "@/components/admin-page-shell";
import { AdminRuleForm } from "@/components/admin-rule-form";
import { findRoleForAdmin } from "@/lib/admin/roles";
import { findRuleForAdmin, isRuleExpired } from "@/lib/admin/rules";
import { formatExpiryInput, isId } from "@/lib/admin/validation";
import { getDb } from "@/lib/db/client";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { deleteRuleAction, updateRuleAction } from "../../../../../rule-actions";

export const metadata: Metadata = { title: "Access rule" };

type Params = Promise<{ accountId: string; roleId: string; ruleId: string }>;

export default async function AdminRulePage(props: { params: Params }) {
  const { accountId, roleId, ruleId } = await props.params;
  const check = await requirePrivilegedPage(
    "admin",
    `/admin/accounts/${encodeURIComponent(accountId)}/roles/${encodeURIComponent(roleId)}/rules/${encodeURIComponent(ruleId)}`,
  );
  const base = [{ label: "Accounts & access", href: "/admin/accounts" }];
  const ids =
    isId(accountId) && isId(roleId) && isId(ruleId)
      ? { accountDbId: accountId, roleId, ruleId }
      : null;
  const [role, rule] = ids
    ? await Promise.all([
        findRoleForAdmin(getDb(), accountId, roleId),
        findRuleForAdmin(getDb(), ids),
      ])
    : [null, null];
  if (!role || !rule) notFound();
  const rolePath = `/admin/accounts/${role.account.id}/roles/${role.id}`;
  const expired = isRuleExpired({ expiresAt: rule.expiresAtDate }, new Date());
  return (
    <AdminPageShell
      user={check.user}
      crumbs={[
        ...base,
        { label: role.account.name, href: `/admin/accounts/${role.account.id}` },
        { label: role.name, href: rolePath },
        { label: rule.subject },
      ]}
    >
      {expired && (
        <p
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="rule-expired"
        >
          This rule expired at {rule.expiresAt?.replace("T", " ").slice(0, 16)} UTC and grants
          nothing. Set a later expiry (or none) to renew it.
        </p>
      )}
      <AdminRuleForm
        action={updateRuleAction}
        roleMaxSeconds={role.maxSessionDurationSeconds}
        initial={{
          accountDbId: role.account.id,
          roleId: role.id,
          id: rule.id,
          version: String(rule.version),
          subjectKind: rule.groupName !== null ? "group" : "user",
          groupName: rule.groupName ?? "",
          userEmail: rule.userEmail ?? "",
          maxSessionDurationSeconds: String(rule.maxSessionDurationSeconds),
          allowConsole: rule.allowConsole ? "on" : "",
          allowCli: rule.allowCli ? "on" : "",
          expiresAt: formatExpiryInput(rule.expiresAtDate),
          requireMfa: rule.requireMfa ? "on" : "",
          sessionPolicy: rule.sessionPolicy ?? "",
          description: rule.description,
        }}
      />
      <section className="rounded-xl border border-red-200 bg-white p-6 shadow-sm">
        <h2 className="mb-2 text-lg font-semibold text-red-800">Delete this rule</h2>
        <p className="mb-3 text-sm text-slate-600">
          {rule.subject} loses this role through this rule at once (other rules may still grant it).
        </p>
        <AdminDeleteForm
          action={deleteRuleAction}
          hidden={{
            accountDbId: role.account.id,
            roleId: role.id,
            id: rule.id,
            version: String(rule.version),
          }}
          label="Delete rule"
        />
      </section>
    </AdminPageShell>
  );
}
