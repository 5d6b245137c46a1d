import "server-only";
import { currentTime } from "@/lib/clock";
import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { errorResponse, NO_STORE } from "@/lib/http/api-handler";
import { enforceRateLimit } from "@/lib/rate-limit/counter";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { BINDING_COOKIE } from "@/lib/saml/authn-requests";
import { bindingCookie } from "@/lib/saml/binding-cookie";
import { discoverEndSessionEndpoint } from "./oidc-end-session";
import { clearedSessionCookie, readSessionId, signOutNoticeCookie } from "./session-cookie";
import { signOutSession } from "./sign-out";

/**
 * POST /api/auth/sign-out (and next-auth's POST /api/auth/signout, which is routed here): revokes
 * and audits the portal session, then answers `{ url }` — the IdP's logout endpoint when single
 * logout applies, else the signed-out page — with the session cookie cleared and the signed-out
 * notice set. The page navigates to `url` itself: a form post answered with a redirect to the
 * IdP would be stopped by the portal's own `form-action 'self'`. Only the portal's pages can call
 * it (proxy.ts refuses a write without the portal's Origin).
 */
export async function signOutResponse(request: NextRequest): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const config = getConfig();
  const db = getDb();
  const now = currentTime();
  try {
    const sessionId = await readSessionId(config, request.cookies);
    // Ending a session is never refused for the address's sign-in count (docs/SECURITY.md "Rate
    // limits"): the cookie is sealed by this server, and what it names is ended and audited once.
    if (sessionId === null)
      await enforceRateLimit(db, config.rateLimits, "signin", meta.ip ?? "unknown", now);
    const binding = bindingCookie(config, request.cookies.get(BINDING_COOKIE)?.value);
    const outcome = await signOutSession({
      db,
      config,
      sessionId,
      bindingValue: binding.value,
      meta,
      now,
      discoverEndSession: (issuer) => discoverEndSessionEndpoint(issuer, { now }),
    });
    const url = new URL(outcome.redirectTo, config.publicUrl).toString();
    const response = NextResponse.json({ url }, { headers: NO_STORE });
    const cleared = clearedSessionCookie(config);
    response.cookies.set(cleared.name, cleared.value, cleared.options);
    if (outcome.notice) {
      const notice = signOutNoticeCookie(config, outcome.notice, now);
      response.cookies.set(notice.name, notice.value, notice.options);
    }
    if (outcome.notice?.state === "saml-sent")
      response.cookies.set(binding.name, binding.value, binding.options);
    response.headers.set("x-request-id", meta.requestId);
    return response;
  } catch (error) {
    // A 429 or a database outage answers in the API's JSON shape; the button shows its message.
    return errorResponse(error, meta);
  }
}
