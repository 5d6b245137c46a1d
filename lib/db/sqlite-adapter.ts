import "server-only";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from "@prisma/driver-adapter-utils";
import { log } from "@/lib/log";
import { notingFaults } from "./note-faults";
import { ConnectionLock } from "./connection-lock";
import { errorDetail } from "./database-fault";
import {
  cachePreparedStatements,
  type PreparingClient,
  type StatementCache,
} from "./sqlite-statement-cache";
import { WalSync, type SyncFile } from "./wal-sync";

/**
 * The SQLite driver for Prisma: @prisma/adapter-better-sqlite3's statements and type mapping, with
 * the connection's sharing and transactions done here (docs/DATABASE-FAULTS.md).
 *
 * Why not the adapter as it ships (6.19): it has one connection and a mutex taken only by
 * transactions, and Prisma ends a transaction by running COMMIT or ROLLBACK and only then calling
 * the adapter's commit()/rollback(), which release the mutex. When SQLite fails a write with an
 * I/O error (full or read-only disk) it rolls the transaction back itself, so Prisma's ROLLBACK
 * fails ("no transaction is active"), release never happens, and every later transaction waits on
 * the mutex for ever — the portal hung for good after a 15-second disk fault. And statements
 * outside transactions ran on the shared connection *inside* whatever transaction another request
 * had open, committing or rolling back with it.
 *
 * Here every statement and every transaction takes one lock over the connection, in arrival order,
 * with a bounded wait; a transaction ends through commit()/rollback() alone (Prisma's "phantom"
 * mode), which always release the lock; a connection still inside a transaction after a failed
 * ROLLBACK is closed (SQLite rolls it back) and replaced.
 */
export class SerialSqliteAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = "sqlite";
  readonly adapterName = "@prisma/adapter-better-sqlite3";
  readonly #inner: PrismaBetterSQLite3;

  constructor(
    file: string,
    private readonly opts: {
      lockWaitMs: number;
      /** How the write-ahead log is flushed (tests count and hold fsyncs); fsync by default. */
      syncFile?: SyncFile;
    },
  ) {
    this.#inner = new PrismaBetterSQLite3({ url: file });
  }

  async connect(): Promise<SqlDriverAdapter> {
    return notingFaults(
      new SerialSqliteAdapter(await this.#connection(), () => this.#connection(), this.opts),
    );
  }

  async #connection(): Promise<SqliteConnection> {
    const adapter = await this.#inner.connect();
    const client = rawClientOf(adapter);
    // Every commit is durable before its caller hears of it (docs/INVARIANTS.md invariant 2). In
    // write-ahead-log mode that is one fsync of the log per commit; better-sqlite3 is synchronous,
    // so with `synchronous = FULL` each fsync stalled the whole process inside the database lock
    // (docs/BENCHMARKS.md). Here SQLite commits without syncing (`NORMAL`) and the adapter flushes
    // the log itself, in the thread pool and shared by the commits that wait together
    // (lib/db/wal-sync.ts). A file that can't use a log (some network file systems) keeps a
    // rollback journal synced on every commit.
    await adapter.executeScript("PRAGMA journal_mode = WAL;");
    const wal = writeAheadLogOf(client);
    await adapter.executeScript(
      wal ? "PRAGMA synchronous = NORMAL;" : "PRAGMA synchronous = FULL;",
    );
    const statements = cachePreparedStatements(client);
    return {
      adapter,
      client,
      statements,
      wal: wal ? new WalSync(wal, this.opts.syncFile) : null,
    };
  }
}

/** The write-ahead log's file when the connection uses one (SQLite names it `<database>-wal`). */
function writeAheadLogOf(client: RawSqlite): string | null {
  const row = (sql: string) => (client.prepare(sql) as { get(): Record<string, unknown> }).get();
  if (row("PRAGMA journal_mode").journal_mode !== "wal") return null;
  // The file as SQLite opened it (symbolic links resolved), which is where it puts the log.
  const file = row("PRAGMA database_list").file;
  return typeof file === "string" && file !== "" ? `${file}-wal` : null;
}

/** What this module needs of better-sqlite3's Database. */
interface RawSqlite extends PreparingClient {
  readonly inTransaction: boolean;
  readonly open: boolean;
}

interface SqliteConnection {
  adapter: SqlDriverAdapter;
  client: RawSqlite;
  statements: StatementCache;
  /** Flushes the connection's write-ahead log; null when it has none (then SQLite syncs). */
  wal: WalSync | null;
}

/**
 * The adapter's better-sqlite3 handle, to ask whether a transaction is still open and to reuse
 * prepared statements. Checked at connect, so an adapter upgrade that hides it stops the boot
 * instead of disabling the recovery.
 */
function rawClientOf(adapter: SqlDriverAdapter): RawSqlite {
  const client = (adapter as unknown as { client?: Partial<RawSqlite> }).client;
  if (
    !client ||
    typeof client.inTransaction !== "boolean" ||
    typeof client.open !== "boolean" ||
    typeof client.prepare !== "function"
  )
    throw new TypeError(
      "@prisma/adapter-better-sqlite3 no longer exposes its better-sqlite3 client: lib/db/sqlite-adapter.ts must be updated",
    );
  return client as RawSqlite;
}

const statement = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

class SerialSqliteAdapter implements SqlDriverAdapter {
  readonly provider = "sqlite";
  readonly adapterName = "@prisma/adapter-better-sqlite3";
  readonly #lock: ConnectionLock;
  #conn: SqliteConnection;

  constructor(
    conn: SqliteConnection,
    private readonly reconnect: () => Promise<SqliteConnection>,
    opts: { lockWaitMs: number },
  ) {
    this.#conn = conn;
    this.#lock = new ConnectionLock(opts.lockWaitMs);
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#exclusive(() => this.#conn.adapter.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.#exclusive(() => this.#conn.adapter.executeRaw(query));
  }

  executeScript(script: string): Promise<void> {
    // A script's statements bypass the statement cache, so nobody saw whether they wrote.
    return this.#exclusive(() => this.#conn.adapter.executeScript(script), true);
  }

  getConnectionInfo() {
    return this.#conn.adapter.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  dispose(): Promise<void> {
    this.#conn.wal?.close();
    return this.#conn.adapter.dispose();
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    // SQLite transactions are serializable; asking for less is a programming error (as upstream).
    if (isolationLevel && isolationLevel !== "SERIALIZABLE")
      throw new DriverAdapterError({ kind: "InvalidIsolationLevel", level: isolationLevel });
    const release = await this.#acquire();
    try {
      await this.#conn.adapter.executeRaw(statement("BEGIN"));
    } catch (error) {
      await this.#settle("BEGIN failed", error).finally(release);
      throw error;
    }
    return this.#transaction(release);
  }

  #transaction(release: () => boolean): Transaction {
    const conn = this.#conn;
    let open = true;
    const end = async (sql: "COMMIT" | "ROLLBACK") => {
      if (!open) return;
      open = false;
      let committed = false;
      try {
        if (sql === "ROLLBACK" && !conn.client.inTransaction) return; // SQLite already did
        await conn.adapter.executeRaw(statement(sql));
        committed = sql === "COMMIT";
      } catch (error) {
        await this.#settle(`${sql} failed`, error);
        // A failed COMMIT is the caller's failure; a failed ROLLBACK is not: #settle made sure
        // nothing of the transaction stays.
        if (sql === "COMMIT") throw error;
      } finally {
        const wrote = release();
        if (committed && wrote) await durable(conn);
      }
    };
    return {
      provider: "sqlite",
      adapterName: this.adapterName,
      // Prisma runs no COMMIT/ROLLBACK of its own: ending a transaction is commit()/rollback().
      options: { usePhantomQuery: true },
      queryRaw: (query) => conn.adapter.queryRaw(query),
      executeRaw: (query) => conn.adapter.executeRaw(query),
      commit: () => end("COMMIT"),
      rollback: () => end("ROLLBACK"),
    };
  }

  /**
   * After a failed BEGIN, COMMIT or ROLLBACK, with the lock held: leave the connection outside any
   * transaction — roll back what SQLite kept open, and if even that fails, close the connection
   * (closing rolls back) and open a new one.
   */
  async #settle(what: string, error: unknown): Promise<void> {
    const conn = this.#conn;
    log.warn(`sqlite: ${what}`, { driverError: errorDetail(error) });
    if (!conn.client.open || !conn.client.inTransaction) return;
    try {
      await conn.adapter.executeRaw(statement("ROLLBACK"));
    } catch (rollbackError) {
      log.warn("sqlite: ROLLBACK failed", { driverError: errorDetail(rollbackError) });
    }
    if (conn.client.inTransaction) {
      log.error("sqlite: the connection is stuck in a transaction; reopening it");
      await conn.adapter.dispose().catch(() => undefined);
      // The new connection gets its own syncer for the log.
      conn.wal?.close();
      this.#conn = await this.reconnect();
    }
  }

  /**
   * Takes the connection's lock. The release it returns also says whether a statement that may
   * have changed the database ran while the lock was held, so that the holder — and only it —
   * waits for that write to be durable, after letting the others in.
   */
  async #acquire(): Promise<() => boolean> {
    const release = await this.#lock.acquire(
      () =>
        new DriverAdapterError({
          kind: "SocketTimeout",
          originalCode: "SQLITE_BUSY",
          originalMessage: "timed out waiting for the database connection (held by a transaction)",
        }),
    );
    return () => {
      const wrote = this.#conn.statements.takeWrites();
      release();
      return wrote;
    };
  }

  /** One statement or script outside any transaction, durable (autocommit) when it wrote. */
  async #exclusive<T>(run: () => Promise<T>, alwaysSync = false): Promise<T> {
    const release = await this.#acquire();
    // Taken with the lock: a transaction that failed meanwhile may have replaced the connection.
    const conn = this.#conn;
    let result: T;
    try {
      result = await run();
    } catch (error) {
      release();
      throw error;
    }
    if (release() || alwaysSync) await durable(conn);
    return result;
  }
}

/**
 * Waits until the connection's commits so far are on stable storage. A failed fsync is reported
 * as SQLite reports one (SQLITE_IOERR_FSYNC: a storage fault, docs/DATABASE-FAULTS.md): the write
 * happened but may not survive a crash, so the caller must not act on it.
 */
async function durable(conn: SqliteConnection): Promise<void> {
  if (!conn.wal) return;
  try {
    await conn.wal.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown";
    log.error("sqlite: fsync of the write-ahead log failed", { driverError: code });
    const message = `disk I/O error: fsync of the write-ahead log failed (${code})`;
    throw new DriverAdapterError({
      kind: "sqlite",
      extendedCode: SQLITE_IOERR_FSYNC,
      message,
      originalCode: "SQLITE_IOERR_FSYNC",
      originalMessage: message,
    });
  }
}

/** sqlite.org/rescode.html#ioerr_fsync */
const SQLITE_IOERR_FSYNC = 1034;
