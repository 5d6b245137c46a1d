import { currentTime } from "@/lib/clock";
import type { NextRequest } from "next/server";
import { NO_STORE } from "@/lib/http/api-handler";
import { findSignedInUser } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { seeOther, withRequestId } from "@/lib/http/redirects";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { claimAwsAssertion } from "@/lib/saml/aws-relay";
import { awsTripNoticeOf } from "@/lib/saml/aws-trip-notice";
import {
  AWS_RETURN_COOKIE,
  AWS_TRIP_ROLE_COOKIE,
  clearAwsReturnCookie,
  readAwsReturnCookie,
  readAwsTripRoleCookie,
} from "@/lib/saml/aws-return-cookie";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { routeQuery } from "@/lib/http/route-query";

/**
 * Binds a relayed AWS assertion to the signed-in user's session, if it is about them, then
 * continues where the user was going (the path the start route kept), else to the accounts page.
 */
export async function GET(request: NextRequest): Promise<Response> {
  // Next.js answers HEAD with this handler: a HEAD redeems nothing (the one-time ticket and the
  // return cookie stay for the GET).
  if (request.method === "HEAD") return new Response(null, { status: 204, headers: NO_STORE });
  const meta = requestMetaFrom(request.headers);
  const query = routeQuery(request, meta);
  if (query instanceof Response) return query;
  const user = await findSignedInUser(meta);
  if (!user) return seeOther(withRequestId("/signin?error=saml", meta));
  const returnTo = readAwsReturnCookie(request.cookies.get(AWS_RETURN_COOKIE)?.value);
  try {
    await claimAwsAssertion({
      db: getDb(),
      user,
      ticket: query.get("ticket") ?? "",
      tripRoleId: readAwsTripRoleCookie(request.cookies.get(AWS_TRIP_ROLE_COOKIE)?.value),
      meta,
      now: currentTime(),
    });
    const next = returnTo && returnTo !== "/accounts" ? returnTo : "/accounts?notice=saml-ready";
    return clearAwsReturnCookie(seeOther(next));
  } catch (error) {
    const notice = awsTripNoticeOf(error);
    return clearAwsReturnCookie(seeOther(withRequestId(`/accounts?notice=${notice}`, meta)));
  }
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
