import { currentTime } from "@/lib/clock";
import type { Metadata } from "next";
import { AccountsBrowser, type AccountView } from "@/components/accounts-browser";
import { userLabelOf } from "@/components/app-header";
import { PageFrame } from "@/components/page-frame";
import { NoAccess } from "@/components/no-access";
import { findFavoriteRoleIds } from "@/lib/access/favorites";
import { findGrantsForPrincipal, principalOf } from "@/lib/access/find-grants";
import { groupGrantsByAccount } from "@/lib/access/group-by-account";
import { findLastRoleUses } from "@/lib/access/recents";
import { identityIdsOf } from "@/lib/people/people";
import { requirePageUser } from "@/lib/auth/current-user";
import { regionsOfPartition } from "@/lib/aws/regions";
import { sessionDurationBounds } from "@/lib/aws/session-duration";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { recordId } from "@/lib/db/record-id";
import { getBroker } from "@/lib/issuance/context";
import { safeReturnPath } from "@/lib/http/return-path";
import { findSamlIdpsWithAwsApp } from "@/lib/saml/idp-registry";

export const metadata: Metadata = { title: "Your AWS accounts" };

const NOTICES: Record<string, string> = {
  "saml-ready":
    "Your identity provider confirmed your AWS roles: Console and CLI credentials now work for them.",
  "saml-failed":
    "Your identity provider's AWS sign-in could not be accepted. Try again; if it keeps failing, give your administrator the request id.",
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
  const grants = await findGrantsForPrincipal(db, principalOf(user), now);
  const [favoriteRoleIds, lastUseByRoleArn, isBrokerChained] = await Promise.all([
    findFavoriteRoleIds(db, user.personId),
    identityIdsOf(db, user.personId).then((ids) => findLastRoleUses(db, ids)),
    isBrokerRoleChained(),
  ]);
  const accounts: AccountView[] = groupGrantsByAccount(grants, {
    // Role chaining applies to the broker's AssumeRole, not to roles assumed with SAML.
    durationOf: (g) =>
      sessionDurationBounds({
        ruleMaxSeconds: g.maxSessionDurationSeconds,
        roleMaxSeconds: g.roleMaxSessionDurationSeconds,
        isRoleChained: isBrokerChained && g.assumeMethod === "assume-role",
      }),
    favoriteRoleIds,
    lastUseByRoleArn,
  });

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
      {accounts.length === 0 ? (
        <NoAccess
          contact={config.accessContact}
          userLabel={userLabelOf(user)}
          isAuditor={user.isAuditor}
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

/** How long the page waits for the broker's identity before showing bounds without the cap. */
const BROKER_IDENTITY_WAIT_MS = 1500;

/**
 * Whether the broker runs on role credentials (then AWS caps every session at 1 hour). Cached by
 * the broker; if AWS can't say quickly, the page shows the uncapped bounds and issuance, which
 * checks for itself, enforces the real cap.
 */
async function isBrokerRoleChained(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), BROKER_IDENTITY_WAIT_MS);
  });
  const identity = getBroker()
    .getBrokerIdentity()
    .then((id) => id.isAssumedRole)
    .catch(() => false);
  try {
    return await Promise.race([identity, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
