import "server-only";
import type { Db } from "./client";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Whether an error (or what it wraps) is PostgreSQL refusing a serializable transaction because a
 * concurrent one won (Prisma P2034, "write conflict or deadlock"): the transaction changed
 * nothing and may simply be run again.
 */
export function isWriteConflict(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth += 1) {
    if ((current as { code?: unknown }).code === "P2034") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Runs `work` in a serializable transaction, again (up to `attempts` times in all) when a
 * concurrent transaction won: the rerun sees what the winner committed, so a check such as "is
 * this the last enabled identity provider?" answers for the world as it now is.
 */
export async function serializableTransaction<T>(
  db: Db,
  work: (tx: Tx) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction(work, { isolationLevel: "Serializable" });
    } catch (error) {
      if (attempt >= attempts || !isWriteConflict(error)) throw error;
    }
  }
}
