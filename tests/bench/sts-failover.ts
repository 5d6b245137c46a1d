// `npm run bench:failover`: what an unhealthy first STS endpoint costs a user. Portal issuance
// (POST credentials, end to end over HTTP) against two stand-in STS endpoints, BENCH_ROUNDS times
// each: healthy; the first endpoint refusing connections; the first endpoint answering slower than
// the per-attempt timeout. Prints median, p99 and max, and their ratios to healthy. The broker's
// circuit puts a failing endpoint last for 30 s, so a failure scenario's first request pays the
// full failover and later ones mostly do not: the p99 and max show that first request. Not a
// test: numbers, not assertions.
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";
import { percentile } from "./stats";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 500);
const TIMEOUT_MS = Number(process.env.BENCH_STS_TIMEOUT_MS || 500);
const SLOW_MS = TIMEOUT_MS * 4;
/** The broker's circuit cool-down (RetryPolicy.circuitCooldownMs) plus a margin. */
const COOLDOWN_WAIT_MS = 31_000;

async function time(rounds: number, fn: () => Promise<void>, warmUp: number): Promise<number[]> {
  for (let i = 0; i < warmUp; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples.sort((a, b) => a - b);
}

function issuer(session: PortalSession, roleId: string): () => Promise<void> {
  return async () => {
    const res = await session.request(`/api/roles/${roleId}/credentials`, {
      method: "POST",
      json: {},
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
}

async function main(): Promise<void> {
  const stack: TestStack = await startTestStack({
    systemClock: true,
    database: (process.env.GATEHOUSE_TEST_DATABASE as "sqlite" | "postgresql") || "sqlite",
    stsEndpointNames: ["sts-a", "sts-b"],
    envFromAws: (aws) =>
      Promise.resolve({
        GATEHOUSE_STS_ENDPOINT: "",
        GATEHOUSE_STS_ENDPOINTS: `us-east-1=${aws.stsEndpoints["sts-a"]},us-east-1=${aws.stsEndpoints["sts-b"]}`,
        GATEHOUSE_STS_ATTEMPTS_PER_ENDPOINT: "2",
        GATEHOUSE_STS_TIMEOUT_MS: String(TIMEOUT_MS),
        GATEHOUSE_STS_BACKOFF_BASE_MS: "100",
      }),
  });
  try {
    const bob = await signIn(stack, "bob");
    const issue = issuer(bob, await roleIdOf(stack, "acme-staging", "Developer"));
    const results: Array<[string, number[]]> = [];

    results.push(["healthy", await time(ROUNDS, issue, 20)]);

    stack.aws.setFault("sts-a", { refuseConnections: true });
    results.push(["first endpoint refusing connections", await time(ROUNDS, issue, 0)]);
    stack.aws.clearFaults();

    // Let the first endpoint's circuit close again, and one success reset it.
    await new Promise((resolve) => setTimeout(resolve, COOLDOWN_WAIT_MS));
    await issue();

    stack.aws.setFault("sts-a", { latencyMs: SLOW_MS });
    results.push([
      `first endpoint slow (${SLOW_MS} ms > ${TIMEOUT_MS} ms timeout)`,
      await time(ROUNDS, issue, 0),
    ]);
    stack.aws.clearFaults();

    const healthy = results[0]![1];
    const base50 = percentile(healthy, 50);
    const base99 = percentile(healthy, 99);
    console.log(
      `\nGatehouse STS failover benchmark — ${stack.database}, ${ROUNDS} issuances each, 2 endpoints × 2 attempts, one client, loopback\n`,
    );
    console.log(
      `${"".padEnd(48)} ${"median".padStart(9)} ${"p99".padStart(9)} ${"max".padStart(9)}  ×median  ×p99`,
    );
    for (const [name, samples] of results) {
      const median = percentile(samples, 50);
      const p99 = percentile(samples, 99);
      const max = samples.at(-1) ?? NaN;
      console.log(
        `${name.padEnd(48)} ${median.toFixed(2).padStart(7)}ms ${p99.toFixed(2).padStart(7)}ms ${max.toFixed(0).padStart(7)}ms  ${(median / base50).toFixed(2).padStart(6)}  ${(p99 / base99).toFixed(2).padStart(5)}`,
      );
    }
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
