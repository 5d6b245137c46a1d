import { currentTime } from "@/lib/clock";
import type { Metadata } from "next";
import { AdminDeleteSection, AdminListSection } from "@/components/admin-page-sections";
import { AdminPageShell } from "@/components/admin-page-shell";
import { AdminRoleForm } from "@/components/admin-role-form";
import { AdminRulesTable } from "@/components/admin-rules-table";
import { RoleDiscoveryMarks } from "@/components/discovery/discovery-marks";
import { requestsDeletionSummary, roleDeletionSummary } from "@/components/admin-wording";
import { requestsDeletedWithRole } from "@/lib/admin/roles";
import { getDb } from "@/lib/db/client";
import { accountCrumbs, loadRolePage } from "../../../load-admin-page";
import { updateRoleAction } from "../../../role-actions";
import { ArnText } from "@/components/arn-text";
import { getConfig } from "@/lib/config";

export const metadata: Metadata = { title: "Role" };

type Params = Promise<{ accountId: string; roleId: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminRolePage(props: { params: Params; searchParams: SearchParams }) {
  const { user, role, rolePath } = await loadRolePage(await props.params, "");
  const { notice } = await props.searchParams;
  const requests = await requestsDeletedWithRole(getDb(), role.id, currentTime());
  return (
    <AdminPageShell
      user={user}
      crumbs={accountCrumbs(role.account, { label: role.name })}
      notice={typeof notice === "string" ? notice : undefined}
    >
      <div>
        <h1 className="text-2xl font-semibold">{role.name}</h1>
        <p className="font-mono text-sm text-slate-500">
          <ArnText arn={role.arn} />
        </p>
        <RoleDiscoveryMarks
          missingSince={role.missingSince}
          trustStatus={role.trustStatus}
          className="mt-1"
        />
      </div>
      <AdminListSection
        title="Who may assume it"
        addHref={`${rolePath}/rules/new`}
        addLabel="Add rule"
      >
        <AdminRulesTable
          rules={role.rules}
          rolePath={rolePath}
          roleMaxSeconds={role.maxSessionDurationSeconds}
          now={currentTime()}
        />
      </AdminListSection>
      <AdminRoleForm
        action={updateRoleAction}
        accountId={role.account.accountId}
        partition={getConfig().aws.partition}
        initial={{
          accountDbId: role.account.id,
          id: role.id,
          version: String(role.version),
          name: role.name,
          arn: role.isDefaultArn ? "" : role.arn,
          description: role.description,
          maxSessionDurationSeconds: String(role.maxSessionDurationSeconds),
          assumeMethod: role.assumeMethod,
          samlProviderArn: role.samlProviderArn ?? "",
          externalId: role.externalId ?? "",
          requiresBrokerMfa: role.requiresBrokerMfa ? "on" : "",
        }}
      />
      <AdminDeleteSection
        title="Delete this role"
        summary={[
          "Removes the role from Gatehouse.",
          roleDeletionSummary(role.rules.length),
          requestsDeletionSummary(requests),
        ]
          .filter(Boolean)
          .join(" ")}
        reviewHref={`${rolePath}/delete`}
      />
    </AdminPageShell>
  );
}
