import { otherMethods } from "@/lib/http/fallback-handlers";
import { NextResponse } from "next/server";
import { getConfig } from "@/lib/config";
import { NO_STORE, readJsonBody, withSession } from "@/lib/http/api-handler";
import { cliIssuanceBody, roleParams } from "@/lib/http/schemas";
import { issuanceContext } from "@/lib/issuance/context";
import { issueCliCredentials } from "@/lib/issuance/issue-cli-credentials";
import { DEFAULT_RETURN_TO } from "@/lib/issuance/issuance-request";

/**
 * POST: assume the role and return short-lived CLI credentials in every format (never cached), for
 * the chosen region, session length and profile name.
 */
export const POST = withSession(roleParams, async ({ request, user, meta, params }) => {
  const body = await readJsonBody(request, cliIssuanceBody);
  const ctx = { ...issuanceContext(user, meta), returnTo: body.returnTo ?? DEFAULT_RETURN_TO };
  const c = await issueCliCredentials(ctx, params.roleId, {
    region: body.region ?? getConfig().defaultRegion,
    ...(body.durationSeconds !== undefined ? { durationSeconds: body.durationSeconds } : {}),
    ...(body.profileName !== undefined ? { profileName: body.profileName } : {}),
  });
  return NextResponse.json(
    {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
      expiration: c.expiration.toISOString(),
      durationSeconds: c.durationSeconds,
      region: c.region,
      profileName: c.profileName,
      account: c.account,
      roleName: c.roleName,
      formats: c.formats,
    },
    { headers: NO_STORE },
  );
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
