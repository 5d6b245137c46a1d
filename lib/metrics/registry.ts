import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The portal's Prometheus metrics (docs/OPERATIONS.md "Metrics"), served by /api/metrics. One
 * registry per process, kept on globalThis: server.ts and the Next.js bundles each load this
 * module, and a metric registered twice would throw. Labels take a few known values only, never
 * a person, role or request id.
 */
export interface PortalMetrics {
  registry: Registry;
  issuances: Counter<"output" | "outcome">;
  stsRequestSeconds: Histogram<"endpoint" | "operation" | "outcome">;
  signIns: Counter<"method" | "outcome">;
  rateLimited: Counter<"limit">;
  auditWriteFailures: Counter;
  requestsShed: Counter;
}

const KEY = Symbol.for("gatehouse.metrics");
const holder = globalThis as unknown as { [KEY]?: PortalMetrics };

export function metrics(): PortalMetrics {
  return (holder[KEY] ??= createMetrics());
}

function createMetrics(): PortalMetrics {
  const registry = new Registry();
  // Process CPU, memory, handles, GC, and nodejs_eventloop_lag_* (event-loop delay).
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    issuances: new Counter({
      name: "gatehouse_issuances_total",
      help: "Console sign-ins and CLI credentials asked for, by output and outcome (issued, denied, failed).",
      labelNames: ["output", "outcome"],
      registers,
    }),
    stsRequestSeconds: new Histogram({
      name: "gatehouse_sts_request_duration_seconds",
      help: "Time of each STS call the broker makes, by endpoint host, operation and outcome.",
      labelNames: ["endpoint", "operation", "outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    signIns: new Counter({
      name: "gatehouse_sign_ins_total",
      help: "Portal sign-ins by method (oidc, saml, cli) and outcome (success, failed).",
      labelNames: ["method", "outcome"],
      registers,
    }),
    rateLimited: new Counter({
      name: "gatehouse_rate_limited_requests_total",
      help: "Requests refused with 429 by a rate limit, by limit name.",
      labelNames: ["limit"],
      registers,
    }),
    auditWriteFailures: new Counter({
      name: "gatehouse_audit_write_failures_total",
      help: "Audit events that could not be written (each one refused what it would have recorded).",
      registers,
    }),
    requestsShed: new Counter({
      name: "gatehouse_requests_shed_total",
      help: "Requests answered 503 at once because the replica had its maximum in flight.",
      registers,
    }),
  };
}
