import { currentTime } from "@/lib/clock";
import type { NextRequest } from "next/server";
import { NO_STORE } from "@/lib/http/api-handler";
import { findGrantForRole, principalOf } from "@/lib/access/find-grants";
import { findSignedInUser } from "@/lib/auth/current-user";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { seeOther, withRequestId } from "@/lib/http/redirects";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { recordId } from "@/lib/db/record-id";
import { setAwsReturnCookie } from "@/lib/saml/aws-return-cookie";
import { safeReturnPath } from "@/lib/http/return-path";
import { findSamlIdpByEntityId } from "@/lib/saml/idp-registry";
import { otherMethods } from "@/lib/http/fallback-handlers";
import type { SingleValuedQuery } from "@/lib/query-params";
import { routeQuery } from "@/lib/http/route-query";

/**
 * Sends a signed-in user to their IdP's AWS app to fetch an AWS-targeted assertion for a role they
 * are granted, remembering `returnTo` (the console deep link or credentials they asked for) so the
 * claim continues there. Only for users who signed in with that SAML IdP: the relay accepts only an
 * assertion about the same identity, so anyone else is sent back with a button to sign in there.
 */
export async function GET(request: NextRequest): Promise<Response> {
  // Next.js answers HEAD with this handler: a HEAD starts no trip (no return cookie, no redirect
  // to the IdP).
  if (request.method === "HEAD") return new Response(null, { status: 204, headers: NO_STORE });
  const meta = requestMetaFrom(request.headers);
  const params = routeQuery(request, meta);
  if (params instanceof Response) return params;
  const returnTo = safeReturnPath(params.get("returnTo"));
  const roleId = recordId.safeParse(params.get("roleId"));
  const back = (notice: string, extra = "") =>
    seeOther(withRequestId(`/accounts?notice=${notice}${extra}`, meta));
  const user = await findSignedInUser(meta);
  if (!user) return seeOther(`/signin?callbackUrl=${encodeURIComponent(startPath(params))}`);
  const db = getDb();
  const grant = roleId.success
    ? await findGrantForRole(db, principalOf(user), roleId.data, currentTime())
    : null;
  if (!grant || grant.assumeMethod !== "assume-role-with-saml") return back("saml-role-unknown");
  const idp = await findSamlIdpByEntityId(db, user.issuer);
  if (!idp?.awsAppUrl) {
    // The accounts page offers a sign-in with each SAML IdP that has an AWS app, coming back here.
    return back("saml-sign-in-needed", `&continue=${encodeURIComponent(startPath(params))}`);
  }
  return setAwsReturnCookie(seeOther(idp.awsAppUrl), getConfig(), {
    returnTo,
    roleId: grant.roleId,
  });
}

/** This route's own path with the role and return path, as a same-site return path. */
function startPath(params: SingleValuedQuery): string {
  const roleId = params.get("roleId") ?? "";
  const returnTo = safeReturnPath(params.get("returnTo"));
  return safeReturnPath(
    `/api/aws/saml/start?roleId=${encodeURIComponent(roleId)}&returnTo=${encodeURIComponent(returnTo)}`,
  );
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
