// Generates prisma/postgresql/schema.prisma from prisma/schema.prisma: one set of models, two
// datasources. `--check` exits non-zero when the generated file is stale (used by `npm run check`).
import fs from "node:fs";
import path from "node:path";

const source = path.join(__dirname, "schema.prisma");
const target = path.join(__dirname, "postgresql", "schema.prisma");

export function postgresqlSchemaFrom(sqliteSchema: string): string {
  const replaced = sqliteSchema
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace(
      'url      = "file:./placeholder.db"',
      'url      = "postgresql://placeholder@localhost/placeholder"',
    )
    .replace(
      'output     = "../node_modules/@gatehouse/db-sqlite"',
      'output     = "../../node_modules/@gatehouse/db-postgresql"',
    );
  if (replaced === sqliteSchema || !replaced.includes('provider = "postgresql"')) {
    throw new Error(
      "prisma/schema.prisma no longer has the datasource/generator lines this script rewrites",
    );
  }
  return `// GENERATED from prisma/schema.prisma by prisma/schema-variants.ts. Do not edit.\n${replaced}`;
}

function main(): void {
  const wanted = postgresqlSchemaFrom(fs.readFileSync(source, "utf8"));
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
    if (current !== wanted) {
      console.error("prisma/postgresql/schema.prisma is stale: run `npm run db:schema`");
      process.exit(1);
    }
    return;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, wanted);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

main();
