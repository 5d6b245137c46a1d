import "server-only";
import {
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  GetCallerIdentityCommand,
  type Credentials,
  type STSClient,
  type Tag,
} from "@aws-sdk/client-sts";
import type { AppConfig } from "@/lib/config";
import { AppError, isAppError } from "@/lib/errors";
import { explainAssumeRoleRefusal } from "./assume-role-refusal";
import {
  createBrokerCredentials,
  type BrokerCredentials,
  type CredentialSource,
  type MfaStatus,
  type SessionExchangeStatus,
} from "./broker-credentials";
import type { BrokerSessionStore } from "./broker-session-store";
import type { TemporaryCredentials } from "./credential-formats";
import { ASSUMED_ROLE_ARN_PATTERN, ROLE_CHAINING_MAX_SECONDS } from "./partitions";
import {
  createStsClients,
  createStsFailover,
  retryPolicyFrom,
  systemClock,
  type EndpointHealth,
  type FailoverClock,
  type RetryPolicy,
  type StsFailover,
} from "./sts-endpoints";

const BROKER_IDENTITY_TTL_MS = 5 * 60 * 1000;

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

export interface BrokerIdentity {
  arn: string;
  account: string;
  isAssumedRole: boolean;
  credentialSource: CredentialSource;
  /** Whether the broker signs with a GetSessionToken session rather than its long-term key. */
  usesSessionToken: boolean;
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
  /** See BrokerCredentials.unlockWithMfa. */
  unlockWithMfa(tokenCode: string): Promise<MfaStatus>;
  /** Discards the MFA session, on every replica (see BrokerCredentials.lock). */
  lock(): Promise<void>;
  getMfaStatus(): MfaStatus;
  getEndpointHealth(): EndpointHealth[];
}

export interface StsBrokerDeps {
  clock?: FailoverClock;
  /** Shares the exchanged sessions between replicas (docs/OPERATIONS.md "The broker's sessions"). */
  sessionStore?: BrokerSessionStore;
  /** Overrides of the retry policy derived from configuration (tests, benchmarks). */
  policy?: Partial<RetryPolicy>;
}

/** Errors that mean the exchanged broker session is no longer good; a fresh exchange may fix it. */
const STALE_SESSION_CODES = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
]);

/**
 * The one module that talks to AWS STS with the portal's broker credentials: explicit keys from
 * configuration, or the AWS default credential chain (instance profile, ECS task role, IRSA, …),
 * over the configured endpoints with failover. Every parameter comes from the caller's resolved
 * grant, never from the HTTP request.
 */
export function createStsBroker(aws: AppConfig["aws"], deps: StsBrokerDeps = {}): StsBroker {
  const clock = deps.clock ?? systemClock;
  const policy = { ...retryPolicyFrom(aws), ...deps.policy };
  const failover: StsFailover = createStsFailover(aws.stsEndpoints, policy, clock);
  const credentials: BrokerCredentials = createBrokerCredentials(
    aws,
    failover,
    clock,
    deps.sessionStore ?? null,
  );
  // AssumeRoleWithSAML is authenticated by the assertion; the SDK sends it unsigned (noAuth).
  const samlClients = createStsClients(aws.stsEndpoints, policy, "default-chain");

  let identityCache: { value: BrokerIdentity; fetchedAt: number } | undefined;
  let identityError: BrokerStatus["identityError"] = null;

  /** Runs a broker-signed call; one re-exchange if AWS says the exchanged session went stale. */
  async function sendSigned<T>(
    action: string,
    send: (client: STSClient, abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    for (let round = 0; ; round += 1) {
      const clients = await credentials.clients();
      try {
        return await failover.run(action, (i, signal) => send(clients[i]!, signal));
      } catch (error) {
        const isStale =
          isAppError(error) &&
          error.code === "aws_refused" &&
          STALE_SESSION_CODES.has(error.awsErrorCode ?? "") &&
          credentials.isSignedWithExchangedSession(clients);
        if (!isStale || round > 0) throw error;
        credentials.invalidateSession();
      }
    }
  }

  let pendingIdentity: Promise<BrokerIdentity> | null = null;

  function getBrokerIdentity(options: { refresh?: boolean } = {}): Promise<BrokerIdentity> {
    if (
      !options.refresh &&
      identityCache &&
      clock.now() - identityCache.fetchedAt < BROKER_IDENTITY_TTL_MS
    )
      return Promise.resolve(identityCache.value);
    // Single flight: a burst of first requests shares one GetCallerIdentity.
    pendingIdentity ??= fetchBrokerIdentity().finally(() => {
      pendingIdentity = null;
    });
    return pendingIdentity;
  }

  async function fetchBrokerIdentity(): Promise<BrokerIdentity> {
    let out;
    try {
      out = await sendSigned("GetCallerIdentity", (client, abortSignal) =>
        client.send(new GetCallerIdentityCommand({}), { abortSignal }),
      );
    } catch (error) {
      identityError = isAppError(error)
        ? { message: error.publicMessage, awsErrorCode: error.awsErrorCode ?? null }
        : { message: "GetCallerIdentity failed unexpectedly.", awsErrorCode: null };
      throw error;
    }
    const arn = out.Arn ?? "";
    const value: BrokerIdentity = {
      arn,
      account: out.Account ?? "",
      isAssumedRole: ASSUMED_ROLE_ARN_PATTERN.test(arn),
      credentialSource: credentials.source,
      usesSessionToken: credentials.usesSessionToken,
    };
    identityCache = { value, fetchedAt: clock.now() };
    identityError = null;
    return value;
  }

  async function capsAtOneHour(
    request: Pick<AssumeRoleRequest, "requiresBrokerMfa" | "forConsole">,
  ): Promise<boolean> {
    const broker = await getBrokerIdentity();
    if (request.forConsole) return broker.isAssumedRole;
    if (request.requiresBrokerMfa) return true;
    if (credentials.longTermClients() !== null) return false;
    return broker.isAssumedRole || credentials.source === "explicit session credentials";
  }

  async function assumeRole(request: AssumeRoleRequest): Promise<AssumedRole> {
    const isCapped = await capsAtOneHour(request);
    const durationSeconds = isCapped
      ? Math.min(request.durationSeconds, ROLE_CHAINING_MAX_SECONDS)
      : request.durationSeconds;
    // The long-term key signs what the everyday session cannot: a console session's AssumeRole
    // with DurationSeconds, and any session longer than AWS allows a chained one.
    const needsLongTermKey =
      request.forConsole === true || durationSeconds > ROLE_CHAINING_MAX_SECONDS;
    const longTerm =
      needsLongTermKey && !request.requiresBrokerMfa ? credentials.longTermClients() : null;
    const sendDuration = !request.forConsole || longTerm !== null;
    const command = new AssumeRoleCommand({
      RoleArn: request.roleArn,
      RoleSessionName: request.roleSessionName,
      SourceIdentity: request.sourceIdentity,
      ...(sendDuration ? { DurationSeconds: durationSeconds } : {}),
      ...(request.externalId ? { ExternalId: request.externalId } : {}),
      ...(request.tags && request.tags.length > 0 ? { Tags: request.tags } : {}),
      ...(request.policy ? { Policy: request.policy } : {}),
    });
    let out;
    if (request.requiresBrokerMfa) {
      const mfaClients = await credentials.mfaClients();
      if (!mfaClients) throw brokerLocked(credentials.mfaStatus());
      try {
        out = await failover.run("AssumeRole (MFA session)", (i, abortSignal) =>
          mfaClients[i]!.send(command, { abortSignal }),
        );
      } catch (error) {
        // AWS ended the MFA session early: it is of no further use until the next unlock.
        if (isAppError(error) && STALE_SESSION_CODES.has(error.awsErrorCode ?? "")) {
          await credentials.lock().catch(() => undefined);
          throw brokerLocked(credentials.mfaStatus());
        }
        throw error;
      }
    } else if (longTerm) {
      const why = request.forConsole ? "for the console" : "longer than an hour";
      out = await failover.run(`AssumeRole (long-term key, ${why})`, (i, abortSignal) =>
        longTerm[i]!.send(command, { abortSignal }),
      );
    } else {
      try {
        out = await sendSigned("AssumeRole", (client, abortSignal) =>
          client.send(command, { abortSignal }),
        );
      } catch (error) {
        // Only the everyday credentials can be a role session (the MFA session and the
        // long-term key are an IAM user's), passing its transitive tags and source identity on.
        const isChained = await getBrokerIdentity().then(
          (identity) => identity.isAssumedRole,
          () => false,
        );
        throw explainAssumeRoleRefusal(error, { isChained, tagCount: request.tags?.length ?? 0 });
      }
    }
    return {
      credentials: credentialsFrom(out.Credentials, "AssumeRole"),
      assumedRoleArn: out.AssumedRoleUser?.Arn ?? "",
      durationSeconds,
      sentDurationSeconds: sendDuration,
      isRoleChained: isCapped,
      sourceIdentity: out.SourceIdentity ?? request.sourceIdentity,
    };
  }

  async function assumeRoleWithSaml(request: AssumeRoleWithSamlRequest): Promise<AssumedRole> {
    const command = new AssumeRoleWithSAMLCommand({
      RoleArn: request.roleArn,
      PrincipalArn: request.principalArn,
      SAMLAssertion: request.samlAssertion.replace(/\s+/g, ""),
      DurationSeconds: request.durationSeconds,
      ...(request.policy ? { Policy: request.policy } : {}),
    });
    const out = await failover.run("AssumeRoleWithSAML", (i, abortSignal) =>
      samlClients[i]!.send(command, { abortSignal }),
    );
    return {
      credentials: credentialsFrom(out.Credentials, "AssumeRoleWithSAML"),
      assumedRoleArn: out.AssumedRoleUser?.Arn ?? "",
      durationSeconds: request.durationSeconds,
      sentDurationSeconds: true,
      isRoleChained: false,
      sourceIdentity: out.SourceIdentity ?? null,
    };
  }

  async function getStatus(options: { refresh?: boolean } = {}): Promise<BrokerStatus> {
    await credentials.syncFromStore();
    let identity: BrokerIdentity | null = null;
    try {
      identity = await getBrokerIdentity(options);
    } catch {
      // Recorded in identityError; the page shows it.
    }
    return {
      checkedAt: new Date(identityCache?.fetchedAt ?? clock.now()),
      identity,
      identityError: identity ? null : identityError,
      roleChaining: roleChainingOf(identity),
      credentialSource: credentials.source,
      session: credentials.sessionStatus(),
      mfa: credentials.mfaStatus(),
      endpoints: failover.getEndpointHealth(),
      policy,
    };
  }

  return {
    assumeRole,
    capsAtOneHour,
    assumeRoleWithSaml,
    getBrokerIdentity,
    getStatus,
    unlockWithMfa: (tokenCode) => credentials.unlockWithMfa(tokenCode),
    lock: () => credentials.lock(),
    getMfaStatus: () => credentials.mfaStatus(),
    getEndpointHealth: () => failover.getEndpointHealth(),
  };
}

function brokerLocked(mfa: MfaStatus): AppError {
  return new AppError(
    "broker_locked",
    "This role requires the portal's broker to be unlocked with MFA by an administrator (its trust policy requires aws:MultiFactorAuthPresent). Ask an administrator to unlock the broker, then try again.",
    {
      internalReason: mfa.isAvailable
        ? "role requires the broker's MFA session and it is locked (or expired)"
        : `role requires the broker's MFA session, which is unavailable: ${mfa.unavailableReason ?? "unknown"}`,
    },
  );
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
  if (identity.credentialSource === "explicit session credentials")
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

function credentialsFrom(c: Credentials | undefined, action: string): TemporaryCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw new AppError("aws_unavailable", "AWS STS returned an incomplete answer. Try again.", {
      internalReason: `${action} returned no credentials`,
    });
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}
