// Starts the real thing for a test file: the AWS stand-in and the OIDC IdP in-process, a fresh
// database (SQLite file or a throwaway PostgreSQL database), migrations, the demo seed, and the
// portal's production build under `next start`. GATEHOUSE_TEST_DATABASE picks the database
// (sqlite by default; tests/run.ts runs the integration tier once per database).
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startAwsStandin, type AwsStandin, type StandinWorld } from "@/dev/aws-standin/server";
import {
  demoAwsWorld,
  registerDemoSamlIdp,
  registerDemoSamlProviders,
  startDemoSamlIdp,
} from "@/dev/demo-saml";
import type { SamlIdp } from "@/dev/saml-idp/server";
import { demoUsers } from "@/dev/demo-users";
import {
  demoClientRegistration,
  ROOT,
  localPortalEnv,
  startPortal,
  type RunningPortal,
} from "@/dev/local-stack";
import { freePort } from "@/dev/ports";
import { startOidcIdp, type OidcIdp } from "@/dev/oidc-idp/server";
import { createDb, type Db } from "@/lib/db/client";
import { migrateDatabase } from "@/prisma/migrate-database";
import { seedDemo } from "@/prisma/seed-demo";

export type TestDatabase = "sqlite" | "postgresql";

/** Rate limits no test reaches by accident (tests/integration/rate-limits.test.ts sets its own). */
export const TEST_RATE_LIMITS =
  "signin=1000000/60,saml=1000000/60,issue=1000000/60,issue-address=1000000/60,device=1000000/60,api=1000000/60,device-approval=1000000/600,audited-refusals=1000000/600";

/** Tests only ever touch a database on this machine. */
/** The PostgreSQL server test databases are made on (read when used: a run may switch servers). */
function postgresAdminUrl(): string {
  return process.env.GATEHOUSE_TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/test";
}

export interface TestStack {
  database: TestDatabase;
  databaseUrl: string;
  db: Db;
  aws: AwsStandin;
  idp: OidcIdp;
  /** The demo SAML IdP, when started with `saml`. */
  samlIdp: SamlIdp | null;
  portal: RunningPortal;
  portalUrl: string;
  /**
   * The portal's clock (lib/clock.ts): moved forward instead of waiting for a session or a rule to
   * expire. The stand-in and the IdPs keep their own clocks.
   */
  portalClock: PortalClock;
  /** The portal's environment, for starting another replica of it (startReplica). */
  portalEnv: Record<string, string>;
  stop(): Promise<void>;
}

export interface PortalClock {
  /** Moves the portal's clock `ms` further ahead (when stopped: to `ms` later, still stopped). */
  advance(ms: number): void;
  /**
   * Stops the portal's clock where it is, until reset(): a rule that counts seconds between two
   * requests (a polling interval, a rate limit's window) then sees only the time the test moves
   * it, however slowly a busy machine makes the requests.
   */
  stop(): void;
  /** Runs on from where stop() left it (never backwards: the time it stood still is skipped). */
  resume(): void;
  /**
   * Moves the portal's clock forward to 1 s past its next multiple of `periodMs` since the epoch,
   * where the rate limits' fixed windows restart (lib/rate-limit/counter.ts): requests made next
   * then share one window however slowly a busy machine makes them, up to the period less 1 s.
   */
  advanceToJustPastMark(periodMs: number): void;
  /** Back to the system clock, running. */
  reset(): void;
}

/** The clock file lib/clock.ts reads: an offset from the system clock, or `@instant` when stopped. */
function portalClockIn(dir: string): { file: string; clock: PortalClock } {
  const file = path.join(dir, "portal-clock");
  let aheadMs = 0;
  let stoppedAt: number | null = null;
  const write = () =>
    fs.writeFileSync(file, stoppedAt === null ? String(aheadMs) : `@${stoppedAt}`);
  const now = () => stoppedAt ?? Date.now() + aheadMs;
  const advance = (ms: number) => {
    if (stoppedAt === null) aheadMs += ms;
    else stoppedAt += ms;
    write();
  };
  write();
  return {
    file,
    clock: {
      advance,
      stop() {
        stoppedAt = now();
        write();
      },
      resume() {
        if (stoppedAt === null) return;
        aheadMs = stoppedAt - Date.now();
        stoppedAt = null;
        write();
      },
      advanceToJustPastMark(periodMs) {
        advance(periodMs - (now() % periodMs) + 1_000);
      },
      reset() {
        aheadMs = 0;
        stoppedAt = null;
        write();
      },
    },
  };
}

/** A fresh directory for the portal's clock file, removed when the stack stops. */
function temporaryDir(cleanups: Array<() => Promise<unknown>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-clock-"));
  cleanups.push(() => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })));
  return dir;
}

/** A portal on the system clock (systemClock): nothing to move, and saying so beats ignoring it. */
function fixedClock(): { file: null; clock: PortalClock } {
  const refuse = () => {
    throw new Error("this stack's portal runs on the system clock (systemClock: true)");
  };
  return {
    file: null,
    clock: {
      advance: refuse,
      stop: refuse,
      resume: refuse,
      advanceToJustPastMark: refuse,
      reset: refuse,
    },
  };
}

export function testDatabaseKind(): TestDatabase {
  const kind = process.env.GATEHOUSE_TEST_DATABASE ?? "sqlite";
  if (kind !== "sqlite" && kind !== "postgresql")
    throw new Error(`GATEHOUSE_TEST_DATABASE must be sqlite or postgresql, got ${kind}`);
  return kind;
}

/** A hash of the migrations, so a template database is rebuilt whenever they change. */
function migrationsHash(kind: TestDatabase): string {
  const dir = path.join(
    ROOT,
    "prisma",
    ...(kind === "postgresql" ? ["postgresql"] : []),
    "migrations",
  );
  const hash = createHash("sha256");
  for (const entry of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, entry, "migration.sql");
    if (fs.existsSync(file)) hash.update(entry).update(fs.readFileSync(file));
  }
  return hash.digest("hex").slice(0, 12);
}

/**
 * A migrated, empty template per migrations version: each test database is a copy of it, which
 * is much faster than running the migrations again (the migrations themselves are still what
 * built it, through the same `prisma migrate deploy` as production).
 */
async function ensureTemplate(kind: TestDatabase): Promise<string> {
  const tag = migrationsHash(kind);
  if (kind === "sqlite") {
    const dir = path.join(ROOT, ".tmp");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `template-${tag}.db`);
    if (!fs.existsSync(file)) {
      const building = path.join(
        dir,
        `template-${tag}-${process.pid}-${randomBytes(3).toString("hex")}.db`,
      );
      migrateDatabase(`file:${building}`, { quiet: true });
      fs.renameSync(building, file);
    }
    return file;
  }
  const name = `gatehouse_template_${tag}`;
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) {
      const building = `${name}_${process.pid}`;
      await client.query(`DROP DATABASE IF EXISTS "${building}"`);
      await client.query(`CREATE DATABASE "${building}"`);
      const url = new URL(postgresAdminUrl());
      url.pathname = `/${building}`;
      migrateDatabase(url.toString(), { quiet: true });
      await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`).catch(async () => {
        await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      });
    }
  } finally {
    await client.end();
  }
  return name;
}

/** A fresh, migrated, empty database of this kind (a copy of the template); `drop` removes it. */
export async function createTestDatabase(
  kind: TestDatabase,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gatehouse_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  if (
    kind === "postgresql" &&
    !["127.0.0.1", "localhost", "::1", "[::1]"].includes(new URL(postgresAdminUrl()).hostname)
  ) {
    throw new Error("refusing to run tests against a non-local PostgreSQL");
  }
  const template = await ensureTemplate(kind);
  if (kind === "sqlite") {
    const file = path.join(ROOT, ".tmp", `${name}.db`);
    fs.copyFileSync(template, file);
    return {
      url: `file:${file}`,
      drop: () => {
        for (const suffix of ["", "-journal", "-wal", "-shm"])
          fs.rmSync(`${file}${suffix}`, { force: true });
        return Promise.resolve();
      },
    };
  }
  const admin = postgresAdminUrl();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

type TestStackOptions = {
  database?: TestDatabase;
  world?: StandinWorld;
  extraEnv?: Record<string, string>;
  /** Extra flags for the portal's node process (benchmarks: --cpu-prof). */
  portalNodeArgs?: string[];
  /**
   * The portal reads the system clock as in production, not the movable test clock (which reads a
   * file on every call): for benchmarks, which measure production's path. portalClock then throws.
   */
  systemClock?: boolean;
  /** Settings that depend on the running AWS stand-in (e.g. broker credentials it issued). */
  envFromAws?: (aws: AwsStandin) => Promise<Record<string, string>>;
  /** Also start the demo SAML IdP, register it in the portal and as the stand-in's SAML provider. */
  saml?:
    | boolean
    | {
        allowIdpInitiated?: boolean;
        trustedForPrivileges?: boolean;
        /** Whether the demo SAML IdP offers single logout (default true). */
        singleLogout?: boolean;
      };
  /** Whether the OIDC IdP offers RP-initiated logout (default true). */
  oidcRpInitiatedLogout?: boolean;
  /**
   * Extra STS endpoints of the stand-in (see AwsStandinOptions.stsEndpointNames). The portal
   * still gets only the default one unless `envFromAws` sets GATEHOUSE_STS_ENDPOINTS from
   * `aws.stsEndpoints` and clears GATEHOUSE_STS_ENDPOINT (to "": the two may not both be set).
   */
  stsEndpointNames?: string[];
  /** The stand-in's clock. */
  awsNow?: () => Date;
};

/**
 * Starts a database, the AWS stand-in, the IdPs and the portal. The portal's port is chosen before
 * it binds (the IdPs register its URL); if another process took it meanwhile, the whole stack
 * starts again on a new one rather than failing the file.
 */
export async function startTestStack(opts: TestStackOptions = {}): Promise<TestStack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTestStackOnce(opts);
    } catch (error) {
      const portTaken = error instanceof Error && error.message.includes("EADDRINUSE");
      if (!portTaken || attempt === 3) throw error;
    }
  }
}

async function startTestStackOnce(opts: TestStackOptions): Promise<TestStack> {
  const database = opts.database ?? testDatabaseKind();
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const created = await createTestDatabase(database);
    cleanups.push(() => created.drop());
    const aws = await startAwsStandin({
      world: opts.world ?? demoAwsWorld(),
      ...(opts.stsEndpointNames ? { stsEndpointNames: opts.stsEndpointNames } : {}),
      ...(opts.awsNow ? { now: opts.awsNow } : {}),
    });
    cleanups.push(() => aws.close());
    const portalPort = await freePort();
    const portalUrl = `http://localhost:${portalPort}`;
    const portalClock = opts.systemClock ? fixedClock() : portalClockIn(temporaryDir(cleanups));
    const idp = await startOidcIdp({
      users: demoUsers,
      clients: [demoClientRegistration(portalUrl)],
      log: () => undefined,
      rpInitiatedLogout: opts.oidcRpInitiatedLogout ?? true,
    });
    cleanups.push(() => idp.close());
    const db = createDb(created.url);
    cleanups.push(() => db.$disconnect());
    await seedDemo(db, { issuer: idp.issuer });
    let samlIdp: SamlIdp | null = null;
    if (opts.saml) {
      samlIdp = await startDemoSamlIdp({
        portalUrl,
        singleLogout: typeof opts.saml === "object" ? (opts.saml.singleLogout ?? true) : true,
      });
      const started = samlIdp;
      cleanups.push(() => started.close());
      await registerDemoSamlIdp(db, samlIdp, typeof opts.saml === "object" ? opts.saml : {});
      registerDemoSamlProviders(aws, samlIdp);
    }
    const portalEnv = localPortalEnv({
      portalUrl,
      databaseUrl: created.url,
      oidcIssuer: idp.issuer,
      stsEndpoint: aws.stsEndpoint,
      federationEndpoint: aws.federationEndpoint,
      authSecret: randomBytes(32).toString("base64url"),
      extra: {
        // Tests sign in and issue far faster than people: limits are tested on their own.
        GATEHOUSE_RATE_LIMITS: TEST_RATE_LIMITS,
        ...(portalClock.file ? { GATEHOUSE_TEST_CLOCK_FILE: portalClock.file } : {}),
        // A webhook POST to a local receiver never takes this long, however busy the machine: a
        // retry is what a test of timeouts sets out to cause, not an accident of load.
        GATEHOUSE_WEBHOOK_TIMEOUT_SECONDS: "30",
        // The request log and every info line, so that `npm test` checks them all for secrets.
        GATEHOUSE_LOG_LEVEL: "info",
        // A benchmark may compare heap limits (docs/OPERATIONS.md "Memory").
        ...(process.env.GATEHOUSE_MAX_HEAP_MB
          ? { GATEHOUSE_MAX_HEAP_MB: process.env.GATEHOUSE_MAX_HEAP_MB }
          : {}),
        ...opts.extraEnv,
        ...(opts.envFromAws ? await opts.envFromAws(aws) : {}),
      },
    });
    const portal = await startPortal({
      port: portalPort,
      env: portalEnv,
      ...(opts.portalNodeArgs ? { nodeArgs: opts.portalNodeArgs } : {}),
    });
    cleanups.push(() => portal.stop());
    return {
      database,
      databaseUrl: created.url,
      db,
      aws,
      idp,
      samlIdp,
      portal,
      portalUrl,
      portalClock: portalClock.clock,
      portalEnv,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Another replica of the stack's portal: same database, IdP, AWS stand-in, secrets and public URL
 * (NEXTAUTH_URL, as behind a load balancer), on a port of its own, with `extraEnv` on top. The
 * caller stops it.
 */
export async function startReplica(
  stack: TestStack,
  extraEnv: Record<string, string> = {},
): Promise<RunningPortal> {
  return startPortal({ port: await freePort(), env: { ...stack.portalEnv, ...extraEnv } });
}
