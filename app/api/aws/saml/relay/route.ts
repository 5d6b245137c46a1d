import { currentTime } from "@/lib/clock";
import type { NextRequest } from "next/server";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { seeOther, withRequestId } from "@/lib/http/redirects";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { enforceRateLimit, isRateLimited, tooManyRequestsPage } from "@/lib/rate-limit/counter";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { holdAwsAssertion } from "@/lib/saml/aws-relay";
import { awsTripNoticeOf } from "@/lib/saml/aws-trip-notice";
import { readPostedSamlResponse } from "@/lib/saml/verify-posted-response";

/**
 * The relay: the IdP's AWS app posts AWS-targeted assertions here (its ACS) instead of to AWS.
 * The post is cross-site and carries no portal session, so a verified assertion is held under a
 * one-time ticket that the browser redeems at /api/aws/saml/claim with its session.
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
    const { ticket } = await holdAwsAssertion({
      db: getDb(),
      config,
      readSamlResponse: () => readPostedSamlResponse(request),
      meta,
      now: currentTime(),
    });
    return seeOther(`/api/aws/saml/claim?ticket=${encodeURIComponent(ticket)}`);
  } catch (error) {
    return seeOther(withRequestId(`/accounts?notice=${awsTripNoticeOf(error)}`, meta));
  }
}

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
