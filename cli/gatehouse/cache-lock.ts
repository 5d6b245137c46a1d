import { randomBytes } from "node:crypto";
import fs from "node:fs";

import { PRIVATE_FILE_MODE } from "./secure-files";

/**
 * One issuance at a time per cache entry, across processes (docs/CLI.md "How the cache works").
 * The AWS CLI and SDKs start a `credential_process` for every process they start, so a cold cache
 * met by many processes at once would otherwise issue once per process and run into the portal's
 * per-person rate limit. The first caller creates `<entry>.lock` (O_EXCL) and asks the portal; the
 * others wait for the entry it writes.
 */

export interface LockTiming {
  /** How often the holder touches the lock, so waiters can tell it is alive. */
  heartbeatMs: number;
  /** A lock untouched this long belongs to a process that died: it is taken over. */
  staleMs: number;
  /** How often a waiter looks for the cached entry. */
  pollMs: number;
  /** The longest a waiter waits before asking the portal itself. */
  maxWaitMs: number;
}

export const LOCK_TIMING: LockTiming = {
  heartbeatMs: 2_000,
  staleMs: 10_000,
  pollMs: 50,
  // Longer than a holder's worst case: three attempts of 30 s with two overload waits of 5 s.
  maxWaitMs: 105_000,
};

/** Signals that end a holder: its lock is removed first (docs/CLI.md "How the cache works"). */
const RELEASING_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** How to remove each lock this process holds, should a signal end it first. */
const heldLocks = new Set<() => void>();

/**
 * Ctrl-C in Terraform, or a CI job's SIGTERM, ends a credential_process mid-request: its locks must
 * go with it, or the next run's callers wait `staleMs` for a dead holder. One listener per signal,
 * however many locks are held (serve may hold several).
 */
function holdUntilSignal(remove: () => void): void {
  if (heldLocks.size === 0) {
    for (const signal of RELEASING_SIGNALS) process.on(signal, onReleasingSignal);
  }
  heldLocks.add(remove);
}

function stopWatchingSignals(): void {
  for (const signal of RELEASING_SIGNALS) process.removeListener(signal, onReleasingSignal);
}

function onReleasingSignal(signal: NodeJS.Signals): void {
  stopWatchingSignals();
  for (const remove of heldLocks) remove();
  heldLocks.clear();
  // Listening replaced Node's default for the signal, which ends the process; without another
  // listener (serve and exec have their own), end it as that default would.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** A held lock; `release` removes it only if it is still this holder's. */
export interface HeldLock {
  release(): void;
}

/**
 * Tries to take the lock file `file` once: a held lock, or undefined when another process holds a
 * live one. A lock older than `staleMs` is removed and tried again once.
 */
export function tryLock(
  file: string,
  timing: LockTiming = LOCK_TIMING,
  now: () => number = Date.now,
): HeldLock | undefined {
  const owner = `${process.pid}.${randomBytes(8).toString("hex")}`;
  const removeIfOurs = () => {
    try {
      if (fs.readFileSync(file, "utf8") === owner) fs.rmSync(file, { force: true });
    } catch {
      // Already gone, or taken over as stale: either way not ours to remove.
    }
  };
  const forget = () => {
    heldLocks.delete(removeIfOurs);
    if (heldLocks.size === 0) stopWatchingSignals();
  };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    // Listening before the file exists: a signal arriving as it is made then waits for the
    // listener (which runs once the owner is written) instead of ending the process at once.
    holdUntilSignal(removeIfOurs);
    try {
      const fd = fs.openSync(file, "wx", PRIVATE_FILE_MODE);
      try {
        fs.writeSync(fd, owner);
      } finally {
        fs.closeSync(fd);
      }
      const heartbeat = setInterval(() => {
        try {
          const at = new Date();
          fs.utimesSync(file, at, at);
        } catch {
          // Gone (a logout emptied the cache): nothing left to keep alive.
        }
      }, timing.heartbeatMs);
      heartbeat.unref();
      return {
        release: () => {
          clearInterval(heartbeat);
          forget();
          removeIfOurs();
        },
      };
    } catch (err) {
      forget();
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    let age: number;
    try {
      age = now() - fs.statSync(file).mtimeMs;
    } catch {
      continue; // released meanwhile: try again
    }
    if (age < timing.staleMs) return undefined;
    // The holder stopped touching it: it died. Two waiters taking over at once can both end up
    // asking the portal; that costs one issuance more, never a wrong answer.
    fs.rmSync(file, { force: true });
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Where a holder leaves the failure it met for the callers that were waiting on it, so that a
 * portal that is down or refusing is asked once, not once per waiter in turn (twenty waiters behind
 * a 30-second timeout would otherwise wait their turns, then all ask at once after `maxWaitMs`).
 */
export interface FailureRecord {
  /** Keeps `err`, met at `at` (ms since the epoch); an error that is not to be shared is skipped. */
  save(err: unknown, at: number): void;
  /** The failure kept at or after `since`, if there is one. */
  load(since: number): Error | undefined;
}

/**
 * Runs `produce` holding the lock `file`, unless `lookup` finds the result first. Waiters poll
 * `lookup`; when the holder gives up without a result (the portal refused it), the callers that
 * were waiting fail with its error when `failures` keeps it, else the next waiter takes the lock
 * and tries itself. After `maxWaitMs`, or when the lock cannot be created at all (a read-only
 * cache), `produce` runs without it.
 */
export async function singleFlight<T>(
  file: string,
  lookup: () => T | undefined,
  produce: () => Promise<T>,
  timing: LockTiming = LOCK_TIMING,
  failures?: FailureRecord,
): Promise<T> {
  const since = Date.now();
  const deadline = since + timing.maxWaitMs;
  for (;;) {
    let lock: HeldLock | undefined;
    try {
      lock = tryLock(file, timing);
    } catch {
      return produce();
    }
    if (lock) {
      try {
        // The previous holder may have finished between our miss and our lock.
        return lookup() ?? (await produce());
      } catch (err) {
        // Kept before the lock is released, so every waiter sees it before it could take the lock.
        try {
          failures?.save(err, Date.now());
        } catch {
          // Not kept: the waiters ask themselves, as without a record.
        }
        throw err;
      } finally {
        lock.release();
      }
    }
    if (Date.now() >= deadline) return produce();
    await sleep(timing.pollMs);
    const found = lookup();
    if (found !== undefined) return found;
    const failed = failures?.load(since);
    if (failed !== undefined) throw failed;
  }
}
