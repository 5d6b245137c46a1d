import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { RATE_LIMITED } from "@/lib/rate-limit/settings";

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

/**
 * Every series a counter can have, exported at 0 from the start: a series that first appears at 1
 * hides that first event from rate() and increase(), so an alert on the first failure after a
 * restart would never fire, and a ratio of failed to issued would have no data.
 */
export const COUNTER_SERIES = {
  issuances: ["cli", "console"].flatMap((output) =>
    ["issued", "denied", "failed"].map((outcome) => ({ output, outcome })),
  ),
  signIns: ["oidc", "saml", "cli"].flatMap((method) =>
    ["success", "failed"].map((outcome) => ({ method, outcome })),
  ),
  // "audited-refusals" decides which refusals get an audit row; it never answers 429.
  rateLimited: Object.keys(RATE_LIMITED)
    .filter((limit) => limit !== "audited-refusals")
    .map((limit) => ({ limit })),
};

function createMetrics(): PortalMetrics {
  const created = createCollectors();
  for (const labels of COUNTER_SERIES.issuances) created.issuances.inc(labels, 0);
  for (const labels of COUNTER_SERIES.signIns) created.signIns.inc(labels, 0);
  for (const labels of COUNTER_SERIES.rateLimited) created.rateLimited.inc(labels, 0);
  return created;
}

function createCollectors(): PortalMetrics {
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

/**
 * The registry's text exposition, spelling not-a-number as the format does ("NaN"): prom-client
 * writes "Nan" (a fresh process's event-loop delay statistics, before any sample), which only
 * parsers as lenient as Prometheus's own accept.
 */
export async function exposition(): Promise<string> {
  return (await metrics().registry.metrics()).replace(/ Nan$/gm, " NaN");
}
