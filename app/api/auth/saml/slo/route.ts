import { currentTime } from "@/lib/clock";
import type { NextRequest } from "next/server";
import { signOutNoticeCookie } from "@/lib/auth/session-cookie";
import { SIGNED_OUT_PATH } from "@/lib/auth/sign-out";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { enforceRateLimit, isRateLimited, tooManyRequestsPage } from "@/lib/rate-limit/counter";
import { seeOther, withRequestId } from "@/lib/http/redirects";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { BINDING_COOKIE } from "@/lib/saml/authn-requests";
import { completeSamlLogout } from "@/lib/saml/complete-saml-logout";
import { readPostedSamlForm } from "@/lib/saml/verify-posted-response";
import type { LogoutResponseMessage } from "@/lib/saml/verify-logout-response";

/**
 * The portal's SAML SingleLogoutService (docs/SINGLE-LOGOUT.md "SAML"): the IdP's LogoutResponse to
 * the LogoutRequest sent at sign-out lands here, by HTTP-Redirect (GET) or HTTP-POST. A verified
 * answer sends the browser to the signed-out page, which then says whether the IdP confirmed;
 * anything else — forged, unsigned, for another browser, replayed, or a LogoutRequest from the IdP
 * (not supported: docs/SINGLE-LOGOUT.md "Not done") — is audited with its reason and lands on the
 * same page with "not confirmed" and this request's id. Never a 500 for bad input.
 */
async function handle(
  request: NextRequest,
  readMessage: () => Promise<LogoutResponseMessage>,
): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const config = getConfig();
  const db = getDb();
  const now = currentTime();
  try {
    await enforceRateLimit(db, config.rateLimits, "saml", meta.ip ?? "unknown", now);
  } catch (error) {
    if (isRateLimited(error)) return tooManyRequestsPage(error, meta.requestId);
    throw error;
  }
  try {
    const result = await completeSamlLogout({
      db,
      config,
      readMessage,
      bindingValue: request.cookies.get(BINDING_COOKIE)?.value,
      meta,
      now,
    });
    const notice = signOutNoticeCookie(
      config,
      {
        idpName: result.idp.displayName,
        state: result.confirmed ? "saml-confirmed" : "saml-unconfirmed",
      },
      now,
    );
    const response = seeOther(
      result.confirmed
        ? SIGNED_OUT_PATH
        : withRequestId(`${SIGNED_OUT_PATH}&logout=unconfirmed`, meta),
    );
    response.cookies.set(notice.name, notice.value, notice.options);
    response.headers.set("x-request-id", meta.requestId);
    return response;
  } catch {
    // Refused and audited: the page says the IdP's answer was not accepted, with the reference.
    // The notice this browser may hold from its sign-out stays as it was ("sent, unconfirmed").
    const response = seeOther(withRequestId(`${SIGNED_OUT_PATH}&logout=unconfirmed`, meta));
    response.headers.set("x-request-id", meta.requestId);
    return response;
  }
}

export function GET(request: NextRequest): Promise<Response> {
  return handle(request, () =>
    Promise.resolve({
      binding: "redirect",
      // As received: the query signature covers the parameters' own encoding.
      rawQuery: new URL(request.url).search.replace(/^\?/, ""),
    }),
  );
}

export function POST(request: NextRequest): Promise<Response> {
  return handle(request, async () => {
    const form = await readPostedSamlForm(request);
    return {
      binding: "post",
      samlResponse: form.get("SAMLResponse"),
      hasSamlRequest: form.has("SAMLRequest"),
    };
  });
}

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });
