import "server-only";
import { PrismaClient as PostgresqlClient } from "@gatehouse/db-postgresql";
import { PrismaClient as SqliteClient } from "@gatehouse/db-sqlite";
import { getConfig } from "@/lib/config";
import { databaseProviderOf, sqliteFileFromUrl } from "@/prisma/database-url";
import { ResilientPgAdapterFactory } from "./pg-adapter";
import { SerialSqliteAdapterFactory } from "./sqlite-adapter";

/**
 * Both generated clients come from one set of models (prisma/schema.prisma), so they share one
 * shape; the SQLite client's types stand for both.
 */
export type Db = SqliteClient;

/**
 * How long a request waits for the database connection (SQLite: the one connection; PostgreSQL: a
 * pool slot or a new connection) before it is answered 503: bounded, so a stuck or saturated
 * database never hangs the portal (docs/DATABASE-FAULTS.md).
 */
const CONNECTION_WAIT_MS = 10_000;

/**
 * Prisma's messages say what failed and why, without the excerpt of the calling source it adds by
 * default (from a bundled server, kilobytes of minified code in every log line).
 */
const ERROR_FORMAT = "minimal";

/** Creates the Prisma client for a database URL: SQLite for `file:`, PostgreSQL for `postgresql://`. */
export function createDb(databaseUrl: string): Db {
  if (databaseProviderOf(databaseUrl) === "sqlite") {
    return new SqliteClient({
      adapter: new SerialSqliteAdapterFactory(sqliteFileFromUrl(databaseUrl), {
        lockWaitMs: CONNECTION_WAIT_MS,
      }),
      errorFormat: ERROR_FORMAT,
    });
  }
  const client = new PostgresqlClient({
    adapter: new ResilientPgAdapterFactory(databaseUrl, { connectTimeoutMs: CONNECTION_WAIT_MS }),
    errorFormat: ERROR_FORMAT,
  });
  return client as unknown as Db;
}

const globalForDb = globalThis as unknown as { gatehouseDb?: Db };

/** The process-wide client (one connection pool per process, reused across hot reloads in dev). */
export function getDb(): Db {
  globalForDb.gatehouseDb ??= createDb(getConfig().databaseUrl);
  return globalForDb.gatehouseDb;
}
