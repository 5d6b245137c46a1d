// `npm run db:migrate`: applies pending migrations to the database DATABASE_URL names (SQLite by
// default). The server does the same by itself when it starts (docs/OPERATIONS.md).
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import { DEFAULT_DATABASE_URL, databaseProviderOf } from "./database-url";
import { migrateDatabase } from "./migrate-database";

// The project's .env files, as `npm start` reads them (docs/OPERATIONS.md "Settings"): the job
// migrates the database the portal uses. The environment wins over the files.
loadEnvConfig(path.join(__dirname, ".."), false, { info: () => undefined, error: console.error });
const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
try {
  migrateDatabase(url);
} catch {
  console.error("gatehouse: database migration failed (see the output above).");
  // Prisma's schema engine opens SQLite with locking_mode=EXCLUSIVE; in WAL mode any other open
  // connection makes that fail with SQLITE_BUSY, which Prisma reports as an unknown "SocketTimeout".
  if (databaseProviderOf(url) === "sqlite")
    console.error(
      "On SQLite the migration needs the database file to itself: stop the portal (and anything else that has it open) first.",
    );
  process.exit(1);
}
