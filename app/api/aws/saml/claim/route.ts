import { NextResponse, type NextRequest } from "next/server";
import { getSignedInUser } from "@/lib/auth/current-user";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { NO_STORE } from "@/lib/http/api-handler";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { claimAwsAssertion } from "@/lib/saml/aws-relay";

/** Binds a relayed AWS assertion to the signed-in user's session, if it is about them. */
export async function GET(request: NextRequest): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const config = getConfig();
  const to = (path: string) =>
    NextResponse.redirect(new URL(path, config.publicUrl), { status: 303, headers: NO_STORE });
  const user = await getSignedInUser(meta);
  if (!user) return to(`/signin?error=saml&requestId=${encodeURIComponent(meta.requestId)}`);
  try {
    await claimAwsAssertion({
      db: getDb(),
      user,
      ticket: request.nextUrl.searchParams.get("ticket") ?? "",
      meta,
      now: new Date(),
    });
    return to("/accounts?notice=saml-ready");
  } catch {
    return to(`/accounts?notice=saml-failed&requestId=${encodeURIComponent(meta.requestId)}`);
  }
}
