import { otherMethods } from "@/lib/http/fallback-handlers";
import { NextResponse } from "next/server";
import { NO_STORE, readJsonBody, withSession } from "@/lib/http/api-handler";
import { consoleIssuanceBody, roleParams } from "@/lib/http/schemas";
import { issuanceContext } from "@/lib/issuance/context";
import { issueConsoleSignIn } from "@/lib/issuance/issue-console-sign-in";
import { DEFAULT_RETURN_TO } from "@/lib/issuance/issuance-request";
import { getConfig } from "@/lib/config";

/** Said in every response: the link itself is the credential until linkExpiresAt. */
const SIGNIN_URL_NOTICE =
  "signinUrl is a bearer secret: anyone who has it can open this console session until linkExpiresAt. Do not share, store or log it.";

/**
 * POST: assume the role and return a one-time AWS console sign-in URL (never cached), for the
 * chosen region, session length and console destination.
 */
export const POST = withSession(roleParams, async ({ request, user, meta, params }) => {
  const body = await readJsonBody(request, consoleIssuanceBody);
  const ctx = { ...issuanceContext(user, meta), returnTo: body.returnTo ?? DEFAULT_RETURN_TO };
  const signIn = await issueConsoleSignIn(ctx, params.roleId, {
    region: body.region ?? getConfig().defaultRegion,
    ...(body.durationSeconds !== undefined ? { durationSeconds: body.durationSeconds } : {}),
    ...(body.destination !== undefined ? { destination: body.destination } : {}),
  });
  return NextResponse.json(
    {
      signinUrl: signIn.signinUrl,
      signinUrlNotice: SIGNIN_URL_NOTICE,
      expiresAt: signIn.expiresAt.toISOString(),
      linkExpiresAt: signIn.linkExpiresAt.toISOString(),
      region: signIn.region,
      destinationUrl: signIn.destinationUrl,
      durationSeconds: signIn.durationSeconds,
    },
    { headers: NO_STORE },
  );
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
