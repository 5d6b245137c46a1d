// Which errors mean "a concurrent serializable transaction won, run it again".
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { isWriteConflict } from "@/lib/db/serializable-transaction";

const conflict = Object.assign(new Error("Transaction failed due to a write conflict"), {
  code: "P2034",
});

describe("isWriteConflict", () => {
  const cases: Array<[string, unknown, boolean]> = [
    ["Prisma's P2034 itself", conflict, true],
    [
      "P2034 wrapped by the audit writer",
      new AppError("audit_unavailable", "…", { cause: conflict }),
      true,
    ],
    [
      "a unique violation (P2002) is not one",
      Object.assign(new Error("x"), { code: "P2002" }),
      false,
    ],
    [
      "a COMMIT refused as a serialization failure (the driver adapter's error)",
      Object.assign(new Error("TransactionWriteConflict"), {
        name: "DriverAdapterError",
        cause: {
          originalCode: "40001",
          originalMessage: "could not serialize access due to read/write dependencies",
          kind: "TransactionWriteConflict",
        },
      }),
      true,
    ],
    [
      "a deadlock victim (40P01) inside a raw query's error",
      Object.assign(new Error("Raw query failed"), {
        code: "P2010",
        meta: { driverAdapterError: { cause: { originalCode: "40P01", kind: "postgres" } } },
      }),
      true,
    ],
    [
      "a COMMIT conflict wrapped by the audit writer",
      new AppError("audit_unavailable", "…", {
        cause: Object.assign(new Error("x"), { cause: { kind: "TransactionWriteConflict" } }),
      }),
      true,
    ],
    [
      "another SQLSTATE (23505, a unique violation) is not one",
      Object.assign(new Error("x"), { cause: { originalCode: "23505", kind: "postgres" } }),
      false,
    ],
    [
      "a connection closed at COMMIT is not one (it may have committed)",
      Object.assign(new Error("x"), { cause: { kind: "ConnectionClosed" } }),
      false,
    ],
    ["an AppError without a cause is not one", new AppError("internal", "…"), false],
    ["a plain Error is not one", new Error("P2034 in the message only"), false],
    ["null is not one", null, false],
    ["a string is not one", "P2034", false],
  ];
  it.each(cases)("%s", (_name, error, expected) => {
    expect(isWriteConflict(error)).toBe(expected);
  });

  it("gives up following causes after a few levels (no loop on a self-referencing cause)", () => {
    const looping: { code: string; cause?: unknown } = { code: "X" };
    looping.cause = looping;
    expect(isWriteConflict(looping)).toBe(false);
  });
});
