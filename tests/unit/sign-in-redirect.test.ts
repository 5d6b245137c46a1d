// A page visited without a valid session sends the person to sign in and back; only a request
// that still carried a session cookie is told its session ended, and the return path never leaves
// the site.
import { describe, expect, it } from "vitest";
import {
  callbackPathOf,
  isSessionEndedReason,
  signInErrorCode,
  signInPathFor,
} from "@/lib/auth/sign-in-redirect";
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

describe("callbackPathOf", () => {
  const portal = "https://gatehouse.example";

  it.each([
    ["a path", "/accounts", "/accounts"],
    ["a path with a query", "/admin/audit?user=bob", "/admin/audit?user=bob"],
    ["the page's full URL on the portal", `${portal}/accounts?q=dev`, "/accounts?q=dev"],
  ])("%s names that path", (_name, value, path) => {
    expect(callbackPathOf(value, portal)).toBe(path);
  });

  it.each([
    ["a bare word", "foo"],
    ["another site", "https://evil.example/accounts"],
    ["the portal's origin as another host's prefix", `${portal}.evil.example/accounts`],
    ["the portal's origin with credentials before another host", `${portal}@evil.example/`],
    ["the portal's origin alone", portal],
    ["the portal's origin then //", `${portal}//evil.example/`],
    ["a protocol-relative URL", "//evil.example/accounts"],
    ["a backslash trick", "/\\evil.example"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a header break", "/accounts\r\nSet-Cookie: x=1"],
    ["not a string", ["/accounts"]],
  ])("%s names none", (_name, value) => {
    expect(callbackPathOf(value, portal)).toBeNull();
  });
});

describe("signInErrorCode", () => {
  it.each(["OAuthCallback", "Cancelled", "saml-missing-user-key"])(
    "%s passes unchanged",
    (code) => {
      expect(signInErrorCode(code)).toBe(code);
    },
  );

  it.each([
    ["absent", undefined],
    ["empty", ""],
    ["a snowman", "☃"],
    ["a NUL", "\u0000"],
    ["a header break", "x\r\nSet-Cookie: y=1"],
    ["markup", "<b>"],
    ["too long", "A".repeat(65)],
  ])("%s reads as Default", (_name, code) => {
    expect(signInErrorCode(code)).toBe("Default");
  });
});
