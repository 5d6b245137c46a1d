import "server-only";
import { findGrantForRole, principalOf } from "@/lib/access/find-grants";
import type { Grant } from "@/lib/access/resolve-grants";
import { MIN_SESSION_SECONDS, partitionOf } from "@/lib/aws/partitions";
import type { AssumedRole } from "@/lib/aws/sts-broker-api";
import { AppError, isAppError } from "@/lib/errors";
import { enforceRateLimits } from "@/lib/rate-limit/counter";
import { findHeldAssertion, type AssertedSession } from "@/lib/saml/aws-relay";
import {
  awsAppTripUrl,
  mfaStepUpError,
  sessionIdentityFor,
  sessionPolicyFor,
  sessionTagsFor,
} from "./identity-to-aws";
import { recordAuthorized, recordDenial, recordFailure } from "./issuance-audit";
import {
  DEFAULT_RETURN_TO,
  type IssuanceContext,
  type IssuanceOptions,
  type IssuanceOutput,
} from "./issuance-request";
import { accessRemainingSeconds, capByAssertion, chooseDuration } from "./session-length";

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
  const grant = await authorizeIssuance(ctx, roleId, output, options.region);
  const asserted: { session?: AssertedSession } = {};
  try {
    // Everything the server decides about the session is computed and validated before any STS
    // call (GetCallerIdentity included): a policy or tag AWS would refuse fails here.
    const samlPair = samlPairOf(grant);
    const assumed = samlPair
      ? await assumeWithSaml(ctx, roleId, output, options, grant, samlPair, asserted)
      : await assumeWithBroker(ctx, output, options, grant);
    return { grant, assumed };
  } catch (error) {
    if (!(isAppError(error) && NOT_RECORDED_AS_FAILED.has(error.code)))
      await recordFailure(ctx, output, grant, error, undefined, asserted.session);
    throw error;
  }
}

/**
 * The checks before any STS call, in order: the rate limits, a grant for this role, this output,
 * MFA, enough access time left, the region's partition and complete federation settings. Each
 * refusal of access is audited as a denial; a region of another partition is bad input.
 * @returns the grant the issuance uses
 */
async function authorizeIssuance(
  ctx: IssuanceContext,
  roleId: string,
  output: IssuanceOutput,
  region: string,
): Promise<Grant> {
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
    await recordDenial(ctx, output, {
      roleId,
      reason: "no access rule grants this role to the user (or it does not exist)",
    });
    throw new AppError("not_found", "No such role, or you have no access to it.");
  }
  const allowed = output === "console" ? grant.allowConsole : grant.allowCli;
  if (!allowed) {
    await recordDenial(
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
  const stepUp = mfaStepUpError(grant, ctx.user, ctx.returnTo ?? DEFAULT_RETURN_TO);
  if (stepUp) {
    await recordDenial(
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
    await recordDenial(
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
  if (grant.assumeMethod !== "assume-role" && !samlPairOf(grant)) {
    await recordDenial(
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
  return grant;
}

interface SamlPair {
  roleArn: string;
  principalArn: string;
}

/** The role and SAML provider a grant reached through the IdP's AWS app names; null for AssumeRole. */
function samlPairOf(grant: Grant): SamlPair | null {
  return grant.assumeMethod === "assume-role-with-saml" && grant.samlProviderArn
    ? { roleArn: grant.roleArn, principalArn: grant.samlProviderArn }
    : null;
}

/**
 * AssumeRoleWithSAML, which needs no broker credentials and so is never role chaining. The role and
 * provider come from the database grant AND must be listed in a verified AWS-targeted assertion
 * held for this very session.
 */
async function assumeWithSaml(
  ctx: IssuanceContext,
  roleId: string,
  output: IssuanceOutput,
  options: IssuanceOptions,
  grant: Grant,
  samlPair: SamlPair,
  asserted: { session?: AssertedSession },
): Promise<AssumedRole> {
  const policy = sessionPolicyFor(grant);
  const chosenSeconds = await chooseDuration(ctx, grant, options.durationSeconds, false);
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
  // The session name and source identity AWS will give the session are the assertion's.
  asserted.session = { roleSessionName: held.roleSessionName, sourceIdentity: held.sourceIdentity };
  await recordAuthorized(ctx, output, grant, durationSeconds, options.region, asserted.session);
  return ctx.broker.assumeRoleWithSaml({
    ...samlPair,
    samlAssertion: held.samlResponse,
    durationSeconds,
    policy,
  });
}

/** AssumeRole with the portal's broker credentials, as the signed-in person (source identity). */
async function assumeWithBroker(
  ctx: IssuanceContext,
  output: IssuanceOutput,
  options: IssuanceOptions,
  grant: Grant,
): Promise<AssumedRole> {
  const policy = sessionPolicyFor(grant);
  const tags = sessionTagsFor(ctx.user);
  const identity = sessionIdentityFor(ctx.user);
  const durationSeconds = await chooseDuration(ctx, grant, options.durationSeconds, {
    askBroker: { forConsole: output === "console" },
  });
  await recordAuthorized(ctx, output, grant, durationSeconds, options.region);
  return ctx.broker.assumeRole({
    roleArn: grant.roleArn,
    ...identity,
    durationSeconds,
    externalId: grant.externalId,
    requiresBrokerMfa: grant.requiresBrokerMfa,
    tags,
    policy,
    forConsole: output === "console",
  });
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
