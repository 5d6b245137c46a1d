import "server-only";
import {
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  GetCallerIdentityCommand,
  type Credentials,
  type STSClient,
} from "@aws-sdk/client-sts";
import type { AppConfig } from "@/lib/config";
import { AppError, isAppError } from "@/lib/errors";
import { explainAssumeRoleRefusal } from "./assume-role-refusal";
import { createBrokerCredentials } from "./broker-credentials";
import type { BrokerCredentials, MfaStatus } from "./broker-credentials-api";
import type { BrokerSessionStore } from "./broker-session-store";
import { roleChainingOf, type BrokerIdentity, type BrokerStatus } from "./broker-status";
import type { TemporaryCredentials } from "./credential-formats";
import { ASSUMED_ROLE_ARN_PATTERN, ROLE_CHAINING_MAX_SECONDS } from "./partitions";
import type {
  AssumedRole,
  AssumeRoleRequest,
  AssumeRoleWithSamlRequest,
  StsBroker,
} from "./sts-broker-api";
import { createStsClients } from "./sts-clients";
import { createStsFailover, type StsFailover } from "./sts-failover";
import {
  retryPolicyFrom,
  systemClock,
  type FailoverClock,
  type RetryPolicy,
} from "./sts-retry-policy";

const BROKER_IDENTITY_TTL_MS = 5 * 60 * 1000;

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
    const isAssumedRole = ASSUMED_ROLE_ARN_PATTERN.test(arn);
    const value: BrokerIdentity = {
      arn,
      account: out.Account ?? "",
      isAssumedRole,
      isTemporary: isAssumedRole || (await credentials.runsOnTemporaryCredentials()),
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
    return broker.isTemporary;
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
          await credentials.endRefusedMfaSession(mfaClients).catch(() => undefined);
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

  /**
   * Why the configured MFA device can't be the broker's: an IAM user uses only its own devices, and
   * a device ARN names its account. AWS answers a foreign device as it answers a mistyped code, so
   * without this the admin would only ever see their codes refused. Null when it fits or the
   * broker's identity is not known (AWS then decides).
   */
  function mfaDeviceProblem(identity: BrokerIdentity | null): string | null {
    const deviceAccount = /^arn:[^:]+:iam::(\d{12}):mfa\//.exec(aws.brokerMfaSerial ?? "")?.[1];
    if (!identity || !deviceAccount || !identity.account || deviceAccount === identity.account)
      return null;
    return `GATEHOUSE_BROKER_MFA_SERIAL names a device of account ${deviceAccount}, but the broker (${identity.arn}) is in account ${identity.account}; an IAM user can unlock only with its own MFA device`;
  }

  async function unlockWithMfa(tokenCode: string): Promise<MfaStatus> {
    // The identity already known (read at start and by the Broker page): no extra STS call.
    const problem = credentials.mfaStatus().isAvailable
      ? mfaDeviceProblem(identityCache?.value ?? null)
      : null;
    if (problem) throw new AppError("validation_error", `MFA unlock is not available: ${problem}.`);
    return credentials.unlockWithMfa(tokenCode);
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
      mfa: withDeviceProblem(credentials.mfaStatus(), mfaDeviceProblem(identity)),
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
    unlockWithMfa,
    lock: () => credentials.lock(),
    getMfaStatus: () => credentials.mfaStatus(),
    getEndpointHealth: () => failover.getEndpointHealth(),
  };
}

/** The status the Broker page shows: a device that can't work makes unlock unavailable, saying why. */
function withDeviceProblem(mfa: MfaStatus, problem: string | null): MfaStatus {
  return problem && mfa.isAvailable && mfa.state === "locked"
    ? { ...mfa, isAvailable: false, unavailableReason: problem }
    : mfa;
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
