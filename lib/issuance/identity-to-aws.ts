import "server-only";
import type { Tag } from "@aws-sdk/client-sts";
import type { Grant } from "@/lib/access/resolve-grants";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { sessionIdentityProblem } from "@/lib/aws/role-session-name";
import { validateSessionPolicy } from "@/lib/aws/session-policy";
import { validateSessionTags } from "@/lib/aws/session-tags";
import { AppError, isAppError } from "@/lib/errors";
import { safeReturnPath } from "@/lib/http/return-path";

/** Where the browser goes to re-authenticate with MFA, then back to `returnTo`. */
export function stepUpUrl(returnTo: string): string {
  return `/api/auth/step-up?returnTo=${encodeURIComponent(safeReturnPath(returnTo))}`;
}

/**
 * Where the browser goes to fetch an AWS-targeted assertion from the IdP's AWS app for `roleId`,
 * then on to `returnTo` (a same-site path; any other value becomes /accounts).
 */
export function awsAppTripUrl(roleId: string, returnTo: string): string {
  return `/api/aws/saml/start?roleId=${encodeURIComponent(roleId)}&returnTo=${encodeURIComponent(safeReturnPath(returnTo))}`;
}

/**
 * The error an issuance must stop with when the grant exists only through rules requiring MFA and
 * this sign-in carried none — or null when it may proceed. Call it after authorization and before
 * any STS call. `nextUrl` starts a step-up that comes back to `returnTo` (a same-site path; any
 * other value becomes /accounts).
 */
export function mfaStepUpError(
  grant: Grant,
  user: Pick<SignedInUser, "mfaAuthenticated">,
  returnTo: string,
): AppError | null {
  if (!grant.needsMfaStepUp || user.mfaAuthenticated) return null;
  return new AppError(
    "mfa_required",
    "This role requires multi-factor sign-in. Sign in again with your second factor, then retry.",
    {
      internalReason: `access rules ${grant.ruleIds.join(", ")} require MFA; this sign-in carried no MFA evidence`,
      nextUrl: stepUpUrl(returnTo),
    },
  );
}

/**
 * The session tags to pass to AssumeRole: the ones computed from the IdP's claims at sign-in,
 * checked against AWS's limits now, before any STS call. The values come from the identity
 * provider, not from the request, so a tag AWS would refuse is not the caller's input error: it
 * fails closed as "forbidden", which issuance audits as a failed issuance with the exact problem.
 * @throws AppError("forbidden") naming the tag and the limit it breaks.
 */
export function sessionTagsFor(user: Pick<SignedInUser, "sessionTags">): Tag[] {
  try {
    return validateSessionTags(user.sessionTags);
  } catch (error) {
    if (!isAppError(error)) throw error;
    throw new AppError(
      "forbidden",
      `${error.publicMessage} No credentials were issued: your identity provider sends a value AWS does not accept. Ask an administrator to fix the claim or the GATEHOUSE_SESSION_TAGS mapping.`,
      { internalReason: error.internalReason ?? error.publicMessage },
    );
  }
}

/**
 * The session policy to pass as AssumeRole `Policy` (minified), or undefined for none. The stored
 * policy is validated again here: an invalid one fails closed — the user is told the role's
 * access rule is misconfigured, the audit log gets the exact problem (internalReason).
 * @throws AppError("forbidden") when the rule's policy is not a valid session policy.
 */
export function sessionPolicyFor(
  grant: Pick<Grant, "sessionPolicy" | "ruleIds">,
): string | undefined {
  if (grant.sessionPolicy === null) return undefined;
  const check = validateSessionPolicy(grant.sessionPolicy);
  if (check.ok) return check.minified;
  throw new AppError(
    "forbidden",
    "The session policy of your access rule for this role is not valid, so no credentials were issued. Ask an administrator to fix the rule.",
    { internalReason: `session policy of rules ${grant.ruleIds.join(", ")}: ${check.message}` },
  );
}

/**
 * The RoleSessionName and SourceIdentity AssumeRole carries for this person, checked against
 * AWS's rules before any STS call. Both come from the user's record (a session name chosen to fit,
 * the user's id), so a refusal means a damaged record: it fails closed as "forbidden", audited.
 * @throws AppError("forbidden") naming which value breaks which rule (never the value itself).
 */
export function sessionIdentityFor(user: Pick<SignedInUser, "id" | "roleSessionName">): {
  roleSessionName: string;
  sourceIdentity: string;
} {
  const problem = sessionIdentityProblem(user.roleSessionName, user.id);
  if (problem) {
    throw new AppError(
      "forbidden",
      `Your AWS session identity can't be sent to AWS: ${problem} No credentials were issued; ask an administrator.`,
      { internalReason: `session identity of user ${user.id.slice(0, 64)}: ${problem}` },
    );
  }
  return { roleSessionName: user.roleSessionName, sourceIdentity: user.id };
}
