import "server-only";

/**
 * Reuse of prepared statements on the SQLite connection (docs/BENCHMARKS.md "SQLite statements").
 *
 * @prisma/adapter-better-sqlite3 runs every query as `client.prepare(sql).bind(args)` and then
 * `run()`, or `columns()` and `raw().all()`: a new statement for every query, which SQLite parses
 * and plans again each time. Prisma's statements are long (every column named), and preparing them
 * was about a twentieth of the portal's CPU per issuance. Here `prepare` hands out the connection's
 * earlier statement for the same SQL when there is one.
 *
 * A better-sqlite3 statement can be bound only once, so the adapter gets a thin view whose `bind`
 * keeps the arguments and passes them to each call instead. That is safe because better-sqlite3
 * is synchronous: a statement runs to completion (and is reset) before any other query can use it,
 * and the adapter never iterates. SQLite itself re-prepares a cached statement after a schema
 * change (see `reusable` for the one thing that needs). The cache is per connection (a reconnect starts empty) and bounded (least recently used
 * out), as SQL with lists of values differs by length.
 */

/** The parts of better-sqlite3's Statement the adapter uses. */
interface SqliteStatement {
  readonly reader: boolean;
  /** False for a statement that may change the database (sqlite3_stmt_readonly). */
  readonly readonly: boolean;
  run(...params: unknown[]): unknown;
  columns(): Array<{ name: string; type: string | null }>;
  raw(toggle?: boolean): SqliteStatement;
  all(...params: unknown[]): unknown[];
}

/** The parts of better-sqlite3's Database this module replaces. */
export interface PreparingClient {
  prepare(sql: string): unknown;
}

/** What the adapter sees: bind() once per query, then one call. */
interface BindableStatement {
  readonly reader: boolean;
  bind(args: unknown[]): BoundStatement;
}

interface BoundStatement {
  readonly reader: boolean;
  run(): unknown;
  columns(): Array<{ name: string; type: string | null }>;
  raw(): { all(): unknown[] };
}

const STATEMENT_CACHE_SIZE = 256;

/** What the connection's owner learns from the cache. */
export interface StatementCache {
  /** How many statements are held (for tests). */
  size(): number;
  /**
   * Whether a statement that may change the database (not BEGIN, COMMIT or a read) was bound
   * since the last call: the SQLite driver makes such writes durable before answering
   * (lib/db/wal-sync.ts).
   */
  takeWrites(): boolean;
}

/** Makes `client.prepare` reuse statements. */
export function cachePreparedStatements(
  client: PreparingClient,
  size: number = STATEMENT_CACHE_SIZE,
): StatementCache {
  const prepare = client.prepare.bind(client) as (sql: string) => SqliteStatement;
  const cache = new Map<string, SqliteStatement>();
  let wrote = false;
  const noteWrite = () => {
    wrote = true;
  };
  client.prepare = (sql: string): BindableStatement => {
    let statement = cache.get(sql);
    if (statement) {
      // Most recently used last, so the first key is the one to drop.
      cache.delete(sql);
    } else {
      statement = prepare(sql);
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, statement);
    return reusable(statement, noteWrite);
  };
  return {
    size: () => cache.size,
    takeWrites: () => {
      const any = wrote;
      wrote = false;
      return any;
    },
  };
}

function reusable(statement: SqliteStatement, noteWrite: () => void): BindableStatement {
  return {
    reader: statement.reader,
    bind: (args) => {
      if (!statement.readonly) noteWrite();
      let rows: unknown[] | undefined;
      // A reader stays in raw mode (rows as arrays), as the adapter always asks for it.
      const read = () => (rows ??= statement.raw(true).all(args));
      return {
        reader: statement.reader,
        run: () => statement.run(args),
        // The rows first, then the columns: after a schema change (another process migrating the
        // file) SQLite prepares a cached statement again only as it runs, and until then its
        // columns describe the old schema. The adapter asks for the columns first.
        columns: () => {
          read();
          return statement.columns();
        },
        raw: () => ({ all: read }),
      };
    },
  };
}
