import "server-only";
import type { Db } from "./client";
import { findings } from "./database-fault";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** PostgreSQL's serialization_failure and deadlock_detected: the transaction was rolled back. */
const RERUNNABLE_SQLSTATES = new Set(["40001", "40P01"]);

/**
 * Whether an error (or what it wraps) is the database refusing a transaction because a concurrent
 * one won: the transaction changed nothing and may simply be run again. Prisma reports it as
 * P2034 when a statement fails; when the COMMIT itself fails (PostgreSQL checks serializable
 * transactions there too), the driver adapter's error says TransactionWriteConflict and carries
 * the SQLSTATE (40001, or 40P01 for a deadlock) instead.
 */
export function isWriteConflict(error: unknown): boolean {
  return findings(error).some(
    (f) =>
      f.code === "P2034" ||
      f.kind === "TransactionWriteConflict" ||
      (f.code !== null && RERUNNABLE_SQLSTATES.has(f.code)),
  );
}

/**
 * Runs `work` in a serializable transaction, again (up to `attempts` times in all) when a
 * concurrent transaction won: the rerun sees what the winner committed, so a check such as "is
 * this the last enabled identity provider?" answers for the world as it now is. `limits` are
 * Prisma's transaction timeout and maxWait, for work longer than its 5-second default.
 */
export async function serializableTransaction<T>(
  db: Db,
  work: (tx: Tx) => Promise<T>,
  attempts = 3,
  limits: { timeout?: number; maxWait?: number } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction(work, { ...limits, isolationLevel: "Serializable" });
    } catch (error) {
      if (attempt >= attempts || !isWriteConflict(error)) throw error;
    }
  }
}
