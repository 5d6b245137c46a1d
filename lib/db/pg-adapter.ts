import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { log } from "@/lib/log";
import { notingFaults } from "./note-faults";
import { databaseFaultOf, errorDetail } from "./database-fault";

/**
 * The PostgreSQL driver for Prisma: @prisma/adapter-pg with transactions that always give their
 * pool slot back and one retry where a retry can't do harm (docs/DATABASE-FAULTS.md).
 *
 * Why not the adapter as it ships (6.19): Prisma ends a transaction by running COMMIT or ROLLBACK
 * and only then calling the adapter's commit()/rollback(), which release the pooled connection. A
 * connection killed mid-transaction (a database restart, pg_terminate_backend) fails that
 * ROLLBACK, so the slot was never released: after ten such faults every transaction waited for
 * ever on an empty pool.
 *
 * Here a transaction ends through commit()/rollback() alone (Prisma's "phantom" mode): COMMIT or
 * ROLLBACK runs inside them and the connection always goes back — destroyed when the statement
 * failed, since its state is unknown (PostgreSQL rolls back the transaction of a closed session).
 * A BEGIN that fails on a dropped connection, and a plain SELECT outside a transaction, are tried
 * once more on a fresh connection: neither has changed anything.
 */
export class ResilientPgAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "@prisma/adapter-pg";
  readonly #inner: PrismaPg;

  constructor(connectionString: string, opts: { connectTimeoutMs: number }) {
    this.#inner = new PrismaPg(
      {
        connectionString,
        // Waiting for a pool slot or a new connection is bounded: a saturated or unreachable
        // database answers 503 instead of hanging the request (pg's default is to wait for ever).
        connectionTimeoutMillis: opts.connectTimeoutMs,
        keepAlive: true,
      },
      {
        onPoolError: (error) =>
          log.warn("postgresql: an idle pooled connection failed and was dropped", {
            driverError: errorDetail(error) ?? { message: error.message },
          }),
        onConnectionError: (error) =>
          log.warn("postgresql: a connection in use failed", {
            driverError: errorDetail(error) ?? { message: error.message },
          }),
      },
    );
  }

  async connect(): Promise<SqlDriverAdapter> {
    return notingFaults(new ResilientPgAdapter(await this.#inner.connect()));
  }
}

/** What this module needs of adapter-pg's transaction: its pooled client and listener cleanup. */
interface PgTransactionInternals {
  client?: { release(destroy?: Error | boolean): void };
  cleanup?: () => void;
}

const statement = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

/** A statement that only reads: safe to send again when the connection dropped under it. */
export function isReadOnlyStatement(sql: string): boolean {
  return (
    /^\s*SELECT\b/i.test(sql) &&
    !/\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b/i.test(sql) &&
    !/\b(nextval|setval|pg_advisory)/i.test(sql)
  );
}

function isDroppedConnection(error: unknown): boolean {
  const kind = databaseFaultOf(error)?.kind;
  return kind === "connection-lost";
}

class ResilientPgAdapter implements SqlDriverAdapter {
  readonly provider = "postgres";
  readonly adapterName = "@prisma/adapter-pg";

  constructor(private readonly inner: SqlDriverAdapter) {}

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    try {
      return await this.inner.queryRaw(query);
    } catch (error) {
      if (!isDroppedConnection(error) || !isReadOnlyStatement(query.sql)) throw error;
      log.warn("postgresql: connection dropped under a read; reading again", {
        driverError: errorDetail(error),
      });
      return this.inner.queryRaw(query);
    }
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.inner.executeRaw(query);
  }

  executeScript(script: string): Promise<void> {
    return this.inner.executeScript(script);
  }

  getConnectionInfo() {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    let tx: Transaction;
    try {
      tx = await this.inner.startTransaction(isolationLevel);
    } catch (error) {
      // adapter-pg released (and destroyed) the connection whose BEGIN failed; nothing ran yet.
      if (!isDroppedConnection(error)) throw error;
      log.warn("postgresql: connection dropped at BEGIN; starting again", {
        driverError: errorDetail(error),
      });
      tx = await this.inner.startTransaction(isolationLevel);
    }
    return endsItself(tx);
  }
}

/** Wraps an adapter-pg transaction so that ending it always gives its connection back. */
function endsItself(tx: Transaction): Transaction {
  const internals = tx as unknown as PgTransactionInternals;
  if (typeof internals.client?.release !== "function")
    throw new TypeError(
      "@prisma/adapter-pg no longer exposes its transaction's pooled client: lib/db/pg-adapter.ts must be updated",
    );
  let open = true;
  const end = async (sql: "COMMIT" | "ROLLBACK") => {
    if (!open) return;
    open = false;
    try {
      await tx.executeRaw(statement(sql));
    } catch (error) {
      log.warn(`postgresql: ${sql} failed; dropping the connection`, {
        driverError: errorDetail(error),
      });
      internals.cleanup?.();
      internals.client?.release(error instanceof Error ? error : new Error(`${sql} failed`));
      // A closed session's transaction is rolled back by the server: only a failed COMMIT is
      // the caller's failure.
      if (sql === "COMMIT") throw error;
      return;
    }
    // Gives the healthy connection back to the pool (and drops the error listener).
    await (sql === "COMMIT" ? tx.commit() : tx.rollback());
  };
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: { usePhantomQuery: true },
    queryRaw: (query) => tx.queryRaw(query),
    executeRaw: (query) => tx.executeRaw(query),
    commit: () => end("COMMIT"),
    rollback: () => end("ROLLBACK"),
  };
}
