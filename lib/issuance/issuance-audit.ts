import "server-only";
import type { Grant } from "@/lib/access/resolve-grants";
import { actorOf } from "@/lib/audit/actor";
import {
  writeAuditEvent,
  writeAuditEventIf,
  type AuditAction,
  type AuditEventInput,
} from "@/lib/audit/write-audit-event";
import type { AssumedRole } from "@/lib/aws/sts-broker-api";
import { AppError, isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import type { AssertedSession } from "@/lib/saml/aws-relay";
import type { IssuanceContext, IssuanceOutput } from "./issuance-request";

/** The audit records of an issuance: authorized before STS, issued or failed after it, or denied. */

const FAILED_ACTION: Record<IssuanceOutput, AuditAction> = {
  console: "console.failed",
  cli: "credentials.failed",
};

const ISSUED_ACTION: Record<IssuanceOutput, AuditAction> = {
  console: "console.issued",
  cli: "credentials.issued",
};

const AUTHORIZED_ACTION: Record<IssuanceOutput, AuditAction> = {
  console: "console.authorized",
  cli: "credentials.authorized",
};

/**
 * Records the access decision before any credential exists (docs/DATABASE-FAULTS.md): the audit
 * log must take this write, or nothing is asked of STS — so a failing log mints nothing, and a
 * process that dies between STS's answer and the `*.issued` event still left a record of the
 * session it was about to create.
 * @throws AppError("audit_unavailable") when the log can't take it
 */
export async function recordAuthorized(
  ctx: IssuanceContext,
  output: IssuanceOutput,
  grant: Grant,
  durationSeconds: number,
  region: string,
  asserted?: AssertedSession | null,
): Promise<void> {
  await writeAuditEvent(ctx.db, {
    action: AUTHORIZED_ACTION[output],
    outcome: "success",
    actor: actorOf(ctx.user),
    meta: ctx.meta,
    target: { ...targetOf(ctx, grant, undefined, asserted), durationSeconds },
    details: {
      region,
      via: grant.assumeMethod,
      ...grantedThrough(grant),
      signIn: signInOf(ctx.user),
    },
  });
}

/**
 * Writes the `*.issued` event of credentials AWS made, and with it decides whether they may leave:
 * the event's transaction first takes the row of the browser session or CLI token the request
 * came with (a write that changes nothing where it still lives), as the CLI token exchange does.
 * Whatever ends it — revoking the person, a sign-out, an IdP's disable — writes that row in its
 * own transaction: either the ending waits for this, and the credentials predate it, or this
 * waits for the ending, and the credentials, made but never handed out, are recorded as failed
 * with their AccessKeyId (README "Revoking a person").
 * @throws AppError("unauthenticated") when the session or token ended meanwhile
 */
export async function recordIssued(
  ctx: IssuanceContext,
  output: IssuanceOutput,
  grant: Grant,
  assumed: AssumedRole,
  details: NonNullable<AuditEventInput["details"]>,
): Promise<void> {
  const target = targetOf(ctx, grant, assumed);
  const tokenId = ctx.meta.cliTokenId;
  const written = await writeAuditEventIf(
    ctx.db,
    {
      action: ISSUED_ACTION[output],
      outcome: "success",
      actor: actorOf(ctx.user),
      meta: ctx.meta,
      target,
      details: { ...details, ...grantedThrough(grant), signIn: signInOf(ctx.user) },
    },
    // Plain SQL, as the chain's own statements: no model query to compile on every issuance
    // (docs/BENCHMARKS.md "The audit records in plain SQL").
    async (tx) => {
      const held = tokenId
        ? await tx.$executeRaw`UPDATE "CliToken" SET "revokedAt" = NULL
            WHERE "id" = ${tokenId} AND "revokedAt" IS NULL AND "expiresAt" > ${ctx.now}`
        : await tx.$executeRaw`UPDATE "PortalSession" SET "revokedAt" = NULL
            WHERE "id" = ${ctx.user.sessionId} AND "revokedAt" IS NULL AND "expiresAt" > ${ctx.now}`;
      return held === 1;
    },
  );
  if (written) return;
  const ended = tokenId ? "CLI sign-in" : "portal session";
  log.warn("issuance withheld: the session ended", {
    requestId: ctx.meta.requestId,
    roleArn: grant.roleArn,
    output,
  });
  await writeAuditEvent(ctx.db, {
    action: FAILED_ACTION[output],
    outcome: "error",
    actor: actorOf(ctx.user),
    meta: ctx.meta,
    target,
    details: {
      reason: `the ${ended} ended (revoked or signed out) while AWS was asked: the credentials were not handed out`,
      awsErrorCode: null,
    },
  });
  throw new AppError(
    "unauthenticated",
    tokenId
      ? "This CLI sign-in ended while the credentials were being made, so none were handed out. Run gatehouse login."
      : "Your session ended while the credentials were being made, so none were handed out. Sign in again.",
  );
}

/**
 * The approved access requests an issuance rests on, for its authorized and issued records: the
 * requests' own events say who approved them (docs/ACCESS-REQUESTS.md, invariant 8). Nothing for
 * access from standing rules alone.
 */
export function grantedThrough(grant: Pick<Grant, "elevationRequestIds">): {
  accessRequests?: string[];
} {
  return grant.elevationRequestIds.length > 0
    ? { accessRequests: [...grant.elevationRequestIds] }
    : {};
}

/**
 * The sign-in an issuance rests on, for its records: how it was made, when, and whether it
 * carried MFA evidence — what an investigator asks of a key, without finding the `auth.sign-in`
 * event by time. Never the session's id, which is its bearer secret (docs/INVARIANTS.md
 * invariant 3). A CLI token carries the facts of the sign-in that approved it.
 */
export function signInOf(
  user: Pick<IssuanceContext["user"], "method" | "sessionCreatedAt" | "mfaAuthenticated">,
): { method: string; at: string; mfaAuthenticated: boolean } {
  return {
    method: user.method,
    at: user.sessionCreatedAt.toISOString(),
    mfaAuthenticated: user.mfaAuthenticated,
  };
}

/**
 * Records an issuance that failed after authorization (AWS refused, network, …). When it failed
 * after STS answered (the sign-in token or the credential formats), pass what AWS made: those
 * credentials exist and appear in CloudTrail under their AccessKeyId and session name, so the
 * record names them as the `*.issued` one would.
 */
export async function recordFailure(
  ctx: IssuanceContext,
  output: IssuanceOutput,
  grant: Grant,
  error: unknown,
  assumed?: AssumedRole,
  asserted?: AssertedSession | null,
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
    target: targetOf(ctx, grant, assumed, asserted),
    details: {
      reason: reason.slice(0, 1000),
      awsErrorCode: isAppError(error) ? (error.awsErrorCode ?? null) : null,
      signIn: signInOf(ctx.user),
    },
  });
}

/**
 * What an issuance's record names. The session name and source identity are the ones AWS gives
 * the session (the assumed-role ARN's last part and `sourceIdentity`, what CloudTrail shows): once
 * STS answered, read from its answer; before, for AssumeRole the portal's own (what it sends), for
 * AssumeRoleWithSAML the held assertion's (`asserted`) — or none when it isn't known (a denial, an
 * assertion without them), never the portal's, which AWS doesn't use there.
 */
export function targetOf(
  ctx: Pick<IssuanceContext, "user">,
  grant: Grant,
  assumed?: AssumedRole,
  asserted?: AssertedSession | null,
) {
  const fromAws = assumed?.assumedRoleArn.split("/").at(-1);
  const roleSessionName =
    fromAws ||
    (grant.assumeMethod === "assume-role" ? ctx.user.roleSessionName : asserted?.roleSessionName);
  const sourceIdentity =
    grant.assumeMethod === "assume-role"
      ? ctx.user.id
      : (assumed?.sourceIdentity ?? asserted?.sourceIdentity);
  return {
    awsAccountId: grant.account.accountId,
    roleArn: grant.roleArn,
    ...(roleSessionName ? { roleSessionName } : {}),
    ...(sourceIdentity ? { sourceIdentity } : {}),
    durationSeconds: assumed?.durationSeconds ?? grant.maxSessionDurationSeconds,
    ...(assumed ? { accessKeyId: assumed.credentials.accessKeyId } : {}),
  };
}

/**
 * Records a refused issuance (no STS call was made) as access.denied, and logs it. Without a grant
 * (the role is not theirs) the record still names the role and account the id points at, when
 * one exists: an auditor filtering the log by account or role must find the attempts on it too.
 * The caller's answer stays the same either way (docs/INVARIANTS.md invariant 1).
 */
export async function recordDenial(
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
  const target = grant ? targetOf(ctx, grant) : await namedRole(ctx, details.roleId);
  await writeAuditEvent(ctx.db, {
    action: "access.denied",
    outcome: "denied",
    actor: actorOf(ctx.user),
    meta: ctx.meta,
    ...(target ? { target } : {}),
    details: { output, requestedRoleId: details.roleId.slice(0, 64), reason: details.reason },
  });
}

/** The account and ARN of the role an id names, or null when there is none. */
async function namedRole(
  ctx: Pick<IssuanceContext, "db">,
  roleId: string,
): Promise<{ awsAccountId: string; roleArn: string } | null> {
  const role = await ctx.db.role.findUnique({
    where: { id: roleId },
    select: { arn: true, awsAccount: { select: { accountId: true } } },
  });
  return role ? { awsAccountId: role.awsAccount.accountId, roleArn: role.arn } : null;
}
