import type { Metadata } from "next";
import { AdminAccountForm } from "@/components/admin-account-form";
import { AdminPageShell } from "@/components/admin-page-shell";
import { ENVIRONMENT_SUGGESTIONS } from "@/lib/admin/validation";
import { createAccountAction } from "../account-actions";
import { checkAdminPage } from "../admin-guard";

export const metadata: Metadata = { title: "Add an AWS account" };

export default async function NewAccountPage() {
  const check = await checkAdminPage("/admin/accounts/new");
  return (
    <AdminPageShell
      user={check.user}
      allowed={check.allowed}
      crumbs={[{ label: "Accounts & access", href: "/admin/accounts" }, { label: "Add account" }]}
    >
      <AdminAccountForm
        action={createAccountAction}
        initial={{ environment: "dev" }}
        environments={ENVIRONMENT_SUGGESTIONS}
      />
    </AdminPageShell>
  );
}
