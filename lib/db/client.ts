import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresqlClient } from "@gatehouse/db-postgresql";
import { PrismaClient as SqliteClient } from "@gatehouse/db-sqlite";
import { getConfig } from "@/lib/config";
import { databaseProviderOf, sqliteFileFromUrl } from "@/prisma/database-url";

/**
 * Both generated clients come from one set of models (prisma/schema.prisma), so they share one
 * shape; the SQLite client's types stand for both.
 */
export type Db = SqliteClient;

/** Creates the Prisma client for a database URL: SQLite for `file:`, PostgreSQL for `postgresql://`. */
export function createDb(databaseUrl: string): Db {
  if (databaseProviderOf(databaseUrl) === "sqlite") {
    return new SqliteClient({
      adapter: new PrismaBetterSQLite3({ url: sqliteFileFromUrl(databaseUrl) }),
    });
  }
  const client = new PostgresqlClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  return client as unknown as Db;
}

const globalForDb = globalThis as unknown as { gatehouseDb?: Db };

/** The process-wide client (one connection pool per process, reused across hot reloads in dev). */
export function getDb(): Db {
  globalForDb.gatehouseDb ??= createDb(getConfig().databaseUrl);
  return globalForDb.gatehouseDb;
}
