import type { NextRequest } from "next/server";
import { getSignedInUser } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { seeOther, withRequestId } from "@/lib/http/redirects";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { claimAwsAssertion } from "@/lib/saml/aws-relay";

/** Binds a relayed AWS assertion to the signed-in user's session, if it is about them. */
export async function GET(request: NextRequest): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const user = await getSignedInUser(meta);
  if (!user) return seeOther(withRequestId("/signin?error=saml", meta));
  try {
    await claimAwsAssertion({
      db: getDb(),
      user,
      ticket: request.nextUrl.searchParams.get("ticket") ?? "",
      meta,
      now: new Date(),
    });
    return seeOther("/accounts?notice=saml-ready");
  } catch {
    return seeOther(withRequestId("/accounts?notice=saml-failed", meta));
  }
}
