import "server-only";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { SamlRejection } from "./types";

/**
 * Remembers an assertion ID until the assertion expires; a second use is a replay. The unique
 * index (issuer, assertionId) makes the check atomic across every replica sharing the database.
 * @throws SamlRejection replayed_assertion
 */
export async function rememberAssertionOnce(
  db: Db,
  entry: { issuer: string; assertionId: string; expiresAt: Date; now: Date },
): Promise<void> {
  await db.samlReplayEntry.deleteMany({ where: { expiresAt: { lt: entry.now } } });
  try {
    await db.samlReplayEntry.create({
      data: { issuer: entry.issuer, assertionId: entry.assertionId, expiresAt: entry.expiresAt },
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new SamlRejection(
        "replayed_assertion",
        `assertion ${entry.assertionId.slice(0, 80)} was already used`,
      );
    }
    throw error;
  }
}
