// Database errors are classified once (docs/DATABASE-FAULTS.md): the driver's own code decides, under
// whatever Prisma wrapped it in, and only faults a retry can outlive become 503s.
import { describe, expect, it } from "vitest";
import {
  databaseFaultOf,
  driverErrorDetail,
  type DatabaseFaultKind,
} from "@/lib/db/database-fault";

/** An error shaped as Prisma's client throws it around a driver-adapter error. */
function prismaWrapped(code: string, cause: Record<string, unknown>, message = "") {
  return Object.assign(new Error(`\nInvalid \`prisma.x.create()\` invocation:\n\n${message}`), {
    name: "PrismaClientKnownRequestError",
    code,
    meta: { modelName: "AuditEvent", driverAdapterError: { name: "DriverAdapterError", cause } },
  });
}

const withCode = (code: string, message = "boom", extra: object = {}) =>
  Object.assign(new Error(message), { code, ...extra });

const FAULTS: Array<[string, unknown, DatabaseFaultKind, string]> = [
  // SQLite, as better-sqlite3 reports it (the adapter rethrows unmapped codes as they are)
  [
    "a full or failing disk",
    withCode("SQLITE_IOERR_WRITE", "disk I/O error"),
    "storage",
    "SQLITE_IOERR_WRITE",
  ],
  ["SQLITE_FULL", withCode("SQLITE_FULL", "database or disk is full"), "storage", "SQLITE_FULL"],
  [
    "a read-only database",
    withCode("SQLITE_READONLY", "attempt to write a readonly database"),
    "storage",
    "SQLITE_READONLY",
  ],
  [
    "a file that can't be opened",
    withCode("SQLITE_CANTOPEN", "unable to open database file"),
    "storage",
    "SQLITE_CANTOPEN",
  ],
  ["a locked database", withCode("SQLITE_BUSY", "database is locked"), "busy", "SQLITE_BUSY"],
  [
    "SQLITE_BUSY as the adapter maps it (P1008)",
    prismaWrapped("P1008", {
      kind: "SocketTimeout",
      originalCode: "SQLITE_BUSY",
      originalMessage: "database is locked",
    }),
    "busy",
    "SQLITE_BUSY",
  ],
  // PostgreSQL
  [
    "a database closed to new connections (55000, ALLOW_CONNECTIONS false)",
    withCode("55000", 'database "gatehouse" is not currently accepting connections'),
    "unreachable",
    "55000",
  ],
  [
    "pg_terminate_backend (57P01)",
    Object.assign(new Error("wrapped"), {
      name: "DriverAdapterError",
      cause: {
        kind: "postgres",
        code: "57P01",
        originalCode: "57P01",
        originalMessage: "terminating connection due to administrator command",
      },
    }),
    "connection-lost",
    "57P01",
  ],
  [
    "a server starting up (57P03)",
    withCode("57P03", "the database system is starting up"),
    "unreachable",
    "57P03",
  ],
  [
    "a connection exception (08006)",
    withCode("08006", "connection failure"),
    "connection-lost",
    "08006",
  ],
  [
    "PostgreSQL's disk full (53100)",
    withCode("53100", "could not extend file"),
    "storage",
    "53100",
  ],
  [
    "a read-only transaction (25006)",
    withCode("25006", "cannot execute INSERT in a read-only transaction"),
    "storage",
    "25006",
  ],
  [
    "too many connections (53300)",
    withCode("53300", "sorry, too many clients already"),
    "busy",
    "53300",
  ],
  [
    "a statement timeout (57014)",
    withCode("57014", "canceling statement due to statement timeout"),
    "busy",
    "57014",
  ],
  [
    "node-postgres losing the socket",
    new Error("Connection terminated unexpectedly"),
    "connection-lost",
    "connection-lost",
  ],
  [
    "a pooled client that already failed",
    new Error("Client has encountered a connection error and is not queryable"),
    "connection-lost",
    "connection-lost",
  ],
  ["no pool slot in time", new Error("timeout exceeded when trying to connect"), "busy", "busy"],
  [
    "a refused connection",
    withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"),
    "unreachable",
    "ECONNREFUSED",
  ],
  [
    "a reset connection",
    withCode("ECONNRESET", "read ECONNRESET"),
    "connection-lost",
    "ECONNRESET",
  ],
  // Prisma's own codes
  [
    "P1001 can't reach the server",
    withCode("P1001", "Can't reach database server"),
    "unreachable",
    "P1001",
  ],
  [
    "P1017 server closed the connection",
    withCode("P1017", "Server has closed the connection."),
    "connection-lost",
    "P1017",
  ],
  ["P2024 pool timeout", withCode("P2024", "Timed out fetching a new connection"), "busy", "P2024"],
];

describe("database faults are classified from the driver's code", () => {
  it.each(FAULTS)("%s → %s", (_name, error, kind, code) => {
    expect(databaseFaultOf(error)).toMatchObject({ kind, code });
  });
});

const NOT_FAULTS: Array<[string, unknown]> = [
  [
    "a unique violation",
    prismaWrapped("P2002", {
      kind: "UniqueConstraintViolation",
      originalCode: "SQLITE_CONSTRAINT_UNIQUE",
      originalMessage: "UNIQUE constraint failed",
    }),
  ],
  [
    "a trigger refusing the write",
    prismaWrapped("P2003", {
      kind: "ForeignKeyConstraintViolation",
      originalCode: "SQLITE_CONSTRAINT_TRIGGER",
      originalMessage: "injected: refused",
    }),
  ],
  ["a serialization conflict (rerun, not retry-later)", withCode("P2034", "write conflict")],
  ["a record not found", withCode("P2025", "Record to update not found.")],
  ["a PostgreSQL syntax error", withCode("42601", "syntax error at or near")],
  ["a programming error", new TypeError("x is not a function")],
  ["not an error at all", "a string"],
  ["null", null],
];

describe("everything else is not a database fault (it stays a 4xx or a 500)", () => {
  it.each(NOT_FAULTS)("%s", (_name, error) => {
    expect(databaseFaultOf(error)).toBeNull();
  });
});

describe("the log names the driver's own words, not Prisma's category", () => {
  it("a SQLite trigger's RAISE text, which Prisma files as a foreign-key violation", () => {
    const error = prismaWrapped(
      "P2003",
      {
        kind: "ForeignKeyConstraintViolation",
        originalCode: "SQLITE_CONSTRAINT_TRIGGER",
        originalMessage: "injected: audit volume is read-only",
      },
      "Foreign key constraint violated on the foreign key",
    );
    expect(driverErrorDetail(error)).toEqual({
      code: "SQLITE_CONSTRAINT_TRIGGER",
      message: "injected: audit volume is read-only",
    });
  });

  it("a PostgreSQL exception raised by a trigger (P0001)", () => {
    const error = prismaWrapped("P2010", {
      kind: "postgres",
      code: "P0001",
      originalCode: "P0001",
      originalMessage: "injected: refused",
    });
    expect(driverErrorDetail(error)).toEqual({ code: "P0001", message: "injected: refused" });
  });

  it("the last line of a Prisma message for an unmapped SQLite code", () => {
    const error = withCode("SQLITE_IOERR_WRITE", "\nInvalid `x()` invocation:\n\n\ndisk I/O error");
    expect(driverErrorDetail(error)).toEqual({
      code: "SQLITE_IOERR_WRITE",
      message: "disk I/O error",
    });
  });

  it("nothing for an error that no driver made", () => {
    expect(driverErrorDetail(new Error("plain"))).toBeNull();
  });
});
