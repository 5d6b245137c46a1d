import "server-only";
import type { StsEndpointConfig } from "@/lib/config/sts-endpoint-settings";
import { AppError } from "@/lib/errors";
import { appErrorFromAws, classifyStsError } from "./aws-errors";
import { EndpointState, observeAttempt, type EndpointHealth } from "./sts-endpoint-health";
import {
  backoffDelayMs,
  systemClock,
  type FailoverClock,
  type RetryPolicy,
} from "./sts-retry-policy";

/**
 * Ordered STS endpoints with bounded, jittered retries and failover (docs/AWS.md "STS endpoints"):
 * a retryable failure is retried on the same endpoint up to `attemptsPerEndpoint` times with
 * full-jitter exponential backoff, then the next endpoint is tried; a refusal AWS meant (access
 * denied, bad parameter, bad credentials) surfaces at once, because another endpoint would say the
 * same. The SDK's own retries are off, so these are the only retries: never a retry storm.
 */

/**
 * One attempt against one endpoint; must give up when `signal` aborts, which it does after
 * `timeoutMs` (the per-attempt timeout, shortened to what is left of the time budget).
 */
export type StsAttempt<T> = (
  endpointIndex: number,
  signal: AbortSignal,
  timeoutMs: number,
) => Promise<T>;

export interface StsFailover {
  /**
   * Runs `attempt` against the endpoints in order (endpoints with an open circuit last) until one
   * succeeds, within the policy's bounds.
   * @throws AppError("aws_refused") at once for a failure AWS meant (see classifyStsError), or
   *   when every endpoint said RegionDisabledException; AppError("aws_unavailable") when the
   *   attempts or the time budget ran out.
   */
  run<T>(action: string, attempt: StsAttempt<T>): Promise<T>;
  getEndpointHealth(): EndpointHealth[];
  readonly endpoints: readonly StsEndpointConfig[];
  readonly policy: RetryPolicy;
}

/** The retry/failover loop over a fixed list of endpoints, with injectable time and randomness. */
export function createStsFailover(
  endpoints: readonly StsEndpointConfig[],
  policy: RetryPolicy,
  clock: FailoverClock = systemClock,
): StsFailover {
  if (endpoints.length === 0) throw new TypeError("at least one STS endpoint is required");
  if (!Number.isInteger(policy.attemptsPerEndpoint) || policy.attemptsPerEndpoint < 1)
    throw new TypeError("attemptsPerEndpoint must be a positive integer");
  const states = endpoints.map((endpoint, i) => new EndpointState(endpoint, i));

  /** Configured order, except that endpoints with an open circuit go last (in their order). */
  function order(at: number): EndpointState[] {
    const healthy = states.filter((s) => !s.isCircuitOpen(at));
    return [...healthy, ...states.filter((s) => s.isCircuitOpen(at))];
  }

  async function run<T>(action: string, attempt: StsAttempt<T>): Promise<T> {
    const started = clock.now();
    const deadline = started + policy.budgetMs;
    const tried: string[] = [];
    let lastError: unknown;
    let isOnlyRegionDisabled = true;
    let isOnlyMisconfigured = true;
    let isBudgetSpent = false;

    for (const endpoint of order(started)) {
      const counts = new Map<string, number>();
      for (let n = 0; n < policy.attemptsPerEndpoint; n += 1) {
        const remaining = deadline - clock.now();
        if (remaining <= 0) {
          isBudgetSpent = true;
          break;
        }
        const controller = new AbortController();
        // The SDK's handler times out too; this bounds the attempt even if it does not.
        const timeoutMs = Math.min(policy.timeoutMs, remaining);
        const timer = setTimeout(() => controller.abort(), timeoutMs);
        const attemptStarted = clock.now();
        let failure;
        try {
          const result = await attempt(endpoint.position, controller.signal, timeoutMs);
          endpoint.recordAnswer(clock.now(), clock.now() - attemptStarted);
          observeAttempt(endpoint, action, "answered", clock.now() - attemptStarted);
          return result;
        } catch (error) {
          failure = classifyStsError(error);
          // Nothing was sent: no endpoint can do better, and there is no STS request to time.
          if (failure.kind === "no-credentials") throw appErrorFromAws(error, action);
          observeAttempt(
            endpoint,
            action,
            failure.kind === "surface" ? "refused" : "failed",
            clock.now() - attemptStarted,
          );
          if (failure.kind === "surface") {
            // AWS answered: the endpoint is fine, the request is not.
            endpoint.recordAnswer(clock.now(), clock.now() - attemptStarted);
            throw appErrorFromAws(error, action);
          }
          if (failure.kind === "misconfigured")
            endpoint.recordMisconfiguration(
              clock.now(),
              failure.code,
              misconfigurationOf(endpoint.endpoint, error),
              policy,
            );
          else endpoint.recordFailure(clock.now(), failure.code, policy);
          counts.set(failure.code, (counts.get(failure.code) ?? 0) + 1);
          lastError = error;
        } finally {
          clearTimeout(timer);
        }
        if (failure.kind !== "misconfigured") isOnlyMisconfigured = false;
        if (failure.kind === "next-endpoint" || failure.kind === "misconfigured") break;
        isOnlyRegionDisabled = false;
        if (n + 1 < policy.attemptsPerEndpoint) {
          const delay = backoffDelayMs(n, policy, clock.random);
          if (clock.now() + delay >= deadline) {
            isBudgetSpent = true;
            break;
          }
          if (delay > 0) await clock.sleep(delay);
        }
      }
      if (counts.size > 0) tried.push(summary(endpoint.url, counts));
      if (isBudgetSpent) break;
    }

    if (lastError !== undefined && isOnlyMisconfigured) throw appErrorFromAws(lastError, action);
    if (lastError !== undefined && isOnlyRegionDisabled) throw appErrorFromAws(lastError, action);
    const elapsed = clock.now() - started;
    const n = states.length;
    throw new AppError(
      "aws_unavailable",
      `AWS STS could not be reached or is busy (tried ${tried.length} of ${n} endpoint${n === 1 ? "" : "s"}). Try again in a moment.`,
      {
        internalReason: `${action}: no STS endpoint answered within ${elapsed} ms${isBudgetSpent ? ` (time budget of ${policy.budgetMs} ms spent)` : ""}: ${tried.join("; ")}`,
        cause: lastError,
      },
    );
  }

  return {
    run,
    getEndpointHealth: () => states.map((s) => s.snapshot(clock.now())),
    endpoints,
    policy,
  };
}

/** What the Broker page says about a misconfigured endpoint: which, signed for what, and why. */
function misconfigurationOf(endpoint: StsEndpointConfig, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${endpoint.entry} (signed for ${endpoint.region}): ${message.slice(0, 300)}`;
}

function summary(url: string, counts: Map<string, number>): string {
  return `${url} ${[...counts].map(([code, n]) => `${code}×${n}`).join(", ")}`;
}
