// Applies pending migrations to a database: for `npm run db:migrate` (prisma/migrate.ts), and for
// the server when the schema is not current (server.ts). On PostgreSQL, Prisma takes an advisory
// lock, so several replicas starting at once migrate exactly once.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { databaseProviderOf, sqliteFileFromUrl } from "./database-url";

export function migrateDatabase(
  databaseUrl: string,
  opts: { quiet?: boolean; projectDir?: string } = {},
): void {
  const { command, args, env } = migrateCommand(databaseUrl, opts.projectDir);
  execFileSync(command, args, { env, stdio: opts.quiet ? "pipe" : "inherit" });
}

/**
 * The same migration for the server, whose log is JSON lines (docs/OPERATIONS.md "Logs"): Prisma's
 * output is returned, for the caller to log, instead of printed.
 */
export function migrateDatabaseCapturingOutput(
  databaseUrl: string,
  opts: { projectDir?: string } = {},
): { ok: boolean; output: string } {
  const { command, args, env } = migrateCommand(databaseUrl, opts.projectDir);
  const run = spawnSync(command, args, { env, encoding: "utf8", stdio: "pipe" });
  const output = [run.stdout, run.stderr, run.error?.message]
    .filter((text): text is string => typeof text === "string" && text.trim() !== "")
    .join("\n")
    .trim();
  return { ok: run.status === 0 && run.error === undefined, output };
}

function migrateCommand(databaseUrl: string, projectDirOption: string | undefined) {
  const provider = databaseProviderOf(databaseUrl);
  if (provider === "sqlite")
    fs.mkdirSync(path.dirname(sqliteFileFromUrl(databaseUrl)), { recursive: true });
  // The compiled server (.next/gatehouse-server.js) is not next to this file: it says where it is.
  const projectDir = projectDirOption ?? path.join(__dirname, "..");
  const config = path.join(projectDir, "prisma", `${provider}.config.ts`);
  return {
    command: path.join(projectDir, "node_modules", ".bin", "prisma"),
    args: ["migrate", "deploy", "--config", config],
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  };
}
