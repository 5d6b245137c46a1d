import "server-only";
/**
 * The checks applying makes before it changes anything (docs/DISCOVERY.md "Applying"): that the
 * run is still the newest complete one, and that what a change would overwrite is still what the
 * run saw.
 */
import type { Tx } from "@/lib/config-as-code/insert-rows";
import { driverErrorDetail } from "@/lib/db/database-fault";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import type { DiscoveryChange } from "./changes";
import { sameTags } from "./diff";
import type { StoredAccount } from "./known-state";

/**
 * A run a later complete run has replaced is a stale preview: what it saw may have changed back
 * since (a role it found gone was recreated, an account it found active was suspended again), and
 * the re-checks against the database cannot tell, as they only know what Gatehouse holds. Only the
 * newest complete run is applied.
 */
export async function refuseSuperseded(
  tx: Tx,
  run: { id: string; startedAt: Date },
): Promise<void> {
  const newer = await tx.discoveryRun.findFirst({
    where: { status: "complete", startedAt: { gt: run.startedAt }, id: { not: run.id } },
    orderBy: { startedAt: "desc" },
    select: { startedAt: true },
  });
  if (newer)
    throw new AppError(
      "conflict",
      `A newer discovery (started ${newer.startedAt.toISOString()}) has replaced this run: review and apply that one. Nothing was changed.`,
    );
}

/** Whether a detail the change would overwrite is no longer what the run saw. */
export function detailsEditedSince(
  stored: StoredAccount,
  change: Extract<DiscoveryChange, { kind: "account-details" }>,
): boolean {
  return (
    (change.environment !== null && stored.environment !== change.environment.from) ||
    (change.path !== null && stored.organizationPath !== change.path.from) ||
    (change.tags !== null && !sameTags(stored.tags, change.tags.from))
  );
}

/**
 * Whether a failed write broke a unique index: Prisma's P2002 from the model API, or the driver's
 * own code from the multi-row raw inserts (PostgreSQL 23505, SQLite's UNIQUE / PRIMARY KEY).
 */
export function isDuplicateKey(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  const code = driverErrorDetail(error)?.code ?? "";
  return (
    code === "23505" ||
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    /unique constraint/i.test(driverErrorDetail(error)?.message ?? "")
  );
}
