import "server-only";
import type { STSClient } from "@aws-sdk/client-sts";

/** What the broker's own credentials offer the broker (lib/aws/broker-credentials.ts makes them). */

export type CredentialSource =
  "explicit IAM user keys" | "explicit session credentials" | "AWS default credential chain";

export interface SessionExchangeStatus {
  /** Whether the broker signs with a GetSessionToken session instead of its long-term key. */
  isUsed: boolean;
  /** Why not, when not used. */
  reason: string | null;
  /** The current session's expiry, or null before the first exchange. */
  expiresAt: Date | null;
  /** Not a secret (CloudTrail logs it); lets an admin find the session's calls. */
  accessKeyId: string | null;
  exchangedAt: Date | null;
}

export interface MfaStatus {
  /** Whether an MFA unlock is possible with this configuration at all. */
  isAvailable: boolean;
  unavailableReason: string | null;
  serialNumber: string | null;
  state: "locked" | "unlocked";
  /**
   * When the unlocked MFA session stops being used: AWS's expiry minus the refresh margin, the
   * moment MFA roles start being refused.
   */
  expiresAt: Date | null;
  /** Whether the unlock is kept in the database for every replica, or in this process only. */
  isShared: boolean;
}

export interface BrokerCredentials {
  readonly source: CredentialSource;
  readonly usesSessionToken: boolean;
  /**
   * Clients (one per endpoint) signing with the broker's everyday credentials: the cached
   * GetSessionToken session (exchanged on first use, single-flight, refreshed near expiry), the
   * explicit keys, or the default chain.
   * @throws AppError from the GetSessionToken exchange (aws_unavailable, aws_refused).
   */
  clients(): Promise<STSClient[]>;
  /**
   * Whether the broker has no long-term key, only temporary credentials: its configured session
   * credentials, or what the default chain finds when that carries a session token.
   */
  runsOnTemporaryCredentials(): Promise<boolean>;
  /** Whether `clients()` currently signs with an exchanged session (worth re-exchanging on ExpiredToken). */
  isSignedWithExchangedSession(clients: STSClient[]): boolean;
  /** Forgets the exchanged session (AWS said it expired or is invalid); the next call exchanges anew. */
  invalidateSession(): void;
  /**
   * Clients signing with the MFA session, or null when locked (or expired). With a session store
   * it asks the store each time, so a lock or unlock on another replica holds here at once.
   */
  mfaClients(): Promise<STSClient[] | null>;
  /**
   * Clients signing with the long-term IAM user key itself (not the exchanged session), or null
   * when the broker has none. For the calls AWS wants that key for: an AssumeRole with
   * DurationSeconds whose credentials open a console session (docs/AWS.md "Console sign-in"), and
   * one asking for more than the hour AWS allows a temporary caller (docs/AWS.md "Session length").
   */
  longTermClients(): STSClient[] | null;
  /**
   * Exchanges the long-term key plus a 6-digit code from the broker's MFA device (spaces allowed,
   * as authenticator apps group the digits) for an MFA-authenticated session, kept (in memory, and
   * in the session store when there is one) until shortly before it expires.
   * @throws AppError("validation_error") for a code that is not 6 digits or when unlock is not
   *   available with this configuration; AppError("aws_refused") when AWS rejects the code.
   */
  unlockWithMfa(tokenCode: string): Promise<MfaStatus>;
  /**
   * Discards the MFA session at once, on every replica.
   * @throws the store's error when the lock could not be shared (this replica is locked anyway).
   */
  lock(): Promise<void>;
  /**
   * AWS refused the MFA session these clients (from `mfaClients()`) sign with, before its expiry:
   * forgets it on this replica, and in the store only if the store still holds that very session
   * (another replica may have unlocked again meanwhile).
   * @throws the store's error when the shared copy could not be deleted.
   */
  endRefusedMfaSession(refused: STSClient[]): Promise<void>;
  /** Brings this replica's view of the shared sessions up to date (for the status page). */
  syncFromStore(): Promise<void>;
  sessionStatus(): SessionExchangeStatus;
  mfaStatus(): MfaStatus;
}
