// `npm run bench:load`: issuance under concurrent load, side by side with its baseline in the
// same run — the same AssumeRole sent straight to the same STS stand-in with the SDK at the same
// concurrency — so the portal's own overhead is the difference. For 1, 10 and 50 concurrent
// clients it prints p50/p99 latency of both, the overhead, issuances per second, and the portal
// process's RSS. BENCH_PROCESSES=2 adds a row with the busiest load split over that many portal
// processes on the same database (all cores). BENCH_MAX_CONCURRENT=N runs the portal with its
// default overload bound (GATEHOUSE_MAX_CONCURRENT_REQUESTS, docs/OPERATIONS.md "Overload") set to N
// instead of unbounded, and prints how many answers were 503s. BENCH_CPU_PROF=1 writes a CPU profile of the portal (.tmp/profiles/) for
// `npx tsx tests/bench/profile-summary.ts`. Not a test: numbers, not assertions.
import fs from "node:fs";
import path from "node:path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { demoBroker } from "@/dev/demo-world";
import { ROOT } from "@/dev/local-stack";
import { cpuMs, rssMb } from "../support/process-memory";
import { issueCredentials } from "./credentials-load";
import { recordFigures, type Figure } from "./figures";
import { roleIdOf, signIn } from "../support/portal-client";
import { startReplica, startTestStack } from "../support/stack";
import { percentile } from "./stats";

const REQUESTS = Number(process.env.BENCH_REQUESTS || 2000);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY || "1,10,50").split(",").map(Number);
const PROFILE_DIR = path.join(ROOT, ".tmp", "profiles");
/** Portal processes for the all-cores row (1: no such row). */
const PROCESSES = Number(process.env.BENCH_PROCESSES || 1);

interface Row {
  clients: number;
  direct: { p50: number; p99: number; perSecond: number };
  portal: { p50: number; p99: number; perSecond: number; errors: number; shed: number };
  /** The portal process's CPU time per issuance in this row (ms). */
  cpuMsPerIssuance: number;
  rssMb: number;
}

/**
 * The portal's latency over the direct AssumeRole's at one percentile. Below zero, the direct
 * call's own tail was slower than the portal's in this run (both queue on the same two cores):
 * noise, recorded as inconclusive rather than as a met target.
 */
function overheadFigure(label: string, row: Row, at: "p50" | "p99", atMost: number): Figure {
  const value = row.portal[at] - row.direct[at];
  return {
    name: `${label}: issuance overhead ${at}, ${row.clients} clients`,
    value,
    unit: "ms",
    baseline: { name: `direct AssumeRole ${at}`, value: row.direct[at] },
    target: { atMost },
    ...(value < 0 && {
      inconclusive: `the direct AssumeRole's ${at} (${row.direct[at].toFixed(0)} ms) was above the portal's (${row.portal[at].toFixed(0)} ms) in this run: both queue on the same cores, so the difference is noise`,
    }),
  };
}

/** `count` calls of `fn` by `clients` concurrent workers: sorted latencies (ms) and the rate. */
async function pool(clients: number, count: number, fn: () => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        next += 1;
        const t = performance.now();
        await fn();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { sorted: latencies.sort((a, b) => a - b), perSecond: count / seconds };
}

async function main(): Promise<void> {
  const profiling = process.env.BENCH_CPU_PROF === "1";
  if (profiling) fs.mkdirSync(PROFILE_DIR, { recursive: true });
  const stack = await startTestStack({
    systemClock: true,
    database: (process.env.GATEHOUSE_TEST_DATABASE as "sqlite" | "postgresql") || "sqlite",
    extraEnv: {
      // A load benchmark, not a log benchmark: the request log is measured on its own.
      GATEHOUSE_LOG_LEVEL: process.env.BENCH_LOG_LEVEL || "warn",
      GATEHOUSE_MAX_CONCURRENT_REQUESTS: process.env.BENCH_MAX_CONCURRENT || "100000",
    },
    ...(profiling ? { portalNodeArgs: ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] } : {}),
  });
  const rows: Row[] = [];
  let allCores: { processes: number; perSecond: number; errors: number; rssMb: number } | null =
    null;
  try {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    const cookie = bob.jar.headersFor(stack.portalUrl).cookie ?? "";
    const sts = new STSClient({
      region: "us-east-1",
      endpoint: stack.aws.stsEndpoint,
      credentials: {
        accessKeyId: demoBroker.accessKeyId,
        secretAccessKey: demoBroker.secretAccessKey,
      },
    });
    const direct = () =>
      sts
        .send(
          new AssumeRoleCommand({
            RoleArn: "arn:aws:iam::345678901234:role/Developer",
            RoleSessionName: "bench",
            DurationSeconds: 3600,
          }),
        )
        .then(() => undefined);
    const pid = stack.portal.serverPid();
    // Warm both paths (JIT, connection pools, the broker's session exchange).
    await pool(4, 200, direct);
    const target = { url: stack.portalUrl, origin: stack.portalUrl, roleId, cookie };
    await issueCredentials(target, { connections: 4, amount: 200 });

    for (const clients of CONCURRENCY) {
      const d = await pool(clients, REQUESTS, direct);
      const cpuBefore = cpuMs(pid);
      const p = await issueCredentials(target, { connections: clients, amount: REQUESTS });
      const cpuMsPerIssuance = (cpuMs(pid) - cpuBefore) / REQUESTS;
      rows.push({
        clients,
        direct: {
          p50: percentile(d.sorted, 50),
          p99: percentile(d.sorted, 99),
          perSecond: d.perSecond,
        },
        portal: {
          p50: p.latency.p50,
          p99: p.latency.p99,
          perSecond: p.perSecond,
          errors: p.errors + p.non2xx,
          shed: Number(p.statusCodeStats?.["503"]?.count ?? 0),
        },
        cpuMsPerIssuance,
        rssMb: rssMb(pid),
      });
    }
    // All cores: the same total load split over PROCESSES portal processes on the same database,
    // as replicas behind a load balancer (the portal keeps no state of its own on PostgreSQL).
    if (PROCESSES > 1) {
      const replicas = await Promise.all(
        Array.from({ length: PROCESSES - 1 }, () =>
          startReplica(stack, { GATEHOUSE_MAX_CONCURRENT_REQUESTS: "100000" }),
        ),
      );
      try {
        const urls = [stack.portalUrl, ...replicas.map((r) => r.url)];
        const issue = (url: string, connections: number, amount: number) =>
          issueCredentials({ ...target, url }, { connections, amount });
        await Promise.all(urls.slice(1).map((url) => issue(url, 4, 200))); // warm-up
        const clients = Math.max(...CONCURRENCY);
        const results = await Promise.all(
          urls.map((url) => issue(url, Math.ceil(clients / urls.length), REQUESTS)),
        );
        // From the common start to the last answer of any process.
        const seconds = Math.max(...results.map((r) => r.seconds));
        allCores = {
          processes: urls.length,
          perSecond: (REQUESTS * urls.length) / seconds,
          errors: results.reduce((n, r) => n + r.errors + r.non2xx, 0),
          rssMb: Math.max(rssMb(pid), ...replicas.map((r) => rssMb(r.serverPid()))),
        };
      } finally {
        await Promise.all(replicas.map((r) => r.stop()));
      }
    }
  } finally {
    await stack.stop();
  }

  const ms = (n: number) => `${n.toFixed(1).padStart(7)} ms`;
  console.log(`\nissuance under load (${REQUESTS} requests per row, ${stack.database})`);
  console.log(
    "clients │ direct p50   direct p99 │ portal p50   portal p99 │ overhead p50 overhead p99 │ direct/s portal/s │ errors (503s) │ CPU/issuance │ RSS",
  );
  for (const r of rows)
    console.log(
      `${String(r.clients).padStart(7)} │ ${ms(r.direct.p50)} ${ms(r.direct.p99)} │ ${ms(r.portal.p50)} ${ms(r.portal.p99)} │ ${ms(r.portal.p50 - r.direct.p50)} ${ms(r.portal.p99 - r.direct.p99)} │ ${r.direct.perSecond.toFixed(0).padStart(8)} ${r.portal.perSecond.toFixed(0).padStart(8)} │ ${String(r.portal.errors).padStart(6)} (${r.portal.shed}) │ ${ms(r.cpuMsPerIssuance)}   │ ${r.rssMb} MB`,
    );
  const label = stack.database === "sqlite" ? "SQLite" : "PostgreSQL";
  const busiest = rows.reduce<Row | undefined>(
    (a, r) => (!a || r.clients > a.clients ? r : a),
    undefined,
  );
  if (busiest)
    recordFigures([
      overheadFigure(label, busiest, "p50", 5),
      overheadFigure(label, busiest, "p99", 15),
      {
        name: `${label}: issuances per second, one process`,
        value: busiest.portal.perSecond,
        unit: "/s",
        baseline: { name: "direct AssumeRole/s", value: busiest.direct.perSecond },
        target: { atLeast: 1000 },
      },
      {
        name: `${label}: portal CPU per issuance, ${busiest.clients} clients`,
        value: busiest.cpuMsPerIssuance,
        unit: "ms",
      },
      {
        name: `${label}: RSS of the portal process under load`,
        value: Math.max(...rows.map((r) => r.rssMb)),
        unit: "MB",
        target: { atMost: 400 },
      },
    ]);
  if (allCores) {
    console.log(
      `\nall cores: ${allCores.processes} portal processes, ${Math.max(...CONCURRENCY)} clients in all: ${allCores.perSecond.toFixed(0)} issuances/s, ${allCores.errors} errors, largest RSS ${allCores.rssMb} MB`,
    );
    recordFigures([
      {
        name: `${label}: issuances per second, ${allCores.processes} processes (all cores)${allCores.errors ? `, ${allCores.errors} errors` : ""}`,
        value: allCores.perSecond,
        unit: "/s",
        baseline: { name: "one process", value: busiest?.portal.perSecond ?? NaN },
        target: { atLeast: 1000 },
      },
    ]);
  }
  if (profiling)
    console.log(
      `\nCPU profile written to ${PROFILE_DIR} (summarize: npx tsx tests/bench/profile-summary.ts)`,
    );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
