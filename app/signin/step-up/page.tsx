import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignInButton } from "@/components/sign-in-button";
import { OIDC_PROVIDER_ID } from "@/lib/auth/auth-options";
import { currentRequestMeta, findSignedInUser } from "@/lib/auth/current-user";
import { oidcStepUpParams, stepUpCompletionPath } from "@/lib/auth/step-up";
import { getConfig } from "@/lib/config";
import { safeReturnPath } from "@/lib/http/return-path";

export const metadata: Metadata = { title: "Multi-factor sign-in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const REFERENCE_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

/**
 * The browser half of an OIDC step-up: starts next-auth's sign-in with the MFA authorization
 * parameters at once. Also where a step-up that did not bring MFA evidence ends, with a clear
 * message instead of another redirect (no loop).
 */
export default async function StepUpPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const returnTo = safeReturnPath(params.returnTo);
  const meta = await currentRequestMeta();
  const user = await findSignedInUser(meta);
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  const config = getConfig();
  const problem =
    params.problem === "no-mfa" || params.problem === "unavailable" ? params.problem : null;
  const reference =
    typeof params.requestId === "string" && REFERENCE_PATTERN.test(params.requestId)
      ? params.requestId
      : meta.requestId;
  const canStart = !problem && user.method === "oidc" && config.oidc && !user.mfaAuthenticated;

  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Multi-factor sign-in</h1>
        {problem === "no-mfa" && (
          <div
            role="alert"
            data-testid="step-up-no-mfa"
            className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            You signed in again, but your identity provider did not confirm a multi-factor sign-in,
            so roles that require MFA stay locked. Make sure you complete the second step (code, key
            or app) at your identity provider; if it never asks for one, give your administrator
            this reference:{" "}
            <code className="font-mono" data-testid="request-id">
              {reference}
            </code>
          </div>
        )}
        {problem === "unavailable" && (
          <div
            role="alert"
            className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            Multi-factor sign-in could not be started for your account. Give your administrator this
            reference:{" "}
            <code className="font-mono" data-testid="request-id">
              {reference}
            </code>
          </div>
        )}
        {user.mfaAuthenticated && !problem && (
          <p role="status" className="mt-4 text-sm text-slate-700">
            You are already signed in with multi-factor authentication.
          </p>
        )}
        {canStart && config.oidc && (
          <>
            <p className="mt-2 text-sm text-slate-600">
              The role you chose requires a multi-factor sign-in. Taking you to{" "}
              {config.oidc.displayName} to sign in again…
            </p>
            <div className="mt-6">
              <SignInButton
                providerId={OIDC_PROVIDER_ID}
                label={`Continue to ${config.oidc.displayName}`}
                callbackUrl={stepUpCompletionPath(returnTo)}
                authorizationParams={oidcStepUpParams(config.mfa)}
                autoStart
              />
            </div>
          </>
        )}
        <div className="mt-6 flex gap-4 text-sm">
          {problem === "no-mfa" && (
            // A route handler, not a page: a full navigation, not a client-side one.
            <a
              className="text-indigo-700 hover:underline"
              href={`/api/auth/step-up?returnTo=${encodeURIComponent(returnTo)}`}
            >
              Try again
            </a>
          )}
          <Link className="text-slate-600 hover:underline" href={returnTo} prefetch={false}>
            Back
          </Link>
        </div>
      </div>
    </main>
  );
}
