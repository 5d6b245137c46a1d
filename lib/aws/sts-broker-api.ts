import "server-only";
/** The broker's interface: what it is asked and answers (lib/aws/sts-broker.ts implements it). */
import type { Tag } from "@aws-sdk/client-sts";
import type { MfaStatus } from "./broker-credentials-api";
import type { BrokerIdentity, BrokerStatus } from "./broker-status";
import type { TemporaryCredentials } from "./credential-formats";
import type { EndpointHealth } from "./sts-endpoint-health";

export interface AssumeRoleRequest {
  roleArn: string;
  roleSessionName: string;
  sourceIdentity: string;
  durationSeconds: number;
  externalId?: string | null;
  tags?: Tag[];
  /** An inline session policy (JSON) further restricting the session. */
  policy?: string;
  /** The role's trust policy requires aws:MultiFactorAuthPresent: sign with the MFA session. */
  requiresBrokerMfa?: boolean;
  /**
   * The credentials will open a console session. AWS's federation endpoint refuses credentials
   * from an AssumeRole that carried DurationSeconds unless an IAM user's long-term key signed it
   * (IAM User Guide, "Enable custom identity broker access to the AWS console"): so the call is
   * signed with the long-term key when there is one and no MFA session is needed, and otherwise
   * sent without DurationSeconds — the console session's length then comes from getSigninToken's
   * SessionDuration (docs/AWS.md "Console sign-in").
   */
  forConsole?: boolean;
}

export interface AssumedRole {
  credentials: TemporaryCredentials;
  assumedRoleArn: string;
  /** The session length granted, after the role-chaining cap (console: the console session's). */
  durationSeconds: number;
  /**
   * Whether DurationSeconds went to AWS. When it did not (console credentials from a session), the
   * credentials last AWS's default hour and SessionDuration sets the console session.
   */
  sentDurationSeconds: boolean;
  /**
   * True when AWS capped (or would cap) the session at one hour: the AssumeRole carried
   * DurationSeconds and was signed with temporary credentials (see `capsAtOneHour`), or, for a
   * console session, the broker itself runs on role credentials.
   */
  isRoleChained: boolean;
  /** The SourceIdentity AWS recorded for the session, if any. */
  sourceIdentity: string | null;
}

export interface AssumeRoleWithSamlRequest {
  roleArn: string;
  principalArn: string;
  /** The base64 SAML Response exactly as the IdP posted it. A bearer secret: never logged. */
  samlAssertion: string;
  durationSeconds: number;
  /** An inline session policy (JSON) further restricting the session. */
  policy?: string;
}

export interface StsBroker {
  /**
   * AssumeRole with the broker's credentials (the MFA session when `requiresBrokerMfa`), capped at
   * one hour when the broker is itself an assumed role.
   * @throws AppError("broker_locked") for an MFA role while no MFA session is unlocked;
   *   AppError("aws_refused" | "aws_unavailable") from STS.
   */
  assumeRole(request: AssumeRoleRequest): Promise<AssumedRole>;
  /**
   * Whether AWS limits this AssumeRole to one hour. AWS treats an AssumeRole signed with any
   * temporary credentials as role chaining — a GetSessionToken session (MFA or not) as much as role
   * credentials — and refuses DurationSeconds above 3,600 (docs/AWS.md "Session length"). The
   * broker signs a longer session with its long-term key when it has one and the role needs no MFA
   * session, so the cap remains for MFA roles and for brokers without long-term keys. A console
   * session is capped only for a role-chained broker (its length is SessionDuration's).
   */
  capsAtOneHour(
    request: Pick<AssumeRoleRequest, "requiresBrokerMfa" | "forConsole">,
  ): Promise<boolean>;
  /** AssumeRoleWithSAML needs no broker credentials: it is sent unsigned. */
  assumeRoleWithSaml(request: AssumeRoleWithSamlRequest): Promise<AssumedRole>;
  /** GetCallerIdentity for the broker, cached for five minutes (`refresh` skips the cache). */
  getBrokerIdentity(options?: { refresh?: boolean }): Promise<BrokerIdentity>;
  /** For the admin page; never throws for AWS failures (they are part of the status). */
  getStatus(options?: { refresh?: boolean }): Promise<BrokerStatus>;
  /**
   * See BrokerCredentials.unlockWithMfa; also a validation_error, before any code is spent, when
   * the configured device ARN names another account than the broker's known identity (the status
   * then shows unlock as unavailable, saying why).
   */
  unlockWithMfa(tokenCode: string): Promise<MfaStatus>;
  /** Discards the MFA session, on every replica (see BrokerCredentials.lock). */
  lock(): Promise<void>;
  getMfaStatus(): MfaStatus;
  getEndpointHealth(): EndpointHealth[];
}
