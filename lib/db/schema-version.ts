import fs from "node:fs";
import { databaseProviderOf, sqliteFileFromUrl } from "@/prisma/database-url";

/**
 * The newest migration this code needs (prisma/migrations and prisma/postgresql/migrations share
 * their names). `npm run db:migration` rewrites it; a unit test checks it against both folders.
 */
export const LATEST_MIGRATION = "20261207052403_audit_access_key_index";

export type SchemaState =
  | { current: true }
  | {
      current: false;
      behind: boolean;
      reason: string;
      /**
       * Set when DATABASE_URL itself is wrong — a host that does not resolve, a database that does
       * not exist, credentials refused — rather than the database briefly away: a setting to
       * correct, which server.ts refuses at start (docs/OPERATIONS.md "Schema and migrations").
       */
      databaseUrlProblem?: string;
    };

const APPLIED =
  "SELECT 1 AS applied FROM _prisma_migrations WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL";

/**
 * Whether the database's schema has this code's newest migration (docs/OPERATIONS.md "Schema and
 * migrations"). Asked through the bare driver, not Prisma: server.ts asks before Next.js (and the
 * Prisma client) is loaded. `behind` is true only when the database answered and the migration is
 * missing; an unreachable database is not "behind".
 */
export async function checkSchemaCurrent(databaseUrl: string): Promise<SchemaState> {
  try {
    const provider = databaseProviderOf(databaseUrl);
    // No file yet: a database nothing was ever applied to (`npm run db:migrate` creates it).
    if (provider === "sqlite" && !fs.existsSync(sqliteFileFromUrl(databaseUrl)))
      return {
        current: false,
        behind: true,
        reason: `the database file ${sqliteFileFromUrl(databaseUrl)} does not exist (DATABASE_URL; run npm run db:migrate)`,
      };
    const applied =
      provider === "sqlite"
        ? await sqliteHasMigration(sqliteFileFromUrl(databaseUrl))
        : await postgresHasMigration(databaseUrl);
    return applied
      ? { current: true }
      : {
          current: false,
          behind: true,
          reason: `the database schema is older than this code: migration ${LATEST_MIGRATION} is not applied (run npm run db:migrate)`,
        };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // No migrations table at all: nothing was ever applied.
    if (/_prisma_migrations/.test(message) && /no such table|does not exist/.test(message))
      return {
        current: false,
        behind: true,
        reason: "the database has no Gatehouse schema yet (run npm run db:migrate)",
      };
    const problem = databaseUrlProblemOf(error);
    return {
      current: false,
      behind: false,
      reason: `the database could not be asked: ${message}`,
      ...(problem ? { databaseUrlProblem: problem } : {}),
    };
  }
}

/**
 * What is wrong with DATABASE_URL itself, from the driver's error when connecting; undefined for
 * what a retry can outlive (refused or timed-out connections, a database starting up). The
 * driver's messages name the host, database or user, never the password.
 */
function databaseUrlProblemOf(error: unknown): string | undefined {
  const { code, message, hostname } = error as {
    code?: unknown;
    message?: unknown;
    hostname?: unknown;
  };
  const text = typeof message === "string" ? message : String(error);
  switch (code) {
    case "ENOTFOUND":
      return `DATABASE_URL names a database host that does not resolve (${typeof hostname === "string" ? hostname : text})`;
    case "3D000": // invalid_catalog_name
      return `DATABASE_URL names a database that does not exist: ${text}`;
    case "28P01": // invalid_password
    case "28000": // invalid_authorization_specification
      return `DATABASE_URL's user or password is refused by the database: ${text}`;
    default:
      return undefined;
  }
}

async function sqliteHasMigration(file: string): Promise<boolean> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(APPLIED.replace("$1", "?")).get(LATEST_MIGRATION) !== undefined;
  } finally {
    db.close();
  }
}

async function postgresHasMigration(url: string): Promise<boolean> {
  const { Client } = await import("pg");
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query(APPLIED, [LATEST_MIGRATION])).rowCount === 1;
  } finally {
    await client.end();
  }
}
