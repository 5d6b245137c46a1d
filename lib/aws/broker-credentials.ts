import "server-only";
import { GetSessionTokenCommand, type STSClient } from "@aws-sdk/client-sts";
import type { AppConfig } from "@/lib/config";
import { AppError, isAppError } from "@/lib/errors";
import type { BrokerCredentials, CredentialSource, MfaStatus } from "./broker-credentials-api";
import type {
  BrokerSessionKind,
  BrokerSessionStore,
  StoredBrokerSession,
} from "./broker-session-store";
import { mfaCodeDigits } from "./mfa-code";
import { createStsClients, type StsCredentials } from "./sts-clients";
import type { StsFailover } from "./sts-failover";
import type { FailoverClock } from "./sts-retry-policy";

/**
 * The broker's own AWS credentials. With explicit long-term IAM user keys (AKIA…) the portal
 * exchanges them once for a GetSessionToken session and signs everything else with that, except
 * what AWS accepts only from the long-term key (longTermClients), so that key signs little; an administrator can also unlock a separate MFA-authenticated
 * session for roles whose trust policy requires aws:MultiFactorAuthPresent. Secrets and session
 * tokens are never logged (docs/INVARIANTS.md invariant 3). They live in this process's memory and,
 * with a session store (several replicas, docs/OPERATIONS.md "The broker's sessions"), sealed in
 * the database, so that every replica signs with the same session and shares one MFA unlock.
 */

/** Refresh a cached session this long before AWS says it expires. */
export const SESSION_REFRESH_MARGIN_MS = 5 * 60 * 1000;

interface CachedSession {
  credentials: StsCredentials & { expiration: Date };
  clients: STSClient[];
  exchangedAt: Date;
}

export function credentialSourceOf(aws: AppConfig["aws"]): CredentialSource {
  if (!aws.brokerCredentials) return "AWS default credential chain";
  return aws.brokerCredentials.sessionToken || aws.brokerCredentials.accessKeyId.startsWith("ASIA")
    ? "explicit session credentials"
    : "explicit IAM user keys";
}

export function createBrokerCredentials(
  aws: AppConfig["aws"],
  failover: StsFailover,
  clock: Pick<FailoverClock, "now">,
  store: BrokerSessionStore | null = null,
): BrokerCredentials {
  const source = credentialSourceOf(aws);
  const makeClients = (signer: StsCredentials | "default-chain") =>
    createStsClients(failover.endpoints, failover.policy, signer);
  const explicit = aws.brokerCredentials;
  const baseClients = makeClients(
    explicit
      ? {
          accessKeyId: explicit.accessKeyId,
          secretAccessKey: explicit.secretAccessKey,
          ...(explicit.sessionToken ? { sessionToken: explicit.sessionToken } : {}),
        }
      : "default-chain",
  );
  const hasLongTermKeys = source === "explicit IAM user keys";
  const usesSessionToken = hasLongTermKeys && aws.brokerUsesSessionToken;
  const sessionNotUsedReason = usesSessionToken
    ? null
    : !hasLongTermKeys
      ? `the broker runs on ${source}; GetSessionToken needs long-term IAM user keys`
      : "turned off (GATEHOUSE_BROKER_GET_SESSION_TOKEN=false)";
  const mfaUnavailableReason = !aws.brokerMfaSerial
    ? "no MFA device is configured (GATEHOUSE_BROKER_MFA_SERIAL)"
    : !hasLongTermKeys
      ? `the broker runs on ${source}; an MFA session needs long-term IAM user keys`
      : null;

  let session: CachedSession | null = null;
  let pendingExchange: Promise<CachedSession> | null = null;
  let mfaSession: CachedSession | null = null;

  const isFresh = (s: CachedSession | null): s is CachedSession =>
    s !== null && s.credentials.expiration.getTime() - SESSION_REFRESH_MARGIN_MS > clock.now();

  /** A stored session as this replica's own: the same credentials, clients of its own. */
  const adopt = (stored: StoredBrokerSession): CachedSession => ({
    credentials: stored.credentials,
    clients: makeClients(stored.credentials),
    exchangedAt: stored.exchangedAt,
  });
  /** Which MFA session each set of clients signs with, as long as someone still holds them. */
  const mfaKeyOf = new WeakMap<STSClient[], string>();
  const remembered = (s: CachedSession | null): CachedSession | null => {
    if (s) mfaKeyOf.set(s.clients, s.credentials.accessKeyId);
    return s;
  };

  /** What the store holds for `kind`, adopted, unless this replica already has that session. */
  async function fromStore(
    kind: BrokerSessionKind,
    mine: CachedSession | null,
  ): Promise<CachedSession | null | "unavailable"> {
    const stored = await store!.load(kind);
    if (stored === "unavailable" || stored === null) return stored;
    if (mine && mine.credentials.accessKeyId === stored.credentials.accessKeyId) return mine;
    return adopt(stored);
  }

  function retire(s: CachedSession | null): void {
    // Let in-flight requests finish on the old clients' sockets before closing them.
    if (s) setTimeout(() => s.clients.forEach((c) => c.destroy()), 60_000).unref();
  }

  async function getSessionToken(
    action: string,
    input: { DurationSeconds: number; SerialNumber?: string; TokenCode?: string },
  ): Promise<CachedSession> {
    const out = await failover.run(action, (i, abortSignal) =>
      baseClients[i]!.send(new GetSessionTokenCommand(input), { abortSignal }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new AppError("aws_unavailable", "AWS STS returned an incomplete answer. Try again.", {
        internalReason: `${action}: GetSessionToken returned no credentials`,
      });
    }
    const credentials = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
    return { credentials, clients: makeClients(credentials), exchangedAt: new Date(clock.now()) };
  }

  async function clients(): Promise<STSClient[]> {
    if (!usesSessionToken) return baseClients;
    if (isFresh(session)) return session.clients;
    // Single flight: concurrent callers share one look at the store and one GetSessionToken call.
    pendingExchange ??= sharedOrNewSession()
      .then((fresh) => {
        if (fresh !== session) retire(session);
        session = fresh;
        return fresh;
      })
      .finally(() => {
        pendingExchange = null;
      });
    return (await pendingExchange).clients;
  }

  /** Another replica's fresh session if the store has one, else a new exchange, then shared. */
  async function sharedOrNewSession(): Promise<CachedSession> {
    if (store) {
      const shared = await fromStore("session", session);
      if (shared !== "unavailable" && isFresh(shared)) return shared;
    }
    const fresh = await getSessionToken("GetSessionToken (broker session)", {
      DurationSeconds: aws.brokerSessionSeconds,
    });
    await store?.save("session", fresh);
    return fresh;
  }

  async function mfaClients(): Promise<STSClient[] | null> {
    if (store) await syncMfa();
    return isFresh(mfaSession) ? mfaSession.clients : null;
  }

  /** The store's MFA session becomes this replica's; none there means locked everywhere. */
  async function syncMfa(): Promise<void> {
    const shared = await fromStore("mfa", mfaSession);
    // The store could not be asked: keep what this replica knows.
    if (shared === "unavailable" || shared === mfaSession) return;
    retire(mfaSession);
    mfaSession = remembered(shared);
  }

  function mfaStatus(): MfaStatus {
    const isUnlocked = isFresh(mfaSession);
    return {
      isAvailable: mfaUnavailableReason === null,
      unavailableReason: mfaUnavailableReason,
      serialNumber: aws.brokerMfaSerial ?? null,
      state: isUnlocked ? "unlocked" : "locked",
      // When the broker stops using it, not AWS's expiry: the page and the audit record must not
      // promise minutes in which MFA roles are already refused.
      expiresAt:
        isUnlocked && mfaSession
          ? new Date(mfaSession.credentials.expiration.getTime() - SESSION_REFRESH_MARGIN_MS)
          : null,
      isShared: store !== null,
    };
  }

  async function unlockWithMfa(tokenCode: string): Promise<MfaStatus> {
    if (mfaUnavailableReason !== null || !aws.brokerMfaSerial) {
      throw new AppError(
        "validation_error",
        `MFA unlock is not available: ${mfaUnavailableReason ?? "no MFA device is configured"}.`,
      );
    }
    const code = mfaCodeDigits(tokenCode);
    if (code === null) {
      throw new AppError(
        "validation_error",
        "The MFA code must be the 6 digits your device shows.",
        {
          issues: [{ path: "tokenCode", message: "must be exactly 6 digits" }],
        },
      );
    }
    let fresh: CachedSession;
    try {
      fresh = await getSessionToken("GetSessionToken (MFA unlock)", {
        DurationSeconds: aws.brokerSessionSeconds,
        SerialNumber: aws.brokerMfaSerial,
        TokenCode: code,
      });
    } catch (error) {
      if (
        isAppError(error) &&
        error.code === "aws_refused" &&
        error.awsErrorCode === "AccessDenied"
      ) {
        throw new AppError(
          "aws_refused",
          "AWS did not accept this MFA code for the broker's device. Wait for the next code and try again (each code works once).",
          { awsErrorCode: "AccessDenied", internalReason: error.internalReason, cause: error },
        );
      }
      throw error;
    }
    retire(mfaSession);
    mfaSession = remembered(fresh);
    await store?.save("mfa", fresh);
    return mfaStatus();
  }

  async function runsOnTemporaryCredentials(): Promise<boolean> {
    if (source !== "AWS default credential chain") return source === "explicit session credentials";
    // Whatever the chain found (environment, profile, credential process, container, instance);
    // the SDK caches it, so this asks nothing of AWS.
    try {
      const found = await baseClients[0]!.config.credentials();
      return typeof found.sessionToken === "string" && found.sessionToken !== "";
    } catch {
      return false;
    }
  }

  return {
    source,
    usesSessionToken,
    clients,
    runsOnTemporaryCredentials,
    isSignedWithExchangedSession: (c) => session !== null && c === session.clients,
    invalidateSession: () => {
      // The shared copy is as stale as ours: gone, unless another replica already replaced it.
      if (session && store)
        void store.clear("session", session.credentials.accessKeyId).catch(() => undefined);
      retire(session);
      session = null;
    },
    mfaClients,
    longTermClients: () => (hasLongTermKeys ? baseClients : null),
    unlockWithMfa,
    lock: async () => {
      retire(mfaSession);
      mfaSession = null;
      try {
        await store?.clear("mfa");
      } catch (error) {
        throw new AppError(
          "database_unavailable",
          "The broker is locked on this replica, but the lock could not reach the others. Try again.",
          { internalReason: "clearing the shared MFA session failed", cause: error },
        );
      }
    },
    endRefusedMfaSession: async (refused) => {
      const accessKeyId = mfaKeyOf.get(refused);
      if (mfaSession?.clients === refused) {
        retire(mfaSession);
        mfaSession = null;
      }
      // Compare-and-delete: another replica may already have unlocked again, and that newer
      // session is the one every replica should now use.
      if (accessKeyId) await store?.clear("mfa", accessKeyId);
    },
    syncFromStore: async () => {
      if (!store) return;
      await syncMfa();
      if (usesSessionToken && !isFresh(session)) {
        const shared = await fromStore("session", session);
        if (shared !== "unavailable" && isFresh(shared) && shared !== session) {
          retire(session);
          session = shared;
        }
      }
    },
    sessionStatus: () => ({
      isUsed: usesSessionToken,
      reason: sessionNotUsedReason,
      expiresAt: session?.credentials.expiration ?? null,
      accessKeyId: session?.credentials.accessKeyId ?? null,
      exchangedAt: session?.exchangedAt ?? null,
    }),
    mfaStatus,
  };
}
