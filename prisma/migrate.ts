// Applies pending migrations to the database DATABASE_URL names (SQLite by default). Run by
// `npm start` before the server starts and by `npm run db:migrate`. On PostgreSQL, Prisma takes an
// advisory lock, so several replicas starting at once migrate exactly once.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DEFAULT_DATABASE_URL, databaseProviderOf, sqliteFileFromUrl } from "./database-url";

export function migrateDatabase(databaseUrl: string, opts: { quiet?: boolean } = {}): void {
  const provider = databaseProviderOf(databaseUrl);
  if (provider === "sqlite")
    fs.mkdirSync(path.dirname(sqliteFileFromUrl(databaseUrl)), { recursive: true });
  const config = path.join(__dirname, `${provider}.config.ts`);
  const prismaBin = path.join(__dirname, "..", "node_modules", ".bin", "prisma");
  execFileSync(prismaBin, ["migrate", "deploy", "--config", config], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: opts.quiet ? "pipe" : "inherit",
  });
}

if (require.main === module) {
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  try {
    migrateDatabase(url);
  } catch {
    console.error("gatehouse: database migration failed (see the output above); not starting.");
    process.exit(1);
  }
}
