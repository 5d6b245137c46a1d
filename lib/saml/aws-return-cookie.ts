import "server-only";
import type { NextResponse } from "next/server";
import type { AppConfig } from "@/lib/config";
import { safeReturnPath } from "@/lib/http/return-path";

/**
 * Where the browser continues after a trip to the IdP's AWS app (docs/SAML-IDENTITY.md, "Roles reached through the AWS app"): the
 * console deep link or the credentials the user asked for. The IdP-initiated AWS app carries no
 * state of ours, so the start route keeps the path in this short-lived cookie and the claim route
 * reads it. It holds only a same-site path (checked again when read), never anything secret; the
 * page it leads to decides for itself whether to continue without a click.
 */
export const AWS_RETURN_COOKIE = "gatehouse.saml-aws-return";
const LIFETIME_SECONDS = 10 * 60;
const COOKIE_PATH = "/api/aws/saml/";

export function setAwsReturnCookie(
  response: NextResponse,
  config: Pick<AppConfig, "publicUrl">,
  returnTo: string,
): NextResponse {
  response.cookies.set(AWS_RETURN_COOKIE, safeReturnPath(returnTo), {
    httpOnly: true,
    secure: config.publicUrl.startsWith("https://"),
    sameSite: "lax",
    path: COOKIE_PATH,
    maxAge: LIFETIME_SECONDS,
  });
  return response;
}

/** The path kept by {@link setAwsReturnCookie}, or null; the caller clears the cookie. */
export function readAwsReturnCookie(value: string | undefined): string | null {
  if (!value) return null;
  const path = safeReturnPath(value);
  return path === value ? path : null;
}

export function clearAwsReturnCookie(response: NextResponse): NextResponse {
  response.cookies.set(AWS_RETURN_COOKIE, "", { path: COOKIE_PATH, maxAge: 0 });
  return response;
}
