import { currentTime } from "@/lib/clock";
import type { Metadata } from "next";
import { AdminPageShell } from "@/components/admin-page-shell";
import { AdminRuleForm } from "@/components/admin-rule-form";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { listIdentityProviders } from "@/lib/identity/identity-providers";
import { formatExpiryInput } from "@/lib/admin/rule-expiry";
import { loadRolePage, roleCrumbs } from "../../../../../load-admin-page";
import { createRuleAction } from "../../../../../rule-actions";

export const metadata: Metadata = { title: "Add an access rule" };

type Params = Promise<{ accountId: string; roleId: string }>;

export default async function NewRulePage(props: { params: Params }) {
  const { user, role } = await loadRolePage(await props.params, "/rules/new");
  return (
    <AdminPageShell user={user} crumbs={roleCrumbs(role, { label: "Add rule" })}>
      <AdminRuleForm
        action={createRuleAction}
        roleMaxSeconds={role.maxSessionDurationSeconds}
        identityProviders={await listIdentityProviders(getDb(), getConfig())}
        utcNow={formatExpiryInput(currentTime())}
        initial={{
          accountDbId: role.account.id,
          roleId: role.id,
          subjectKind: "group",
          maxSessionDurationSeconds: String(Math.min(3600, role.maxSessionDurationSeconds)),
          allowConsole: "on",
          allowCli: "on",
          access: "standing",
          requireReason: "on",
        }}
      />
    </AdminPageShell>
  );
}
