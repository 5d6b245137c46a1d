import type { Metadata } from "next";
import { AdminAccountForm } from "@/components/admin-account-form";
import { AdminPageShell } from "@/components/admin-page-shell";
import { ENVIRONMENT_SUGGESTIONS } from "@/lib/admin/account-input";
import { createAccountAction } from "../account-actions";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";

export const metadata: Metadata = { title: "Add an AWS account" };

export default async function NewAccountPage() {
  const check = await requirePrivilegedPage("admin", "/admin/accounts/new");
  return (
    <AdminPageShell
      user={check.user}
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
