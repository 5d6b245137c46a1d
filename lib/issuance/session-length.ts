import "server-only";
import type { Grant } from "@/lib/access/resolve-grants";
import { ROLE_CHAINING_MAX_SECONDS } from "@/lib/aws/partitions";
import { checkRequestedDuration, sessionDurationBounds } from "@/lib/aws/session-duration";
import { AppError } from "@/lib/errors";
import { messageOf } from "@/lib/validation-error";
import type { IssuanceContext } from "./issuance-request";

/** How long an issued session lasts: inside every cap that applies, or a clear refusal. */

/** Seconds until the grant's access ends, or null when it doesn't. */
export function accessRemainingSeconds(grant: Grant, now: Date): number | null {
  return grant.accessEndsAt === null ? null : (grant.accessEndsAt.getTime() - now.getTime()) / 1000;
}

/**
 * The session length to request: the caller's choice if it is inside the bounds (900 s up to the
 * lesser of the grant's rule cap, the role's MaxSessionDuration and, when the broker must sign
 * with temporary credentials (role credentials, its MFA session), AWS's one-hour role-chaining
 * limit), else a validation error saying which cap applies. Absent, the default: one hour, or the cap when it is lower. The broker's identity (a cached GetCallerIdentity) is only
 * consulted when the answer could exceed one hour, so a request refused on the other caps makes no
 * STS call at all.
 * @throws AppError("validation_error") with an issue on `durationSeconds`
 */
export async function chooseDuration(
  ctx: IssuanceContext,
  grant: Grant,
  requested: number | undefined,
  chaining: false | { askBroker: { forConsole: boolean } },
): Promise<number> {
  const limits = {
    ruleMaxSeconds: grant.maxSessionDurationSeconds,
    roleMaxSeconds: grant.roleMaxSessionDurationSeconds,
    accessRemainingSeconds: accessRemainingSeconds(grant, ctx.now),
  };
  let bounds = sessionDurationBounds({ ...limits, isRoleChained: false });
  let seconds = checkedDuration(requested, bounds);
  if (chaining !== false && seconds > ROLE_CHAINING_MAX_SECONDS) {
    const isCapped = await ctx.broker.capsAtOneHour({
      requiresBrokerMfa: grant.requiresBrokerMfa,
      forConsole: chaining.askBroker.forConsole,
    });
    if (isCapped) {
      bounds = sessionDurationBounds({ ...limits, isRoleChained: true });
      seconds = checkedDuration(requested, bounds);
    }
  }
  return seconds;
}

function checkedDuration(
  requested: number | undefined,
  bounds: ReturnType<typeof sessionDurationBounds>,
): number {
  const checked = checkRequestedDuration(requested, bounds);
  if (!checked.ok) {
    throw durationRefused(
      checked.message,
      `durationSeconds ${String(requested)}: ${checked.message}`,
    );
  }
  return checked.seconds;
}

/**
 * An AWS-targeted assertion may carry its own SessionDuration: AWS refuses a longer DurationSeconds,
 * so a longer explicit request is the caller's error and the default shrinks to fit.
 */
export function capByAssertion(
  seconds: number,
  requested: number | undefined,
  assertedSeconds: number | null | undefined,
): number {
  if (assertedSeconds === null || assertedSeconds === undefined || seconds <= assertedSeconds)
    return seconds;
  if (requested !== undefined) {
    const message = `must be at most ${assertedSeconds} seconds: your identity provider's AWS sign-in allows no longer session`;
    throw durationRefused(
      message,
      `durationSeconds ${requested}: exceeds the assertion's SessionDuration ${assertedSeconds}`,
    );
  }
  return assertedSeconds;
}

/**
 * The validation_error for a refused durationSeconds: its message names the field and the problem,
 * as every validation_error's does (docs/API.md "Errors"), so a client that shows only the message
 * still says what the allowed lengths are.
 */
function durationRefused(message: string, internalReason: string): AppError {
  const issues = [{ path: "durationSeconds", message }];
  return new AppError("validation_error", messageOf(issues), { issues, internalReason });
}
