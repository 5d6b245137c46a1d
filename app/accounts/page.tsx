import { currentTime } from "@/lib/clock";
import type { Metadata } from "next";
import { AccountsBrowser, type AccountView } from "@/components/accounts-browser";
import { userLabelOf } from "@/components/app-header";
import { PageFrame } from "@/components/page-frame";
import { NoAccess } from "@/components/no-access";
import { findAccountViews } from "@/lib/access/account-views";
import { countRequestableRoles } from "@/lib/access-requests/list-requests";
import { isBrokerRoleChained } from "@/lib/issuance/broker-chaining";
import { requirePageUser } from "@/lib/auth/current-user";
import { regionsOfPartition } from "@/lib/aws/regions";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { recordId } from "@/lib/db/record-id";
import { safeReturnPath } from "@/lib/http/return-path";
import { AWS_TRIP_NOTICES } from "@/lib/saml/aws-trip-notice";
import { findSamlIdpsWithAwsApp } from "@/lib/saml/idp-registry";

export const metadata: Metadata = { title: "Your AWS accounts" };

const NOTICES: Record<string, string> = {
  "saml-ready":
    "Your identity provider confirmed your AWS roles: Console and CLI credentials now work for them.",
  ...AWS_TRIP_NOTICES,
  "saml-sign-in-needed":
    "This role is reached through a SAML identity provider's AWS app, and you signed in another way. Sign in with that identity provider to continue:",
  "saml-role-unknown": "No such role, or you have no access to it.",
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AccountsPage({ searchParams }: { searchParams: SearchParams }) {
  const { user } = await requirePageUser({ returnTo: "/accounts" });
  const params = await searchParams;
  const { notice, requestId } = params;
  const noticeText = typeof notice === "string" ? NOTICES[notice] : undefined;
  const config = getConfig();
  const db = getDb();
  // After "sign in with that identity provider", come back to the AWS app trip and go on.
  const continuePath = typeof params.continue === "string" ? safeReturnPath(params.continue) : null;
  const signInChoices =
    notice === "saml-sign-in-needed" && continuePath?.startsWith("/api/aws/saml/start?")
      ? await findSamlIdpsWithAwsApp(db)
      : [];
  const resumeCredentialsFor = recordId.safeParse(params.credentials);
  const now = currentTime();
  const [accounts, requestable]: [AccountView[], number] = await Promise.all([
    findAccountViews(db, user, { now, isBrokerRoleChained: isBrokerRoleChained() }),
    countRequestableRoles(db, user, now),
  ]);

  return (
    <PageFrame user={user} mainClassName="py-8">
      {noticeText && (
        <p
          role="status"
          className="mb-6 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="notice"
        >
          {noticeText}
          {signInChoices.length > 0 && continuePath && (
            <span className="mt-2 flex flex-wrap gap-2">
              {signInChoices.map((idp) => (
                <a
                  key={idp.slug}
                  href={`/api/auth/saml/${encodeURIComponent(idp.slug)}/login?returnTo=${encodeURIComponent(continuePath)}`}
                  className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500"
                  data-testid="saml-sign-in-choice"
                >
                  Sign in with {idp.displayName}
                </a>
              ))}
            </span>
          )}
          {typeof requestId === "string" && /^[A-Za-z0-9-]{8,64}$/.test(requestId) && (
            <span className="ml-1 text-amber-800">
              (request id <code className="font-mono">{requestId}</code>)
            </span>
          )}
        </p>
      )}
      {accounts.length > 0 && requestable > 0 && (
        <p className="mb-4 text-sm text-slate-600" data-testid="requestable-roles">
          {requestable === 1 ? "One more role is" : `${requestable} more roles are`} open to you by
          request:{" "}
          <a href="/requests" className="font-medium text-indigo-700 hover:underline">
            Request access
          </a>
        </p>
      )}
      {accounts.length === 0 ? (
        <NoAccess
          contact={config.accessContact}
          userLabel={userLabelOf(user)}
          isAuditor={user.isAuditor}
          requestableRoles={requestable}
        />
      ) : (
        <AccountsBrowser
          accounts={accounts}
          regions={regionsOfPartition(config.aws.partition)}
          defaultRegion={config.defaultRegion}
          serverNow={now.toISOString()}
          resumeCredentialsFor={resumeCredentialsFor.success ? resumeCredentialsFor.data : null}
        />
      )}
    </PageFrame>
  );
}
