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

const NOTICES: Record<string, string> = {
  "admin-only": "That page is for Gatehouse administrators only.",
  "saml-ready":
    "Your identity provider confirmed your AWS roles. Choose Console or CLI credentials on the role again.",
  "saml-failed":
    "Your identity provider's AWS sign-in could not be accepted. Try again; if it keeps failing, give your administrator the request id.",
  "saml-sign-in-needed":
    "This role is reached through a SAML identity provider's AWS app: sign in with that identity provider first.",
  "saml-role-unknown": "No such role, or you have no access to it.",
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AccountsPage({ searchParams }: { searchParams: SearchParams }) {
  const { user } = await requirePageUser({ returnTo: "/accounts" });
  const { notice, requestId } = await searchParams;
  const noticeText = typeof notice === "string" ? NOTICES[notice] : undefined;
  const config = getConfig();
  const grants = await findGrantsForPrincipal(
    getDb(),
    { userId: user.id, groups: user.groups },
    new Date(),
  );
  const accounts: AccountView[] = groupGrantsByAccount(grants);

  return (
    <>
      <AppHeader
        userLabel={user.email ?? user.displayName ?? user.subject}
        isAdmin={user.isAdmin}
      />
      <main className="mx-auto max-w-5xl px-4 py-8">
        {noticeText && (
          <p
            role="status"
            className="mb-6 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            data-testid="notice"
          >
            {noticeText}
            {typeof requestId === "string" && /^[A-Za-z0-9-]{8,64}$/.test(requestId) && (
              <span className="ml-1 text-amber-800">
                (request id <code className="font-mono">{requestId}</code>)
              </span>
            )}
          </p>
        )}
        {accounts.length === 0 ? (
          <NoAccess contact={config.accessContact} userLabel={user.email ?? user.subject} />
        ) : (
          <AccountsBrowser
            accounts={accounts}
            regions={AWS_REGIONS}
            defaultRegion={config.defaultRegion}
          />
        )}
      </main>
    </>
  );
}
