import { currentTime } from "@/lib/clock";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AdminDeleteForm } from "@/components/admin-delete-form";
import { AdminDeleteSection } from "@/components/admin-page-sections";
import { AdminPageShell } from "@/components/admin-page-shell";
import { AdminRuleForm } from "@/components/admin-rule-form";
import { UtcTime } from "@/components/utc-time";
import { getConfig } from "@/lib/config";
import { listIdentityProviders } from "@/lib/identity/identity-providers";
import { findRuleForAdmin } from "@/lib/admin/rules";
import { isRuleExpired } from "@/lib/admin/rule-view";
import { isId } from "@/lib/admin/database-id";
import { formatExpiryInput } from "@/lib/admin/rule-expiry";
import { getDb } from "@/lib/db/client";
import { loadRolePage, roleCrumbs } from "../../../../../load-admin-page";
import { deleteRuleAction, updateRuleAction } from "../../../../../rule-actions";

export const metadata: Metadata = { title: "Access rule" };

type Params = Promise<{ accountId: string; roleId: string; ruleId: string }>;

export default async function AdminRulePage(props: { params: Params }) {
  const { accountId, roleId, ruleId } = await props.params;
  const { user, role } = await loadRolePage(
    { accountId, roleId },
    `/rules/${encodeURIComponent(ruleId)}`,
  );
  const rule = isId(ruleId)
    ? await findRuleForAdmin(getDb(), { accountDbId: role.account.id, roleId: role.id, ruleId })
    : null;
  if (!rule) notFound();
  const now = currentTime();
  return (
    <AdminPageShell user={user} crumbs={roleCrumbs(role, { label: rule.subject })}>
      {isRuleExpired({ expiresAt: rule.expiresAtDate }, now) && (
        <p
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="rule-expired"
        >
          This rule expired at {rule.expiresAtDate && <UtcTime value={rule.expiresAtDate} />} and
          grants nothing. Set a later expiry (or none) to renew it.
        </p>
      )}
      <AdminRuleForm
        action={updateRuleAction}
        roleMaxSeconds={role.maxSessionDurationSeconds}
        identityProviders={await listIdentityProviders(getDb(), getConfig())}
        utcNow={formatExpiryInput(now)}
        initial={{
          accountDbId: role.account.id,
          roleId: role.id,
          id: rule.id,
          version: String(rule.version),
          subjectKind: rule.groupName !== null ? "group" : "user",
          groupName: rule.groupName ?? "",
          groupIssuer: rule.groupIssuer ?? "",
          userEmail: rule.userEmail ?? "",
          maxSessionDurationSeconds: String(rule.maxSessionDurationSeconds),
          allowConsole: rule.allowConsole ? "on" : "",
          allowCli: rule.allowCli ? "on" : "",
          expiresAt: formatExpiryInput(rule.expiresAtDate),
          requireMfa: rule.requireMfa ? "on" : "",
          sessionPolicy: rule.sessionPolicy ?? "",
          description: rule.description,
          access: rule.access,
          approvers: (rule.approvers ?? []).join(", "),
          approvalsRequired: String(rule.approvalsRequired ?? 1),
          maxElevationSeconds: String(rule.maxElevationSeconds ?? 3600),
          requireReason: (rule.requireReason ?? true) ? "on" : "",
          requireTicket: rule.requireTicket ? "on" : "",
          requireMfaToRequest: rule.requireMfaToRequest ? "on" : "",
          requireMfaToApprove: rule.requireMfaToApprove ? "on" : "",
          breakGlass: rule.breakGlass ? "on" : "",
          webhookUrl: rule.webhookUrl ?? "",
        }}
      />
      <AdminDeleteSection
        title="Delete this rule"
        summary={`${rule.subject} loses this role through this rule at once (other rules may still grant it).`}
      >
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
      </AdminDeleteSection>
    </AdminPageShell>
  );
}
