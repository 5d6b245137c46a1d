/** What one `prisma migrate deploy` run left: whether it succeeded and what it printed. */
export interface MigrationRun {
  ok: boolean;
  output: string;
}

export interface MigrateOnStartSteps {
  /** Whether the database already has this code's newest migration. */
  isCurrent(): Promise<boolean>;
  /** One `prisma migrate deploy`. */
  migrate(): MigrationRun;
  log(level: "info" | "warn" | "error", message: string, fields: Record<string, unknown>): void;
}

/**
 * How many times a replica waits for Prisma's migration lock (10 s each) before it gives up: about
 * five minutes, longer than applying every migration to an empty database takes.
 */
export const MAX_LOCK_WAITS = 30;

/**
 * Prisma's schema engine waits 10 s for the PostgreSQL advisory lock another replica holds while
 * it migrates, then fails with P1002. That is "someone else is migrating", not a failure.
 */
export function isMigrationLockTimeout(output: string): boolean {
  return /\bP1002\b/.test(output) && /advisory lock/i.test(output);
}

/**
 * Brings the schema up to date before the replica serves (docs/OPERATIONS.md "Schema and
 * migrations"): nothing when it is current; else `prisma migrate deploy`. Replicas started
 * together on one PostgreSQL database take turns under Prisma's advisory lock: one that times out
 * waiting for it tries again (up to MAX_LOCK_WAITS times), and one that finds the schema current
 * after a failed run goes on — another replica applied the migrations. Any other failure is final.
 * @returns "current" (nothing to do), "migrated", or "failed" (the output was logged)
 */
export async function migrateUnlessCurrent(
  steps: MigrateOnStartSteps,
  maxLockWaits = MAX_LOCK_WAITS,
): Promise<"current" | "migrated" | "failed"> {
  if (await steps.isCurrent()) return "current";
  for (let attempt = 1; ; attempt++) {
    const run = steps.migrate();
    if (run.ok) {
      steps.log("info", "database migrations applied", { output: run.output });
      return "migrated";
    }
    if (await steps.isCurrent()) {
      steps.log("info", "database migrations applied by another replica", {});
      return "migrated";
    }
    if (isMigrationLockTimeout(run.output) && attempt <= maxLockWaits) {
      steps.log("warn", "another replica is applying the database migrations: waiting for it", {
        attempt,
      });
      continue;
    }
    steps.log("error", "database migration failed; not starting", { output: run.output });
    return "failed";
  }
}
