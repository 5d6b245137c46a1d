// Creates a new migration for both databases by diffing the schema as of the last migration
// against the current one (`prisma migrate dev` needs a shadow database the offline engine
// cannot drive). Usage: npm run db:migration -- <name>
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const SNAPSHOT = "schema.snapshot.prisma";

function lastSnapshot(migrationsDir: string): string | null {
  if (!fs.existsSync(migrationsDir)) return null;
  const dirs = fs
    .readdirSync(migrationsDir)
    .filter((d) => fs.existsSync(path.join(migrationsDir, d, SNAPSHOT)))
    .sort();
  const last = dirs.at(-1);
  return last ? path.join(migrationsDir, last, SNAPSHOT) : null;
}

/** The diff needs a connection it never writes to: a scratch SQLite file or the local PostgreSQL. */
function diffDatabaseUrl(config: string): string {
  if (!config.includes("postgresql")) {
    fs.mkdirSync("data", { recursive: true }); // a fresh clone has none (it is git-ignored)
    return "file:./data/.diff.db";
  }
  const url = process.env.DATABASE_URL;
  return url?.startsWith("postgres") ? url : "postgresql://postgres@127.0.0.1:5432/postgres";
}

function makeMigration(
  name: string,
  variant: { schema: string; dir: string; config: string },
): void {
  const previous = lastSnapshot(variant.dir);
  const from = previous ? ["--from-schema-datamodel", previous] : ["--from-empty"];
  const sql = execFileSync(
    "npx",
    [
      "prisma",
      "migrate",
      "diff",
      ...from,
      "--to-schema-datamodel",
      variant.schema,
      "--script",
      "--config",
      variant.config,
    ],
    { encoding: "utf8", env: { ...process.env, DATABASE_URL: diffDatabaseUrl(variant.config) } },
  );
  if (!/\S/.test(sql.replace(/^--.*$/gm, ""))) {
    console.log(`${variant.dir}: no changes`);
    return;
  }
  const folder = path.join(variant.dir, `${stamp}_${name}`);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "migration.sql"), sql);
  fs.copyFileSync(variant.schema, path.join(folder, SNAPSHOT));
  console.log(`wrote ${folder}/migration.sql`);
}

const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name in snake_case>");
  process.exit(2);
}
execFileSync("npx", ["tsx", path.join(__dirname, "schema-variants.ts")], { stdio: "inherit" });
makeMigration(name, {
  schema: path.join(__dirname, "schema.prisma"),
  dir: path.join(__dirname, "migrations"),
  config: path.join(__dirname, "sqlite.config.ts"),
});
makeMigration(name, {
  schema: path.join(__dirname, "postgresql", "schema.prisma"),
  dir: path.join(__dirname, "postgresql", "migrations"),
  config: path.join(__dirname, "postgresql.config.ts"),
});

// The code now needs this migration: a replica refuses to serve on a schema without it
// (lib/db/schema-version.ts).
const versionFile = path.join(__dirname, "..", "lib", "db", "schema-version.ts");
fs.writeFileSync(
  versionFile,
  fs
    .readFileSync(versionFile, "utf8")
    .replace(/LATEST_MIGRATION = "[^"]*"/, `LATEST_MIGRATION = "${stamp}_${name}"`),
);
console.log(`${versionFile}: LATEST_MIGRATION = ${stamp}_${name}`);
