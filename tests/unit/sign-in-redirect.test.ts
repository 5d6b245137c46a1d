// A page visited without a valid session sends the person to sign in and back; only a request
// that still carried a session cookie is told its session ended, and the return path never leaves
// the site.
import { describe, expect, it } from "vitest";
import { isSessionEndedReason, signInPathFor } from "@/lib/auth/sign-in-redirect";
import { pathWithQuery } from "@/lib/http/return-path";
import { safeReturnPath } from "@/lib/http/return-path";

function readBack(path: string): { callbackUrl: string | null; reason: string | null } {
  const url = new URL(path, "https://gatehouse.example");
  expect(url.pathname).toBe("/signin");
  return {
    callbackUrl: url.searchParams.get("callbackUrl"),
    reason: url.searchParams.get("reason"),
  };
}

describe("signInPathFor", () => {
  it("a visitor who never signed in gets no reason", () => {
    expect(signInPathFor("/accounts", false)).toBe("/signin?callbackUrl=%2Faccounts");
  });

  it("a request with a session cookie whose session ended gets reason=session-ended", () => {
    expect(readBack(signInPathFor("/accounts", true))).toEqual({
      callbackUrl: "/accounts",
      reason: "session-ended",
    });
  });

  it("a filtered page's query survives the round trip and passes the sign-in page's guard", () => {
    const returnTo = pathWithQuery("/admin/audit", { user: "a b&c=d", outcome: "denied" });
    const { callbackUrl } = readBack(signInPathFor(returnTo, true));
    expect(callbackUrl).toBe(returnTo);
    expect(safeReturnPath(callbackUrl)).toBe(returnTo);
  });

  it.each([
    ["an absolute URL", "https://evil.example/accounts"],
    ["a protocol-relative URL", "//evil.example/accounts"],
    ["a backslash trick", "/\\evil.example"],
    ["a javascript: URL", "javascript:alert(1)"],
  ])("%s is never carried as the return path", (_name, returnTo) => {
    expect(readBack(signInPathFor(returnTo, true)).callbackUrl).toBe("/accounts");
  });
});

describe("isSessionEndedReason", () => {
  it.each([
    ["session-ended", true],
    ["Session-Ended", false],
    ["", false],
    [undefined, false],
    [["session-ended"], false],
  ])("%j → %s", (reason, expected) => {
    expect(isSessionEndedReason(reason)).toBe(expected);
  });
});
