import "server-only";
import type { NextResponse } from "next/server";
import type { AppConfig } from "@/lib/config";
import { recordId } from "@/lib/db/record-id";
import { safeReturnPath } from "@/lib/http/return-path";

/**
 * Where the browser continues after a trip to the IdP's AWS app (docs/SAML-IDENTITY.md, "Roles reached through the AWS app"): the
 * console deep link or the credentials the user asked for. The IdP-initiated AWS app carries no
 * state of ours, so the start route keeps the path in this short-lived cookie and the claim route
 * reads it. It holds only a same-site path (checked again when read), never anything secret; the
 * page it leads to decides for itself whether to continue without a click.
 */
export const AWS_RETURN_COOKIE = "gatehouse.saml-aws-return";
/**
 * The id of the role the trip was started for: the claim checks the assertion lists that role,
 * since going back to the request without it would only start the same trip again.
 */
export const AWS_TRIP_ROLE_COOKIE = "gatehouse.saml-aws-role";
const LIFETIME_SECONDS = 10 * 60;
const COOKIE_PATH = "/api/aws/saml/";

export function setAwsReturnCookie(
  response: NextResponse,
  config: Pick<AppConfig, "publicUrl">,
  trip: { returnTo: string; roleId: string },
): NextResponse {
  const options = {
    httpOnly: true,
    secure: config.publicUrl.startsWith("https://"),
    sameSite: "lax",
    path: COOKIE_PATH,
    maxAge: LIFETIME_SECONDS,
  } as const;
  response.cookies.set(AWS_RETURN_COOKIE, safeReturnPath(trip.returnTo), options);
  response.cookies.set(AWS_TRIP_ROLE_COOKIE, trip.roleId, options);
  return response;
}

/** The path kept by {@link setAwsReturnCookie}, or null; the caller clears the cookie. */
export function readAwsReturnCookie(value: string | undefined): string | null {
  if (!value) return null;
  const path = safeReturnPath(value);
  return path === value ? path : null;
}

/** The role id kept by {@link setAwsReturnCookie}, or null (none, or not a record id). */
export function readAwsTripRoleCookie(value: string | undefined): string | null {
  const parsed = recordId.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function clearAwsReturnCookie(response: NextResponse): NextResponse {
  response.cookies.set(AWS_RETURN_COOKIE, "", { path: COOKIE_PATH, maxAge: 0 });
  response.cookies.set(AWS_TRIP_ROLE_COOKIE, "", { path: COOKIE_PATH, maxAge: 0 });
  return response;
}
