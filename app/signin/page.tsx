import { currentTime } from "@/lib/clock";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInButton } from "@/components/sign-in-button";
import { OIDC_PROVIDER_ID } from "@/lib/auth/auth-options";
import { cookies } from "next/headers";
import { currentRequestMeta, findSignedInUser } from "@/lib/auth/current-user";
import { readSignOutNotice } from "@/lib/auth/session-cookie";
import { signedOutMessage } from "@/lib/auth/sign-out-notice";
import { SIGN_IN_CSRF_ERROR } from "@/lib/auth/sign-in-csrf-refusal";
import { isSessionEndedReason } from "@/lib/auth/sign-in-redirect";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { safeReturnPath } from "@/lib/http/return-path";
import { findEnabledSamlIdps } from "@/lib/saml/idp-registry";
import { samlSignInNoticeFor } from "@/lib/saml/sign-in-notice";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const REFERENCE_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const returnTo = safeReturnPath(params.callbackUrl);
  const meta = await currentRequestMeta();
  if (await findSignedInUser(meta)) redirect(returnTo);
  const config = getConfig();
  const samlIdps = await findEnabledSamlIdps(getDb());
  const failed = typeof params.error === "string";
  // The IdP said access_denied: the person pressed Cancel there (lib/auth/sign-in-failure-response.ts).
  const cancelled = params.error === "Cancelled";
  // A refused CSRF token: the form this page served had gone stale (another tab signed out, or
  // the cookie expired); the page just loaded has a fresh one (docs/SECURITY.md).
  const explained =
    params.error === SIGN_IN_CSRF_ERROR
      ? "Sign-in did not succeed: this page's sign-in form had expired. It has been renewed — press the button again; if it keeps failing, give your administrator this reference:"
      : samlSignInNoticeFor(params.error);
  const reference =
    typeof params.requestId === "string" && REFERENCE_PATTERN.test(params.requestId)
      ? params.requestId
      : meta.requestId;
  const signedOut = params.signedOut === "1" && !failed;
  // What happened at the IdP comes from the notice the server sealed at sign-out, never from the
  // URL alone; the URL's `state` only confirms an OIDC logout the notice is waiting for.
  const signedOutText = signedOut
    ? signedOutMessage(
        readSignOutNotice(config, await cookies(), currentTime()),
        typeof params.state === "string" ? params.state : null,
      )
    : null;
  const logoutUnconfirmed = signedOut && params.logout === "unconfirmed";

  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Sign in to Gatehouse</h1>
        <p className="mt-1 text-sm text-slate-600">Short-lived access to your AWS accounts.</p>
        {signedOutText && (
          <p
            role="status"
            data-testid="signed-out"
            data-single-logout={signedOutText.kind}
            className={`mt-4 rounded-md px-3 py-2 text-sm ${
              signedOutText.kind === "both" || signedOutText.kind === "portal"
                ? "bg-slate-100 text-slate-700"
                : "border border-amber-200 bg-amber-50 text-amber-900"
            }`}
          >
            {signedOutText.text}
          </p>
        )}
        {logoutUnconfirmed && (
          <p
            role="alert"
            data-testid="single-logout-error"
            className="mt-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            Signing out at the identity provider was not confirmed. If you need help with this, give
            your administrator this reference:{" "}
            <code className="font-mono" data-testid="request-id">
              {reference}
            </code>
          </p>
        )}
        {isSessionEndedReason(params.reason) && !failed && (
          <p
            role="status"
            data-testid="session-ended"
            className="mt-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          >
            Your session ended — sign in again. You will come back to the page you were on.
          </p>
        )}
        {failed && (
          <div
            role="alert"
            data-testid="sign-in-error"
            className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            {cancelled
              ? "You cancelled sign-in. Sign in again when you are ready. Reference:"
              : (explained ??
                "Sign-in did not succeed. Try again; if it keeps failing, give your administrator this reference:")}{" "}
            <code className="font-mono" data-testid="request-id">
              {reference}
            </code>
          </div>
        )}
        <div className="mt-6 space-y-3">
          {config.oidc && (
            <SignInButton
              providerId={OIDC_PROVIDER_ID}
              label={`Sign in with ${config.oidc.displayName}`}
              callbackUrl={returnTo}
            />
          )}
          {samlIdps.map((idp) => (
            <a
              key={idp.slug}
              href={`/api/auth/saml/${encodeURIComponent(idp.slug)}/login?returnTo=${encodeURIComponent(returnTo)}`}
              className={`block w-full rounded-md px-4 py-2.5 text-center font-medium shadow-sm ${
                config.oidc
                  ? "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50"
                  : "bg-indigo-600 text-white hover:bg-indigo-500"
              }`}
            >
              Sign in with {idp.displayName} (SAML)
            </a>
          ))}
          {!config.oidc && samlIdps.length === 0 && (
            <p className="text-sm text-slate-600">
              No sign-in method is configured yet. An administrator must set the OIDC settings or
              import a SAML identity provider.
            </p>
          )}
        </div>
      </div>
    </main>
  );
}
