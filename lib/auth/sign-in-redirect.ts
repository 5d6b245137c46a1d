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
