// Reused prepared statements on the SQLite connection (lib/db/sqlite-statement-cache.ts): through
// the portal's own SQLite driver (SerialSqliteAdapterFactory over @prisma/adapter-better-sqlite3
// and a real better-sqlite3 file), every reuse answers with its own arguments, whatever happened to
// the statement before; and on a bare better-sqlite3 connection, the cache is bounded.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type { SqlDriverAdapter, SqlQuery } from "@prisma/driver-adapter-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SerialSqliteAdapterFactory } from "@/lib/db/sqlite-adapter";
import { cachePreparedStatements } from "@/lib/db/sqlite-statement-cache";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-stmt-cache-"));
let adapter: SqlDriverAdapter;

const text = { scalarType: "string", arity: "scalar" } as const;
const int = { scalarType: "int", arity: "scalar" } as const;
const query = (sql: string, args: Array<string | number>): SqlQuery => ({
  sql,
  args,
  argTypes: args.map((a) => (typeof a === "number" ? int : text)),
});
const SELECT_BY_KEY = `SELECT "key", "n" FROM "Item" WHERE "key" = ?`;
const INSERT = `INSERT INTO "Item" ("key", "n") VALUES (?, ?)`;

beforeAll(async () => {
  adapter = await new SerialSqliteAdapterFactory(path.join(dir, "cache.db"), {
    lockWaitMs: 1000,
  }).connect();
  await adapter.executeScript(`CREATE TABLE "Item" ("key" TEXT PRIMARY KEY, "n" INTEGER NOT NULL)`);
});
afterAll(async () => {
  await adapter?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a reused statement answers each call with that call's arguments", () => {
  it.each([
    ["a", 1],
    ["b", 2],
    ["c", 3],
  ])("insert %s, then read it back by key", async (key, n) => {
    expect(await adapter.executeRaw(query(INSERT, [key, n]))).toBe(1);
    const result = await adapter.queryRaw(query(SELECT_BY_KEY, [key]));
    expect(result.columnNames).toEqual(["key", "n"]);
    // The adapter hands 64-bit integers to Prisma as text.
    expect(result.rows).toEqual([[key, String(n)]]);
  });

  it("a key that matches nothing reads no rows after one that matched", async () => {
    expect((await adapter.queryRaw(query(SELECT_BY_KEY, ["a"]))).rows).toHaveLength(1);
    expect((await adapter.queryRaw(query(SELECT_BY_KEY, ["missing"]))).rows).toEqual([]);
  });

  it("a statement that failed (unique key) runs again afterwards with new arguments", async () => {
    await expect(adapter.executeRaw(query(INSERT, ["a", 9]))).rejects.toThrow();
    expect(await adapter.executeRaw(query(INSERT, ["d", 4]))).toBe(1);
    expect((await adapter.queryRaw(query(SELECT_BY_KEY, ["d"]))).rows).toEqual([["d", "4"]]);
  });

  it("inside a transaction, a rolled-back write is gone and the statement still serves", async () => {
    const tx = await adapter.startTransaction();
    await tx.executeRaw(query(INSERT, ["in-tx", 5]));
    expect((await tx.queryRaw(query(SELECT_BY_KEY, ["in-tx"]))).rows).toEqual([["in-tx", "5"]]);
    await tx.rollback();
    expect((await adapter.queryRaw(query(SELECT_BY_KEY, ["in-tx"]))).rows).toEqual([]);
  });

  it("a statement cached before a schema change describes the new schema at once", async () => {
    const all = `SELECT * FROM "Item" WHERE "key" = ?`;
    expect((await adapter.queryRaw(query(all, ["a"]))).columnNames).toEqual(["key", "n"]);
    await adapter.executeScript(`ALTER TABLE "Item" ADD COLUMN "note" TEXT DEFAULT 'x'`);
    const after = await adapter.queryRaw(query(all, ["a"]));
    expect(after.columnNames).toEqual(["key", "n", "note"]);
    expect(after.rows).toEqual([["a", "1", "x"]]);
  });

  it("a statement cached before a column changes type answers as a fresh connection does", async () => {
    const pair = `SELECT "key", "n" FROM "Item" WHERE "key" = ?`;
    await adapter.queryRaw(query(pair, ["a"]));
    await adapter.executeScript(`
      CREATE TABLE "Item2" ("key" TEXT PRIMARY KEY, "n" REAL NOT NULL);
      INSERT INTO "Item2" SELECT "key", "n" FROM "Item";
      DROP TABLE "Item";
      ALTER TABLE "Item2" RENAME TO "Item";`);
    const fresh = await new SerialSqliteAdapterFactory(path.join(dir, "cache.db"), {
      lockWaitMs: 1000,
    }).connect();
    try {
      const expected = await fresh.queryRaw(query(pair, ["a"]));
      expect(expected.rows).toEqual([["a", 1]]);
      expect(await adapter.queryRaw(query(pair, ["a"]))).toEqual(expected);
    } finally {
      await fresh.dispose();
    }
  });
});

describe("the cache is bounded, least recently used out", () => {
  it("holds at most its size, and keeps statements in use", () => {
    const db = new Database(":memory:");
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = (sql: string) => (prepared.push(sql), prepare(sql));
    const cache = cachePreparedStatements(db, 3);
    const select = (n: number) => `SELECT ${n}`;
    for (const n of [1, 2, 3]) db.prepare(select(n));
    db.prepare(select(1)); // 1 is now the most recent: 2 goes first
    db.prepare(select(4));
    expect(cache.size()).toBe(3);
    db.prepare(select(1));
    db.prepare(select(3));
    db.prepare(select(2)); // dropped, so prepared again
    expect(prepared).toEqual([select(1), select(2), select(3), select(4), select(2)]);
    db.close();
  });
});
