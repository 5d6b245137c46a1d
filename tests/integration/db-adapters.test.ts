// The database drivers under Prisma (docs/DATABASE-FAULTS.md), against a real database of the tier's
// kind: a transaction whose COMMIT or connection fails gives its connection back, so the next one
// runs; statements never run inside another caller's transaction; waits are bounded.
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { databaseFaultOf } from "@/lib/db/database-fault";
import { SerialSqliteAdapterFactory } from "@/lib/db/sqlite-adapter";
import { PrismaClient as SqliteClient } from "@gatehouse/db-sqlite";
import { sqliteFileFromUrl } from "@/prisma/database-url";
import { testDatabaseKind } from "../support/stack";
import { withTestDatabase } from "../support/test-database";

const kind = testDatabaseKind();
let db: Db;

let databaseUrl = "";
withTestDatabase((created, url) => {
  db = created;
  databaseUrl = url;
});

const auditRow = (requestId: string) => ({ requestId, action: "test", outcome: "success" });

/** A deferred promise: the test decides when a transaction may go on. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe("a transaction whose COMMIT fails leaves no transaction and no lock behind", () => {
  it("the next transactions commit, and nothing of the failed one was kept", async () => {
    // A foreign key checked at COMMIT (deferred): the COMMIT itself fails — on SQLite the
    // transaction even stays open, which left @prisma/adapter-better-sqlite3 hung for good.
    const failingCommit = () =>
      db.$transaction(async (tx) => {
        if (kind === "sqlite") await tx.$executeRawUnsafe("PRAGMA defer_foreign_keys = ON");
        else await tx.$executeRawUnsafe("SET CONSTRAINTS ALL DEFERRED");
        await tx.auditEvent.create({ data: auditRow("kept-by-nobody") });
        await tx.favoriteRole.create({
          data: { personId: "no-such-person", roleId: "no-such-role" },
        });
      });
    for (let i = 0; i < 12; i++) await expect(failingCommit()).rejects.toThrow();
    await db.$transaction(async (tx) => {
      await tx.auditEvent.create({ data: auditRow("after-failed-commits") });
    });
    expect(await db.auditEvent.count({ where: { requestId: "kept-by-nobody" } })).toBe(0);
    expect(await db.auditEvent.count({ where: { requestId: "after-failed-commits" } })).toBe(1);
  });
});

describe.runIf(kind === "sqlite")("SQLite: one connection, shared in turn", () => {
  it("a statement outside a transaction waits for it, and is not rolled back with it", async () => {
    const hold = gate();
    const started = gate();
    const failing = db
      .$transaction(async (tx) => {
        await tx.auditEvent.create({ data: auditRow("rolled-back") });
        started.open();
        await hold.opened;
        throw new Error("the transaction fails after its write");
      })
      .catch((e: unknown) => e);
    await started.opened;
    // With the adapter as shipped this insert ran inside the open transaction and vanished with it.
    const outside = db.auditEvent.create({ data: auditRow("written-alongside") });
    hold.open();
    expect(await failing).toBeInstanceOf(Error);
    await outside;
    expect(await db.auditEvent.count({ where: { requestId: "rolled-back" } })).toBe(0);
    expect(await db.auditEvent.count({ where: { requestId: "written-alongside" } })).toBe(1);
  });

  it("waiting for the connection is bounded: a stuck holder means a 'busy' fault, not a hang", async () => {
    const client = new SqliteClient({
      adapter: new SerialSqliteAdapterFactory(sqliteFileFromUrl(databaseUrl), { lockWaitMs: 20 }),
    });
    try {
      const hold = gate();
      const started = gate();
      const holder = client.$transaction(
        async (tx) => {
          await tx.auditEvent.count();
          started.open();
          await hold.opened;
        },
        { timeout: 60_000 },
      );
      await started.opened;
      const waiter = await client.auditEvent.count().catch((e: unknown) => e);
      expect(databaseFaultOf(waiter)?.kind).toBe("busy");
      hold.open();
      await holder;
      expect(await client.auditEvent.count()).toBeGreaterThanOrEqual(0);
    } finally {
      await client.$disconnect();
    }
  });
});

describe.runIf(kind === "postgresql")("PostgreSQL: connections killed under transactions", () => {
  it("each killed transaction gives its pool slot back (more kills than the pool has slots), and reads retry once", async () => {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      for (let i = 0; i < 12; i++) {
        const outcome = await db
          .$transaction(async (tx) => {
            const [row] = await tx.$queryRawUnsafe<Array<{ pid: number }>>(
              "SELECT pg_backend_pid() AS pid",
            );
            await admin.query("SELECT pg_terminate_backend($1)", [row!.pid]);
            await tx.auditEvent.create({ data: auditRow("killed") });
          })
          .catch((e: unknown) => e);
        expect(databaseFaultOf(outcome)?.kind).toBe("connection-lost");
      }
      // Ten slots in the pool: with leaked slots this would wait for ever.
      await db.$transaction(async (tx) => {
        await tx.auditEvent.create({ data: auditRow("after-kills") });
      });
      expect(await db.auditEvent.count({ where: { requestId: "killed" } })).toBe(0);
      expect(await db.auditEvent.count({ where: { requestId: "after-kills" } })).toBe(1);

      // Every idle connection killed: the next read is answered (tried again on a new one).
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
      );
      expect(await db.auditEvent.count({ where: { requestId: "after-kills" } })).toBe(1);
    } finally {
      await admin.end();
    }
  });
});
