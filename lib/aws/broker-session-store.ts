import "server-only";
import { openValue, sealValue } from "@/lib/crypto/sealed-value";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log";
import type { StsCredentials } from "./sts-clients";

export type BrokerSessionKind = "session" | "mfa";

/** An exchanged broker session: the credentials STS returned and when they were exchanged. */
export interface StoredBrokerSession {
  credentials: StsCredentials & { expiration: Date };
  exchangedAt: Date;
}

/**
 * Where the broker keeps its exchanged sessions so that every replica uses the same ones
 * (docs/OPERATIONS.md "The broker's sessions"): one GetSessionToken for the whole deployment, and
 * an MFA unlock (or lock) on one replica holds on all of them. Loading and saving never throw: a
 * store that can't be read or written costs an extra exchange on this replica, nothing more.
 */
export interface BrokerSessionStore {
  load(kind: BrokerSessionKind): Promise<StoredBrokerSession | null | "unavailable">;
  save(kind: BrokerSessionKind, session: StoredBrokerSession): Promise<void>;
  /**
   * Deletes the stored session; with `accessKeyId`, only if it is still that one.
   * @throws the database's error: a lock that did not reach the other replicas must say so.
   */
  clear(kind: BrokerSessionKind, accessKeyId?: string): Promise<void>;
}

const SEAL_PURPOSE = "broker-session";

/**
 * The database store. The secret key and session token are sealed under a key derived from
 * NEXTAUTH_SECRET and bound to the row's kind, the long-term key that exchanged them and their
 * access key id, so a sealed value moved to another row does not open. A session exchanged by
 * another long-term key (the broker's key was rotated) is ignored.
 */
export function createDbBrokerSessionStore(
  db: Db,
  opts: { sealSecret: string; sourceKeyId: string },
): BrokerSessionStore {
  const boundTo = (kind: string, accessKeyId: string) =>
    `${kind}|${opts.sourceKeyId}|${accessKeyId}`;
  return {
    async load(kind) {
      try {
        const row = await db.brokerSession.findUnique({ where: { kind } });
        if (!row || row.sourceKeyId !== opts.sourceKeyId) return null;
        const secret = JSON.parse(
          openValue(opts.sealSecret, SEAL_PURPOSE, row.sealed, boundTo(kind, row.accessKeyId)),
        ) as { secretAccessKey: string; sessionToken?: string };
        return {
          credentials: {
            accessKeyId: row.accessKeyId,
            secretAccessKey: secret.secretAccessKey,
            ...(secret.sessionToken ? { sessionToken: secret.sessionToken } : {}),
            expiration: row.expiresAt,
          },
          exchangedAt: row.exchangedAt,
        };
      } catch (error) {
        log.warn("broker session store: could not read the shared session", {
          kind,
          reason: error instanceof Error ? error.message.split("\n").at(-1) : String(error),
        });
        return "unavailable";
      }
    },
    async save(kind, session) {
      const { accessKeyId, secretAccessKey, sessionToken, expiration } = session.credentials;
      const row = {
        sourceKeyId: opts.sourceKeyId,
        accessKeyId,
        sealed: sealValue(
          opts.sealSecret,
          SEAL_PURPOSE,
          JSON.stringify({ secretAccessKey, sessionToken }),
          boundTo(kind, accessKeyId),
        ),
        expiresAt: expiration,
        exchangedAt: session.exchangedAt,
      };
      try {
        await db.brokerSession.upsert({ where: { kind }, create: { kind, ...row }, update: row });
      } catch (error) {
        log.warn("broker session store: could not share the session", {
          kind,
          reason: error instanceof Error ? error.message.split("\n").at(-1) : String(error),
        });
      }
    },
    async clear(kind, accessKeyId) {
      await db.brokerSession.deleteMany({
        where: { kind, ...(accessKeyId ? { accessKeyId } : {}) },
      });
    },
  };
}
