// One fresh database per test file for tests that call lib/ directly (no portal): the hooks that
// every such file would otherwise write for itself.
import { afterAll, beforeAll } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { createTestDatabase, testDatabaseKind } from "./stack";

/**
 * Before the file's tests: a migrated, empty database of this tier's kind and a client on it, handed
 * to `ready` (which may seed it); after them: the client disconnected and the database dropped.
 */
export function withTestDatabase(ready: (db: Db, url: string) => void | Promise<void>): void {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(testDatabaseKind());
    db = createDb(database.url);
    await ready(db, database.url);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });
}
