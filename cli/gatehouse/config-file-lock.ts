import { type HeldLock, LOCK_TIMING, type LockTiming, tryLock } from "./cache-lock";
import { CliError, EXIT } from "./exit-codes";
import { fileProblem } from "./secure-files";

/**
 * One `setup-profiles` at a time per AWS config file (docs/CLI.md "Profiles"). Each run reads the
 * file, edits it and replaces it whole; two at once (profiles for two portals set up from two
 * terminals, or a script) would each write their own edit of the same original, and the later
 * rename would drop the earlier run's profiles. The lock is `<file>.gatehouse-lock` next to the
 * file, taken the same way as the credential cache's (O_EXCL, touched while held, taken over when
 * left untouched for 10 s by a run that died); the holder reads the file again under it.
 */

/** The longest a run waits for another; a run holds the lock only to read and write one file. */
export const CONFIG_LOCK_WAIT_MS = 30_000;

export function configLockFile(target: string): string {
  return `${target}.gatehouse-lock`;
}

/** Takes the lock for `target`, waiting for another run; `waiting` is called once if it must. */
export async function lockConfigFile(
  file: string,
  target: string,
  waiting: (lockFile: string) => void,
  timing: LockTiming = LOCK_TIMING,
  maxWaitMs: number = CONFIG_LOCK_WAIT_MS,
): Promise<HeldLock> {
  const lockFile = configLockFile(target);
  const deadline = Date.now() + maxWaitMs;
  let told = false;
  for (;;) {
    let lock: HeldLock | undefined;
    try {
      lock = tryLock(lockFile, timing);
    } catch (err) {
      throw new CliError(
        `cannot write ${file}: cannot create ${lockFile}: ${fileProblem(err)}; it is unchanged`,
        EXIT.unexpected,
      );
    }
    if (lock) return lock;
    if (Date.now() >= deadline) {
      throw new CliError(
        `${file} is being edited by another gatehouse setup-profiles (${lockFile} was touched in the last ${timing.staleMs / 1000} s); nothing was changed. Run it again when that one has finished`,
        EXIT.unexpected,
      );
    }
    if (!told) {
      told = true;
      waiting(lockFile);
    }
    await new Promise((resolve) => setTimeout(resolve, timing.pollMs));
  }
}
