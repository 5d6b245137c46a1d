// How errors reach a log line: Prisma's say what failed and why without a source excerpt (its
// minimal error format), a huge message is shortened but keeps what failed and why, the error's code is kept, the stack is bounded, and secret-named
// fields are still redacted.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb } from "@/lib/db/client";
import { log, shortenErrorMessage } from "@/lib/log";
import { migrateDatabase } from "@/prisma/migrate-database";

afterEach(() => {
  vi.restoreAllMocks();
});

function captureStderr(): () => string {
  const lines: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return () => lines.join("");
}

describe("errors in log lines", () => {
  it("a 30 kB Prisma-style message keeps its start and its reason, and its code", () => {
    const message = `\nInvalid \`tx.auditChainHead.update()\` invocation in\n/app/x.js:1\n\n${"function(e){return e}".repeat(1500)}\nTransaction failed due to a write conflict or a deadlock. Please retry your transaction`;
    const error = Object.assign(new Error(message), { code: "P2034" });
    const read = captureStderr();
    log.warn("audit write failed", { error });
    const line = read();
    expect(line.length).toBeLessThan(5000);
    const parsed = JSON.parse(line) as { error: { code: string; message: string } };
    expect(parsed.error.code).toBe("P2034");
    expect(parsed.error.message).toContain("Invalid `tx.auditChainHead.update()` invocation");
    expect(parsed.error.message).toContain("Transaction failed due to a write conflict");
  });

  it("Prisma's minimal message is put on one line: what failed and why", () => {
    const message =
      "\nInvalid `prisma.role.create()` invocation:\n\n\nForeign key constraint violated";
    expect(shortenErrorMessage(message)).toBe(
      "Invalid `prisma.role.create()` invocation: Foreign key constraint violated",
    );
  });

  it("a short message is left whole", () => {
    expect(shortenErrorMessage("connection refused")).toBe("connection refused");
  });

  it("a secret-named field that is only a yes/no is kept; one with any other value is redacted", () => {
    const read = captureStderr();
    log.warn("broker", {
      exchangesViaGetSessionToken: true,
      sessionToken: 12345678,
      nested: { secretAccessKey: "abc", hasSecret: false },
    });
    const parsed = JSON.parse(read()) as Record<string, unknown>;
    expect(parsed.exchangesViaGetSessionToken).toBe(true);
    expect(parsed.sessionToken).toBe("[redacted]");
    expect(parsed.nested).toEqual({ secretAccessKey: "[redacted]", hasSecret: false });
  });

  it("secret-named fields are still redacted next to an error", () => {
    const read = captureStderr();
    log.error("boom", { error: new Error("x"), sessionToken: "FwoGZXIvYXdzE-secret" });
    const line = read();
    expect(line).not.toContain("FwoGZXIvYXdzE-secret");
    expect(line).toContain("[redacted]");
  });
});

describe("a real Prisma error in a log line", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-log-"));
  let error: unknown;
  beforeAll(async () => {
    const url = `file:${path.join(dir, "log.db")}`;
    migrateDatabase(url, { quiet: true });
    const db = createDb(url);
    try {
      const data = { accountId: "111122223333", name: "one", environment: "prod" };
      await db.awsAccount.create({ data });
      await db.awsAccount.create({ data }).catch((e: unknown) => (error = e));
    } finally {
      await db.$disconnect();
    }
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a unique-constraint violation logs its code and reason in a few hundred characters, not Prisma's minified source", () => {
    expect(error).toBeInstanceOf(Error);
    const read = captureStderr();
    log.warn("create failed", { error });
    const parsed = JSON.parse(read()) as { error: { code: string; message: string } };
    expect(parsed.error.code).toBe("P2002");
    expect(parsed.error.message).toMatch(
      /^Invalid `[^`]+` invocation: Unique constraint failed on the fields: \(`accountId`\)$/,
    );
    expect(parsed.error.message.length).toBeLessThan(400);
  });
});
