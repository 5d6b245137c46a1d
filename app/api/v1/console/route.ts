import { noParams } from "@/lib/http/schemas";
import { NextResponse } from "next/server";
import { getConfig } from "@/lib/config";
import { readJsonBody } from "@/lib/http/api-handler";
import { withCliToken } from "@/lib/http/bearer-api";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { v1ConsoleBody } from "@/lib/http/v1-schemas";
import { roleIdForReference } from "@/lib/issuance/cli-role";
import { issuanceContext } from "@/lib/issuance/context";
import { issueConsoleSignIn } from "@/lib/issuance/issue-console-sign-in";

/** POST: a one-time AWS console sign-in URL for one of the caller's roles (`gatehouse console`). */
export const POST = withCliToken(noParams, async ({ request, user, meta }) => {
  const body = await readJsonBody(request, v1ConsoleBody);
  const ctx = issuanceContext(user, meta);
  const roleId = await roleIdForReference(ctx, body.role, "console");
  const signIn = await issueConsoleSignIn(ctx, roleId, {
    region: body.region ?? getConfig().defaultRegion,
    ...(body.durationSeconds !== undefined ? { durationSeconds: body.durationSeconds } : {}),
    ...(body.destination !== undefined ? { destination: body.destination } : {}),
  });
  return NextResponse.json({
    signinUrl: signIn.signinUrl,
    expiresAt: signIn.expiresAt.toISOString(),
    linkExpiresAt: signIn.linkExpiresAt.toISOString(),
    region: signIn.region,
    destinationUrl: signIn.destinationUrl,
    durationSeconds: signIn.durationSeconds,
  });
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
