import "server-only";
/** A failed OIDC sign-in: audited once, and the browser sent to /signin with its reference. */
import type { NextRequest } from "next/server";
import { getDb } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import type { SignInFailureNote } from "./auth-options";
import type { Handling } from "./next-auth-endpoints";
import { jsonUrlOf } from "./sign-in-csrf-refusal";
import { recordOidcSignInFailure } from "./sign-in-failure";
import { signInErrorCode } from "./sign-in-redirect";

/** A sign-in start or the IdP's return, as the failure audit needs it. */
export interface SignInStep {
  request: NextRequest;
  handling: Handling;
  meta: RequestMeta;
  failure: SignInFailureNote;
  portalOrigin: string;
}

/**
 * Where next-auth sends the browser after a sign-in start or the IdP's return: a redirect, or
 * `{ url }` when the sign-in button asked for JSON. A failure is audited once, and the browser
 * goes straight to the sign-in page with the code and this request's id (next-auth would pass
 * through its own error route first, a second request that knows nothing of this one).
 */
export async function withSignInFailureAudited(
  step: SignInStep,
  response: Response,
): Promise<Response> {
  const location = response.headers.get("location");
  if (location !== null) {
    const next = await afterFailure(step, location);
    if (next !== null) response.headers.set("location", next);
    return response;
  }
  const url = await jsonUrlOf(response);
  const next = url === null ? null : await afterFailure(step, url);
  if (next === null) return response;
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify({ url: next }), { status: response.status, headers });
}

/**
 * The sign-in page for a failed sign-in (audited here), or null when `target` is no failure.
 * next-auth reports a failure by sending the browser to its error route; a return path that
 * happens to carry an `error` parameter is no failure.
 */
async function afterFailure(step: SignInStep, target: string): Promise<string | null> {
  const { request, meta, failure, portalOrigin } = step;
  const reported = new URL(target, portalOrigin);
  if (reported.origin !== portalOrigin || reported.pathname !== "/api/auth/error") return null;
  const code = reported.searchParams.get("error") ?? "Default";
  const idpError = request.nextUrl.searchParams.get("error");
  const cancelled = step.handling === "callback" && idpError === "access_denied";
  await recordOidcSignInFailure(getDb(), meta, {
    code,
    reason: failure.reason ?? failure.code ?? "sign-in failed",
    idpError,
    idpErrorDescription: request.nextUrl.searchParams.get("error_description"),
    cancelled,
  });
  const signInPage = new URL("/signin", portalOrigin);
  signInPage.searchParams.set("error", cancelled ? "Cancelled" : signInErrorCode(code));
  signInPage.searchParams.set("requestId", meta.requestId);
  return signInPage.toString();
}
