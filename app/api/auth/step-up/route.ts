import { currentTime } from "@/lib/clock";
import type { NextRequest } from "next/server";
import { findSignedInUser } from "@/lib/auth/current-user";
import { planStepUp, stepUpPagePath } from "@/lib/auth/step-up";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { errorResponse } from "@/lib/http/api-handler";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { seeOther } from "@/lib/http/redirects";
import { routeQuery } from "@/lib/http/route-query";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { log } from "@/lib/log";
import { BINDING_COOKIE } from "@/lib/saml/authn-requests";
import { safeReturnPath } from "@/lib/http/return-path";

/**
 * GET: re-authenticate the signed-in user with MFA (an access rule asked for it), then return to
 * `returnTo` (a same-site path). A browser navigation, so every answer is a redirect.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const params = routeQuery(request, meta);
  if (params instanceof Response) return params;
  const returnTo = safeReturnPath(params.get("returnTo"));
  try {
    const user = await findSignedInUser(meta);
    if (!user) return seeOther(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
    const plan = await planStepUp({
      db: getDb(),
      config: getConfig(),
      user,
      returnTo,
      completed: params.get("completed") === "1",
      bindingValue: request.cookies.get(BINDING_COOKIE)?.value,
      requestId: meta.requestId,
      now: currentTime(),
    });
    if (plan.kind === "no-mfa" || plan.kind === "unavailable") {
      log.warn("MFA step-up did not succeed", {
        requestId: meta.requestId,
        userId: user.id,
        method: user.method,
        reason: plan.kind,
      });
    }
    if (plan.kind !== "saml") return seeOther(plan.path);
    const response = seeOther(plan.redirectUrl);
    response.cookies.set(plan.cookie.name, plan.cookie.value, plan.cookie.options);
    return response;
  } catch (error) {
    errorResponse(error, meta); // logs unexpected errors with the request id
    return seeOther(
      stepUpPagePath(returnTo, { problem: "unavailable", requestId: meta.requestId }),
    );
  }
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
