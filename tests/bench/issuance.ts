// `npm run bench`: how long one issuance takes end to end (HTTP → session check → access
// resolution → AssumeRole → audit → response), against baselines measured in the same run on the
// same stack: a bare AssumeRole through the SDK (the AWS part alone) and the health endpoint (the
// HTTP + database floor). Prints medians, p95 and ratios. Not a test: numbers, not assertions.
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { demoBroker } from "@/dev/demo-world";
import { roleIdOf, signIn } from "../support/portal-client";
import { startTestStack } from "../support/stack";
import { percentile } from "./stats";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 200);

async function time(rounds: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < Math.min(20, rounds); i += 1) await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const stack = await startTestStack({
    systemClock: true,
    database: (process.env.GATEHOUSE_TEST_DATABASE as "sqlite" | "postgresql") || "sqlite",
  });
  try {
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    const sts = new STSClient({
      region: "us-east-1",
      endpoint: stack.aws.stsEndpoint,
      credentials: {
        accessKeyId: demoBroker.accessKeyId,
        secretAccessKey: demoBroker.secretAccessKey,
      },
    });
    const expectOk = async (res: Response) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };
    const results: Array<[string, number[]]> = [
      [
        "GET /api/health (HTTP + DB floor)",
        await time(ROUNDS, async () => expectOk(await fetch(`${stack.portalUrl}/api/health`))),
      ],
      [
        "AssumeRole via SDK (AWS part alone)",
        await time(ROUNDS, async () => {
          await sts.send(
            new AssumeRoleCommand({
              RoleArn: "arn:aws:iam::345678901234:role/Developer",
              RoleSessionName: "bench",
              DurationSeconds: 3600,
            }),
          );
        }),
      ],
      [
        "POST credentials (full issuance)",
        await time(ROUNDS, async () =>
          expectOk(
            await bob.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} }),
          ),
        ),
      ],
      [
        "POST console (issuance + getSigninToken)",
        await time(ROUNDS, async () =>
          expectOk(await bob.request(`/api/roles/${roleId}/console`, { method: "POST", json: {} })),
        ),
      ],
    ];
    const baseline = percentile(results[1]![1], 50);
    console.log(
      `\nGatehouse issuance benchmark — ${stack.database}, ${ROUNDS} rounds each, one client, loopback\n`,
    );
    console.log(`${"".padEnd(42)} ${"median".padStart(9)} ${"p95".padStart(9)}  ×AssumeRole`);
    for (const [name, samples] of results) {
      const median = percentile(samples, 50);
      console.log(
        `${name.padEnd(42)} ${median.toFixed(2).padStart(7)}ms ${percentile(samples, 95).toFixed(2).padStart(7)}ms  ${(median / baseline).toFixed(2)}`,
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
