import type { NextRequest } from "next/server";
import { findGrantForRole, principalOf } from "@/lib/access/find-grants";
import { getSignedInUser } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { seeOther, withRequestId } from "@/lib/http/redirects";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { recordId } from "@/lib/http/schemas";
import { findSamlIdpByEntityId } from "@/lib/saml/idp-registry";

/**
 * Sends a signed-in user to their IdP's AWS app to fetch an AWS-targeted assertion for a role they
 * are granted. Only for users who signed in with that SAML IdP: the relay will only accept an
 * assertion about the same identity.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const back = (notice: string) => seeOther(withRequestId(`/accounts?notice=${notice}`, meta));
  const user = await getSignedInUser(meta);
  if (!user) return seeOther("/signin");
  const roleId = recordId.safeParse(request.nextUrl.searchParams.get("roleId"));
  const db = getDb();
  const grant = roleId.success
    ? await findGrantForRole(db, principalOf(user), roleId.data, new Date())
    : null;
  if (!grant || grant.assumeMethod !== "assume-role-with-saml") return back("saml-role-unknown");
  const idp = await findSamlIdpByEntityId(db, user.issuer);
  const awsAppUrl = idp?.awsAppUrl;
  if (!awsAppUrl) return back("saml-sign-in-needed");
  return seeOther(awsAppUrl);
}
