import { currentTime } from "@/lib/clock";
import type { NextRequest } from "next/server";
import { sessionCookieFor } from "@/lib/auth/session-cookie";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { seeOther, withRequestId } from "@/lib/http/redirects";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { enforceRateLimit, isRateLimited, tooManyRequestsPage } from "@/lib/rate-limit/counter";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { BINDING_COOKIE } from "@/lib/saml/authn-requests";
import { completeSamlSignIn } from "@/lib/saml/complete-saml-sign-in";
import { samlSignInErrorOf } from "@/lib/saml/sign-in-notice";
import { readPostedSamlResponse } from "@/lib/saml/verify-posted-response";

/**
 * The Assertion Consumer Service: the IdP's HTTP-POST binding lands here. Success sets the session
 * cookie and sends the browser on; any failure sends it to the sign-in page with a generic message
 * and this request's id (the specific reason is in the audit log and server log) — or, for an IdP
 * misconfiguration only an administrator can fix, a message saying what to ask them for.
 */
export async function POST(request: NextRequest): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const config = getConfig();
  try {
    await enforceRateLimit(getDb(), config.rateLimits, "saml", meta.ip ?? "unknown", currentTime());
  } catch (error) {
    if (isRateLimited(error)) return tooManyRequestsPage(error, meta.requestId);
    throw error;
  }
  try {
    const result = await completeSamlSignIn({
      db: getDb(),
      config,
      readSamlResponse: () => readPostedSamlResponse(request),
      bindingValue: request.cookies.get(BINDING_COOKIE)?.value,
      meta,
      now: currentTime(),
    });
    const cookie = await sessionCookieFor(config, result.sessionId, result.expiresAt);
    const response = seeOther(result.returnTo);
    response.cookies.set(cookie.name, cookie.value, cookie.options);
    response.headers.set("x-request-id", meta.requestId);
    return response;
  } catch (error) {
    return seeOther(withRequestId(`/signin?error=${samlSignInErrorOf(error)}`, meta));
  }
}

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
