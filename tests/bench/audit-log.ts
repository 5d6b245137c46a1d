// `npm run bench:audit`: the audit log at 1,000,000 events on SQLite. Appends a million events with
// a VALID hash chain (batched prepared inserts straight into the test database, hashes computed
// with the app's canonical form, head updated), then measures over HTTP, as alice, the audit page:
// first page, a deep page (a cursor ~900,000 events down), filtered by user and by account — next
// to GET /api/health in the same run (the HTTP + session-less floor) — the time to the first byte
// of an unfiltered CSV export, and chain verification throughput. Prints numbers; the database is
// the test stack's own and is deleted at the end. BENCH_EVENTS and BENCH_ROUNDS override the sizes.
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { computeAuditHash, type ChainedAuditRow } from "@/lib/audit/canonical-event";
import { encodeCursor } from "@/lib/audit/audit-filter-values";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { sqliteFileFromUrl } from "@/prisma/database-url";
import { signIn } from "../support/portal-client";
import { startTestStack } from "../support/stack";
import { percentile } from "./stats";

const EVENTS = Number(process.env.BENCH_EVENTS || 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 20);
const ACTIONS = ["auth.sign-in", "console.issued", "credentials.issued", "access.denied"] as const;

async function time(rounds: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 3; i += 1) await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples.sort((a, b) => a - b);
}

/** Appends `count` chained events after the current head, in one transaction per 50,000. */
function appendEvents(
  file: string,
  count: number,
  opts: { aliceId: string; accountIds: string[] },
): { seconds: number; bytes: number } {
  const sqlite = new Database(file);
  sqlite.pragma("busy_timeout = 10000");
  const started = Date.now();
  const head = sqlite
    .prepare(`SELECT "sequence", "hash" FROM "AuditChainHead" WHERE "id" = 1`)
    .get() as {
    sequence: number;
    hash: string;
  };
  const insert =
    sqlite.prepare(`INSERT INTO "AuditEvent" ("id","createdAt","requestId","action","outcome",
    "actorUserId","actorIssuer","actorSubject","actorEmail","actorGroupsJson","awsAccountId","roleArn",
    "roleSessionName","sourceIdentity","durationSeconds","accessKeyId","ip","userAgent","detailsJson",
    "sequence","prevHash","hash") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
  const setHead = sqlite.prepare(
    `UPDATE "AuditChainHead" SET "sequence" = ?, "hash" = ?, "updatedAt" = ? WHERE "id" = 1`,
  );
  // A year of history ending a minute ago, oldest first.
  const end = Date.now() - 60_000;
  const step = Math.floor((365 * 86_400_000) / count);
  let prev = head.hash;
  let sequence = head.sequence;
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 1) {
      sequence += 1;
      const user = i % 1000 === 0 ? opts.aliceId : `cbenchuser${String(i % 997).padStart(15, "0")}`;
      const account = opts.accountIds[i % opts.accountIds.length]!;
      const action = ACTIONS[i % ACTIONS.length]!;
      const row: ChainedAuditRow = {
        id: `cb${String(i).padStart(10, "0")}${randomBytes(6).toString("hex").slice(0, 13)}`,
        sequence,
        prevHash: prev,
        createdAt: new Date(end - (count - i) * step),
        requestId: `bench-${i}`,
        action,
        outcome: action === "access.denied" ? "denied" : "success",
        actorUserId: user,
        actorIssuer: "https://idp.bench",
        actorSubject: user,
        actorEmail: null,
        actorGroupsJson: '["developers"]',
        awsAccountId: account,
        roleArn: `arn:aws:iam::${account}:role/Role${i % 4}`,
        roleSessionName: `user-${i % 997}`,
        sourceIdentity: user,
        durationSeconds: 3600,
        accessKeyId: action.endsWith("issued") ? `ASIABENCH${String(i).padStart(11, "0")}` : null,
        ip: "10.0.0.1",
        userAgent: "bench",
        detailsJson: `{"region":"eu-west-1","n":${i}}`,
      };
      const hash = computeAuditHash(prev, row);
      insert.run(
        row.id,
        row.createdAt.toISOString().replace("Z", "+00:00"), // the adapter's own DateTime text form
        row.requestId,
        row.action,
        row.outcome,
        row.actorUserId,
        row.actorIssuer,
        row.actorSubject,
        row.actorEmail,
        row.actorGroupsJson,
        row.awsAccountId,
        row.roleArn,
        row.roleSessionName,
        row.sourceIdentity,
        row.durationSeconds,
        row.accessKeyId,
        row.ip,
        row.userAgent,
        row.detailsJson,
        row.sequence,
        row.prevHash,
        hash,
      );
      prev = hash;
    }
    setHead.run(sequence, prev, new Date().toISOString().replace("Z", "+00:00"));
  });
  for (let from = 0; from < count; from += 50_000) batch(from, Math.min(count, from + 50_000));
  const bytes =
    (sqlite.prepare("PRAGMA page_count").get() as { page_count: number }).page_count * 4096;
  sqlite.close();
  return { seconds: (Date.now() - started) / 1000, bytes };
}

async function main(): Promise<void> {
  const stack = await startTestStack({ database: "sqlite", systemClock: true });
  try {
    const alice = await signIn(stack, "alice");
    const aliceRow = await stack.db.user.findFirstOrThrow({
      where: { email: "alice@corp.example" },
    });
    const accountIds = Array.from({ length: 50 }, (_, i) => String(100_000_000_000 + i * 7919));
    const file = sqliteFileFromUrl(stack.databaseUrl);
    console.log(`appending ${EVENTS.toLocaleString("en")} chained audit events…`);
    const inserted = appendEvents(file, EVENTS, { aliceId: aliceRow.id, accountIds });
    console.log(
      `  ${inserted.seconds.toFixed(1)} s (${Math.round(EVENTS / inserted.seconds).toLocaleString("en")} events/s), database ${(inserted.bytes / 1e6).toFixed(0)} MB`,
    );

    const deep = await stack.db.auditEvent.findFirstOrThrow({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: Math.floor(EVENTS * 0.9),
      select: { createdAt: true, id: true },
    });
    // Setting up took long enough for kept-alive sockets to idle out: start on a fresh one.
    const health = () => fetch(`${stack.portalUrl}/api/health`).then((r) => r.arrayBuffer());
    await health().catch(health);
    await alice.request("/api/health").catch(() => alice.request("/api/health"));
    const get = async (path: string, expectRows = true) => {
      const res = await alice.request(path);
      const html = await res.text();
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
      if (expectRows && !html.includes('data-testid="audit-row"'))
        throw new Error(`${path}: no rows`);
    };
    const results: Array<[string, number[]]> = [
      [
        "GET /api/health (floor)",
        await time(ROUNDS, async () => {
          const res = await fetch(`${stack.portalUrl}/api/health`);
          await res.arrayBuffer();
        }),
      ],
      ["audit page 1 (newest 50)", await time(ROUNDS, () => get("/admin/audit"))],
      [
        "audit deep page (cursor at 90%)",
        await time(ROUNDS, () => get(`/admin/audit?before=${encodeCursor(deep)}`)),
      ],
      [
        "filter user=alice (~0.1%)",
        await time(ROUNDS, () => get("/admin/audit?user=alice%40corp.example")),
      ],
      [
        `filter account (~2%)`,
        await time(ROUNDS, () => get(`/admin/audit?account=${accountIds[7]}`)),
      ],
      [
        "filter account + action + outcome",
        await time(ROUNDS, () =>
          get(`/admin/audit?account=${accountIds[7]}&action=access.denied&outcome=denied`, false),
        ),
      ],
      [
        "CSV export, time to first byte",
        await time(ROUNDS, async () => {
          const res = await alice.request("/api/admin/audit/export?format=csv");
          const reader = res.body!.getReader();
          await reader.read();
          await reader.cancel();
        }),
      ],
    ];
    const floor = percentile(results[0]![1], 50);
    console.log(
      `\nGatehouse audit log — SQLite, ${EVENTS.toLocaleString("en")} events, ${ROUNDS} requests each, as alice\n`,
    );
    console.log(`${"".padEnd(38)} ${"median".padStart(9)} ${"p95".padStart(9)}  ×health`);
    for (const [name, samples] of results) {
      const median = percentile(samples, 50);
      console.log(
        `${name.padEnd(38)} ${median.toFixed(1).padStart(7)}ms ${percentile(samples, 95).toFixed(1).padStart(7)}ms  ${(median / floor).toFixed(1)}`,
      );
    }

    const verifyStarted = Date.now();
    const report = await verifyAuditChain(stack.db);
    const seconds = (Date.now() - verifyStarted) / 1000;
    console.log(
      `\nchain verification: ${report.checked.toLocaleString("en")} events in ${seconds.toFixed(1)} s = ${Math.round(report.checked / seconds).toLocaleString("en")} events/s (intact: ${report.intact})`,
    );
    if (!report.intact) console.log(`  first break: ${report.firstBreak?.message}`);

    // The page's "Verify integrity": streamed over HTTP, progress lines first.
    const streamStarted = Date.now();
    const res = await alice.request("/api/admin/audit/verify", {
      method: "POST",
      headers: { Accept: "application/x-ndjson" },
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let firstProgressMs: number | null = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (firstProgressMs === null && text.includes('"progress"'))
        firstProgressMs = Date.now() - streamStarted;
    }
    const lines = text.split("\n").filter(Boolean);
    const streamed = JSON.parse(lines.at(-1)!) as { report?: { checked: number; intact: boolean } };
    console.log(
      `"Verify integrity" over HTTP (streamed): first progress after ${firstProgressMs ?? "—"} ms, ${lines.length - 1} progress lines, report after ${((Date.now() - streamStarted) / 1000).toFixed(1)} s (${streamed.report?.checked.toLocaleString("en")} events, intact: ${streamed.report?.intact})`,
    );
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
