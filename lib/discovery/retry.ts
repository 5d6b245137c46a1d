/**
 * Retries for discovery's AWS calls. AWS Organizations throttles hard (a few calls per second per
 * account), so a large organization meets TooManyRequestsException as a matter of course. The SDK's
 * own retries are turned off for these clients (maxAttempts 1) so that the waiting is ours: bounded,
 * counted in the run's progress, and driven by an injected sleep so tests never wait on the clock.
 */
import { classifyStsError } from "@/lib/aws/aws-errors";

export interface RetryPolicy {
  /** Attempts per call, the first included (1 to 20). */
  maxAttempts: number;
  /** The first wait; each later one doubles, capped at capMs, with full jitter. */
  baseMs: number;
  capMs: number;
  sleep: (ms: number) => Promise<void>;
  /** [0, 1): the jitter source. */
  random: () => number;
}

export interface RetryCounters {
  calls: number;
  retries: number;
}

/** A call that failed every attempt: the run reports it with the AWS error it kept getting. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly operation: string,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`${operation} failed ${attempts} times; last: ${describeAwsError(lastError)}`);
    this.name = "RetriesExhaustedError";
  }
}

export const DEFAULT_RETRY_TIMING = { baseMs: 500, capMs: 20_000 } as const;

/**
 * Whether an error is throttling or a transient server or network failure worth another try: the
 * same classification the STS broker retries by (lib/aws/aws-errors.ts), which knows the Query and
 * JSON protocols' throttling codes, 5xx, and connection failures.
 */
export function isRetryable(error: unknown): boolean {
  return classifyStsError(error).kind === "retry";
}

/**
 * Runs `call` until it succeeds, a non-retryable error (thrown as is), or policy.maxAttempts
 * attempts (RetriesExhaustedError). Waits `random() * min(cap, base * 2^n)` between attempts.
 */
export async function withRetries<T>(
  operation: string,
  call: () => Promise<T>,
  policy: RetryPolicy,
  counters: RetryCounters,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    counters.calls++;
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt >= policy.maxAttempts) throw new RetriesExhaustedError(operation, attempt, error);
      counters.retries++;
      const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
      await policy.sleep(Math.floor(policy.random() * ceiling));
    }
  }
}

/** "Code: message" of an AWS SDK error (never its request, which may carry credentials). */
export function describeAwsError(error: unknown): string {
  if (error instanceof RetriesExhaustedError) return error.message;
  if (error instanceof Error) {
    const message = error.message.slice(0, 300);
    return error.name && error.name !== "Error" ? `${error.name}: ${message}` : message;
  }
  return "unknown error";
}
