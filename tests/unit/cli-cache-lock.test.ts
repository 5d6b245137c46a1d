import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { type LockTiming, singleFlight, tryLock } from "@/cli/gatehouse/cache-lock";

const FAST: LockTiming = { heartbeatMs: 20, staleMs: 200, pollMs: 5, maxWaitMs: 5_000 };

let dir: string;
let lockFile: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-lock-"));
  lockFile = path.join(dir, "entry.lock");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("single-flight: concurrent callers on a cold cache issue once", () => {
  it.each([2, 20, 60])("%i callers at once: one produces, all get its result", async (callers) => {
    let result: string | undefined;
    let produced = 0;
    const answers = await Promise.all(
      Array.from({ length: callers }, () =>
        singleFlight(
          lockFile,
          () => result,
          async () => {
            produced += 1;
            await sleep(50);
            result = "creds";
            return result;
          },
          FAST,
        ),
      ),
    );
    expect(produced).toBe(1);
    expect(answers).toEqual(Array.from({ length: callers }, () => "creds"));
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it("without a shared failure record, the next waiter tries itself when the holder fails", async () => {
    let attempts = 0;
    const outcomes = await Promise.allSettled(
      [0, 1].map(() =>
        singleFlight(
          lockFile,
          () => undefined,
          async () => {
            attempts += 1;
            await sleep(20);
            throw new Error("refused");
          },
          FAST,
        ),
      ),
    );
    expect(attempts).toBe(2);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
  });
});

describe("the holder's failure is its waiters' failure: a failing portal is asked once, not once per waiter in turn", () => {
  /** A failure record in memory: what the holder met, and when. */
  function memoryRecord() {
    let recorded: { at: number; message: string } | undefined;
    return {
      save: (err: unknown, at: number) => {
        recorded = { at, message: (err as Error).message };
      },
      load: (since: number) =>
        recorded && recorded.at >= since ? new Error(recorded.message) : undefined,
    };
  }

  it.each([2, 20])(
    "%i callers at once on a failing portal: one asks, all fail alike",
    async (callers) => {
      let attempts = 0;
      const failures = memoryRecord();
      const outcomes = await Promise.allSettled(
        Array.from({ length: callers }, () =>
          singleFlight(
            lockFile,
            () => undefined,
            async () => {
              attempts += 1;
              await sleep(50);
              throw new Error(`no answer within 30 s (attempt ${attempts})`);
            },
            FAST,
            failures,
          ),
        ),
      );
      expect(attempts).toBe(1);
      expect(
        outcomes.map((o) => (o.status === "rejected" ? (o.reason as Error).message : "fulfilled")),
      ).toEqual(Array.from({ length: callers }, () => "no answer within 30 s (attempt 1)"));
      expect(fs.existsSync(lockFile)).toBe(false);
    },
  );

  it("a caller that arrives after the failure asks again (the portal may be back)", async () => {
    const failures = memoryRecord();
    const first = singleFlight(
      lockFile,
      () => undefined,
      () => Promise.reject(new Error("down")),
      FAST,
      failures,
    );
    await expect(first).rejects.toThrow("down");
    const later = await singleFlight(
      lockFile,
      () => undefined,
      () => Promise.resolve("creds"),
      FAST,
      failures,
    );
    expect(later).toBe("creds");
  });
});

describe("a lock left by a dead process is taken over by age; a live one is not", () => {
  it.each([
    ["untouched for longer than staleMs", 1_000, true],
    ["touched just now", 0, false],
  ])("%s → taken: %s", (_name, ageMs, taken) => {
    fs.writeFileSync(lockFile, "12345.dead");
    const at = new Date(Date.now() - ageMs);
    fs.utimesSync(lockFile, at, at);
    const lock = tryLock(lockFile, FAST);
    expect(lock !== undefined).toBe(taken);
    lock?.release();
  });

  it("the holder keeps its lock alive while it works, so no one takes it over", async () => {
    const lock = tryLock(lockFile, FAST);
    expect(lock).toBeDefined();
    await sleep(FAST.staleMs * 2);
    expect(tryLock(lockFile, FAST)).toBeUndefined();
    lock?.release();
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it("a waiter gives up waiting after maxWaitMs and asks itself", async () => {
    const held = tryLock(lockFile, FAST);
    const started = Date.now();
    const answer = await singleFlight(
      lockFile,
      () => undefined,
      () => Promise.resolve("own"),
      { ...FAST, maxWaitMs: 100 },
    );
    expect(answer).toBe("own");
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    held?.release();
  });

  it("no lock can be created (no directory): the caller asks without one", async () => {
    const answer = await singleFlight(
      path.join(dir, "missing", "entry.lock"),
      () => undefined,
      () => Promise.resolve("own"),
      FAST,
    );
    expect(answer).toBe("own");
  });
});
