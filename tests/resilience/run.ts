// `npm run test:resilience`: load and fault scenarios against two portal replicas on one database
// (PostgreSQL unless GATEHOUSE_TEST_DATABASE=sqlite), loopback only, each bounded and stopping by
// itself. Each scenario changes the world when the load reaches a count of outcomes, never after a
// sleep, and checks what every request got:
// - mixed load (page views, CLI and console issuance, favorites) on both replicas with autocannon
//   at the highest rate the machine gives: zero 5xx, every 200 issuance audited, RSS reported;
// - one STS endpoint refusing connections and one throttling: issuance keeps succeeding;
// - every STS endpoint down: a clear 503 aws_unavailable, a bounded number of attempts;
// - the audit log refusing writes: no credentials and no STS call, 503s with request ids;
// - (PostgreSQL) the database server restarted under mixed load on two replicas: only 503s with
//   Retry-After while it is down, recovery without a restart, every delivered credential audited.
// Prints one line per scenario and exits non-zero if any failed.
import assert from "node:assert/strict";
import autocannon from "autocannon";
import type { RunningPortal } from "@/dev/local-stack";
import { demoBroker } from "@/dev/demo-world";
import { endpointsSetting } from "../support/broker-config";
import { startIssuanceStream, type IssuanceOutcome } from "../support/issuance-stream";
import { rssMb } from "../support/process-memory";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startPrivatePostgres } from "../support/private-postgres";
import { startReplica, startTestStack, type TestDatabase, type TestStack } from "../support/stack";

const SECONDS = Number(process.env.RESILIENCE_SECONDS || 30);
const NAMES = ["sts-a", "sts-b", "sts-c"] as const;
const AUDIT_TRIGGER = "resilience_audit_down";

interface Context {
  stack: TestStack;
  second: RunningPortal;
  bob: PortalSession;
  roleId: string;
}

/** The stand-in's record of STS calls (tests/support/portal-assertions.ts needs vitest). */
async function stsCalls(stack: TestStack): Promise<unknown[]> {
  return (await (await fetch(`${stack.aws.url}/__standin/calls`)).json()) as unknown[];
}

function tally(outcomes: readonly IssuanceOutcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.hung ? "hung" : o.code ? `${o.status} ${o.code}` : String(o.status);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

type LoadKind = "page" | "credentials" | "console" | "favorite";
type OnResponse = NonNullable<autocannon.Request["onResponse"]>;

/** The mixed load both load scenarios send: a page view, CLI and console issuance, favorites. */
function mixedRequests(
  roleId: string,
  onResponseFor: (kind: LoadKind) => OnResponse,
): autocannon.Request[] {
  const requests: Array<{ kind: LoadKind; method: string; path: string; body?: string }> = [
    { kind: "page", method: "GET", path: "/accounts" },
    { kind: "credentials", method: "POST", path: `/api/roles/${roleId}/credentials`, body: "{}" },
    { kind: "console", method: "POST", path: `/api/roles/${roleId}/console`, body: "{}" },
    { kind: "favorite", method: "PUT", path: `/api/favorites/${roleId}`, body: "{}" },
    { kind: "favorite", method: "DELETE", path: `/api/favorites/${roleId}` },
  ];
  return requests.map(({ kind, ...r }): autocannon.Request => ({
    ...r,
    method: r.method as "GET",
    onResponse: onResponseFor(kind),
  }));
}

async function mixedLoad(ctx: Context): Promise<string> {
  const cookie = ctx.bob.jar.headersFor(ctx.stack.portalUrl).cookie ?? "";
  const headers = { cookie, origin: ctx.stack.portalUrl, "content-type": "application/json" };
  const serverErrors: string[] = [];
  const onResponse = (status: number, body: string) => {
    if (status >= 500) serverErrors.push(`${status} ${body.slice(0, 160)}`);
  };
  const requests = mixedRequests(ctx.roleId, () => onResponse);
  const issuedBefore = await ctx.stack.db.auditEvent.count({
    where: { action: { in: ["credentials.issued", "console.issued"] } },
  });
  const rss: number[] = [];
  const sample = setInterval(() => rss.push(rssMb(ctx.stack.portal.serverPid())), 1000);
  const run = (url: string) =>
    autocannon({ url, headers, requests, connections: 10, duration: SECONDS });
  const [a, b] = await Promise.all([run(ctx.stack.portalUrl), run(ctx.second.url)]);
  clearInterval(sample);
  const fiveXx = a["5xx"] + b["5xx"];
  const total = a.requests.total + b.requests.total;
  const issuedAfter = await ctx.stack.db.auditEvent.count({
    where: { action: { in: ["credentials.issued", "console.issued"] } },
  });
  if (fiveXx > 0) {
    // What the servers logged for them, to say why.
    const ids = serverErrors.map((e) => /"requestId":"([^"]+)"/.exec(e)?.[1]).filter(Boolean);
    const logs = `${ctx.stack.portal.output()}\n${ctx.second.output()}`.split("\n");
    for (const id of ids)
      for (const line of logs.filter((l) => l.includes(id!))) console.log(line.slice(0, 3000));
    for (const line of logs.filter((l) => /"level":"error"|⨯|Error:/.test(l)))
      console.log(line.slice(0, 3000));
  }
  assert.equal(fiveXx, 0, `${fiveXx} answers were 5xx: ${[...new Set(serverErrors)].join(" | ")}`);
  assert.equal(a.errors + b.errors, 0, "connection errors or timeouts");
  assert.ok(issuedAfter > issuedBefore, "no issuance was audited");
  return `${total} requests in ${SECONDS} s on 2 replicas (${Math.round(total / SECONDS)}/s), 0 5xx, ${issuedAfter - issuedBefore} issuances audited, RSS ${Math.min(...rss)}–${Math.max(...rss)} MB`;
}

async function stsPartlyDown(ctx: Context): Promise<string> {
  const stream = startIssuanceStream(ctx.bob, ctx.roleId, { clients: 4 });
  try {
    await stream.until((o) => o.length >= 20, "20 issuances before the fault");
    ctx.stack.aws.setFault("sts-a", { refuseConnections: true });
    ctx.stack.aws.setFault("sts-b", { throttle: true });
    const at = stream.outcomes.length;
    await stream.until((o) => o.length >= at + 100, "100 issuances during the fault");
  } finally {
    ctx.stack.aws.clearFaults();
  }
  const outcomes = await stream.stop();
  const counts = tally(outcomes);
  assert.deepEqual(Object.keys(counts), ["200"], JSON.stringify(counts));
  return `${outcomes.length} issuances with sts-a refusing connections and sts-b throttling: ${JSON.stringify(counts)}`;
}

async function stsAllDown(ctx: Context): Promise<string> {
  for (const name of NAMES) ctx.stack.aws.setFault(name, { serverError: 503 });
  const before = (await stsCalls(ctx.stack)).length;
  const stream = startIssuanceStream(ctx.bob, ctx.roleId, { clients: 4 });
  let outcomes: readonly IssuanceOutcome[];
  try {
    await stream.until((o) => o.length >= 40, "40 issuances with every endpoint down");
  } finally {
    outcomes = await stream.stop();
    ctx.stack.aws.clearFaults();
  }
  const attempts = (await stsCalls(ctx.stack)).length - before;
  const counts = tally(outcomes);
  assert.deepEqual(Object.keys(counts), ["503 aws_unavailable"], JSON.stringify(counts));
  assert.ok(
    outcomes.every((o) => o.requestId),
    "every refusal carries a request id",
  );
  // Two attempts per endpoint at most, three endpoints (an open circuit only reorders).
  assert.ok(attempts <= outcomes.length * 6, `${attempts} STS attempts for ${outcomes.length}`);
  return `${outcomes.length} issuances, all 503 aws_unavailable, ${attempts} STS attempts (${(attempts / outcomes.length).toFixed(1)} each, at most 6)`;
}

async function auditDown(ctx: Context): Promise<string> {
  const stream = startIssuanceStream(ctx.bob, ctx.roleId, { clients: 4 });
  let during: IssuanceOutcome[] = [];
  let stsDuring = 0;
  try {
    await stream.until((o) => o.length >= 20, "20 issuances before the fault");
    await breakAuditWrites(ctx.stack);
    // Requests already past their audit record may still finish: count from the next ones.
    const at = stream.outcomes.length + 8;
    await stream.until((o) => o.length >= at, "the requests in flight");
    const stsAt = (await stsCalls(ctx.stack)).length;
    await stream.until((o) => o.length >= at + 60, "60 issuances during the fault");
    stsDuring = (await stsCalls(ctx.stack)).length - stsAt;
    during = stream.outcomes.slice(at, at + 60);
  } finally {
    await repairAuditWrites(ctx.stack);
  }
  // Recovery without a restart: once the requests in flight at the repair are done, all succeed.
  const repairedAt = stream.outcomes.length;
  await stream.until((o) => o.length >= repairedAt + 12, "12 issuances after the repair");
  const outcomes = await stream.stop();
  const counts = tally(during);
  assert.deepEqual(Object.keys(counts), ["503 audit_unavailable"], JSON.stringify(counts));
  assert.ok(
    during.every((o) => o.requestId && !o.accessKeyId),
    "no credentials, a request id each",
  );
  assert.equal(stsDuring, 0, `${stsDuring} STS calls while the audit log refused writes`);
  const after = tally(outcomes.slice(-6));
  assert.deepEqual(Object.keys(after), ["200"], `after the repair: ${JSON.stringify(after)}`);
  return `${during.length} issuances while audit writes failed: ${JSON.stringify(counts)}, 0 STS calls; after the repair ${JSON.stringify(after)}`;
}

interface LoadAnswer {
  replica: 0 | 1;
  kind: LoadKind;
  status: number;
  code: string | null;
  retryAfter: string | null;
  accessKeyId: string | null;
  phase: "before" | "restarting" | "after";
}

/** A response header from autocannon, which keeps the names as the server wrote them. */
function headerOf(headers: Record<string, unknown> | undefined, name: string): string | null {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
  const value = key ? headers?.[key] : undefined;
  return typeof value === "string" ? value : null;
}

/** Refusals a database outage may cost: 503 with Retry-After and one of these codes. */
const OUTAGE_CODES = new Set(["database_unavailable", "audit_unavailable"]);

/**
 * A real restart of the PostgreSQL server (`pg_ctl restart -m fast`, on a server of this run's
 * own: tests/support/private-postgres.ts) while both replicas serve mixed load. The restart starts
 * when the load has had RESTART_AFTER answers; the load stops once each replica has issued
 * RECOVERED credentials after the server came back. Every answer is checked: no generic 500, every
 * 5xx a 503 with Retry-After and a database or audit code, no connection errors, and every
 * credential delivered has exactly one `credentials.issued` record.
 */
async function postgresRestart(): Promise<string> {
  const RESTART_AFTER = 300;
  const RECOVERED = 60;
  const server = await startPrivatePostgres();
  const previousUrl = process.env.GATEHOUSE_TEST_POSTGRES_URL;
  process.env.GATEHOUSE_TEST_POSTGRES_URL = server.url;
  let stack: TestStack | null = null;
  let second: RunningPortal | null = null;
  try {
    stack = await startTestStack({
      database: "postgresql",
      extraEnv: { GATEHOUSE_LOG_LEVEL: "warn" },
    });
    second = await startReplica(stack);
    const bob = await signIn(stack, "bob");
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    const cookie = bob.jar.headersFor(stack.portalUrl).cookie ?? "";
    const answers: LoadAnswer[] = [];
    // Both are changed by the response callbacks (hence the casts: no narrowing to the initial value).
    let phase = "before" as LoadAnswer["phase"];
    let restartMs = 0;
    let restart = null as Promise<void> | null;
    const issuedAfter = [0, 0];
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const requestsFor = (replica: 0 | 1): autocannon.Request[] => {
      const on =
        (kind: LoadAnswer["kind"]) =>
        (status: number, body: string, _context: object, headers?: Record<string, unknown>) => {
          let json: { accessKeyId?: string; error?: { code?: string } } = {};
          try {
            json = JSON.parse(body) as typeof json;
          } catch {
            // a page
          }
          answers.push({
            replica,
            kind,
            status,
            code: json.error?.code ?? null,
            retryAfter: headerOf(headers, "retry-after"),
            accessKeyId:
              status === 200 && kind === "credentials" ? (json.accessKeyId ?? null) : null,
            phase,
          });
          if (phase === "before" && answers.length >= RESTART_AFTER) {
            phase = "restarting";
            const started = Date.now();
            restart = server.restart().then(() => {
              restartMs = Date.now() - started;
              phase = "after";
            });
          }
          if (phase === "after" && status === 200 && kind === "credentials") {
            issuedAfter[replica] = (issuedAfter[replica] ?? 0) + 1;
            if (issuedAfter.every((n) => n >= RECOVERED)) finish();
          }
        };
      return mixedRequests(roleId, on);
    };
    const headers = { cookie, origin: stack.portalUrl, "content-type": "application/json" };
    const load = [stack.portalUrl, second.url].map((url, i) => {
      let instance: autocannon.Instance | undefined;
      const result = new Promise<autocannon.Result>((resolve, reject) => {
        instance = autocannon(
          // A bound, not a schedule: the run stops when recovery is proven (or fails at the bound).
          {
            url,
            headers,
            requests: requestsFor(i as 0 | 1),
            connections: 8,
            duration: 180,
            timeout: 30,
          },
          (error, res) => (error ? reject(error as Error) : resolve(res)),
        );
      });
      return { stop: () => instance?.stop(), result };
    });
    const bound = Promise.all(load.map((l) => l.result));
    await Promise.race([finished, bound]);
    for (const l of load) l.stop();
    const results = await bound;
    if (restart) await restart;

    assert.ok(phase === "after", "the server did not come back");
    assert.ok(
      issuedAfter.every((n) => n >= RECOVERED),
      `after the restart each replica must issue ${RECOVERED} credentials; got ${issuedAfter.join(" and ")}`,
    );
    // A page has no JSON error: its 503 and Retry-After are the whole answer.
    const wrong = answers.filter(
      (a) =>
        a.status >= 500 &&
        !(
          a.status === 503 &&
          a.retryAfter &&
          (a.kind === "page" ? a.code === null : a.code !== null && OUTAGE_CODES.has(a.code))
        ),
    );
    if (wrong.length > 0) {
      // What the servers logged for them, to say why.
      const logs = `${stack.portal.output()}\n${second.output()}`.split("\n");
      for (const line of logs.filter((l) => /"level":"error"|⨯|Error/.test(l)).slice(0, 40))
        console.log(line.slice(0, 2000));
    }
    const wrongCounts: Record<string, number> = {};
    for (const a of wrong) {
      const key = `${a.status} ${a.code ?? "-"} (${a.kind}, ${a.phase})`;
      wrongCounts[key] = (wrongCounts[key] ?? 0) + 1;
    }
    assert.deepEqual(
      wrongCounts,
      {},
      "only 503 with Retry-After and a database code during the outage",
    );
    assert.equal(
      results.reduce((n, r) => n + r.errors + r.timeouts, 0),
      0,
      "connection errors or timeouts",
    );
    const keys = answers.flatMap((a) => (a.accessKeyId ? [a.accessKeyId] : []));
    const audited = await stack.db.auditEvent.groupBy({
      by: ["accessKeyId"],
      where: { action: "credentials.issued", accessKeyId: { in: keys } },
      _count: { _all: true },
    });
    const once = audited.filter((row) => row._count._all === 1).length;
    assert.equal(
      once,
      keys.length,
      `${keys.length} credentials delivered, ${once} audited exactly once`,
    );
    const refused = answers.filter((a) => a.status === 503);
    const byCode: Record<string, number> = {};
    for (const a of refused) {
      const key = a.code ?? `${a.kind} (HTML)`;
      byCode[key] = (byCode[key] ?? 0) + 1;
    }
    return `restart took ${restartMs} ms; ${answers.length} answers on 2 replicas, ${refused.length} refused during the outage ${JSON.stringify(byCode)}, 0 other 5xx, 0 connection errors; ${keys.length} credentials delivered, each audited once; ${issuedAfter.join(" + ")} issued after the restart`;
  } finally {
    if (previousUrl === undefined) delete process.env.GATEHOUSE_TEST_POSTGRES_URL;
    else process.env.GATEHOUSE_TEST_POSTGRES_URL = previousUrl;
    await second?.stop();
    await stack?.stop();
    server.stop();
  }
}

async function breakAuditWrites(stack: TestStack): Promise<void> {
  if (stack.database === "sqlite") {
    await stack.db.$executeRawUnsafe(
      `CREATE TRIGGER "${AUDIT_TRIGGER}" BEFORE INSERT ON "AuditEvent" BEGIN SELECT RAISE(ABORT, 'audit down'); END`,
    );
    return;
  }
  await stack.db.$executeRawUnsafe(
    `CREATE FUNCTION "${AUDIT_TRIGGER}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit down'; END; $$`,
  );
  await stack.db.$executeRawUnsafe(
    `CREATE TRIGGER "${AUDIT_TRIGGER}" BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION "${AUDIT_TRIGGER}"()`,
  );
}

async function repairAuditWrites(stack: TestStack): Promise<void> {
  await stack.db.$executeRawUnsafe(
    `DROP TRIGGER IF EXISTS "${AUDIT_TRIGGER}"${stack.database === "sqlite" ? "" : ` ON "AuditEvent"`}`,
  );
  if (stack.database !== "sqlite")
    await stack.db.$executeRawUnsafe(`DROP FUNCTION IF EXISTS "${AUDIT_TRIGGER}"()`);
}

async function main(): Promise<void> {
  const database = (process.env.GATEHOUSE_TEST_DATABASE as TestDatabase) || "postgresql";
  const stack = await startTestStack({
    database,
    stsEndpointNames: [...NAMES],
    envFromAws: (aws) =>
      Promise.resolve({
        GATEHOUSE_STS_ENDPOINT: "",
        GATEHOUSE_STS_ENDPOINTS: endpointsSetting(
          NAMES.map((n) => aws.stsEndpoints[n]!.replace(/\/+$/, "")),
        ),
        GATEHOUSE_STS_ATTEMPTS_PER_ENDPOINT: "2",
        GATEHOUSE_STS_TIMEOUT_MS: "2000",
        GATEHOUSE_STS_BACKOFF_BASE_MS: "20",
        GATEHOUSE_LOG_LEVEL: "warn",
        ...(demoBroker.mfaDevice
          ? { GATEHOUSE_BROKER_MFA_SERIAL: demoBroker.mfaDevice.serialNumber }
          : {}),
      }),
  });
  const second = await startReplica(stack);
  const ctx: Context = {
    stack,
    second,
    bob: await signIn(stack, "bob"),
    roleId: await roleIdOf(stack, "acme-staging", "Developer"),
  };
  const scenarios: Array<[string, (c: Context) => Promise<string>]> = [
    ["mixed load on two replicas", mixedLoad],
    ["STS: one endpoint down, one throttling", stsPartlyDown],
    ["STS: every endpoint down", stsAllDown],
    ["audit log refusing writes", auditDown],
  ];
  // A server restart needs a server of the run's own; SQLite has no server to restart.
  if (database === "postgresql")
    scenarios.push(["PostgreSQL restarted under mixed load on two replicas", postgresRestart]);
  let failed = 0;
  let ran = 0;
  // RESILIENCE_ONLY=<words>: only the scenarios whose name contains them (while working on one).
  const only = process.env.RESILIENCE_ONLY?.toLowerCase();
  try {
    for (const [name, scenario] of scenarios) {
      if (only && !name.toLowerCase().includes(only)) continue;
      ran += 1;
      const started = Date.now();
      try {
        const summary = await scenario(ctx);
        console.log(`ok    ${name} (${((Date.now() - started) / 1000).toFixed(1)} s): ${summary}`);
      } catch (error) {
        failed += 1;
        console.log(`FAIL  ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    await second.stop();
    await stack.stop();
  }
  console.log(`${ran - failed} passed, ${failed} failed (${database})`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
