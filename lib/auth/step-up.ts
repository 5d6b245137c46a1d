import "server-only";
import type { AppConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { bindingCookie } from "@/lib/saml/binding-cookie";
import { rememberAuthnRequest } from "@/lib/saml/authn-requests";
import { safeReturnPath } from "@/lib/http/return-path";
import { findSamlIdpByEntityId } from "@/lib/saml/idp-registry";
import { buildAuthnRequest } from "@/lib/saml/service-provider";
import type { SignedInUser } from "./portal-session";

/** Where the browser goes after a step-up sign-in: back here, marked as completed. */
export function stepUpCompletionPath(returnTo: string): string {
  return `/api/auth/step-up?returnTo=${encodeURIComponent(safeReturnPath(returnTo))}&completed=1`;
}

/** The page that starts an OIDC step-up in the browser (next-auth's signIn needs its CSRF dance). */
export function stepUpPagePath(
  returnTo: string,
  opts: { problem?: "no-mfa" | "unavailable"; requestId?: string } = {},
): string {
  const query = new URLSearchParams({ returnTo: safeReturnPath(returnTo) });
  if (opts.problem) query.set("problem", opts.problem);
  if (opts.requestId) query.set("requestId", opts.requestId);
  return `/signin/step-up?${query.toString()}`;
}

/**
 * The names of a step-up's OIDC authorization parameters, below: the only query parameters a
 * sign-in start may carry, since next-auth passes them all to the IdP's authorize URL.
 */
export const OIDC_STEP_UP_PARAM_NAMES: readonly string[] = ["acr_values", "prompt", "max_age"];

/** OIDC authorization parameters of a step-up (next-auth passes them to the authorize URL). */
export function oidcStepUpParams(mfa: AppConfig["mfa"]): Record<string, string> {
  const acr = mfa.acrValues[0];
  // max_age=0 and prompt=login: the IdP must authenticate the user now, not reuse its session.
  return { ...(acr ? { acr_values: acr } : {}), prompt: "login", max_age: "0" };
}

export type StepUpPlan =
  /** The session already has MFA: nothing to do. */
  | { kind: "return"; path: string }
  /** A step-up just completed and the IdP still gave no MFA evidence: say so, don't loop. */
  | { kind: "no-mfa"; path: string }
  | { kind: "oidc"; path: string }
  | {
      kind: "saml";
      redirectUrl: string;
      cookie: ReturnType<typeof bindingCookie>;
    }
  /** The sign-in method of this session can't step up (its IdP is gone or disabled). */
  | { kind: "unavailable"; path: string };

/**
 * Decides how to re-authenticate this user with MFA, by the method of their current session: OIDC
 * through the step-up page (acr_values, prompt=login, max_age=0), SAML with a ForceAuthn
 * AuthnRequest asking for the MFA authentication contexts (remembered for this browser like every
 * AuthnRequest). Either way the new sign-in lands on the completion path, which sends the browser
 * to `returnTo` when the new session has MFA, or to a page saying it still has none.
 */
export async function planStepUp(args: {
  db: Db;
  config: AppConfig;
  user: SignedInUser;
  returnTo: string;
  completed: boolean;
  bindingValue: string | undefined;
  requestId: string;
  now: Date;
}): Promise<StepUpPlan> {
  const { db, config, user, completed, now } = args;
  const returnTo = safeReturnPath(args.returnTo);
  if (user.mfaAuthenticated) return { kind: "return", path: returnTo };
  if (completed) {
    return {
      kind: "no-mfa",
      path: stepUpPagePath(returnTo, { problem: "no-mfa", requestId: args.requestId }),
    };
  }
  const unavailable = {
    kind: "unavailable" as const,
    path: stepUpPagePath(returnTo, { problem: "unavailable", requestId: args.requestId }),
  };
  if (user.method === "oidc") {
    return config.oidc ? { kind: "oidc", path: stepUpPagePath(returnTo) } : unavailable;
  }
  const idp = await findSamlIdpByEntityId(db, user.issuer);
  if (!idp) return unavailable;
  const cookie = bindingCookie(config, args.bindingValue);
  const authn = buildAuthnRequest(config.saml, idp, {
    relayState: args.requestId,
    stepUp: { authnContextClassRefs: config.mfa.samlAuthnContexts },
  });
  await rememberAuthnRequest(db, {
    id: authn.id,
    idpId: idp.id,
    purpose: "login",
    bindingValue: cookie.value,
    returnTo: stepUpCompletionPath(returnTo),
    now,
  });
  return { kind: "saml", redirectUrl: authn.redirectUrl, cookie };
}
