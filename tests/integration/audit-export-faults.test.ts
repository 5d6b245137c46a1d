// An audit export that meets a database failure (docs/DATABASE-FAULTS.md "Audit exports"): before
// the first row, the answer is the API's JSON error (503 for a database fault) and no
// `audit.exported` is recorded, because nothing left; after rows have left, the response is cut
// off so that the client sees a failed download — never a short file that looks complete — and
// the server log says so under the request id. No audit data leaves without `audit.exported`.
//
// The mid-stream fault is made while the client holds the download still: it reads the first
// bytes and stops reading, so the server stops at the socket's backpressure with most of the
// export (tens of megabytes of long rows) unread; then the fault begins and the client reads on.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectApiError } from "../support/portal-assertions";
import { signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, testDatabaseKind, type TestStack } from "../support/stack";

const database = testDatabaseKind();
// Big enough (about 50 MB) that no socket buffer on the way holds it: the export reads the database
// 1,000 rows at a time, and must read it again after the client paused.
const LONG_ROWS = 6_000;
const LONG_VALUE = "ü".repeat(4_000);

let stack: TestStack;
let alice: PortalSession;

beforeAll(async () => {
  stack = await startTestStack();
  // Events from before the hash chain (sequence null) are exported like any other.
  const base = Date.parse("2019-06-01T00:00:00.000Z");
  for (let start = 0; start < LONG_ROWS; start += 500) {
    await stack.db.auditEvent.createMany({
      data: Array.from({ length: 500 }, (_, i) => ({
        createdAt: new Date(base + (start + i) * 1_000),
        requestId: `long-${start + i}`,
        action: "console.issued",
        outcome: "success",
        userAgent: "test-agent",
        detailsJson: JSON.stringify({ note: LONG_VALUE }),
      })),
    });
  }
  // Signed in after the seeding, whose seconds would outlast the portal's keep-alive.
  alice = await signIn(stack, "alice");
});
afterAll(async () => {
  await stack?.stop();
});

const exportedRecords = (requestId: string) =>
  stack.db.auditEvent.count({ where: { action: "audit.exported", requestId } });

/** The server log lines naming this request that say the export failed. */
const failureLogLines = (requestId: string) =>
  stack.portal
    .output()
    .split("\n")
    .filter((l) => l.includes("audit export failed") && l.includes(requestId));

/**
 * A fault that strikes the export's own first read (not the session check before it): the export
 * filters on a role name, so it reads the Role table first; that read is made to fail.
 */
interface FirstReadFault {
  status: number;
  code: string;
  /** Sends the export with the fault in place, and ends the fault once it is answered. */
  during(send: () => Promise<Response>): Promise<Response>;
}

/** PostgreSQL: a connection to another database of the server, which survives closing this one. */
async function serverAdmin(): Promise<{ client: pg.Client; name: string }> {
  const url = new URL(stack.databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return { client, name };
}

const FIRST_READ_FAULT: FirstReadFault =
  database === "postgresql"
    ? {
        // The Role table is locked; once the export's read waits on the lock, its connection is
        // killed and no new one is allowed: the read fails as a lost, then unreachable, database.
        status: 503,
        code: "database_unavailable",
        async during(send) {
          const { client: admin, name } = await serverAdmin();
          const locker = new pg.Client({ connectionString: stack.databaseUrl });
          await locker.connect();
          await locker.query(`BEGIN; LOCK TABLE "Role" IN ACCESS EXCLUSIVE MODE`);
          const lockerPid = (await locker.query<{ pid: number }>("SELECT pg_backend_pid() AS pid"))
            .rows[0]!.pid;
          const answer = send();
          try {
            for (let polls = 0; ; polls += 1) {
              const { rows } = await admin.query(
                `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE '%"Role"%'`,
                [name],
              );
              if (rows.length > 0) break;
              if (polls > 20_000) throw new Error("the export never waited on the Role lock");
            }
            // Every connection but the lock's: the read's retry finds no other way in.
            await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
            await admin.query(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2",
              [name, lockerPid],
            );
            return await answer;
          } finally {
            await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
            await locker.query("ROLLBACK");
            await Promise.all([locker.end(), admin.end()]);
          }
        },
      }
    : {
        // SQLite has no per-table lock to wait on: the table is gone for the moment, which the
        // portal answers as its own failure (500 with the request id), never a short 200.
        status: 500,
        code: "internal",
        async during(send) {
          await stack.db.$executeRawUnsafe(`ALTER TABLE "Role" RENAME TO "RoleAway"`);
          try {
            return await send();
          } finally {
            await stack.db.$executeRawUnsafe(`ALTER TABLE "RoleAway" RENAME TO "Role"`);
          }
        },
      };

describe("an audit export that meets a database failure", () => {
  it(`before the first row: ${FIRST_READ_FAULT.status} ${FIRST_READ_FAULT.code} in the API's JSON shape, and no audit.exported (nothing left)`, async () => {
    const res = await FIRST_READ_FAULT.during(() =>
      alice.request("/api/admin/audit/export?format=csv&role=Developer"),
    );
    const requestId = res.headers.get("x-request-id")!;
    await expectApiError(res, FIRST_READ_FAULT.status, FIRST_READ_FAULT.code);
    if (FIRST_READ_FAULT.status === 503)
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await exportedRecords(requestId)).toBe(0);
    // Afterwards the same export works again, and is recorded.
    const again = await alice.request("/api/admin/audit/export?format=csv&role=Developer");
    expect(again.status).toBe(200);
    await again.text();
    expect(await exportedRecords(again.headers.get("x-request-id")!)).toBe(1);
  });

  for (const format of ["csv", "jsonl"] as const) {
    it(`mid-stream (${format}): the download fails for the client instead of ending short, audit.exported was recorded before the first row, and the log names the request`, async () => {
      const res = await alice.request(`/api/admin/audit/export?format=${format}`);
      expect(res.status).toBe(200);
      const requestId = res.headers.get("x-request-id")!;
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      // The record is there before the client has more than the first bytes.
      expect(await exportedRecords(requestId)).toBe(1);

      const end = await beginMidStreamFault();
      let received = first.value!.byteLength;
      let failure: unknown = null;
      try {
        for (;;) {
          const next = await reader.read();
          if (next.done) break;
          received += next.value.byteLength;
        }
      } catch (error) {
        failure = error;
      } finally {
        await end();
      }
      expect(failure, `the download ended as if complete after ${received} bytes`).toBeInstanceOf(
        Error,
      );
      expect(received).toBeLessThan(LONG_ROWS * LONG_VALUE.length);
      expect(failureLogLines(requestId)).toHaveLength(1);
    });
  }
});

/** A database fault that strikes every read the export makes from now on. */
async function beginMidStreamFault(): Promise<() => Promise<void>> {
  if (database === "sqlite") {
    await stack.db.$executeRawUnsafe(`ALTER TABLE "AuditEvent" RENAME TO "AuditEventAway"`);
    return async () => {
      await stack.db.$executeRawUnsafe(`ALTER TABLE "AuditEventAway" RENAME TO "AuditEvent"`);
    };
  }
  const { client: admin, name } = await serverAdmin();
  await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
  await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [
    name,
  ]);
  return async () => {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    await admin.end();
  };
}
