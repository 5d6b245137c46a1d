import "server-only";
import { findGrantForRole } from "@/lib/access/find-grants";
import type { Grant } from "@/lib/access/resolve-grants";
import { writeAuditEvent, type AuditAction, type AuditActor } from "@/lib/audit/write-audit-event";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { partitionOf } from "@/lib/aws/regions";
import type { AssumedRole, StsBroker } from "@/lib/aws/sts-broker";
import type { AppConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { AppError, isAppError } from "@/lib/http/errors";
import type { RequestMeta } from "@/lib/http/request-meta";
import { log } from "@/lib/log";
import { findHeldAssertion } from "@/lib/saml/aws-relay";
import { mfaStepUpError, sessionPolicyFor, sessionTagsFor } from "./identity-to-aws";

export type IssuanceOutput = "console" | "cli";

/** Everything an issuance needs, injected so tests and the CLI API can reuse the same path. */
export interface IssuanceContext {
  db: Db;
  broker: StsBroker;
  config: AppConfig;
  user: SignedInUser;
  meta: RequestMeta;
  now: Date;
}

export function actorOf(user: SignedInUser): AuditActor {
  return {
    userId: user.id,
    issuer: user.issuer,
    subject: user.subject,
    email: user.email,
    groups: user.groups,
  };
}

const FAILED_ACTION: Record<IssuanceOutput, AuditAction> = {
  console: "console.failed",
  cli: "credentials.failed",
};

/**
 * Authorizes and assumes a role for one output (DESIGN.md invariant 1): the role, its ARN and the
 * session length come from the user's resolved grant, the session name and source identity from
 * the user's record — nothing from the request but the role id. A role the user has no grant for
 * is "not found"; a grant without this output is "forbidden"; both are audited as denials before
 * any STS call.
 */
export async function assumeGrantedRole(
  ctx: IssuanceContext,
  roleId: string,
  output: IssuanceOutput,
  region: string,
): Promise<{ grant: Grant; assumed: AssumedRole }> {
  const grant = await findGrantForRole(
    ctx.db,
    { userId: ctx.user.id, groups: ctx.user.groups, mfaAuthenticated: ctx.user.mfaAuthenticated },
    roleId,
    ctx.now,
  );
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
  const stepUp = mfaStepUpError(grant, ctx.user, "/accounts");
  if (stepUp) {
    await deny(
      ctx,
      output,
      { roleId, reason: "the access rules for this role require MFA; this sign-in has none" },
      grant,
    );
    throw stepUp;
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
    if (samlPair) {
      // AssumeRoleWithSAML: the role and provider come from the database grant AND must be listed
      // in a verified AWS-targeted assertion held for this very session.
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
            nextUrl: `/api/aws/saml/start?roleId=${encodeURIComponent(roleId)}`,
          },
        );
      }
      const durationSeconds = Math.min(
        grant.maxSessionDurationSeconds,
        held.sessionDurationSeconds ?? Number.POSITIVE_INFINITY,
      );
      const assumed = await ctx.broker.assumeRoleWithSaml({
        ...samlPair,
        samlAssertion: held.samlResponse,
        durationSeconds,
        policy: sessionPolicyFor(grant),
      });
      return { grant, assumed };
    }
    const assumed = await ctx.broker.assumeRole({
      roleArn: grant.roleArn,
      roleSessionName: ctx.user.roleSessionName,
      sourceIdentity: ctx.user.id,
      durationSeconds: grant.maxSessionDurationSeconds,
      externalId: grant.externalId,
      tags: sessionTagsFor(ctx.user),
      policy: sessionPolicyFor(grant),
    });
    return { grant, assumed };
  } catch (error) {
    if (!(error instanceof AppError && error.code === "saml_assertion_required"))
      await recordFailure(ctx, output, grant, error);
    throw error;
  }
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

export function targetOf(ctx: IssuanceContext, grant: Grant, assumed?: AssumedRole) {
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
