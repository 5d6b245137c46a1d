// Prisma CLI configuration for PostgreSQL. Migrations use @prisma/adapter-pg 7.x under an alias:
// with 6.19 the WebAssembly schema engine fails to read PostgreSQL's `name` columns.
// The app itself queries through @prisma/adapter-pg 6.19.
import path from "node:path";
import { PrismaPg } from "prisma-adapter-pg-migrate";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(__dirname, "postgresql", "schema.prisma"),
  migrations: { path: path.join(__dirname, "postgresql", "migrations") },
  // eslint-disable-next-line @typescript-eslint/require-await
  adapter: async () => {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is required for PostgreSQL migrations");
    return new PrismaPg({ connectionString });
  },
});
