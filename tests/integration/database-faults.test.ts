// Database faults never hang or leak (docs/DATABASE-FAULTS.md): under a stream of issuances from
// four clients, a full disk (SQLite), connections killed by the server (PostgreSQL) and an audit
// log that refuses writes (both) give 503s with Retry-After — never a 500, never a hung request —
// the portal recovers without a restart, every delivered credential has exactly one audit row, and
// no credential is asked of STS while the audit log can't record it.
//
// The faults start and end when the stream reaches a count of outcomes, not after a sleep, so a
// slow machine makes the test slower, not flaky. A full disk is made with the file-size limit
// (prlimit --fsize on the server process): writes then fail with EFBIG exactly as SQLite reports a
// full or failing disk (SQLITE_IOERR_WRITE), and it binds root too, which file permissions don't.
import { execFileSync } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stsCalls, resetStsCalls, parseDetails } from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startIssuanceStream, tally, type IssuanceOutcome } from "../support/issuance-stream";
import { startTestStack, testDatabaseKind, type TestStack } from "../support/stack";

const database = testDatabaseKind();
let stack: TestStack;
let bob: PortalSession;
let roleId: string;

beforeAll(async () => {
  // An AssumeRole the stand-in answers slowly on a busy machine is never abandoned and asked again:
  // that second call for one authorized record would break the count of calls these tests check.
  stack = await startTestStack({ extraEnv: { GATEHOUSE_STS_TIMEOUT_MS: "15000" } });
  bob = await signIn(stack, "bob");
  roleId = await roleIdOf(stack, "acme-staging", "Developer");
});
afterAll(async () => {
  await stack?.stop();
});

const TEMPORARY = ["database_unavailable", "audit_unavailable"];

/** What every fault test demands of every answer: a 200 or a 503 to retry; no 500, no hang. */
function expectOnlySuccessesAndRetryableRefusals(outcomes: readonly IssuanceOutcome[]): void {
  const counts = tally(outcomes);
  expect(
    outcomes.filter((o) => o.hung),
    `hung requests: ${JSON.stringify(counts)}`,
  ).toEqual([]);
  for (const o of outcomes) {
    if (o.status === 200) continue;
    expect(o.status, `an answer other than 200/503: ${JSON.stringify(counts)}`).toBe(503);
    expect(TEMPORARY).toContain(o.code);
    expect(Number(o.retryAfter), "a 503 says when to retry").toBeGreaterThan(0);
    expect(o.requestId).toBeTruthy();
  }
}

/** Every credential that reached a client was audited as issued, exactly once, with its key id. */
async function expectEachDeliveredCredentialAuditedOnce(outcomes: readonly IssuanceOutcome[]) {
  const keys = outcomes.filter((o) => o.status === 200).map((o) => o.accessKeyId!);
  expect(keys.length).toBeGreaterThan(0);
  const rows = await stack.db.auditEvent.findMany({
    where: { action: "credentials.issued", accessKeyId: { in: keys } },
    select: { accessKeyId: true },
  });
  const perKey = new Map<string, number>();
  for (const r of rows) perKey.set(r.accessKeyId!, (perKey.get(r.accessKeyId!) ?? 0) + 1);
  for (const key of keys) expect(perKey.get(key), `audit rows for ${key}`).toBe(1);
}

/**
 * No credential without a durable record first: every AssumeRole the stand-in answered was
 * preceded by a credentials.authorized event (a write that failed stops the request before STS).
 */
async function expectNoStsCallWithoutAuthorizedRecord(authorizedBefore: number) {
  const assumeRoles = (await stsCalls(stack)).filter((c) => c.action === "AssumeRole").length;
  const authorized = (await countEvents("credentials.authorized")) - authorizedBefore;
  expect(assumeRoles).toBeLessThanOrEqual(authorized);
  return assumeRoles;
}

async function countAssumeRoles(): Promise<number> {
  return (await stsCalls(stack)).filter((c) => c.action === "AssumeRole").length;
}

function countEvents(action: string): Promise<number> {
  return stack.db.auditEvent.count({ where: { action } });
}

async function readiness(): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.portalUrl}/api/ready`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * Polls /api/ready, one request at a time, until it answers `status` (a verdict is reused for a
 * second, so the change shows within about that).
 */
async function readinessBecomes(status: number, withinMs = 15_000) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const r = await readiness();
    if (r.status === status) return r;
    if (Date.now() > deadline)
      throw new Error(`/api/ready did not answer ${status}: ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Issuances after `index` that succeeded. */
const successesAfter = (index: number) => (o: readonly IssuanceOutcome[]) =>
  o.slice(index).filter((x) => x.status === 200).length;
const refusalsAfter = (index: number) => (o: readonly IssuanceOutcome[]) =>
  o.slice(index).filter((x) => x.status === 503).length;

function summary(name: string, outcomes: readonly IssuanceOutcome[], extra: object): void {
  console.log(`[fault] ${database} ${name}: ${JSON.stringify({ ...tally(outcomes), ...extra })}`);
}

describe.runIf(database === "sqlite")(
  "SQLite: the disk stops taking writes, then takes them again",
  () => {
    it("issuances get 503s with Retry-After meanwhile, never a 500 or a hang; afterwards they work again without a restart", async () => {
      const pid = stack.portal.serverPid();
      const setFileSizeLimit = (limit: string) =>
        execFileSync("prlimit", ["--pid", String(pid), `--fsize=${limit}:unlimited`]);
      await resetStsCalls(stack);
      const authorizedBefore = await countEvents("credentials.authorized");
      const stream = startIssuanceStream(bob, roleId, { clients: 4 });
      let faultAt = 0;
      let clearedAt = 0;
      let outcomes: readonly IssuanceOutcome[] = [];
      let stsCallsDuringFault = 0;
      try {
        await stream.until((o) => successesAfter(0)(o) >= 8, "8 issuances before the fault");
        setFileSizeLimit("0");
        faultAt = stream.outcomes.length;
        const assumeRolesAtFault = await countAssumeRoles();
        await stream.until((o) => refusalsAfter(faultAt)(o) >= 12, "12 refusals during the fault");

        // Liveness stays; readiness says what is wrong.
        expect((await fetch(`${stack.portalUrl}/api/health`)).status).toBe(200);
        const notReady = await readinessBecomes(503);
        expect(notReady.body).toMatchObject({
          status: "not ready",
          checks: { database: { ok: false, status: "not writable (storage)" } },
        });

        // Only the requests already past their authorized record when the disk filled (at most one
        // per client) may have reached STS; none that started during the fault did.
        stsCallsDuringFault = (await countAssumeRoles()) - assumeRolesAtFault;
        expect(stsCallsDuringFault).toBeLessThanOrEqual(4);
        setFileSizeLimit("unlimited");
        clearedAt = stream.outcomes.length;
        const clearedTime = Date.now();
        await stream.until((o) => successesAfter(clearedAt)(o) >= 8, "8 issuances after the fault");
        outcomes = await stream.stop();
        const firstAfter = outcomes.slice(clearedAt).find((o) => o.status === 200)!;
        const recoveryMs = firstAfter.endedAt - clearedTime;
        expect(recoveryMs, "recovered within seconds").toBeLessThan(15_000);

        const during = outcomes.slice(faultAt, clearedAt);
        expectOnlySuccessesAndRetryableRefusals(outcomes);
        await expectEachDeliveredCredentialAuditedOnce(outcomes);
        const stsCallsMade = await expectNoStsCallWithoutAuthorizedRecord(authorizedBefore);
        expect((await readinessBecomes(200)).body).toMatchObject({ status: "ready" });
        summary("full disk", during, {
          recoveryMs,
          stsCallsDuringFault,
          stsCallsMade,
          total: outcomes.length,
        });
      } finally {
        setFileSizeLimit("unlimited");
        await stream.stop();
      }

      // The server log names the real cause, not a guessed category.
      expect(stack.portal.output()).toMatch(/SQLITE_IOERR_WRITE|SQLITE_FULL/);
    });
  },
);

describe.runIf(database === "postgresql")(
  "PostgreSQL: the server kills the portal's connections",
  () => {
    it("issuances get 503s with Retry-After at worst, never a 500 or a hang, and recover at once without a restart", async () => {
      const admin = new pg.Client({ connectionString: stack.databaseUrl });
      await admin.connect();
      const terminate = () =>
        admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
        );
      await resetStsCalls(stack);
      const authorizedBefore = await countEvents("credentials.authorized");
      const stream = startIssuanceStream(bob, roleId, { clients: 4 });
      try {
        await stream.until((o) => successesAfter(0)(o) >= 8, "8 issuances before the fault");
        const faultAt = stream.outcomes.length;
        let killed = 0;
        for (let round = 0; round < 10; round++) {
          const at = stream.outcomes.length;
          killed += (await terminate()).rowCount ?? 0;
          await stream.until((o) => o.length >= at + 3, "3 more answers");
        }
        const clearedAt = stream.outcomes.length;
        const clearedTime = Date.now();
        await stream.until((o) => successesAfter(clearedAt)(o) >= 8, "8 issuances after the fault");
        const outcomes = await stream.stop();
        const firstAfter = outcomes.slice(clearedAt).find((o) => o.status === 200)!;
        const recoveryMs = Math.max(0, firstAfter.endedAt - clearedTime);
        expect(recoveryMs).toBeLessThan(15_000);
        expect(killed, "connections were killed").toBeGreaterThan(10);

        expectOnlySuccessesAndRetryableRefusals(outcomes);
        await expectEachDeliveredCredentialAuditedOnce(outcomes);
        const stsCallsMade = await expectNoStsCallWithoutAuthorizedRecord(authorizedBefore);
        summary("pg_terminate_backend ×10", outcomes.slice(faultAt, clearedAt), {
          killed,
          recoveryMs,
          stsCallsMade,
          total: outcomes.length,
        });
      } finally {
        await stream.stop();
        await admin.end();
      }
    });
  },
);

describe.runIf(database === "postgresql")(
  "PostgreSQL: the database refuses connections for a while",
  () => {
    it("pages say the portal is briefly unavailable, APIs answer 503 with Retry-After, readiness 503, liveness 200; all recover by themselves", async () => {
      const name = new URL(stack.databaseUrl).pathname.slice(1);
      // Another database of the same server, so this connection survives the closing.
      const adminUrl = new URL(stack.databaseUrl);
      adminUrl.pathname = "/postgres";
      const admin = new pg.Client({ connectionString: adminUrl.toString() });
      await admin.connect();
      const close = async () => {
        await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
          [name],
        );
      };
      const reopen = () => admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      try {
        await close();
        // The page's error boundary (app/error.tsx) renders in the browser from this digest: it
        // says the portal is briefly unavailable and shows the request id as the reference.
        const page = await bob.request("/accounts");
        const html = await page.text();
        expect(html).toContain(
          `gatehouse-database-unavailable:${page.headers.get("x-request-id")}`,
        );
        expect(html).not.toMatch(/prisma|ECONN|57P0|55000/i);

        const res = await bob.request(`/api/roles/${roleId}/credentials`, {
          method: "POST",
          json: {},
        });
        expect(res.status).toBe(503);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
          "database_unavailable",
        );
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
        expect((await readinessBecomes(503)).body).toMatchObject({
          checks: { database: { ok: false, status: "not writable (unreachable)" } },
        });
        expect((await fetch(`${stack.portalUrl}/api/health`)).status).toBe(200);
      } finally {
        await reopen();
        await admin.end();
      }
      await readinessBecomes(200);
      const again = await bob.request(`/api/roles/${roleId}/credentials`, {
        method: "POST",
        json: {},
      });
      expect(again.status).toBe(200);
      expect((await bob.request("/accounts")).status).toBe(200);
    });
  },
);

describe("the audit log refuses writes (a trigger), then takes them again", () => {
  const createTrigger =
    database === "sqlite"
      ? [
          `CREATE TRIGGER refuse_audit BEFORE INSERT ON "AuditEvent" BEGIN SELECT RAISE(ABORT, 'injected fault: audit volume is read-only'); END`,
        ]
      : [
          `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault: audit volume is read-only'; END $$`,
          `CREATE TRIGGER refuse_audit BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION refuse_audit()`,
        ];
  const dropTrigger =
    database === "sqlite"
      ? [`DROP TRIGGER refuse_audit`]
      : [`DROP TRIGGER refuse_audit ON "AuditEvent"`, `DROP FUNCTION refuse_audit()`];
  const run = async (statements: string[]) => {
    for (const sql of statements) await stack.db.$executeRawUnsafe(sql);
  };

  it("every issuance meanwhile is refused with 503 audit_unavailable and asks STS nothing; the outage is recorded once the log takes writes", async () => {
    const outageEventsBefore = await countEvents("audit.outage");
    await run(createTrigger);
    let refused: readonly IssuanceOutcome[] = [];
    try {
      await resetStsCalls(stack);
      const stream = startIssuanceStream(bob, roleId, { clients: 4 });
      await stream.until((o) => o.length >= 40, "40 answers while the audit log refuses");
      refused = await stream.stop();
      expect(await stsCalls(stack), "STS was called while the audit log refused").toEqual([]);
      expectOnlySuccessesAndRetryableRefusals(refused);
      expect(refused.every((o) => o.status === 503 && o.code === "audit_unavailable")).toBe(true);

      const notReady = await readinessBecomes(503);
      expect(notReady.body).toMatchObject({
        checks: { database: { ok: true }, audit: { ok: false } },
      });
    } finally {
      await run(dropTrigger);
    }

    // The first issuance afterwards succeeds, and the log now says what it could not record.
    const res = await bob.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} });
    expect(res.status).toBe(200);
    const outages = await stack.db.auditEvent.findMany({
      where: { action: "audit.outage" },
      orderBy: { sequence: "asc" },
    });
    expect(outages.length).toBe(outageEventsBefore + 1);
    const details = parseDetails(outages.at(-1)!.detailsJson);
    expect(details.failedWrites).toBe(refused.length);
    const listed = String(details.refusedRequestIds).split(" ");
    for (const o of refused.slice(0, 20)) expect(listed).toContain(o.requestId);
    expect(String(details.lastReason)).toContain("injected fault: audit volume is read-only");
    expect((await readinessBecomes(200)).status).toBe(200);

    // The log names the trigger's own message, not Prisma's guess ("Foreign key constraint").
    const refusedIds = new Set(refused.map((o) => o.requestId!));
    const lines = stack.portal
      .output()
      .split("\n")
      .filter((l) => l.includes('"audit write failed"'))
      .filter((l) => refusedIds.has(/"requestId":"([^"]+)"/.exec(l)?.[1] ?? ""));
    expect(lines.length).toBe(refused.length);
    expect(lines.every((l) => l.includes("injected fault: audit volume is read-only"))).toBe(true);
    expect(lines.some((l) => /foreign key/i.test(l))).toBe(false);
  });

  it("a replica that gets no traffic records the outage itself when its readiness is probed", async () => {
    await run(createTrigger);
    try {
      const res = await bob.request(`/api/roles/${roleId}/credentials`, {
        method: "POST",
        json: {},
      });
      expect(res.status).toBe(503);
    } finally {
      await run(dropTrigger);
    }
    const before = await countEvents("audit.outage");
    expect((await readinessBecomes(200)).body).toMatchObject({
      checks: { audit: { ok: true, status: "writable" } },
    });
    expect(await countEvents("audit.outage")).toBe(before + 1);
  });
});
