// Prisma CLI configuration for SQLite: the WebAssembly schema engine with a driver adapter works
// offline (the engines come from node_modules, no download). Used by prisma/migrate.ts and the db:* scripts.
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";
import { DEFAULT_DATABASE_URL, sqliteFileFromUrl } from "./database-url";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(__dirname, "schema.prisma"),
  migrations: { path: path.join(__dirname, "migrations") },
  // eslint-disable-next-line @typescript-eslint/require-await -- the config API wants a promise
  adapter: async () =>
    new PrismaBetterSQLite3({
      url: sqliteFileFromUrl(process.env.DATABASE_URL || DEFAULT_DATABASE_URL),
    }),
});
