import type { Metadata } from "next";
import { AccountsBrowser, type AccountView } from "@/components/accounts-browser";
import { AppHeader } from "@/components/app-header";
import { NoAccess } from "@/components/no-access";
import { findGrantsForPrincipal } from "@/lib/access/find-grants";
import { groupGrantsByAccount } from "@/lib/access/group-by-account";
import { requirePageUser } from "@/lib/auth/current-user";
import { AWS_REGIONS } from "@/lib/aws/regions";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "Your AWS accounts" };

export default async function AccountsPage() {
  const { user } = await requirePageUser({ returnTo: "/accounts" });
  const config = getConfig();
  const grants = await findGrantsForPrincipal(getDb(), { userId: user.id, groups: user.groups }, new Date());
  const accounts: AccountView[] = groupGrantsByAccount(grants);

  return (
    <>
      <AppHeader userLabel={user.email ?? user.displayName ?? user.subject} isAdmin={user.isAdmin} />
      <main className="mx-auto max-w-5xl px-4 py-8">
        {accounts.length === 0 ? (
          <NoAccess contact={config.accessContact} userLabel={user.email ?? user.subject} />
        ) : (
          <AccountsBrowser accounts={accounts} regions={AWS_REGIONS} defaultRegion={config.defaultRegion} />
        )}
      </main>
    </>
  );
}
