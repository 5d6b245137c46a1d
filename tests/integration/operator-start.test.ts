// Starting the portal as an operator does (README "Deploying", docs/OPERATIONS.md): every line the
// process writes is a JSON object, .env files in the project directory mean the same to the
// server's own start-up (the database it migrates) as to the portal, and replicas started together
// on an empty PostgreSQL database take turns migrating instead of failing, and `npm start` stopped
// as a container's first process is stopped drains its requests.
import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { localPortalEnv, ROOT, startPortal, type RunningPortal } from "@/dev/local-stack";
import { freePort } from "@/dev/ports";
import { checkSchemaCurrent } from "@/lib/db/schema-version";
import { SERVER_BUNDLE } from "@/dev/server-bundle";
import { holdRequestSlot } from "../support/held-request";
import { testDatabaseKind } from "../support/stack";

// No stand-ins: these portals only start, migrate and answer probes.
/**
 * Every test but the replicas' starts its portal on a SQLite file of its own, whichever database
 * the tier runs on: they run in the SQLite tier only, where the PostgreSQL tier would repeat them.
 */
const ownSqliteTier = testDatabaseKind() === "sqlite";
const NOWHERE = "http://127.0.0.1:9";
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function envFor(port: number, extra: Record<string, string> = {}): Record<string, string> {
  return localPortalEnv({
    portalUrl: `http://localhost:${port}`,
    databaseUrl: "file:./data/unused.db",
    oidcIssuer: `${NOWHERE}/oidc`,
    stsEndpoint: NOWHERE,
    federationEndpoint: `${NOWHERE}/federation`,
    authSecret: "s".repeat(44),
    extra: { GATEHOUSE_READY_REQUIRES_BROKER: "false", GATEHOUSE_LOG_LEVEL: "info", ...extra },
  });
}

/** A new, empty SQLite file under .tmp/ (removed after the file's tests). */
function emptySqliteUrl(): string {
  const file = path.join(ROOT, ".tmp", `operator-${process.pid}-${Date.now()}.db`);
  cleanups.push(() => {
    for (const suffix of ["", "-wal", "-shm", "-journal"])
      fs.rmSync(`${file}${suffix}`, { force: true });
  });
  return `file:${file}`;
}

async function stopAndWait(portal: RunningPortal): Promise<void> {
  const exited = portal.process.exitCode === null ? once(portal.process, "exit") : null;
  await portal.stop();
  await exited;
}

/** The lines of `output` that are not a JSON object with time, level and message. */
function linesNotJson(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => line.trim() !== "")
    .filter((line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        return (
          typeof parsed.time !== "string" ||
          !["debug", "info", "warn", "error"].includes(String(parsed.level)) ||
          typeof parsed.message !== "string"
        );
      } catch {
        return true;
      }
    });
}

describe.runIf(ownSqliteTier)(
  'the server\'s output is JSON lines (docs/OPERATIONS.md "Logs")',
  () => {
    it("a start that migrates an empty database, requests, a page and a shutdown write only JSON objects with time, level and message", async () => {
      const port = await freePort();
      const portal = await startPortal({
        port,
        env: envFor(port, { DATABASE_URL: emptySqliteUrl() }),
      });
      expect((await fetch(`${portal.url}/api/ready`)).status).toBe(200);
      expect((await fetch(`${portal.url}/signin`)).status).toBe(200);
      await stopAndWait(portal);

      expect(linesNotJson(portal.output())).toEqual([]);
      expect(portal.output()).toContain("All migrations have been successfully applied");
      expect(portal.output()).toMatch(/"message":"Gatehouse listening on http:\/\/127\.0\.0\.1:/);
    });
  },
);

describe.runIf(ownSqliteTier)(
  "a start that fails for anything but its settings is a JSON line too",
  () => {
    it("a SAML schema validator that can't load: exit code 1, and every line, the reason included, is JSON", async () => {
      const port = await freePort();
      const message = await startPortal({
        port,
        env: envFor(port, { DATABASE_URL: emptySqliteUrl() }),
        nodeArgs: ["--import", path.join(ROOT, "tests/fixtures/break-saml-validator.mjs")],
      }).then(
        async (portal) => {
          await stopAndWait(portal);
          return "the portal started";
        },
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      expect(message).toMatch(/^portal exited with code 1:\n/);
      const output = message.replace(/^portal exited with code 1:\n/, "");
      expect(linesNotJson(output)).toEqual([]);
      const refusal = output
        .split("\n")
        .filter((line) => line.includes("Gatehouse cannot start"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(refusal).toEqual([
        expect.objectContaining({
          level: "error",
          message: "Gatehouse cannot start",
          reason: expect.stringContaining("libxml2-wasm could not be loaded"),
        }),
      ]);
    });
  },
);

/**
 * A project directory of its own that runs this checkout's build: everything is linked, except the
 * compiled server, which is copied so that it finds its project directory here (server.ts).
 */
function projectWithEnvFile(envFile: string): string {
  const dir = fs.mkdtempSync(path.join(ROOT, ".tmp", "project-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const entry of fs.readdirSync(ROOT))
    if (![".next", ".tmp", "data", ".git", ".env", ".env.local"].includes(entry))
      fs.symlinkSync(path.join(ROOT, entry), path.join(dir, entry));
  fs.mkdirSync(path.join(dir, ".next"));
  for (const entry of fs.readdirSync(path.join(ROOT, ".next"))) {
    const from = path.join(ROOT, ".next", entry);
    if (from === SERVER_BUNDLE) fs.copyFileSync(from, path.join(dir, ".next", entry));
    else fs.symlinkSync(from, path.join(dir, ".next", entry));
  }
  fs.writeFileSync(path.join(dir, ".env"), envFile);
  return dir;
}

describe.runIf(ownSqliteTier)(".env files in the project directory", () => {
  it("the database a .env file names is the one the server migrates and the portal serves from", async () => {
    const databaseUrl = emptySqliteUrl();
    const projectDir = projectWithEnvFile(`DATABASE_URL=${databaseUrl}\n`);
    const port = await freePort();
    const env = envFor(port);
    delete env.DATABASE_URL;
    const portal = await startPortal({ port, env, projectDir });
    try {
      expect(await checkSchemaCurrent(databaseUrl)).toEqual({ current: true });
      const ready = await fetch(`${portal.url}/api/ready`);
      expect(await ready.json()).toMatchObject({ status: "ready" });
      // Nothing was created where DATABASE_URL's default points.
      expect(fs.existsSync(path.join(projectDir, "data", "gatehouse.db"))).toBe(false);
      expect(portal.output()).toContain('"files":[".env"]');
    } finally {
      await stopAndWait(portal);
    }
  });
});

describe.runIf(ownSqliteTier)("settings the server cannot apply are named at start", () => {
  it("a misspelt GATEHOUSE_* setting is warned about, with the setting it resembles, and the portal still serves", async () => {
    const port = await freePort();
    const portal = await startPortal({
      port,
      env: envFor(port, {
        DATABASE_URL: emptySqliteUrl(),
        GATEHOUSE_METRIC_TOKEN: "a-scraper-token-of-some-length",
      }),
    });
    try {
      const warning = portal
        .output()
        .split("\n")
        .filter((line) => line.includes("GATEHOUSE_METRIC_TOKEN"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(warning).toEqual([
        expect.objectContaining({
          level: "warn",
          message:
            "GATEHOUSE_METRIC_TOKEN is not a Gatehouse setting and is ignored: did you mean GATEHOUSE_METRICS_TOKEN?",
        }),
      ]);
      expect((await fetch(`${portal.url}/api/health`)).status).toBe(200);
    } finally {
      await stopAndWait(portal);
    }
  });

  // npm start hands the limit to node before the server reads the .env files (package.json).
  it("GATEHOUSE_MAX_HEAP_MB that only a .env file sets does not apply, and the server says so", async () => {
    const projectDir = projectWithEnvFile("GATEHOUSE_MAX_HEAP_MB=512\n");
    const port = await freePort();
    const portal = await startPortal({
      port,
      env: envFor(port, { DATABASE_URL: emptySqliteUrl() }),
      projectDir,
    });
    try {
      expect(portal.output()).toContain(
        "GATEHOUSE_MAX_HEAP_MB=512 does not apply: this process runs under 1024 MB, because npm start reads GATEHOUSE_MAX_HEAP_MB from the environment before any .env file is read; set it in the environment",
      );
    } finally {
      await stopAndWait(portal);
    }
  });
});

function postgresAdminUrl(): string {
  return process.env.GATEHOUSE_TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/test";
}

/**
 * The sessions waiting for Prisma's migration lock (`pg_advisory_lock(72707369)`) on the client's
 * database: advisory locks are per database, and other databases on the server (other test files,
 * other runs) take the same lock while they migrate.
 */
async function waitingForMigrationLock(client: pg.Client): Promise<number[]> {
  const result = await client.query<{ pid: number }>(
    // Advisory locks belong to one database; other databases' migrations on the same server
    // (other test files, other replicas) wait for a lock of their own.
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707369 AND NOT granted" +
      " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
  );
  return result.rows.map((row) => row.pid);
}

describe.runIf(testDatabaseKind() === "postgresql")("replicas started together", () => {
  it("a replica that waits longer than Prisma's 10 s for another replica's migration lock starts once it is free", async () => {
    const name = `gatehouse_test_lock_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: postgresAdminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    });
    const url = new URL(postgresAdminUrl());
    url.pathname = `/${name}`;
    // Stands for the replica that is migrating: it holds the lock the whole time.
    const migrating = new pg.Client({ connectionString: url.toString() });
    await migrating.connect();
    cleanups.push(() => migrating.end());
    await migrating.query("SELECT pg_advisory_lock(72707369)");

    const port = await freePort();
    let exited: unknown = null;
    const starting = startPortal({
      port,
      env: envFor(port, { DATABASE_URL: url.toString() }),
    }).catch((error: unknown) => {
      exited = error;
      return null;
    });
    // Each attempt is a new schema engine with its own session: once a second session waits,
    // Prisma gave up on the first wait (after 10 s) and the replica tried again. Then free it.
    const waiters = new Set<number>();
    while (exited === null && waiters.size < 2) {
      for (const pid of await waitingForMigrationLock(migrating)) waiters.add(pid);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await migrating.query("SELECT pg_advisory_unlock(72707369)");
    const portal = await starting;
    expect(exited).toBeNull();
    cleanups.push(() => portal?.stop());
    expect(portal!.output()).toContain("another replica is applying the database migrations");
    expect(await checkSchemaCurrent(url.toString())).toEqual({ current: true });
    expect((await fetch(`${portal!.url}/api/ready`)).status).toBe(200);
  });
});

/** `npm start` on a free port, as a container runs it, once the server says it listens. */
async function npmStart() {
  const port = await freePort();
  const npm = spawn("npm", ["start", "--silent"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      ...envFor(port, { DATABASE_URL: emptySqliteUrl() }),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  npm.stdout.on("data", (d: Buffer) => (output += d.toString()));
  npm.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const npmExited = once(npm, "exit");
  cleanups.push(() => npm.exitCode === null && npm.kill("SIGKILL"));
  while (!/Gatehouse listening on \S+ \(pid (\d+)\)/.test(output)) {
    if (npm.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const serverPid = Number(/Gatehouse listening on \S+ \(pid (\d+)\)/.exec(output)![1]);
  cleanups.push(() => isRunning(serverPid) && process.kill(serverPid, "SIGKILL"));
  expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
  return { npm, port, serverPid, npmExited, output: () => output };
}

/** The server's JSON log lines so far whose message starts with `prefix`. */
function linesStartingWith(output: string, prefix: string): Array<Record<string, unknown>> {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => typeof line.message === "string" && line.message.startsWith(prefix));
}

describe.runIf(ownSqliteTier)(
  'npm start stopped as a container stops it (docs/OPERATIONS.md "Shutdown")',
  () => {
    it("SIGTERM to npm reaches the server: a request in flight is answered, the server exits, npm exits 0", async () => {
      const { npm, port, serverPid, npmExited } = await npmStart();

      // A request the server has taken in, whose body has not all arrived yet (tests/support/held-request.ts).
      const held = await holdRequestSlot(`http://127.0.0.1:${port}`);
      const answered = new Promise<number>((resolve, reject) => {
        held.once("response", (response) => resolve(response.statusCode ?? 0));
        held.once("error", reject);
      });
      npm.kill("SIGTERM");
      // The server stops listening once it has the signal (npm waits for it); then the rest of the
      // body arrives.
      while (
        npm.exitCode === null &&
        npm.signalCode === null &&
        (await fetch(`http://127.0.0.1:${port}/api/health`).then(
          () => true,
          () => false,
        ))
      )
        await new Promise((resolve) => setTimeout(resolve, 50));
      held.end("x".repeat(100 - "grant_type=".length));
      expect(await answered).toBe(400);
      const [code, signal] = (await npmExited) as [number | null, NodeJS.Signals | null];
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      while (isRunning(serverPid)) await new Promise((resolve) => setTimeout(resolve, 50));
    });

    it("stopping is logged: one JSON line with the signal and the requests in flight, one when stopped", async () => {
      const { npm, port, npmExited, output } = await npmStart();
      const held = await holdRequestSlot(`http://127.0.0.1:${port}`);
      const answered = new Promise<void>((resolve, reject) => {
        held.once("response", (response) => {
          response.resume();
          resolve();
        });
        held.once("error", reject);
      });
      npm.kill("SIGTERM");
      while (linesStartingWith(output(), "Gatehouse stopping").length === 0) {
        if (npm.exitCode !== null) throw new Error(`npm start exited:\n${output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(linesStartingWith(output(), "Gatehouse stopping")).toEqual([
        expect.objectContaining({ level: "info", reason: "SIGTERM", inFlight: 1 }),
      ]);
      expect(linesStartingWith(output(), "Gatehouse stopped")).toEqual([]);
      held.end("x".repeat(100 - "grant_type=".length));
      await answered;
      await npmExited;
      expect(linesStartingWith(output(), "Gatehouse stopped")).toEqual([
        expect.objectContaining({ level: "info", exitCode: 0, unanswered: 0 }),
      ]);
    });
  },
);

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
