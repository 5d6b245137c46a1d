import { methodNotAllowed } from "@/lib/http/fallback-handlers";
import { NextResponse } from "next/server";
import { NO_STORE, readJsonBody, withSession } from "@/lib/http/api-handler";
import { issuanceBody, roleParams } from "@/lib/http/schemas";
import { issuanceContext } from "@/lib/issuance/context";
import { issueConsoleSignIn } from "@/lib/issuance/issue-console-sign-in";
import { getConfig } from "@/lib/config";

/** POST: assume the role and return a one-time AWS console sign-in URL (never cached). */
export const POST = withSession(roleParams, async ({ request, user, meta, params }) => {
  const body = await readJsonBody(request, issuanceBody);
  const region = body.region ?? getConfig().defaultRegion;
  const signIn = await issueConsoleSignIn(issuanceContext(user, meta), params.roleId, region);
  return NextResponse.json(
    {
      signinUrl: signIn.signinUrl,
      expiresAt: signIn.expiresAt.toISOString(),
      linkExpiresAt: signIn.linkExpiresAt.toISOString(),
      region: signIn.region,
    },
    { headers: NO_STORE },
  );
});

const onlyPost = methodNotAllowed(["POST"]);
export { onlyPost as GET, onlyPost as PUT, onlyPost as PATCH, onlyPost as DELETE };
