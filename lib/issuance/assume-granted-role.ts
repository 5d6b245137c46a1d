import "server-only";
import { findGrantForRole, principalOf } from "@/lib/access/find-grants";
import type { Grant } from "@/lib/access/resolve-grants";
import { actorOf } from "@/lib/audit/actor";
import { writeAuditEvent, type AuditAction } from "@/lib/audit/write-audit-event";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { partitionOf, ROLE_CHAINING_MAX_SECONDS } from "@/lib/aws/partitions";
import { checkRequestedDuration, sessionDurationBounds } from "@/lib/aws/session-duration";
import { MIN_SESSION_SECONDS } from "@/lib/aws/partitions";
import type { AssumedRole, StsBroker } from "@/lib/aws/sts-broker";
import type { AppConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { AppError, isAppError } from "@/lib/errors";
import { enforceRateLimits } from "@/lib/rate-limit/counter";
import type { RequestMeta } from "@/lib/request-meta";
import { log } from "@/lib/log";
import { findHeldAssertion } from "@/lib/saml/aws-relay";
import { awsAppTripUrl, mfaStepUpError, sessionPolicyFor, sessionTagsFor } from "./identity-to-aws";

export type IssuanceOutput = "console" | "cli";

/** Everything an issuance needs, injected so tests and the CLI API can reuse the same path. */
export interface IssuanceContext {
  db: Db;
  broker: StsBroker;
  config: AppConfig;
  user: SignedInUser;
  meta: RequestMeta;
  now: Date;
  /**
   * The same-site path a step-up re-authentication (MFA, a SAML assertion) brings the browser back
   * to; "/accounts" when absent. Validated by the route (lib/http/schemas.ts).
   */
  returnTo?: string;
}

/** What the request may choose: where and for how long, never which role ARN or session name. */
export interface IssuanceOptions {
  region: string;
  /** Requested session length; absent means the longest the grant, role and broker allow. */
  durationSeconds?: number;
}

export const DEFAULT_RETURN_TO = "/accounts";

const FAILED_ACTION: Record<IssuanceOutput, AuditAction> = {
  console: "console.failed",
  cli: "credentials.failed",
};

const AUTHORIZED_ACTION: Record<IssuanceOutput, AuditAction> = {
  console: "console.authorized",
  cli: "credentials.authorized",
};

/**
 * Authorizes and assumes a role for one output (docs/INVARIANTS.md invariant 1): the role, its ARN and the
 * duration caps come from the user's resolved grant and the role's row, the session name and source
 * identity from the user's record — nothing from the request but the role id, the region and a
 * duration inside those caps. A role the user has no grant for is "not found"; a grant without this
 * output is "forbidden"; both are audited as denials before any STS call. A duration outside the
 * allowed range is a validation error (400) naming the range and what caps it, raised before any
 * STS call and not audited: it is bad input, not an access decision.
 */
export async function assumeGrantedRole(
  ctx: IssuanceContext,
  roleId: string,
  output: IssuanceOutput,
  options: IssuanceOptions,
): Promise<{ grant: Grant; assumed: AssumedRole }> {
  const { region } = options;
  // Per person and per address, before anything is looked up (docs/SECURITY.md "Rate limits").
  await enforceRateLimits(
    ctx.db,
    ctx.config.rateLimits,
    [
      { name: "issue", subject: ctx.user.personId },
      { name: "issue-address", subject: ctx.meta.ip ?? "unknown" },
    ],
    ctx.now,
  );
  const grant = await findGrantForRole(ctx.db, principalOf(ctx.user), roleId, ctx.now);
  if (!grant) {
    await deny(ctx, output, {
      roleId,
      reason: "no access rule grants this role to the user (or it does not exist)",
    });
    throw new AppError("not_found", "No such role, or you have no access to it.");
  }
  const allowed = output === "console" ? grant.allowConsole : grant.allowCli;
  if (!allowed) {
    await deny(
      ctx,
      output,
      { roleId, reason: `the user's access to this role does not include ${output} output` },
      grant,
    );
    throw new AppError(
      "forbidden",
      output === "console"
        ? "Your access to this role does not include the AWS console."
        : "Your access to this role does not include CLI credentials.",
    );
  }
  const stepUp = mfaStepUpError(grant, ctx.user, ctx.returnTo ?? "/accounts");
  if (stepUp) {
    await deny(
      ctx,
      output,
      { roleId, reason: "the access rules for this role require MFA; this sign-in has none" },
      grant,
    );
    throw stepUp;
  }
  const remaining = accessRemainingSeconds(grant, ctx.now);
  if (remaining !== null && remaining < MIN_SESSION_SECONDS) {
    // No session may outlast the access, and AWS issues none shorter than 15 minutes.
    await deny(
      ctx,
      output,
      {
        roleId,
        reason: `access ends in ${Math.floor(remaining)} s, under AWS's 900 s minimum session`,
      },
      grant,
    );
    throw new AppError(
      "forbidden",
      "Your access to this role ends in under 15 minutes, shorter than the shortest AWS session: request more time.",
    );
  }
  const rolePartition = grant.roleArn.split(":")[1];
  if (partitionOf(region) !== rolePartition) {
    throw new AppError(
      "validation_error",
      `Region ${region} is not in this role's AWS partition (${rolePartition ?? "unknown"}).`,
      {
        issues: [
          {
            path: "region",
            message: `must be a region of the ${rolePartition ?? "role's"} partition`,
          },
        ],
      },
    );
  }
  const samlPair =
    grant.assumeMethod === "assume-role-with-saml" && grant.samlProviderArn
      ? { roleArn: grant.roleArn, principalArn: grant.samlProviderArn }
      : null;
  if (grant.assumeMethod !== "assume-role" && !samlPair) {
    await deny(
      ctx,
      output,
      { roleId, reason: `assume method ${grant.assumeMethod} is misconfigured` },
      grant,
    );
    throw new AppError(
      "forbidden",
      "This role's federation settings are incomplete; ask an administrator.",
    );
  }

  try {
    // Everything the server decides about the session is computed and validated before any STS
    // call (GetCallerIdentity included): a policy or tag AWS would refuse fails here.
    const policy = sessionPolicyFor(grant);
    if (samlPair) {
      // AssumeRoleWithSAML needs no broker credentials, so it is never role chaining.
      const chosenSeconds = await chooseDuration(ctx, grant, options.durationSeconds, false);
      // The role and provider come from the database grant AND must be listed in a verified
      // AWS-targeted assertion held for this very session.
      const held = await findHeldAssertion(
        ctx.db,
        ctx.config.authSecret,
        ctx.user.sessionId,
        samlPair,
        ctx.now,
      );
      if (!held) {
        throw new AppError(
          "saml_assertion_required",
          "This role is reached through your identity provider's AWS app: continue there, then try again.",
          {
            nextUrl: awsAppTripUrl(roleId, ctx.returnTo ?? DEFAULT_RETURN_TO),
          },
        );
      }
      const durationSeconds = capByAssertion(
        chosenSeconds,
        options.durationSeconds,
        held.sessionDurationSeconds,
      );
      await recordAuthorized(ctx, output, grant, durationSeconds, region);
      const assumed = await ctx.broker.assumeRoleWithSaml({
        ...samlPair,
        samlAssertion: held.samlResponse,
        durationSeconds,
        policy,
      });
      return { grant, assumed };
    }
    const tags = sessionTagsFor(ctx.user);
    const durationSeconds = await chooseDuration(ctx, grant, options.durationSeconds, "ask-broker");
    await recordAuthorized(ctx, output, grant, durationSeconds, region);
    const assumed = await ctx.broker.assumeRole({
      roleArn: grant.roleArn,
      roleSessionName: ctx.user.roleSessionName,
      sourceIdentity: ctx.user.id,
      durationSeconds,
      externalId: grant.externalId,
      requiresBrokerMfa: grant.requiresBrokerMfa,
      tags,
      policy,
      forConsole: output === "console",
    });
    return { grant, assumed };
  } catch (error) {
    if (!(isAppError(error) && NOT_RECORDED_AS_FAILED.has(error.code)))
      await recordFailure(ctx, output, grant, error);
    throw error;
  }
}

/**
 * Errors not recorded as *.failed: the caller's to fix (no issuance was attempted), or the audit
 * log itself refusing (recording the failure would fail the same way; the refusal is logged and
 * summarised as an audit.outage once the log takes writes again).
 */
const NOT_RECORDED_AS_FAILED = new Set([
  "saml_assertion_required",
  "validation_error",
  "audit_unavailable",
]);

/**
 * Records the access decision before any credential exists (docs/DATABASE-FAULTS.md): the audit
 * log must take this write, or nothing is asked of STS — so a failing log mints nothing, and a
 * process that dies between STS's answer and the `*.issued` event still left a record of the
 * session it was about to create.
 * @throws AppError("audit_unavailable") when the log can't take it
 */
async function recordAuthorized(
  ctx: IssuanceContext,
  output: IssuanceOutput,
  grant: Grant,
  durationSeconds: number,
  region: string,
): Promise<void> {
  await writeAuditEvent(ctx.db, {
    action: AUTHORIZED_ACTION[output],
    outcome: "success",
    actor: actorOf(ctx.user),
    meta: ctx.meta,
    target: { ...targetOf(ctx, grant), durationSeconds },
    details: { region, via: grant.assumeMethod },
  });
}

/** Seconds until the grant's access ends, or null when it doesn't. */
function accessRemainingSeconds(grant: Grant, now: Date): number | null {
  return grant.accessEndsAt === null ? null : (grant.accessEndsAt.getTime() - now.getTime()) / 1000;
}

/**
 * The session length to request: the caller's choice if it is inside the bounds (900 s up to the
 * lesser of the grant's rule cap, the role's MaxSessionDuration and, for a broker on role
 * credentials, AWS's one-hour role-chaining limit), else a validation error saying which cap
 * applies. Absent, the default: one hour, or the cap when it is lower. The broker's identity (a cached GetCallerIdentity) is only
 * consulted when the answer could exceed one hour, so a request refused on the other caps makes no
 * STS call at all.
 * @throws AppError("validation_error") with an issue on `durationSeconds`
 */
async function chooseDuration(
  ctx: IssuanceContext,
  grant: Grant,
  requested: number | undefined,
  chaining: false | "ask-broker",
): Promise<number> {
  const limits = {
    ruleMaxSeconds: grant.maxSessionDurationSeconds,
    roleMaxSeconds: grant.roleMaxSessionDurationSeconds,
    accessRemainingSeconds: accessRemainingSeconds(grant, ctx.now),
  };
  let bounds = sessionDurationBounds({ ...limits, isRoleChained: false });
  let seconds = checkedDuration(requested, bounds);
  if (chaining === "ask-broker" && seconds > ROLE_CHAINING_MAX_SECONDS) {
    const broker = await ctx.broker.getBrokerIdentity();
    if (broker.isAssumedRole) {
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
    throw new AppError("validation_error", `The requested session duration is not allowed.`, {
      issues: [{ path: "durationSeconds", message: checked.message }],
      internalReason: `durationSeconds ${String(requested)}: ${checked.message}`,
    });
  }
  return checked.seconds;
}

/**
 * An AWS-targeted assertion may carry its own SessionDuration: AWS refuses a longer DurationSeconds,
 * so a longer explicit request is the caller's error and the default shrinks to fit.
 */
function capByAssertion(
  seconds: number,
  requested: number | undefined,
  assertedSeconds: number | null | undefined,
): number {
  if (assertedSeconds === null || assertedSeconds === undefined || seconds <= assertedSeconds)
    return seconds;
  if (requested !== undefined) {
    const message = `must be at most ${assertedSeconds} seconds: your identity provider's AWS sign-in allows no longer session`;
    throw new AppError("validation_error", "The requested session duration is not allowed.", {
      issues: [{ path: "durationSeconds", message }],
      internalReason: `durationSeconds ${requested}: exceeds the assertion's SessionDuration ${assertedSeconds}`,
    });
  }
  return assertedSeconds;
}

/** Records an issuance that failed after authorization (AWS refused, network, …), then rethrows. */
export async function recordFailure(
  ctx: IssuanceContext,
  output: IssuanceOutput,
  grant: Grant,
  error: unknown,
): Promise<void> {
  const reason = isAppError(error) ? (error.internalReason ?? error.code) : "unexpected error";
  log.warn("issuance failed", {
    requestId: ctx.meta.requestId,
    roleArn: grant.roleArn,
    output,
    reason,
  });
  await writeAuditEvent(ctx.db, {
    action: FAILED_ACTION[output],
    outcome: "error",
    actor: actorOf(ctx.user),
    meta: ctx.meta,
    target: targetOf(ctx, grant),
    details: {
      reason: reason.slice(0, 1000),
      awsErrorCode: isAppError(error) ? (error.awsErrorCode ?? null) : null,
    },
  });
}

export function targetOf(ctx: Pick<IssuanceContext, "user">, grant: Grant, assumed?: AssumedRole) {
  return {
    awsAccountId: grant.account.accountId,
    roleArn: grant.roleArn,
    // For AssumeRoleWithSAML the session name and source identity come from the assertion: read
    // what AWS actually recorded.
    roleSessionName: assumed?.assumedRoleArn.split("/").at(-1) || ctx.user.roleSessionName,
    ...(grant.assumeMethod === "assume-role"
      ? { sourceIdentity: ctx.user.id }
      : assumed?.sourceIdentity
        ? { sourceIdentity: assumed.sourceIdentity }
        : {}),
    durationSeconds: assumed?.durationSeconds ?? grant.maxSessionDurationSeconds,
    ...(assumed ? { accessKeyId: assumed.credentials.accessKeyId } : {}),
  };
}

async function deny(
  ctx: IssuanceContext,
  output: IssuanceOutput,
  details: { roleId: string; reason: string },
  grant?: Grant,
): Promise<void> {
  log.info("issuance denied", {
    requestId: ctx.meta.requestId,
    userId: ctx.user.id,
    output,
    ...details,
  });
  await writeAuditEvent(ctx.db, {
    action: "access.denied",
    outcome: "denied",
    actor: actorOf(ctx.user),
    meta: ctx.meta,
    ...(grant ? { target: targetOf(ctx, grant) } : {}),
    details: { output, requestedRoleId: details.roleId.slice(0, 64), reason: details.reason },
  });
}
