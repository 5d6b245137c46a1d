import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notingFaults } from "@/lib/db/note-faults";
import { databaseUnavailableError } from "@/lib/db/unavailable";
import { answerOutagesAs503 } from "@/lib/http/outage-status";
import { noteRequestOutage, requestRecords, type RequestRecord } from "@/lib/log/request-record";

// A real HTTP server wired as server.ts wires it: a record per request, the rewrite installed, and
// a handler that answers as a failing page would (Next.js sets statusCode and ends the response).
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const record: RequestRecord = {};
    answerOutagesAs503(res, record);
    void requestRecords.run(record, async () => {
      await Promise.resolve(); // the outage is noted later in the request, as in a render
      const url = new URL(req.url ?? "/", "http://x");
      if (url.searchParams.has("outage")) noteRequestOutage(Number(url.searchParams.get("outage")));
      const status = Number(url.searchParams.get("status") ?? 200);
      if (url.searchParams.has("explicit")) res.writeHead(status, "Internal Server Error");
      else res.statusCode = status;
      res.end("<html>error page</html>");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("a request that met a database outage", () => {
  it.each([
    ["an implicit 500 (statusCode, then end)", "status=500&outage=5", "5"],
    ["an explicit writeHead(500, message)", "status=500&outage=1&explicit", "1"],
  ])("answers 503 with its Retry-After instead of %s", async (_name, query, retryAfter) => {
    const res = await fetch(`${base}/?${query}`);
    expect(res.status).toBe(503);
    expect(res.statusText).toBe("Service Unavailable");
    expect(res.headers.get("retry-after")).toBe(retryAfter);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it.each([
    ["a 500 without an outage stays a 500", "status=500", 500],
    ["a 200 after an outage was noted stays a 200", "status=200&outage=5", 200],
    ["a 404 after an outage was noted stays a 404", "status=404&outage=5", 404],
  ])("%s", async (_name, query, status) => {
    const res = await fetch(`${base}/?${query}`);
    expect(res.status).toBe(status);
    expect(res.headers.get("retry-after")).toBeNull();
  });
});

describe("noteRequestOutage", () => {
  it("does nothing outside a request (a script, a test)", () => {
    expect(() => noteRequestOutage(5)).not.toThrow();
  });

  it.each([
    ["a refused connection (unreachable)", "ECONNREFUSED", 5],
    ["a busy SQLite database", "SQLITE_BUSY", 1],
  ])("is noted when a database fault becomes a 503: %s", (_name, code, seconds) => {
    const record: RequestRecord = {};
    const error = requestRecords.run(record, () =>
      databaseUnavailableError(Object.assign(new Error("boom"), { code })),
    );
    expect(error?.code).toBe("database_unavailable");
    expect(record.outageRetryAfterSeconds).toBe(seconds);
  });

  it("is not noted for an error that is no database fault", () => {
    const record: RequestRecord = {};
    const error = requestRecords.run(record, () =>
      databaseUnavailableError(new TypeError("a bug")),
    );
    expect(error).toBeNull();
    expect(record.outageRetryAfterSeconds).toBeUndefined();
  });
});

describe("every statement's database fault is noted on the request (notingFaults)", () => {
  const failing = (error: Error) => {
    const reject = () => Promise.reject(error);
    return notingFaults({
      provider: "postgres",
      adapterName: "test",
      queryRaw: reject,
      executeRaw: reject,
      executeScript: reject,
      startTransaction: reject,
      dispose: () => Promise.resolve(),
    });
  };
  const cases: Array<[string, Error, number | undefined]> = [
    ["a dropped connection (57P01)", Object.assign(new Error("terminating"), { code: "57P01" }), 1],
    ["a refused connection", Object.assign(new Error("refused"), { code: "ECONNREFUSED" }), 5],
    ["a bug, not a fault", new TypeError("a bug"), undefined],
  ];
  for (const [name, error, seconds] of cases)
    it(`${name}: ${seconds === undefined ? "not noted" : `noted, Retry-After ${seconds}`}, error unchanged`, async () => {
      const adapter = failing(error);
      for (const call of <Array<() => Promise<unknown>>>[
        () => adapter.queryRaw({ sql: "SELECT 1", args: [], argTypes: [] }),
        () => adapter.executeRaw({ sql: "DELETE FROM x", args: [], argTypes: [] }),
        () => adapter.startTransaction(),
      ]) {
        const record: RequestRecord = {};
        await expect(requestRecords.run(record, call)).rejects.toBe(error);
        expect(record.outageRetryAfterSeconds).toBe(seconds);
      }
    });
});
