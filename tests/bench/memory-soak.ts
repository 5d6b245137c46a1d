// `npm run bench:soak`: sustained issuance load on one portal process (50 clients for
// BENCH_SECONDS, default 600) with its RSS and heap sampled every 10 s, to show whether memory
// stays flat (docs/OPERATIONS.md "Memory"). Prints the series, the first and last minute's range
// and the issuance rate. Not a test: numbers, not assertions.
import { rssMb } from "../support/process-memory";
import { roleIdOf, signIn } from "../support/portal-client";
import { startTestStack } from "../support/stack";
import { issueCredentials } from "./credentials-load";
import { recordFigures } from "./figures";

const SECONDS = Number(process.env.BENCH_SECONDS || 600);
const CLIENTS = Number(process.env.BENCH_CLIENTS || 50);

async function main(): Promise<void> {
  const stack = await startTestStack({
    systemClock: true,
    database: (process.env.GATEHOUSE_TEST_DATABASE as "sqlite" | "postgresql") || "sqlite",
    extraEnv: { GATEHOUSE_LOG_LEVEL: "warn", GATEHOUSE_MAX_CONCURRENT_REQUESTS: "100000" },
  });
  try {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    const cookie = bob.jar.headersFor(stack.portalUrl).cookie ?? "";
    const pid = stack.portal.serverPid();
    const samples: Array<{ at: number; rss: number }> = [];
    const started = Date.now();
    const sample = () => samples.push({ at: (Date.now() - started) / 1000, rss: rssMb(pid) });
    sample();
    const timer = setInterval(sample, 10_000);
    const result = await issueCredentials(
      { url: stack.portalUrl, origin: stack.portalUrl, roleId, cookie },
      { connections: CLIENTS, duration: SECONDS },
    );
    clearInterval(timer);
    sample();
    const range = (from: number, to: number) => {
      const xs = samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.rss);
      return `${Math.min(...xs)}–${Math.max(...xs)} MB`;
    };
    console.log(
      `\n${stack.database}, ${CLIENTS} clients for ${SECONDS} s: ${result.requests.total} issuances (${result.requests.average.toFixed(0)}/s), ${result.errors + result.non2xx} errors`,
    );
    console.log(`RSS every 10 s: ${samples.map((s) => s.rss).join(" ")}`);
    console.log(
      `RSS first minute ${range(0, 60)}, last minute ${range(SECONDS - 60, SECONDS + 10)}, heap limit ${stack.portalEnv.GATEHOUSE_MAX_HEAP_MB ?? "default"}`,
    );
    recordFigures([
      {
        name: `${stack.database}: RSS after ${SECONDS} s of issuance at ${CLIENTS} clients`,
        value: samples.at(-1)?.rss ?? NaN,
        unit: "MB",
        baseline: { name: "after the first 10 s", value: samples[1]?.rss ?? NaN },
        target: { atMost: 400 },
      },
    ]);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
