import "server-only";
import type { SignedInUser } from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import { enforceRateLimit } from "@/lib/rate-limit/counter";
import type { RateLimits } from "@/lib/rate-limit/settings";
import { normalizeUserCode } from "./codes";
import { APPROVAL_ENDED_STATUS } from "./ended-approval";

type DeviceAuthorizationRow = NonNullable<
  Awaited<ReturnType<Db["deviceAuthorization"]["findUnique"]>>
>;

/** What a typed user code names, from the approval page's point of view. */
export type UserCodeLookup =
  | { kind: "pending"; row: DeviceAuthorizationRow }
  | { kind: "malformed" | "unknown" | "expired" | "approved" | "denied" | "approval-ended" };

export type UserCodeRefusal = Exclude<UserCodeLookup["kind"], "pending">;

/** The validation issue of a decision whose code is not a code (path `code`). */
export const MALFORMED_CODE_ISSUE = "is not a code: a code has 8 letters, like BCDF-GHJK";

/**
 * What the person is told about a code they can't decide: which of the cases it is, so someone who
 * reopens the link after deciding, or waited too long, knows what happened and what to do.
 */
export const USER_CODE_REFUSALS: Record<UserCodeRefusal, string> = {
  malformed: "That is not a code: it has 8 letters, like BCDF-GHJK.",
  unknown: "No sign-in has this code. Check it against the one your terminal shows.",
  expired: "This code has expired. Run gatehouse login again for a new one.",
  approved:
    "This code was already approved. If that wasn’t you, revoke the terminal on CLI sessions.",
  denied: "This code was denied. Run gatehouse login again if you meant to sign in.",
  "approval-ended":
    "This code was approved, but the browser session that approved it ended before the terminal collected its token, so no terminal was signed in. Run gatehouse login again.",
};

/**
 * Finds the sign-in a typed user code names. A user code is only ~34 bits, so every lookup of a
 * well-formed code counts against the person's `device-approval` limit (RFC 8628 §5.1; docs/SECURITY.md
 * "Rate limits"): guessing someone else's pending code takes far longer than it lives.
 * @throws AppError rate_limited
 */
export async function lookUpUserCode(
  db: Db,
  request: { typedCode: string; user: SignedInUser; limits: RateLimits },
  now: Date,
): Promise<UserCodeLookup> {
  const userCode = normalizeUserCode(request.typedCode);
  if (userCode === null) return { kind: "malformed" };
  await enforceRateLimit(db, request.limits, "device-approval", request.user.personId, now);
  const row = await db.deviceAuthorization.findUnique({ where: { userCode } });
  if (!row) return { kind: "unknown" };
  if (row.status === "denied") return { kind: "denied" };
  if (row.status === APPROVAL_ENDED_STATUS) return { kind: "approval-ended" };
  if (row.status !== "pending") return { kind: "approved" };
  if (row.expiresAt <= now) return { kind: "expired" };
  return { kind: "pending", row };
}
