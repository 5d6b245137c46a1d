import type { Metadata } from "next";
import Link from "next/link";
import { AdminAccountForm } from "@/components/admin-account-form";
import { AdminDeleteSection, AdminListSection } from "@/components/admin-page-sections";
import { AdminPageShell } from "@/components/admin-page-shell";
import {
  OrganizationStatusBadge,
  RoleDiscoveryMarks,
} from "@/components/discovery/discovery-marks";
import {
  accountDeletionSummary,
  countOf,
  requestsDeletionSummary,
} from "@/components/admin-wording";
import { formatDuration } from "@/components/format-duration";
import { findAccountForAdmin } from "@/lib/admin/accounts";
import { currentTime } from "@/lib/clock";
import { requestCountsByRole, sumOfRequests } from "@/lib/access-requests/deleted-with-role";
import { getDb } from "@/lib/db/client";
import { ENVIRONMENT_SUGGESTIONS } from "@/lib/admin/account-input";
import { updateAccountAction } from "../account-actions";
import { ACCOUNTS_CRUMB, loadAccountPage } from "../load-admin-page";
import { ArnText } from "@/components/arn-text";

export const metadata: Metadata = { title: "AWS account" };

type Params = Promise<{ accountId: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminAccountPage(props: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { accountId } = await props.params;
  const { user, account } = await loadAccountPage(accountId, "", findAccountForAdmin);
  const { notice } = await props.searchParams;
  const ruleCount = account.roles.reduce((n, r) => n + r.ruleCount, 0);
  const requests = sumOfRequests(
    (
      await requestCountsByRole(getDb(), currentTime(), { role: { awsAccountId: account.id } })
    ).values(),
  );
  return (
    <AdminPageShell
      user={user}
      crumbs={[ACCOUNTS_CRUMB, { label: account.name }]}
      notice={typeof notice === "string" ? notice : undefined}
    >
      <div>
        <h1 className="text-2xl font-semibold">
          {account.name}{" "}
          <span className="font-mono text-base text-slate-500">{account.accountId}</span>
          <OrganizationStatusBadge
            status={account.organizationStatus}
            className="ml-3 align-middle"
          />
        </h1>
        {account.organizationPath && (
          <p className="text-sm text-slate-500" data-testid="account-organization-path">
            Organization path <span className="font-mono">{account.organizationPath}</span>
          </p>
        )}
      </div>
      <AdminListSection
        title="Roles"
        addHref={`/admin/accounts/${account.id}/roles/new`}
        addLabel="Add role"
      >
        <table className="min-w-full text-left text-sm" data-testid="admin-roles-table">
          <tbody className="divide-y divide-slate-100">
            {account.roles.length === 0 && (
              <tr>
                <td className="px-4 py-4 text-slate-500">No roles yet.</td>
              </tr>
            )}
            {account.roles.map((role) => (
              <tr key={role.id} data-testid="admin-role-row">
                <td className="px-4 py-3">
                  <Link
                    href={`/admin/accounts/${account.id}/roles/${role.id}`}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    {role.name}
                  </Link>
                  <RoleDiscoveryMarks
                    missingSince={role.missingSince}
                    trustStatus={role.trustStatus}
                    className="ml-2"
                  />
                  {role.description && <p className="text-xs text-slate-500">{role.description}</p>}
                  {/* A phone has no room for an ARN column: the ARN goes under the name. */}
                  <p className="mt-0.5 font-mono text-xs text-slate-600 sm:hidden">
                    <ArnText arn={role.arn} />
                  </p>
                </td>
                <td className="hidden px-4 py-3 font-mono text-xs text-slate-600 sm:table-cell">
                  <ArnText arn={role.arn} />
                </td>
                <td className="px-4 py-3 text-xs whitespace-nowrap text-slate-600">
                  {role.assumeMethod === "assume-role-with-saml" ? "SAML" : "broker"} · max{" "}
                  {formatDuration(role.maxSessionDurationSeconds)}
                </td>
                <td className="px-4 py-3 text-right text-xs whitespace-nowrap text-slate-600">
                  {countOf(role.ruleCount, "rule")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </AdminListSection>
      <AdminAccountForm
        action={updateAccountAction}
        initial={{
          id: account.id,
          version: String(account.version),
          accountId: account.accountId,
          name: account.name,
          alias: account.alias,
          environment: account.environment,
          description: account.description,
        }}
        environments={ENVIRONMENT_SUGGESTIONS}
      />
      <AdminDeleteSection
        title="Delete this account"
        summary={[
          "Removes the account from Gatehouse.",
          accountDeletionSummary(account.roles.length, ruleCount),
          requestsDeletionSummary(requests),
        ]
          .filter(Boolean)
          .join(" ")}
        reviewHref={`/admin/accounts/${account.id}/delete`}
      />
    </AdminPageShell>
  );
}
