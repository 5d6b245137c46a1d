import { noParams } from "@/lib/http/schemas";
import { NextResponse } from "next/server";
import { getConfig } from "@/lib/config";
import { readJsonBody } from "@/lib/http/api-handler";
import { withCliToken } from "@/lib/http/bearer-api";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { v1CredentialsBody } from "@/lib/http/v1-schemas";
import { roleIdForReference } from "@/lib/issuance/cli-role";
import { issuanceContext } from "@/lib/issuance/context";
import { issueCliCredentials } from "@/lib/issuance/issue-cli-credentials";

/**
 * POST: short-lived credentials for one of the caller's roles, for `gatehouse creds`/`env`/`exec`
 * (docs/API.md). The same access resolution, limits, MFA rules and audit as the web page.
 */
export const POST = withCliToken(noParams, async ({ request, user, meta }) => {
  const body = await readJsonBody(request, v1CredentialsBody);
  const ctx = issuanceContext(user, meta);
  const roleId = await roleIdForReference(ctx, body.role, "cli");
  const c = await issueCliCredentials(ctx, roleId, {
    region: body.region ?? getConfig().defaultRegion,
    ...(body.durationSeconds !== undefined ? { durationSeconds: body.durationSeconds } : {}),
  });
  return NextResponse.json({
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: c.expiration.toISOString(),
    durationSeconds: c.durationSeconds,
    region: c.region,
    account: c.account,
    roleName: c.roleName,
  });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
