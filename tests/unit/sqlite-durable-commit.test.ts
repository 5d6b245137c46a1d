// Durable commits on SQLite (lib/db/wal-sync.ts, docs/DATABASE-FAULTS.md "Durable commits on
// SQLite"): through the portal's own SQLite driver on a real file, a write is answered only after
// an fsync of the write-ahead log that started after it, reads never wait for one, the lock is not
// held meanwhile, concurrent commits share fsyncs, and a failed fsync fails the write as a storage
// fault. The fsync is the real one, behind a gate the test holds.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SqlDriverAdapter, SqlQuery } from "@prisma/driver-adapter-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { databaseFaultOf } from "@/lib/db/database-fault";
import { SerialSqliteAdapterFactory } from "@/lib/db/sqlite-adapter";
import type { SyncFile } from "@/lib/db/wal-sync";

const text = { scalarType: "string", arity: "scalar" } as const;
const query = (sql: string, args: string[] = []): SqlQuery => ({
  sql,
  args,
  argTypes: args.map(() => text),
});
const insert = (key: string) => query(`INSERT INTO "Item" ("key") VALUES (?)`, [key]);
const selectAll = query(`SELECT "key" FROM "Item" ORDER BY "key"`);

const realFsync: SyncFile = (fd) =>
  new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));

/** An fsync the test can hold shut, make fail, and count. */
function gatedFsync() {
  let release: (() => void) | null = null;
  let gate: Promise<void> | null = null;
  let failure: Error | null = null;
  const state = {
    calls: 0,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    open() {
      release?.();
      gate = null;
    },
    failWith(error: Error | null) {
      failure = error;
    },
    syncFile: (async (fd) => {
      state.calls++;
      if (gate) await gate;
      if (failure) throw failure;
      await realFsync(fd);
    }) as SyncFile,
  };
  return state;
}

/** Whether a promise has settled, read after letting every ready callback run. */
function tracked<T>(promise: Promise<T>) {
  const t = { settled: false, promise };
  promise.then(
    () => (t.settled = true),
    () => (t.settled = true),
  );
  return t;
}
/** Lets the event loop run pending callbacks and I/O a number of times (no timers). */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

let dir: string;
let adapter: SqlDriverAdapter;
let fsync: ReturnType<typeof gatedFsync>;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-durable-"));
  fsync = gatedFsync();
  adapter = await new SerialSqliteAdapterFactory(path.join(dir, "durable.db"), {
    lockWaitMs: 5_000,
    syncFile: fsync.syncFile,
  }).connect();
  await adapter.executeScript(`CREATE TABLE "Item" ("key" TEXT PRIMARY KEY)`);
  fsync.calls = 0;
});
afterEach(async () => {
  fsync.open();
  await adapter?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("durable commits on SQLite", () => {
  it("the connection logs ahead and leaves syncing to the driver (WAL, synchronous NORMAL)", async () => {
    expect((await adapter.queryRaw(query("PRAGMA journal_mode"))).rows).toEqual([["wal"]]);
    expect((await adapter.queryRaw(query("PRAGMA synchronous"))).rows).toEqual([["1"]]);
  });

  it("an autocommit write is not answered before the log's fsync finishes", async () => {
    fsync.hold();
    const write = tracked(adapter.executeRaw(insert("a")));
    await turns();
    expect(fsync.calls).toBe(1);
    expect(write.settled).toBe(false);
    fsync.open();
    expect(await write.promise).toBe(1);
  });

  it("a read is answered at once and syncs nothing, even while a write waits for its fsync", async () => {
    fsync.hold();
    const write = tracked(adapter.executeRaw(insert("a")));
    await turns();
    // The lock is not held while the fsync runs: another statement reads the committed row.
    expect((await adapter.queryRaw(selectAll)).rows).toEqual([["a"]]);
    expect(fsync.calls).toBe(1);
    expect(write.settled).toBe(false);
    fsync.open();
    await write.promise;
  });

  it("commits that wait together share one fsync, started after the last of them", async () => {
    fsync.hold();
    const first = tracked(adapter.executeRaw(insert("first")));
    await turns();
    expect(fsync.calls).toBe(1);
    const rest = Array.from({ length: 10 }, (_, i) => tracked(adapter.executeRaw(insert(`k${i}`))));
    await turns();
    // All ten committed while the first fsync was held; none may ride on it (it started before
    // their frames were written), and none is answered yet.
    expect(rest.every((w) => !w.settled)).toBe(true);
    expect(fsync.calls).toBe(1);
    fsync.open();
    await Promise.all([first.promise, ...rest.map((w) => w.promise)]);
    expect(fsync.calls).toBe(2);
  });

  it("a transaction's commit waits for the fsync; rolled back or read-only, it syncs nothing", async () => {
    const rolledBack = await adapter.startTransaction();
    await rolledBack.executeRaw(insert("gone"));
    await rolledBack.rollback();
    const readOnly = await adapter.startTransaction();
    await readOnly.queryRaw(selectAll);
    await readOnly.commit();
    expect(fsync.calls).toBe(0);

    fsync.hold();
    const tx = await adapter.startTransaction();
    await tx.executeRaw(insert("kept"));
    const commit = tracked(tx.commit());
    await turns();
    expect(fsync.calls).toBe(1);
    expect(commit.settled).toBe(false);
    fsync.open();
    await commit.promise;
    expect((await adapter.queryRaw(selectAll)).rows).toEqual([["kept"]]);
  });

  it("a write that fails (unique key) syncs nothing and answers its error", async () => {
    await adapter.executeRaw(insert("a"));
    expect(fsync.calls).toBe(1);
    await expect(adapter.executeRaw(insert("a"))).rejects.toThrow();
    expect(fsync.calls).toBe(1);
  });

  it("a failed fsync fails the write as a storage fault, and the next write syncs again", async () => {
    fsync.failWith(Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }));
    const failed = await adapter.executeRaw(insert("a")).then(
      () => null,
      (error: unknown) => error,
    );
    expect(databaseFaultOf(failed)).toMatchObject({ kind: "storage", code: "SQLITE_IOERR_FSYNC" });
    fsync.failWith(null);
    expect(await adapter.executeRaw(insert("b"))).toBe(1);
    expect(fsync.calls).toBe(2);
  });
});

describe("durable commits on SQLite without a write-ahead log", () => {
  it("a database that can't log ahead keeps SQLite syncing every commit (synchronous FULL)", async () => {
    // An in-memory database has no log file; nor has a file system that refuses WAL mode.
    const counted = gatedFsync();
    const memory = await new SerialSqliteAdapterFactory(":memory:", {
      lockWaitMs: 5_000,
      syncFile: counted.syncFile,
    }).connect();
    try {
      expect((await memory.queryRaw(query("PRAGMA journal_mode"))).rows).toEqual([["memory"]]);
      expect((await memory.queryRaw(query("PRAGMA synchronous"))).rows).toEqual([["2"]]);
      await memory.executeScript(`CREATE TABLE "Item" ("key" TEXT PRIMARY KEY)`);
      expect(await memory.executeRaw(insert("a"))).toBe(1);
      expect(counted.calls).toBe(0);
    } finally {
      await memory.dispose();
    }
  });
});

describe("durable commits on SQLite, with the real fsync", () => {
  it("writes and reads back through the log file SQLite names <database>-wal", async () => {
    const file = path.join(dir, "real.db");
    const real = await new SerialSqliteAdapterFactory(file, { lockWaitMs: 5_000 }).connect();
    try {
      await real.executeScript(`CREATE TABLE "Item" ("key" TEXT PRIMARY KEY)`);
      await Promise.all(["x", "y", "z"].map((k) => real.executeRaw(insert(k))));
      expect((await real.queryRaw(selectAll)).rows).toEqual([["x"], ["y"], ["z"]]);
      expect(fs.existsSync(`${file}-wal`)).toBe(true);
    } finally {
      await real.dispose();
    }
  });
});
