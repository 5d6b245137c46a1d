import { safeReturnPath } from "@/lib/http/return-path";

/** The `reason` the sign-in page reads to say why the person is there again. */
export const SESSION_ENDED_REASON = "session-ended";

/**
 * Where a page sends a visitor without a valid session: the sign-in page, asked to come back to
 * `returnTo` afterwards. `reason=session-ended` is added only when the request carried a session
 * cookie that no longer names a usable session (expired, revoked, unknown, undecryptable): someone
 * who never signed in is not told that a session ended. `returnTo` passes the same guard the
 * sign-in page applies (safeReturnPath), so this never builds an off-site return.
 */
export function signInPathFor(returnTo: string, hadSessionCookie: boolean): string {
  const params = [`callbackUrl=${encodeURIComponent(safeReturnPath(returnTo))}`];
  if (hadSessionCookie) params.push(`reason=${SESSION_ENDED_REASON}`);
  return `/signin?${params.join("&")}`;
}

/** Whether the sign-in page should say "Your session ended": only for the exact reason above. */
export function isSessionEndedReason(reason: unknown): boolean {
  return reason === SESSION_ENDED_REASON;
}

/**
 * The portal path a next-auth `callbackUrl` (a form field, a query parameter or its cookie) names,
 * or null when it names none the portal follows. The sign-in button sends a path; next-auth's own
 * client sends the page's full URL, so an absolute URL on the portal's own origin counts as its
 * path. Either way the path must pass safeReturnPath, the guard every return path passes.
 */
export function callbackPathOf(value: unknown, portalOrigin: string): string | null {
  if (typeof value !== "string") return null;
  const path = value.startsWith(`${portalOrigin}/`) ? value.slice(portalOrigin.length) : value;
  return safeReturnPath(path) === path ? path : null;
}

/** next-auth's error codes (OAuthCallback …) and the portal's (Cancelled, saml-missing-user-key …). */
const ERROR_CODE_PATTERN = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/**
 * The `error` code the sign-in page gets for a failed sign-in. Anything not shaped like a code (it
 * came from a URL) reads as next-auth's generic "Default": the page says sign-in did not succeed.
 */
export function signInErrorCode(code: unknown): string {
  return typeof code === "string" && ERROR_CODE_PATTERN.test(code) ? code : "Default";
}
