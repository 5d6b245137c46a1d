import { currentTime } from "@/lib/clock";
import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { errorResponse, NO_STORE } from "@/lib/http/api-handler";
import { seeOther, withRequestId } from "@/lib/http/redirects";
import { enforceRateLimit, isRateLimited, tooManyRequestsPage } from "@/lib/rate-limit/counter";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { rememberAuthnRequest, BINDING_COOKIE } from "@/lib/saml/authn-requests";
import { bindingCookie } from "@/lib/saml/binding-cookie";
import { safeReturnPath } from "@/lib/http/return-path";
import { findSamlIdpBySlug } from "@/lib/saml/idp-registry";
import { buildAuthnRequest } from "@/lib/saml/service-provider";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { routeQuery } from "@/lib/http/route-query";

type Context = { params: Promise<{ slug: string }> };

/** SP-initiated sign-in: an HTTP-Redirect AuthnRequest to the IdP, remembered for this browser. */
export async function GET(request: NextRequest, context: Context): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const query = routeQuery(request, meta);
  if (query instanceof Response) return query;
  try {
    const { slug } = await context.params;
    const config = getConfig();
    const db = getDb();
    await enforceRateLimit(db, config.rateLimits, "signin", meta.ip ?? "unknown", currentTime());
    const idp = /^[a-z0-9-]{1,64}$/.test(slug) ? await findSamlIdpBySlug(db, slug) : null;
    if (!idp) throw new AppError("not_found", "There is no such identity provider.");
    const cookie = bindingCookie(config, request.cookies.get(BINDING_COOKIE)?.value);
    const authn = buildAuthnRequest(config.saml, idp, { relayState: meta.requestId });
    await rememberAuthnRequest(db, {
      id: authn.id,
      idpId: idp.id,
      purpose: "login",
      bindingValue: cookie.value,
      returnTo: safeReturnPath(query.get("returnTo")),
      now: currentTime(),
    });
    const response = NextResponse.redirect(authn.redirectUrl, { status: 302, headers: NO_STORE });
    response.cookies.set(cookie.name, cookie.value, cookie.options);
    return response;
  } catch (error) {
    if (isRateLimited(error)) return tooManyRequestsPage(error, meta.requestId);
    // A browser navigation: answer with the sign-in page's generic message, not JSON.
    errorResponse(error, meta); // logs unexpected errors with the request id
    return seeOther(withRequestId("/signin?error=saml", meta));
  }
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
