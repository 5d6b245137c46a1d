// Classifies database errors once, for both providers (docs/DATABASE-FAULTS.md): whether an error
// means "the database can't serve right now" (answered 503 with Retry-After, never a generic 500)
// and what really happened, read from the driver's own code and message rather than from the
// category Prisma guessed for it (Prisma reports a SQLite trigger's RAISE as a foreign-key
// violation). No imports: the log module uses it too.

/** What kind of database trouble an error is: each is temporary from the caller's point of view. */
export type DatabaseFaultKind =
  /** The connection broke under a statement (server restart, pg_terminate_backend, reset). */
  | "connection-lost"
  /** No connection could be made (refused, unknown host, server starting or shutting down). */
  | "unreachable"
  /** The storage refused: disk full, read-only file system or database, an I/O error. */
  | "storage"
  /** Locked or overloaded: SQLITE_BUSY, no free pool slot in time, a lock or statement timeout. */
  | "busy";

export interface DatabaseFault {
  kind: DatabaseFaultKind;
  /** The driver's code (SQLITE_IOERR_WRITE, 57P01, ECONNREFUSED, P1017 …). */
  code: string;
  /** The driver's own words for it, for the log. */
  detail: string;
}

/** The driver's own code and message behind a (possibly Prisma-wrapped) error. */
export interface DriverErrorDetail {
  code: string | null;
  message: string;
}

export interface Finding {
  code: string | null;
  message: string;
  kind: string | null;
}

/** Every code/message pair inside an error: itself, its causes and Prisma's driver-adapter meta. */
export function findings(error: unknown): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (depth > 6 || typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    const v = value as Record<string, unknown>;
    const code =
      typeof v.originalCode === "string"
        ? v.originalCode
        : typeof v.code === "string"
          ? v.code
          : null;
    const message =
      typeof v.originalMessage === "string"
        ? v.originalMessage
        : typeof v.message === "string"
          ? v.message
          : "";
    out.push({ code, message, kind: typeof v.kind === "string" ? v.kind : null });
    // A DriverAdapterError keeps the mapped error (kind, originalCode, SQLSTATE) in `cause`.
    visit(v.cause, depth + 1);
    const meta = v.meta as Record<string, unknown> | undefined;
    if (meta && typeof meta === "object") visit(meta.driverAdapterError, depth + 1);
  };
  visit(error, 0);
  return out;
}

const PRISMA_CODES: Record<string, DatabaseFaultKind> = {
  P1001: "unreachable", // can't reach database server
  P1002: "unreachable", // reached but timed out
  P1008: "busy", // operation timed out (the SQLite adapter's name for SQLITE_BUSY)
  P1017: "connection-lost", // server closed the connection
  P2024: "busy", // timed out fetching a connection from the pool
  P2028: "busy", // transaction API error: a transaction that timed out or could not start
  P2037: "busy", // too many database connections
};

const DRIVER_KINDS: Record<string, DatabaseFaultKind> = {
  DatabaseNotReachable: "unreachable",
  ConnectionClosed: "connection-lost",
  SocketTimeout: "busy",
  TooManyConnections: "busy",
  TlsConnectionError: "unreachable",
};

const SOCKET_CODES: Record<string, DatabaseFaultKind> = {
  ECONNREFUSED: "unreachable",
  ENOTFOUND: "unreachable",
  EAI_AGAIN: "unreachable",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ECONNRESET: "connection-lost",
  EPIPE: "connection-lost",
  ETIMEDOUT: "connection-lost",
};

/** A PostgreSQL SQLSTATE: five digits or capitals, not one of Prisma's own P-codes. */
function isSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code) && !/^P\d{4}$/.test(code);
}

/** PostgreSQL SQLSTATEs (appendix A of its manual) that mean "not now", not "not ever". */
function postgresKind(code: string): DatabaseFaultKind | null {
  if (!isSqlState(code)) return null;
  if (code === "57P01" || code === "57P02") return "connection-lost"; // admin/crash shutdown
  if (code === "57P03") return "unreachable"; // cannot connect now (starting up)
  if (code.startsWith("08")) return "connection-lost"; // connection exception
  if (code === "53100" || code === "58030" || code === "25006") return "storage"; // disk full, I/O, read-only
  if (code.startsWith("53")) return "busy"; // out of memory, too many connections
  if (code === "55P03" || code === "57014") return "busy"; // lock not available, statement timeout
  return null;
}

/** SQLite result codes (sqlite.org/rescode.html) that a retry later can outlive. */
function sqliteKind(code: string): DatabaseFaultKind | null {
  if (!code.startsWith("SQLITE_")) return null;
  if (/^SQLITE_(IOERR|FULL|READONLY|CANTOPEN|NOLFS)/.test(code)) return "storage";
  if (/^SQLITE_(BUSY|LOCKED|PROTOCOL)/.test(code)) return "busy";
  return null;
}

/** node-postgres reports a dropped socket with these messages and no code. */
const CONNECTION_LOST_MESSAGES = [
  /connection terminated/i,
  /client has encountered a connection error and is not queryable/i,
  /server closed the connection unexpectedly/i,
];
const BUSY_MESSAGES = [/timeout exceeded when trying to connect/i];
/** A database closed for maintenance (ALLOW_CONNECTIONS false) answers 55000 with these words. */
const CLOSED_DATABASE = /is not currently accepting connections/i;

/**
 * The database fault behind an error, or null when the error is something else (a constraint, a
 * bug, bad input). Prisma-wrapped errors are unwrapped down to the driver's code.
 */
export function databaseFaultOf(error: unknown): DatabaseFault | null {
  for (const f of findings(error)) {
    const kind =
      (f.code &&
        (PRISMA_CODES[f.code] ??
          SOCKET_CODES[f.code] ??
          postgresKind(f.code) ??
          sqliteKind(f.code))) ||
      (f.kind ? DRIVER_KINDS[f.kind] : undefined) ||
      (CONNECTION_LOST_MESSAGES.some((p) => p.test(f.message))
        ? "connection-lost"
        : BUSY_MESSAGES.some((p) => p.test(f.message))
          ? "busy"
          : CLOSED_DATABASE.test(f.message)
            ? "unreachable"
            : null);
    if (kind) {
      const detail = driverErrorDetail(error);
      return {
        kind,
        code: detail?.code ?? f.code ?? kind,
        detail: detail?.message || lastLine(f.message) || kind,
      };
    }
  }
  return null;
}

/**
 * The innermost code and message a driver gave for an error, e.g. SQLITE_CONSTRAINT_TRIGGER with
 * the trigger's own RAISE text, or 57P01 "terminating connection due to administrator command";
 * null when the error carries none (not a database error).
 */
export function driverErrorDetail(error: unknown): DriverErrorDetail | null {
  const all = findings(error);
  // The deepest finding with a driver-looking code is the driver's own report.
  for (let i = all.length - 1; i >= 0; i--) {
    const f = all[i]!;
    if (f.code && (f.code.startsWith("SQLITE_") || isSqlState(f.code))) {
      return { code: f.code, message: lastLine(f.message) };
    }
  }
  for (let i = all.length - 1; i >= 0; i--) {
    const f = all[i]!;
    if (f.code && (/^P\d{4}$/.test(f.code) || f.code in SOCKET_CODES))
      return { code: f.code, message: lastLine(f.message) };
  }
  return null;
}

/** For a log line: the driver's code and words, else the error's own last line. */
export function errorDetail(error: unknown): DriverErrorDetail {
  return (
    driverErrorDetail(error) ?? {
      code: null,
      message: lastLine(error instanceof Error ? error.message : String(error)),
    }
  );
}

/** Prisma prefixes a message with the failing call and a source excerpt: the reason is last. */
function lastLine(message: string): string {
  const lines = message
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? "").slice(0, 500);
}

/** How long a client should wait before trying again after each kind of fault, in seconds. */
export const RETRY_AFTER_SECONDS: Record<DatabaseFaultKind, number> = {
  "connection-lost": 1,
  unreachable: 5,
  storage: 5,
  busy: 1,
};

/** Plain words for the log and the admin: what the operator should look at. */
export function describeDatabaseFault(fault: DatabaseFault): string {
  const what = {
    "connection-lost": "the database connection was lost",
    unreachable: "the database could not be reached",
    storage: "the database storage refused the write (disk full, read-only or I/O error)",
    busy: "the database was locked or overloaded",
  }[fault.kind];
  return `${what}: ${fault.code} ${fault.detail}`.trim();
}
