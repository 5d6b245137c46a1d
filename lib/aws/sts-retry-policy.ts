import "server-only";
/** The bounds of the STS retry loop (lib/aws/sts-failover.ts) and the clock it runs on. */
import type { AppConfig } from "@/lib/config";

/** Bounds of the retry loop; see `retryPolicyFrom` for the defaults taken from configuration. */
export interface RetryPolicy {
  attemptsPerEndpoint: number;
  /** Per-attempt timeout (connection + request). */
  timeoutMs: number;
  backoffBaseMs: number;
  /** No single backoff sleeps longer than this. */
  backoffCapMs: number;
  /** Wall-clock bound on one call, all attempts and sleeps included. */
  budgetMs: number;
  /** Consecutive endpoint failures after which the endpoint is tried last … */
  circuitThreshold: number;
  /** … for this long. */
  circuitCooldownMs: number;
}

export function retryPolicyFrom(aws: AppConfig["aws"]): RetryPolicy {
  return {
    attemptsPerEndpoint: aws.stsAttemptsPerEndpoint,
    timeoutMs: aws.stsTimeoutMs,
    backoffBaseMs: aws.stsBackoffBaseMs,
    backoffCapMs: Math.max(aws.stsBackoffBaseMs, 2000),
    // One endpoint's worth of timeouts plus one more attempt elsewhere, within 5–60 s: a slow
    // first endpoint still leaves room to fail over, and a user never waits minutes.
    budgetMs: Math.min(
      60_000,
      Math.max(5000, aws.stsTimeoutMs * (aws.stsAttemptsPerEndpoint + 1) + 1000),
    ),
    circuitThreshold: Math.max(2, aws.stsAttemptsPerEndpoint),
    circuitCooldownMs: 30_000,
  };
}

/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * a uniform sleep in [0, min(cap, base · 2^retry)). `retry` counts from 0.
 */
export function backoffDelayMs(
  retry: number,
  policy: Pick<RetryPolicy, "backoffBaseMs" | "backoffCapMs">,
  random: () => number,
): number {
  const ceiling = Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

export interface FailoverClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const systemClock: FailoverClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};
