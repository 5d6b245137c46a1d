// `npm run bench:compare -- <other checkout>`: CPU per issuance (BENCH_WORKLOAD=accounts: per
// GET /accounts of bench:accounts' power user, one request at a time) of this checkout's build
// against another checkout's build (e.g. `git worktree add /tmp/before HEAD~1`, its node_modules,
// `npm run build` there), both serving one stack — the same database, IdP and STS stand-in — in batches that
// alternate between them (before, after, after, before, …). On this shared two-core machine the
// speed drifts by tens of percent within minutes, which swamps a change of a few percent measured
// in separate runs; paired batches see the same drift, so the median of their ratios shows it.
// Portal CPU is read from /proc. Not a test: numbers, not assertions.
import path from "node:path";
import { startPortal } from "@/dev/local-stack";
import { freePort } from "@/dev/ports";
import { cpuMs } from "../support/process-memory";
import { roleIdOf, signIn } from "../support/portal-client";
import { startTestStack, type TestDatabase } from "../support/stack";
import { GRANTED, httpGet, seedBigWorld } from "./accounts-world";
import { issueCredentials, type CredentialsLoad } from "./credentials-load";
import { median } from "./stats";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 8);
const BATCH = Number(process.env.BENCH_REQUESTS || 400);
const CLIENTS = Number(process.env.BENCH_CONCURRENCY || 10);
const DATABASE = (process.env.GATEHOUSE_TEST_DATABASE || "sqlite") as TestDatabase;
const WORKLOAD = process.env.BENCH_WORKLOAD === "accounts" ? "accounts" : "issuance";

interface Side {
  url: string;
  pid: number;
  cpu: number[];
  /** Requests answered per second of each batch. */
  rate: number[];
}

/** One batch against one side: the portal's CPU per request (ms) and requests per second. */
interface Batch {
  cpu: number;
  rate: number;
}

/** Runs `amount` requests of the workload against one side. */
type Workload = (side: Side, amount: number) => Promise<Batch>;

/**
 * Times a batch: CPU of the side's portal from /proc; the rate from the run's own seconds (the
 * last answer's time) or, when it gives none, the monotonic clock around it.
 */
async function measured(
  side: Side,
  amount: number,
  run: () => Promise<{ seconds: number } | void>,
): Promise<Batch> {
  const cpuBefore = cpuMs(side.pid);
  const started = performance.now();
  const timed = await run();
  const seconds = timed ? timed.seconds : (performance.now() - started) / 1000;
  return { cpu: (cpuMs(side.pid) - cpuBefore) / amount, rate: amount / seconds };
}

function issuanceWorkload(load: Omit<CredentialsLoad, "url">): Workload {
  return (side, amount) =>
    measured(side, amount, async () => {
      const result = await issueCredentials(
        { ...load, url: side.url },
        { connections: CLIENTS, amount },
      );
      if (result.errors || result.non2xx)
        throw new Error(`${side.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      return result;
    });
}

function accountsPageWorkload(cookie: Record<string, string>): Workload {
  return (side, amount) =>
    measured(side, amount, async () => {
      for (let i = 0; i < amount; i++) {
        const res = await httpGet(`${side.url}/accounts`, cookie);
        if (res.status !== 200) throw new Error(`${side.url}/accounts: HTTP ${res.status}`);
      }
    });
}

async function main(): Promise<void> {
  const other = process.argv[2];
  if (!other) throw new Error("usage: npm run bench:compare -- <path of the other checkout>");
  const otherDir = path.resolve(other);
  const stack = await startTestStack({
    systemClock: true,
    database: DATABASE,
    extraEnv: { GATEHOUSE_LOG_LEVEL: "warn", GATEHOUSE_MAX_CONCURRENT_REQUESTS: "100000" },
  });
  try {
    // Both sides are portals started here, beside the stack's own (which serves the sign-in): the
    // stack's portal, measured as one side, used a few percent more CPU per issuance than a second
    // portal of the same build (docs/BENCHMARKS.md "The revocation check at issuance").
    const baseline = await startPortal({
      port: await freePort(),
      env: stack.portalEnv,
      projectDir: otherDir,
    });
    const current = await startPortal({ port: await freePort(), env: stack.portalEnv });
    try {
      const bob = await signIn(stack, "bob");
      let workload: Workload;
      let batch = BATCH;
      if (WORKLOAD === "accounts") {
        await seedBigWorld(stack);
        workload = accountsPageWorkload(bob.jar.headersFor(`${stack.portalUrl}/accounts`));
        batch = Number(process.env.BENCH_REQUESTS || 40);
      } else {
        const roleId = await roleIdOf(stack, "acme-staging", "Developer");
        const cookie = bob.jar.headersFor(stack.portalUrl).cookie ?? "";
        workload = issuanceWorkload({ origin: stack.portalUrl, roleId, cookie });
      }
      const sides: Record<"baseline" | "this", Side> = {
        baseline: { url: baseline.url, pid: baseline.serverPid(), cpu: [], rate: [] },
        this: { url: current.url, pid: current.serverPid(), cpu: [], rate: [] },
      };
      for (const side of Object.values(sides)) await workload(side, Math.ceil(batch * 0.75));
      const what =
        WORKLOAD === "accounts"
          ? `GET /accounts (${GRANTED} roles), one at a time`
          : `issuance, ${CLIENTS} clients`;
      console.log(
        `CPU per request, ${what}, ${DATABASE}, ${ROUNDS} rounds of ${batch} each\n` +
          `baseline: ${otherDir}\nthis:     ${path.resolve(".")}`,
      );
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? [sides.baseline, sides.this] : [sides.this, sides.baseline];
        for (const side of order) {
          const result = await workload(side, batch);
          side.cpu.push(result.cpu);
          side.rate.push(result.rate);
        }
        const { baseline: b, this: t } = sides;
        console.log(
          `  round ${round + 1}: baseline ${b.cpu.at(-1)?.toFixed(2)} ms, ${b.rate.at(-1)?.toFixed(0)}/s; ` +
            `this ${t.cpu.at(-1)?.toFixed(2)} ms, ${t.rate.at(-1)?.toFixed(0)}/s`,
        );
      }
      const summary = (label: string, unit: string, key: "cpu" | "rate", digits: number) => {
        const ratios = sides.this[key].map((v, i) => v / (sides.baseline[key][i] ?? NaN));
        console.log(
          `${label}: median baseline ${median(sides.baseline[key]).toFixed(digits)}${unit}, this ${median(sides.this[key]).toFixed(digits)}${unit}; ` +
            `median ratio this/baseline ${median(ratios).toFixed(3)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(" ")})`,
        );
      };
      summary("CPU per request", " ms", "cpu", 2);
      summary("requests per second", "/s", "rate", 0);
    } finally {
      await Promise.all([baseline.stop(), current.stop()]);
    }
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
