import "server-only";
/** The broker's identity and status, as the admin Broker page shows them. */
import type { CredentialSource, MfaStatus, SessionExchangeStatus } from "./broker-credentials-api";
import type { EndpointHealth } from "./sts-endpoint-health";
import type { RetryPolicy } from "./sts-retry-policy";

export interface BrokerIdentity {
  arn: string;
  account: string;
  isAssumedRole: boolean;
  /**
   * Whether the broker has only temporary credentials (a session token) to sign with: a role, its
   * configured session credentials, or a session the default chain found (a GetSessionToken
   * session names the IAM user, so the ARN alone does not say). AWS caps AssumeRole from them at
   * one hour (docs/AWS.md "Session length").
   */
  isTemporary: boolean;
  credentialSource: CredentialSource;
  /** Whether the broker signs with a GetSessionToken session rather than its long-term key. */
  usesSessionToken: boolean;
}

/** Everything the admin page shows about the broker. */
export interface BrokerStatus {
  checkedAt: Date;
  identity: BrokerIdentity | null;
  /** Why GetCallerIdentity failed (public message and AWS code), when it did. */
  identityError: { message: string; awsErrorCode: string | null } | null;
  roleChaining: { isRoleChained: boolean; explanation: string };
  credentialSource: CredentialSource;
  session: SessionExchangeStatus;
  mfa: MfaStatus;
  endpoints: EndpointHealth[];
  policy: RetryPolicy;
}

/** Why sessions are (or are not) capped at one hour, in words an admin can act on. */
export function roleChainingOf(identity: BrokerIdentity | null): BrokerStatus["roleChaining"] {
  if (!identity)
    return {
      isRoleChained: false,
      explanation: "Unknown until the broker's identity can be read (GetCallerIdentity).",
    };
  if (identity.isAssumedRole)
    return {
      isRoleChained: true,
      explanation:
        "Role chaining ⇒ sessions capped at 1 hour, because the broker runs on temporary role credentials (an assumed role: instance profile, ECS task role, IRSA or similar) and AWS limits every AssumeRole made with role credentials to 3,600 seconds, whatever the access rule or the role's MaxSessionDuration allows. Run the broker as an IAM user (long-term keys, exchanged via GetSessionToken) to issue sessions up to 12 hours.",
    };
  if (identity.isTemporary && identity.credentialSource === "AWS default credential chain")
    return {
      isRoleChained: true,
      explanation:
        "Role chaining ⇒ sessions capped at 1 hour, because the AWS default credential chain gave the broker temporary session credentials (a session token, such as a GetSessionToken session from the environment, a profile or a credential process), and AWS limits every AssumeRole made with temporary credentials to 3,600 seconds. Give the broker an IAM user's long-term keys instead to issue sessions up to 12 hours.",
    };
  if (identity.isTemporary)
    return {
      isRoleChained: true,
      explanation:
        "Role chaining ⇒ sessions capped at 1 hour, because the broker runs on the temporary session credentials it was configured with, and AWS limits every AssumeRole made with temporary credentials to 3,600 seconds. Configure the broker's long-term IAM user keys instead to issue sessions up to 12 hours.",
    };
  return {
    isRoleChained: false,
    explanation:
      "No role chaining: the broker is an IAM user, so sessions may last up to the lesser of the access rule's cap and the role's MaxSessionDuration (at most 12 hours; a session longer than an hour is signed with its long-term key, since AWS caps AssumeRole from its GetSessionToken session at one hour). Roles that need the broker's MFA session are capped at one hour.",
  };
}
