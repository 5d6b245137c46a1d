// Prisma CLI configuration for PostgreSQL. Migrations use @prisma/adapter-pg 7.x under an alias:
// with 6.19 the WebAssembly schema engine fails to read PostgreSQL's `name` columns.
// The app itself queries through @prisma/adapter-pg 6.19.
import path from "node:path";
import { PrismaPg } from "prisma-adapter-pg-migrate";
import { defineConfig } from "prisma/config";

/**
 * Prisma 6.19's WebAssembly schema engine arms a 10 s timer for its advisory-lock wait and never
 * clears it (it imports setTimeout but not clearTimeout): after `migrate deploy` has finished, the
 * CLI process stays alive until that timer fires — 10 s added to every start that migrates and to
 * every `npm run db:migrate`. That timer alone is unref'd: while the engine waits for the lock, its
 * database connection keeps the process alive, so the timeout still fires when it matters. The
 * engine's shorter timers (its own pauses) are left as they are. This file is loaded in the CLI's
 * own process before the engine runs.
 */
const ENGINE_LOCK_TIMEOUT_MS = 10_000;
function unrefSchemaEngineLockTimer(): void {
  const original = globalThis.setTimeout;
  const wrapped = (...args: Parameters<typeof setTimeout>) => {
    const timer = original(...args);
    if (args[1] === ENGINE_LOCK_TIMEOUT_MS && new Error().stack?.includes("wasm://")) timer.unref();
    return timer;
  };
  globalThis.setTimeout = Object.assign(wrapped, original);
}
unrefSchemaEngineLockTimer();

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(__dirname, "postgresql", "schema.prisma"),
  migrations: { path: path.join(__dirname, "postgresql", "migrations") },
  // eslint-disable-next-line @typescript-eslint/require-await
  adapter: async () => {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is required for PostgreSQL migrations");
    // The CLI never ends this pool: an idle connection would keep it alive for pg's 10 s idle
    // timeout after its work is done.
    return new PrismaPg({ connectionString, allowExitOnIdle: true });
  },
});
