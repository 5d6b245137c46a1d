/**
 * Keeps `serve`'s default role renewed ahead of the SDKs (docs/CLI.md "Serving credentials to
 * SDKs"). The SDKs' container providers wait about a second for an answer (the JavaScript SDK
 * 1 s, botocore 2 s) and ask again only when their credentials are near expiry — which is when the
 * cache has stopped handing them out. Renewing on that moment means the SDK's ask is answered from
 * the cache instead of waiting on the portal and STS.
 */

export interface WarmCredentials {
  expiration: string;
  durationSeconds?: number;
}

export interface KeepWarmOptions {
  /** What the SDK will be given: the cache's answer, renewed from the portal once stale. */
  obtain: () => Promise<WarmCredentials>;
  /** When credentials stop being handed out from the cache (credential-cache.ts renewalTime). */
  renewalTime: (credentials: WarmCredentials) => number;
  now: () => Date;
  /** Runs `task` after `ms`; returns what cancels it. */
  schedule: (ms: number, task: () => void) => () => void;
  /**
   * Called with what a failed renewal met; the next attempt follows after `retryMs`. A failure
   * with the same message as the one before it (a sign-in that ended fails the same way every
   * minute until `gatehouse login`) is not reported again.
   */
  onError: (err: unknown) => void;
  /** Called when a renewal works after `failures` failed attempts in a row. */
  onRecovered?: (failures: number) => void;
  /** What left `current` null at start, when the caller has already said it. */
  failedAtStart?: unknown;
  retryMs?: number;
  /**
   * The longest single wait: a timer does not count time a laptop spends asleep, so waits are
   * capped and each wake-up compares the wall clock with the renewal time again.
   */
  maxWaitMs?: number;
}

export const DEFAULT_RETRY_MS = 60_000;
export const DEFAULT_MAX_WAIT_MS = 5 * 60_000;

/** What a failure says: two failures saying the same are one reason. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Starts from `current`, the credentials obtained at start (null when none could be: the first try
 * is then `retryMs` later, and `failedAtStart` says why); `stop()` ends it.
 */
export function keepWarm(
  current: WarmCredentials | null,
  options: KeepWarmOptions,
): { stop(): void } {
  const retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  let held = current;
  let stopped = false;
  let cancel: () => void = () => {};
  let failures = options.failedAtStart === undefined ? 0 : 1;
  let lastFailure: string | undefined =
    options.failedAtStart === undefined ? undefined : messageOf(options.failedAtStart);

  const wait = (ms: number) => {
    if (!stopped) cancel = options.schedule(Math.max(0, ms), wake);
  };
  const untilDue = () =>
    held === null ? -Infinity : options.renewalTime(held) - options.now().getTime();
  /** Waits for the held credentials' renewal time; ones already due (a clock ahead of the
   * portal's) are tried again after `retryMs` rather than at once, and an expiration nobody can
   * read is left to the SDK's own ask. */
  const waitForDue = () => {
    const left = untilDue();
    if (!Number.isNaN(left)) wait(left > 0 ? Math.min(left, maxWaitMs) : retryMs);
  };

  function wake(): void {
    if (stopped) return;
    const left = untilDue();
    if (Number.isNaN(left)) return;
    if (left > 0) return wait(Math.min(left, maxWaitMs));
    options.obtain().then(
      (renewed) => {
        if (stopped) return;
        held = renewed;
        if (failures > 0) options.onRecovered?.(failures);
        failures = 0;
        lastFailure = undefined;
        waitForDue();
      },
      (err: unknown) => {
        if (stopped) return;
        failures += 1;
        const message = messageOf(err);
        if (message !== lastFailure) options.onError(err);
        lastFailure = message;
        wait(retryMs);
      },
    );
  }

  waitForDue();
  return {
    stop() {
      stopped = true;
      cancel();
    },
  };
}
