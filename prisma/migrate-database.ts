// Applies pending migrations to a database: for `npm run db:migrate` (prisma/migrate.ts), and for
// the server when the schema is not current (server.ts). On PostgreSQL, Prisma takes an advisory
// lock, so several replicas starting at once migrate exactly once.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { databaseProviderOf, sqliteFileFromUrl } from "./database-url";

export function migrateDatabase(
  databaseUrl: string,
  opts: { quiet?: boolean; projectDir?: string } = {},
): void {
  const provider = databaseProviderOf(databaseUrl);
  if (provider === "sqlite")
    fs.mkdirSync(path.dirname(sqliteFileFromUrl(databaseUrl)), { recursive: true });
  // The compiled server (.next/gatehouse-server.js) is not next to this file: it says where it is.
  const projectDir = opts.projectDir ?? path.join(__dirname, "..");
  const config = path.join(projectDir, "prisma", `${provider}.config.ts`);
  const prismaBin = path.join(projectDir, "node_modules", ".bin", "prisma");
  execFileSync(prismaBin, ["migrate", "deploy", "--config", config], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: opts.quiet ? "pipe" : "inherit",
  });
}
