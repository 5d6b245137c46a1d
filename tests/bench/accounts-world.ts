// The accounts benchmark's world: a power user (bob, through his "developers" group) granted
// GRANTED roles in as many of ACCOUNTS accounts, among RULES access rules in all (the rest name
// other groups and other people), with 20 favorites and 5,000 past issuances. Written straight into
// the stack's database: the admin API is not what is measured. Shared by `npm run bench:accounts`
// and one-off measurements of the page's parts.
import http from "node:http";
import type { TestStack } from "../support/stack";

export const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS || 5000);
export const GRANTED = Number(process.env.BENCH_GRANTED || 1000);
/** Access rules in all, bob's included: the others name other groups and other people. */
export const RULES = Number(process.env.BENCH_RULES || 50_000);
/** How many of the other rules name a person rather than a group. */
const PERSON_RULE_SHARE = 0.1;
const ENVIRONMENTS = ["prod", "staging", "dev", "sandbox", "test", "shared"];
const BATCH = 500;

async function inBatches<T>(items: T[], write: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await write(items.slice(i, i + BATCH));
}

/** 5,000 accounts with one role each; every (ACCOUNTS / GRANTED)th role granted to bob's group. */
export async function seedBigWorld(stack: TestStack): Promise<void> {
  const bob = await stack.db.user.findFirstOrThrow({ where: { email: "bob@corp.example" } });
  const stride = Math.max(1, Math.floor(ACCOUNTS / GRANTED));
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
    accountId: String(700_000_000_000 + i * 7919).padStart(12, "0"),
    name: `bench-${ENVIRONMENTS[i % ENVIRONMENTS.length]}-${String(i).padStart(4, "0")}`,
    alias: i % 3 === 0 ? `team-${i % 97}-${ENVIRONMENTS[i % ENVIRONMENTS.length]}` : "",
    environment: ENVIRONMENTS[i % ENVIRONMENTS.length]!,
    description: `Workloads of team ${i % 97}, cost centre ${1000 + (i % 41)}`,
  }));
  await inBatches(accounts, (batch) => stack.db.awsAccount.createMany({ data: batch }));
  const stored = await stack.db.awsAccount.findMany({
    where: { name: { startsWith: "bench-" } },
    select: { id: true, accountId: true, name: true },
  });
  const byAccountId = new Map(stored.map((a) => [a.accountId, a.id]));
  const roles = accounts.map((a, i) => ({
    awsAccountId: byAccountId.get(a.accountId)!,
    name: ["Developer", "ReadOnly", "Operator", "DataEngineer"][i % 4]!,
    arn: `arn:aws:iam::${a.accountId}:role/${["Developer", "ReadOnly", "Operator", "DataEngineer"][i % 4]}`,
    description: `Day-to-day access for team ${i % 97}`,
    maxSessionDurationSeconds: [3600, 14_400, 43_200][i % 3]!,
  }));
  await inBatches(roles, (batch) => stack.db.role.createMany({ data: batch }));
  const storedRoles = await stack.db.role.findMany({
    where: { arn: { startsWith: "arn:aws:iam::7" } },
    select: { id: true, arn: true },
    orderBy: { arn: "asc" },
  });
  const granted = storedRoles.filter((_, i) => i % stride === 0).slice(0, GRANTED);
  await inBatches(granted, (batch) =>
    stack.db.accessRule.createMany({
      data: batch.map((r, i) => ({
        roleId: r.id,
        groupName: "developers",
        maxSessionDurationSeconds: [3600, 7200, 28_800][i % 3]!,
        description: "bench",
      })),
    }),
  );
  // Everyone else's rules (50,000 in all, as the page's target says): groups bob is not in, and
  // other people, on roles all over the 5,000 accounts — the page must not read them.
  const others = Math.max(0, RULES - granted.length);
  const personRules = Math.floor(others * PERSON_RULE_SHARE);
  const people = Array.from({ length: Math.max(1, Math.ceil(personRules / 10)) }, (_, i) => ({
    id: `bench-person-${i}`,
  }));
  await inBatches(people, (batch) => stack.db.person.createMany({ data: batch }));
  const otherRules = Array.from({ length: others }, (_, i) => ({
    roleId: storedRoles[(i * 7) % storedRoles.length]!.id,
    ...(i < personRules
      ? { personId: people[i % people.length]!.id }
      : { groupName: `team-${i % 900}-${ENVIRONMENTS[i % ENVIRONMENTS.length]}` }),
    maxSessionDurationSeconds: 3600,
    description: "bench (someone else's)",
  }));
  await inBatches(otherRules, (batch) => stack.db.accessRule.createMany({ data: batch }));
  await stack.db.favoriteRole.createMany({
    data: granted.slice(0, 20).map((r) => ({ personId: bob.personId, roleId: r.id })),
  });
  const now = Date.now();
  const events = Array.from({ length: 5000 }, (_, i) => ({
    createdAt: new Date(now - i * 60_000),
    requestId: `bench-${i}`,
    action: i % 2 === 0 ? "console.issued" : "credentials.issued",
    outcome: "success",
    actorUserId: bob.id,
    roleArn: granted[(i * 13) % granted.length]!.arn,
    durationSeconds: 3600,
  }));
  await inBatches(events, (batch) => stack.db.auditEvent.createMany({ data: batch }));
}

/**
 * GET with node:http, gzip accepted as browsers do. (Node's fetch (undici 6 on Node 20) was seen
 * failing with "other side closed" on this ~600 KB streamed page while curl, Chromium and a raw
 * socket read it whole; node:http reads it whole too.)
 */
export function httpGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { ...headers, "Accept-Encoding": "gzip" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}
