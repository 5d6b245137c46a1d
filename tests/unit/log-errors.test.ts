// How errors reach a log line: a huge message (Prisma's carry a source excerpt) is shortened but
// keeps what failed and why, the error's code is kept, the stack is bounded, and secret-named
// fields are still redacted.
import { afterEach, describe, expect, it, vi } from "vitest";
import { log, shortenErrorMessage } from "@/lib/log";

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

  it("a short message is left whole", () => {
    expect(shortenErrorMessage("connection refused")).toBe("connection refused");
  });

  it("secret-named fields are still redacted next to an error", () => {
    const read = captureStderr();
    log.error("boom", { error: new Error("x"), sessionToken: "FwoGZXIvYXdzE-secret" });
    const line = read();
    expect(line).not.toContain("FwoGZXIvYXdzE-secret");
    expect(line).toContain("[redacted]");
  });
});
