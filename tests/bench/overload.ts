// `npm run bench:overload`: what one portal process does with more concurrent issuers than it can
// serve (docs/OPERATIONS.md "Overload"). BENCH_CLIENTS clients (default 200) send
// POST /api/roles/:id/credentials back to back for BENCH_SECONDS (default 30) to a portal whose
// bound (GATEHOUSE_MAX_CONCURRENT_REQUESTS) is BENCH_MAX_CONCURRENT (default: the portal's own
// default). It prints, separately, the ramp — until every client's connection has had its first
// answer — and the steady state after it: answers by status, p50/p99/max latency of each, and the
// longest queue of connections the kernel held that the process had not yet accepted. Its baseline:
// the same issuance from one client on the idle process, in the same run. docs/BENCHMARKS.md
// "Overload" reads the figures. Not a test: numbers, not assertions.
import fs from "node:fs";
import autocannon from "autocannon";
import { roleIdOf, signIn } from "../support/portal-client";
import { startTestStack } from "../support/stack";
import { issueCredentials } from "./credentials-load";
import { recordFigures } from "./figures";
import { percentile } from "./stats";

const CLIENTS = Number(process.env.BENCH_CLIENTS || 200);
const SECONDS = Number(process.env.BENCH_SECONDS || 30);

interface Answer {
  status: number;
  ms: number;
}

/**
 * Connections the kernel has completed but the process has not accepted yet, on the listening
 * socket at `port` (Linux: the rx_queue column of a LISTEN row in /proc/net/tcp).
 */
function acceptQueue(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const line of fs.readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A") return parseInt(f[4]!.split(":")[1]!, 16);
  }
  return 0;
}

function summarize(answers: Answer[]) {
  const byStatus = new Map<number, number[]>();
  for (const a of answers) byStatus.set(a.status, [...(byStatus.get(a.status) ?? []), a.ms]);
  return [...byStatus].map(([status, ms]) => {
    const sorted = ms.sort((a, b) => a - b);
    return {
      status,
      count: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? NaN,
    };
  });
}

async function main(): Promise<void> {
  const bound = process.env.BENCH_MAX_CONCURRENT;
  const stack = await startTestStack({
    systemClock: true,
    database: (process.env.GATEHOUSE_TEST_DATABASE as "sqlite" | "postgresql") || "sqlite",
    extraEnv: {
      GATEHOUSE_LOG_LEVEL: "warn",
      ...(bound ? { GATEHOUSE_MAX_CONCURRENT_REQUESTS: bound } : {}),
    },
  });
  const ramp: Answer[] = [];
  const steady: Answer[] = [];
  let rampSeconds = NaN;
  let longestAcceptQueue = 0;
  let timeouts = 0;
  let idleP50 = NaN;
  try {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    const cookie = bob.jar.headersFor(stack.portalUrl).cookie ?? "";
    const target = { url: stack.portalUrl, origin: stack.portalUrl, roleId, cookie };
    await issueCredentials(target, { connections: 4, amount: 200 }); // warm-up
    idleP50 = (await issueCredentials(target, { connections: 1, amount: 100 })).latency.p50;
    const port = Number(new URL(stack.portalUrl).port);
    const sampler = setInterval(() => {
      longestAcceptQueue = Math.max(longestAcceptQueue, acceptQueue(port));
    }, 100);
    const answered = new Set<unknown>();
    const started = performance.now();
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const run = autocannon(
        {
          url: `${target.url}/api/roles/${roleId}/credentials`,
          method: "POST",
          headers: { cookie, origin: target.origin, "content-type": "application/json" },
          body: "{}",
          connections: CLIENTS,
          duration: SECONDS,
        },
        (error, done) =>
          error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done),
      );
      // Everything until each connection has had its first answer is the ramp.
      run.on("response", (client: unknown, status: number, _bytes: number, ms: number) => {
        if (answered.size < CLIENTS) {
          ramp.push({ status, ms });
          answered.add(client);
          if (answered.size === CLIENTS) rampSeconds = (performance.now() - started) / 1000;
        } else steady.push({ status, ms });
      });
    });
    timeouts = result.timeouts;
    clearInterval(sampler);
  } finally {
    await stack.stop();
  }

  const label = stack.database === "sqlite" ? "SQLite" : "PostgreSQL";
  console.log(
    `\noverload: ${CLIENTS} clients for ${SECONDS} s, bound ${bound ?? "default"}, ${label}`,
  );
  console.log(`baseline: one client on the idle process, p50 ${idleP50.toFixed(0)} ms`);
  console.log(
    `ramp (until every client's connection had an answer): ${Number.isNaN(rampSeconds) ? `not reached in ${SECONDS} s` : `${rampSeconds.toFixed(1)} s`}; longest accept queue ${longestAcceptQueue} connections; ${timeouts} timeouts (10 s)`,
  );
  for (const [name, answers] of [
    ["ramp", ramp],
    ["steady", steady],
  ] as const)
    for (const s of summarize(answers))
      console.log(
        `${name.padEnd(6)} ${s.status}: ${String(s.count).padStart(6)} answers, p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, max ${s.max.toFixed(0)} ms`,
      );
  const baseline = { name: "one client, idle, p50", value: idleP50 };
  const steadyOf = (status: number) => summarize(steady).find((s) => s.status === status);
  const served = steadyOf(200);
  const shed = steadyOf(503);
  recordFigures([
    {
      name: Number.isNaN(rampSeconds)
        ? `${label}: overload, ${CLIENTS} clients: NOT every connection answered within the run`
        : `${label}: overload, ${CLIENTS} clients: seconds until every connection was answered`,
      value: Number.isNaN(rampSeconds) ? SECONDS : rampSeconds,
      unit: "s",
    },
    ...(served
      ? [
          {
            name: `${label}: overload, steady state: p99 of 200s`,
            value: served.p99,
            unit: "ms" as const,
            baseline,
          },
        ]
      : []),
    ...(shed
      ? [
          {
            name: `${label}: overload, steady state: p99 of 503s`,
            value: shed.p99,
            unit: "ms" as const,
            baseline,
          },
        ]
      : []),
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
