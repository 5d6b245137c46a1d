import "server-only";
/** Each STS endpoint's record of answers and failures: its circuit, latency and metrics. */
import type { StsEndpointConfig } from "@/lib/config/sts-endpoint-settings";
import { metrics } from "@/lib/metrics/registry";
import type { RetryPolicy } from "./sts-retry-policy";

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

const LATENCY_WINDOW = 20;

/** One attempt's time in gatehouse_sts_request_duration_seconds (docs/OPERATIONS.md "Metrics"). */
export function observeAttempt(
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

export class EndpointState {
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
