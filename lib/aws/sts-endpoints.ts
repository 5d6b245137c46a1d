import "server-only";
import { STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import type { AppConfig } from "@/lib/config";
import type { StsEndpointConfig } from "@/lib/config/sts-endpoint-settings";
import { AppError } from "@/lib/errors";
import { metrics } from "@/lib/metrics/registry";
import { appErrorFromAws, classifyStsError } from "./aws-errors";

export { classifyStsError, type StsFailure, type StsFailureKind } from "./aws-errors";

/**
 * Ordered STS endpoints with bounded, jittered retries and failover (docs/AWS.md "STS endpoints"):
 * a retryable failure is retried on the same endpoint up to `attemptsPerEndpoint` times with
 * full-jitter exponential backoff, then the next endpoint is tried; a refusal AWS meant (access
 * denied, bad parameter, bad credentials) surfaces at once, because another endpoint would say the
 * same. The SDK's own retries are off, so these are the only retries: never a retry storm.
 */

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

/** What the admin page shows for one endpoint. Times are epoch milliseconds of the broker's clock. */
export interface EndpointHealth {
  url: string;
  /** The region every request to it is signed for. */
  region: string;
  /**
   * Why AWS (or the SDK) says this endpoint is set up wrong — e.g. a credential scope for another
   * region — until it next answers properly; null when none. Not an outage: a configuration fix.
   */
  configurationProblem: string | null;
  /** Position in the configured order, from 0. */
  position: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  consecutiveFailures: number;
  /** The code of the last endpoint failure (network, timeout, 5xx, throttling, region disabled). */
  lastErrorCode: string | null;
  /** Median latency of the recent successful attempts, or null before the first. */
  p50LatencyMs: number | null;
  /** Tried last until this time because it kept failing; null when the circuit is closed. */
  circuitOpenUntil: number | null;
  attempts: number;
  failures: number;
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

const LATENCY_WINDOW = 20;

/** One attempt's time in gatehouse_sts_request_duration_seconds (docs/OPERATIONS.md "Metrics"). */
function observeAttempt(
  endpoint: EndpointState,
  action: string,
  outcome: "answered" | "refused" | "failed",
  ms: number,
): void {
  metrics().stsRequestSeconds.observe(
    { endpoint: endpoint.host, operation: action.split(" ", 1)[0]!, outcome },
    Math.max(0, ms) / 1000,
  );
}

class EndpointState {
  configurationProblem: string | null = null;
  lastSuccessAt: number | null = null;
  lastFailureAt: number | null = null;
  consecutiveFailures = 0;
  lastErrorCode: string | null = null;
  circuitOpenUntil: number | null = null;
  attempts = 0;
  failures = 0;
  private latencies: number[] = [];

  constructor(
    readonly endpoint: StsEndpointConfig,
    readonly position: number,
  ) {}

  get url(): string {
    return this.endpoint.url;
  }

  /** The endpoint's host, a metric label (a handful per deployment). */
  get host(): string {
    try {
      return new URL(this.endpoint.url).host;
    } catch {
      return "invalid";
    }
  }

  /** AWS answered (even with a refusal): the endpoint works. */
  recordAnswer(at: number, latencyMs: number): void {
    this.configurationProblem = null;
    this.attempts += 1;
    this.lastSuccessAt = at;
    this.consecutiveFailures = 0;
    this.circuitOpenUntil = null;
    this.latencies.push(latencyMs);
    if (this.latencies.length > LATENCY_WINDOW) this.latencies.shift();
  }

  recordFailure(at: number, code: string, policy: RetryPolicy): void {
    this.attempts += 1;
    this.failures += 1;
    this.lastFailureAt = at;
    this.lastErrorCode = code;
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= policy.circuitThreshold)
      this.circuitOpenUntil = at + policy.circuitCooldownMs;
  }

  /** AWS or the SDK says the endpoint is set up wrong: tried last, and shown as a configuration problem. */
  recordMisconfiguration(at: number, code: string, problem: string, policy: RetryPolicy): void {
    this.configurationProblem = problem;
    this.recordFailure(at, code, policy);
  }

  isCircuitOpen(at: number): boolean {
    return this.circuitOpenUntil !== null && at < this.circuitOpenUntil;
  }

  snapshot(at: number): EndpointHealth {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      url: this.url,
      region: this.endpoint.region,
      configurationProblem: this.configurationProblem,
      position: this.position,
      lastSuccessAt: this.lastSuccessAt,
      lastFailureAt: this.lastFailureAt,
      consecutiveFailures: this.consecutiveFailures,
      lastErrorCode: this.lastErrorCode,
      p50LatencyMs:
        sorted.length > 0 ? (sorted[Math.floor((sorted.length - 1) / 2)] ?? null) : null,
      circuitOpenUntil: this.isCircuitOpen(at) ? this.circuitOpenUntil : null,
      attempts: this.attempts,
      failures: this.failures,
    };
  }
}

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

/** How a set of clients signs: fixed credentials, or whatever the SDK's default chain finds. */
export type StsSigner = StsCredentials | "default-chain";

/** Credentials as the SDK takes them. Secret and token are never logged or stored. */
export interface StsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * One STSClient per endpoint, each signing for its endpoint's own region (AWS refuses a credential
 * scope for another region). The endpoint URL is already the FIPS or dual-stack host when those are
 * configured, so the SDK's own switches are turned off explicitly: it would otherwise read
 * AWS_USE_FIPS_ENDPOINT from the environment and refuse the custom endpoint. The SDK's retries are
 * off (our loop retries) and its handler times out at the policy's per-attempt timeout.
 */
export function createStsClients(
  endpoints: readonly StsEndpointConfig[],
  policy: Pick<RetryPolicy, "timeoutMs">,
  signer: StsSigner,
): STSClient[] {
  return endpoints.map((endpoint) => {
    const config: STSClientConfig = {
      region: endpoint.region,
      endpoint: endpoint.url,
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: policy.timeoutMs,
        requestTimeout: policy.timeoutMs,
        throwOnRequestTimeout: true,
      },
      ...(signer === "default-chain" ? {} : { credentials: signer }),
    };
    return new STSClient(config);
  });
}
