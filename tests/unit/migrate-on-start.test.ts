import { describe, expect, it } from "vitest";
import {
  isMigrationLockTimeout,
  MAX_LOCK_WAITS,
  migrateUnlessCurrent,
  type MigrationRun,
} from "@/lib/db/migrate-on-start";

// Prisma's output when another replica holds the migration lock for longer than it waits.
const LOCK_TIMEOUT = `Error: P1002

The database server was reached but timed out.

Context: Timed out trying to acquire a postgres advisory lock (SELECT pg_advisory_lock(72707369)). Timeout: 10000ms.`;
const UNREACHABLE = "Error: P1001: Can't reach database server at `db.internal:5432`";

/** A database whose schema becomes current after `currentAfterRuns` migration runs. */
function replica(runs: MigrationRun[], currentAfterRuns = Infinity) {
  let ran = 0;
  const lines: Array<{ level: string; message: string }> = [];
  return {
    lines,
    ran: () => ran,
    steps: {
      isCurrent: () => Promise.resolve(ran >= currentAfterRuns),
      migrate: () => runs[Math.min(ran++, runs.length - 1)]!,
      log: (level: "info" | "warn" | "error", message: string) => lines.push({ level, message }),
    },
  };
}

describe("migrations when a replica starts", () => {
  it("a current schema runs no migration at all", async () => {
    const r = replica([{ ok: true, output: "" }], 0);
    expect(await migrateUnlessCurrent(r.steps)).toBe("current");
    expect(r.ran()).toBe(0);
  });

  it("a replica that times out on another replica's migration lock waits again, then starts", async () => {
    const r = replica(
      [
        { ok: false, output: LOCK_TIMEOUT },
        { ok: false, output: LOCK_TIMEOUT },
        { ok: true, output: "No pending migrations to apply." },
      ],
      Infinity,
    );
    expect(await migrateUnlessCurrent(r.steps)).toBe("migrated");
    expect(r.ran()).toBe(3);
    expect(r.lines.map((l) => l.level)).toEqual(["warn", "warn", "info"]);
  });

  it("a failed run after which the schema is current (another replica migrated) starts", async () => {
    const r = replica([{ ok: false, output: "Error: P3018 something raced" }], 1);
    expect(await migrateUnlessCurrent(r.steps)).toBe("migrated");
  });

  it("refuses to start on a failure other than the lock, and after waiting too long for it", async () => {
    const cases: Array<[string, MigrationRun[], number]> = [
      ["database unreachable", [{ ok: false, output: UNREACHABLE }], 1],
      ["a migration that fails", [{ ok: false, output: "Error: P3018 A migration failed" }], 1],
      ["the lock held for ever", [{ ok: false, output: LOCK_TIMEOUT }], MAX_LOCK_WAITS + 1],
    ];
    for (const [name, runs, expectedRuns] of cases) {
      const r = replica(runs);
      expect(await migrateUnlessCurrent(r.steps), name).toBe("failed");
      expect(r.ran(), name).toBe(expectedRuns);
      expect(r.lines.at(-1)?.level, name).toBe("error");
    }
  });

  it("only Prisma's advisory-lock timeout counts as another replica migrating", () => {
    expect(isMigrationLockTimeout(LOCK_TIMEOUT)).toBe(true);
    expect(isMigrationLockTimeout(UNREACHABLE)).toBe(false);
    expect(
      isMigrationLockTimeout("Error: P1002 The database server was reached but timed out."),
    ).toBe(false);
  });
});
