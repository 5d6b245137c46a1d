// What an operator relies on (docs/OPERATIONS.md): one JSON log line per request, Prometheus
// metrics that move with what happened (and are served only to the token's holder or an allowed
// network), /api/ready naming every check, 503 with Retry-After at once past the bound of
// requests in flight, and a replica that refuses to serve on a schema older than its code until
// the migrations land — without a restart.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, type RunningPortal } from "@/dev/local-stack";
import { checkSchemaCurrent, LATEST_MIGRATION } from "@/lib/db/schema-version";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { holdRequestSlot } from "../support/held-request";
import { storedUser } from "../support/portal-assertions";
import { startReplica, startTestStack, testDatabaseKind, type TestStack } from "../support/stack";

let stack: TestStack;
let bob: PortalSession;
let bobPersonId: string;
let stagingDeveloper: string;
let prodAdmin: string;

beforeAll(async () => {
  // Test stacks log at info, so the request log is on.
  stack = await startTestStack();
  bob = await signIn(stack, "bob");
  bobPersonId = (
    await stack.db.user.findFirstOrThrow({ where: { id: (await storedUser(stack, "bob")).id } })
  ).personId;
  stagingDeveloper = await roleIdOf(stack, "acme-staging", "Developer");
  prodAdmin = await roleIdOf(stack, "acme-production", "Administrator");
});
afterAll(async () => {
  await stack?.stop();
});

interface RequestLine {
  message: string;
  requestId?: string;
  method?: string;
  path?: string;
  status?: number;
  durationMs?: number;
  personId?: string;
}

function requestLines(portal: RunningPortal): RequestLine[] {
  return portal
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as RequestLine)
    .filter((line) => line.message === "request");
}

/** The log line of the request that answered with `requestId` (written when the answer is done). */
async function logLineOf(portal: RunningPortal, requestId: string): Promise<RequestLine> {
  // Only catches a line never written: a busy machine may take seconds to pass it on.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = requestLines(portal).find((l) => l.requestId === requestId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no request log line for ${requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One sample's value from the exposition text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    const match = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? "").split(",").filter(Boolean);
    if (wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return 0;
}

async function scrape(
  url = stack.portalUrl,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await fetch(`${url}/api/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

describe("the request log: one JSON line per request", () => {
  it("carries the request id of the answer, the method, the path without its query, the status, the duration and the person", async () => {
    const res = await bob.request("/accounts?q=code%3DABCD-EFGH");
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id")!;
    const line = await logLineOf(stack.portal, requestId);
    expect(line).toMatchObject({
      method: "GET",
      path: "/accounts",
      status: 200,
      personId: bobPersonId,
    });
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(line)).not.toContain("ABCD");
  });

  it("every request has one id in its answer and its line, a static file and a refusal before routing too; a client's own id is replaced", async () => {
    const page = await fetch(`${stack.portalUrl}/signin`);
    const asset = /\/_next\/static\/[^"]+\.js/.exec(await page.text())?.[0];
    expect(asset, "the sign-in page loads a script").toBeDefined();
    const cases: Array<{ what: string; path: string; method?: string; status: number }> = [
      { what: "a static file", path: asset!, status: 200 },
      { what: "a page", path: "/signin", status: 200 },
      { what: "a method no route serves", path: "/api/health", method: "PROPFIND", status: 501 },
      { what: "a malformed path", path: "/%E0%A4%A", status: 400 },
    ];
    for (const c of cases) {
      const res = await fetch(`${stack.portalUrl}${c.path}`, {
        method: c.method ?? "GET",
        headers: { "x-request-id": "client-chosen-id-1234" },
      });
      await res.arrayBuffer();
      expect(res.status, c.what).toBe(c.status);
      const requestId = res.headers.get("x-request-id");
      expect(requestId, c.what).toMatch(/^[0-9a-f-]{36}$/);
      const line = await logLineOf(stack.portal, requestId!);
      expect(line, c.what).toMatchObject({ method: c.method ?? "GET", status: c.status });
    }
    expect(requestLines(stack.portal).some((l) => l.requestId === "client-chosen-id-1234")).toBe(
      false,
    );
  });

  it("names nobody for an anonymous request, and logs refusals too", async () => {
    const res = await fetch(`${stack.portalUrl}/accounts`, { redirect: "manual" });
    expect(res.status).toBe(307);
    const line = await logLineOf(stack.portal, res.headers.get("x-request-id")!);
    expect(line).toMatchObject({ method: "GET", path: "/accounts", status: 307 });
    expect(line.personId).toBeUndefined();
  });
});

describe("/api/metrics", () => {
  it("counts issuances by output and outcome, STS calls by endpoint and operation, and sign-ins", async () => {
    const before = await scrape();
    const issued = await bob.request(`/api/roles/${stagingDeveloper}/credentials`, {
      method: "POST",
    });
    expect(issued.status).toBe(200);
    const denied = await bob.request(`/api/roles/${prodAdmin}/credentials`, { method: "POST" });
    expect(denied.status).toBe(404);
    const after = await scrape();

    const issuedLabels = { output: "cli", outcome: "issued" };
    expect(sample(after, "gatehouse_issuances_total", issuedLabels)).toBe(
      sample(before, "gatehouse_issuances_total", issuedLabels) + 1,
    );
    const deniedLabels = { output: "cli", outcome: "denied" };
    expect(sample(after, "gatehouse_issuances_total", deniedLabels)).toBe(
      sample(before, "gatehouse_issuances_total", deniedLabels) + 1,
    );
    const sts = {
      endpoint: new URL(stack.aws.stsEndpoint).host,
      operation: "AssumeRole",
      outcome: "answered",
    };
    expect(sample(after, "gatehouse_sts_request_duration_seconds_count", sts)).toBe(
      sample(before, "gatehouse_sts_request_duration_seconds_count", sts) + 1,
    );
    expect(
      sample(after, "gatehouse_sign_ins_total", { method: "oidc", outcome: "success" }),
    ).toBeGreaterThanOrEqual(1);
    // Event-loop lag and the process's memory come with the default metrics.
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(after).toMatch(/^process_resident_memory_bytes \d/m);
    // No label names a person, a role or a request.
    expect(after).not.toContain(bobPersonId);
    expect(after).not.toContain(stagingDeveloper);
  });

  it("is not served to an address outside GATEHOUSE_METRICS_ALLOW", async () => {
    const replica = await startReplica(stack, { GATEHOUSE_METRICS_ALLOW: "10.0.0.0/8" });
    try {
      const res = await fetch(`${replica.url}/api/metrics`);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toMatch(/gatehouse_|nodejs_/);
    } finally {
      await replica.stop();
    }
  });

  // Behind a load balancer (GATEHOUSE_TRUSTED_PROXY_HOPS=1) anyone who reaches a replica directly
  // — any pod of the cluster — writes the X-Forwarded-For entry the portal takes as the client.
  it("GATEHOUSE_METRICS_ALLOW must hold the connection's own address too, not only the X-Forwarded-For entry a client can write", async () => {
    const replica = await startReplica(stack, {
      GATEHOUSE_METRICS_ALLOW: "10.0.0.0/8",
      GATEHOUSE_TRUSTED_PROXY_HOPS: "1",
    });
    try {
      const res = await fetch(`${replica.url}/api/metrics`, {
        headers: { "X-Forwarded-For": "10.1.2.3" },
      });
      expect(res.status).toBe(403);
      expect(await res.text()).not.toMatch(/gatehouse_|nodejs_/);
    } finally {
      await replica.stop();
    }
  });
});

describe("/api/ready", () => {
  it("names each check: database, schema, audit, broker", async () => {
    const res = await fetch(`${stack.portalUrl}/api/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { checks: Record<string, { ok: boolean; status: string }> };
    expect(body.checks).toEqual({
      database: { ok: true, status: "writable" },
      schema: { ok: true, status: `current (${LATEST_MIGRATION})` },
      audit: { ok: true, status: "writable" },
      broker: { ok: true, status: expect.stringMatching(/^known \(account \d{12}\)$/) },
    });
  });
});

describe("a replica with a bound on requests in flight and a metrics token", () => {
  const TOKEN = "metrics-token-for-the-test-0123";
  let replica: RunningPortal;

  beforeAll(async () => {
    replica = await startReplica(stack, {
      GATEHOUSE_MAX_CONCURRENT_REQUESTS: "1",
      GATEHOUSE_METRICS_TOKEN: TOKEN,
    });
  });
  afterAll(async () => {
    await replica?.stop();
  });

  it.each([
    ["no token", {}, 401],
    ["a wrong token", { Authorization: `Bearer ${TOKEN}-wrong` }, 403],
  ])("metrics with %s are refused, even from loopback", async (_name, headers, status) => {
    const res = await fetch(`${replica.url}/api/metrics`, { headers });
    expect(res.status).toBe(status);
    if (status === 401) expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
    // Said plainly, with the request id, and never kept by a cache in between.
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { error: { message: string; requestId: string } };
    expect(body.error.message).toMatch(/metrics token/);
    expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("past the bound, answers 503 with Retry-After at once; probes and metrics are still answered; then serves again", async () => {
    // A request whose body never ends holds the one slot until its client goes away.
    const held = await holdRequestSlot(replica.url);
    // Wait until the server has admitted it: then the next request is over the bound.
    let shed: Response;
    // Deadlines only catch a hang: a busy machine may take seconds to admit or release a request.
    const deadline = Date.now() + 60_000;
    for (;;) {
      shed = await fetch(`${replica.url}/accounts`, { redirect: "manual" });
      if (shed.status === 503 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(shed.status).toBe(503);
    expect(shed.headers.get("retry-after")).toBe("1");
    const body = (await shed.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe("overloaded");
    expect(shed.headers.get("x-request-id")).toBe(body.error.requestId);

    // A browser's page load gets a page saying the same, not the JSON.
    const page = await fetch(`${replica.url}/accounts`, {
      headers: { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
      redirect: "manual",
    });
    expect(page.status).toBe(503);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("retry-after")).toBe("1");
    expect(page.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
    const html = await page.text();
    expect(html).toContain("Gatehouse is busy");
    expect(html).toContain(`Request id ${page.headers.get("x-request-id")}`);

    expect((await fetch(`${replica.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${replica.url}/api/ready`)).status).toBe(200);
    const metrics = await scrape(replica.url, { Authorization: `Bearer ${TOKEN}` });
    expect(sample(metrics, "gatehouse_requests_shed_total")).toBeGreaterThanOrEqual(1);
    const line = await logLineOf(replica, body.error.requestId);
    expect(line).toMatchObject({ status: 503, path: "/accounts" });

    held.destroy();
    let after: Response;
    const released = Date.now() + 60_000;
    for (;;) {
      after = await fetch(`${replica.url}/accounts`, { redirect: "manual" });
      if (after.status !== 503 || Date.now() > released) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(after.status).toBe(307);
  });
});

describe("migrations at start", () => {
  it("a replica on a current schema starts without running the schema engine", () => {
    // The file's own portal is one (its database is a copy of a migrated template); the server
    // migrates, or not, before it listens, so what it wrote until then tells.
    const [start, listening] = stack.portal.output().split("Gatehouse listening on");
    expect(listening).toBeDefined();
    expect(start).not.toMatch(/Prisma|migration/i);
  });

  // The same code path on PostgreSQL only takes longer (operator-start.test.ts migrates an empty
  // PostgreSQL database at start).
  it.runIf(testDatabaseKind() === "sqlite")(
    "a replica on an empty database applies every migration, then serves",
    async () => {
      const file = path.join(ROOT, ".tmp", `empty-${process.pid}-${Date.now()}.db`);
      const url = `file:${file}`;
      const replica = await startReplica(stack, { DATABASE_URL: url });
      try {
        expect(replica.output()).toContain("All migrations have been successfully applied");
        expect(await checkSchemaCurrent(url)).toEqual({ current: true });
        expect((await fetch(`${replica.url}/api/health`)).status).toBe(200);
      } finally {
        await replica.stop();
        for (const suffix of ["", "-wal", "-shm", "-journal"])
          fs.rmSync(`${file}${suffix}`, { force: true });
      }
    },
  );
});

describe("a DATABASE_URL with a typo", () => {
  // A database that does not exist is a setting to correct, not an outage to wait out: said at
  // start, naming the setting, instead of Prisma's page of output (migrations on) or a replica
  // that serves a 500 with a stack for every page (migrations left to a job).
  it.runIf(testDatabaseKind() === "postgresql").each([["true"], ["false"]])(
    "naming a PostgreSQL database that does not exist stops the replica at start with exit code 78 naming DATABASE_URL (GATEHOUSE_MIGRATE_ON_START=%s)",
    async (migrateOnStart) => {
      const url = new URL(stack.databaseUrl);
      url.pathname = `${url.pathname}_typo`;
      const failure = await startReplica(stack, {
        DATABASE_URL: url.toString(),
        GATEHOUSE_MIGRATE_ON_START: migrateOnStart,
      }).then(
        async (replica) => {
          await replica.stop();
          return "it started";
        },
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      expect(failure).toContain("portal exited with code 78");
      expect(failure).toContain(
        `DATABASE_URL names a database that does not exist: database "${url.pathname.slice(1)}" does not exist`,
      );
      expect(failure).not.toContain("Gatehouse listening");
      expect(failure).not.toMatch(/Prisma schema loaded|\n\s+at /);
    },
  );

  // With migrations left to a job, an SQLite file that does not exist yet is a database with no
  // schema: the replica waits for the job behind the schema gate, and says which file it expects.
  it.runIf(testDatabaseKind() === "sqlite")(
    "with migrations left to a job, an SQLite file that does not exist is a schema not yet migrated: 503 schema_outdated, naming the file",
    async () => {
      const file = path.join(ROOT, ".tmp", `missing-${process.pid}-${Date.now()}.db`);
      const replica = await startReplica(stack, {
        DATABASE_URL: `file:${file}`,
        GATEHOUSE_MIGRATE_ON_START: "false",
      });
      try {
        expect(replica.output()).toContain(
          `not serving: the database file ${file} does not exist (DATABASE_URL; run npm run db:migrate)`,
        );
        const refused = await fetch(`${replica.url}/signin`, { redirect: "manual" });
        expect(refused.status).toBe(503);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
          "schema_outdated",
        );
        expect(replica.output()).not.toMatch(/\n\s+at /);
      } finally {
        await replica.stop();
        for (const suffix of ["", "-wal", "-shm", "-journal"])
          fs.rmSync(`${file}${suffix}`, { force: true });
      }
    },
  );
});

describe("a replica on a schema older than its code", () => {
  const hide = () =>
    stack.db
      .$executeRaw`UPDATE _prisma_migrations SET migration_name = migration_name || '-hidden' WHERE migration_name = ${LATEST_MIGRATION}`;
  const restore = () =>
    stack.db
      .$executeRaw`UPDATE _prisma_migrations SET migration_name = ${LATEST_MIGRATION} WHERE migration_name = ${`${LATEST_MIGRATION}-hidden`}`;

  it("refuses to serve (503 schema_outdated), stays alive, says why on /api/ready, and serves once the migration lands", async () => {
    expect(await hide()).toBe(1);
    let replica: RunningPortal | null = null;
    try {
      // Migrations are a separate job's here; by default the replica would apply them itself.
      replica = await startReplica(stack, { GATEHOUSE_MIGRATE_ON_START: "false" });
      expect(replica.output()).toContain(
        `not serving: the database schema is older than this code: migration ${LATEST_MIGRATION} is not applied`,
      );
      const refused = await fetch(`${replica.url}/accounts`, { redirect: "manual" });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
        "schema_outdated",
      );
      expect(refused.headers.get("retry-after")).toBe("5");
      expect((await fetch(`${replica.url}/api/health`)).status).toBe(200);
      const ready = await fetch(`${replica.url}/api/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: { schema: unknown } }).checks.schema).toEqual({
        ok: false,
        status: `older than this code (needs ${LATEST_MIGRATION})`,
      });
      // The portal that was already serving is not affected: its schema was current.
      expect((await bob.request("/accounts")).status).toBe(200);

      expect(await restore()).toBe(1);
      // A readiness probe finds the migration and opens the gate (a verdict is reused for a
      // second); no restart.
      const deadline = Date.now() + 60_000;
      while ((await fetch(`${replica.url}/api/ready`)).status !== 200) {
        if (Date.now() > deadline) throw new Error("/api/ready did not become 200");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await fetch(`${replica.url}/accounts`, { redirect: "manual" })).status).toBe(307);
    } finally {
      await restore();
      await replica?.stop();
    }
  });
});
