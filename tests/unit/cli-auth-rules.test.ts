// The pure rules of the CLI's sign-in and role references (docs/API.md): user codes, tokens,
// login_hint matching, and which granted role a reference names.
import { describe, expect, it } from "vitest";
import { grantForReference } from "@/lib/access/role-reference";
import type { Grant } from "@/lib/access/resolve-grants";
import type { SignedInUser } from "@/lib/auth/portal-session";
import {
  formatUserCode,
  isCliTokenShaped,
  newCliToken,
  newUserCode,
  normalizeUserCode,
  secretHash,
} from "@/lib/cli-auth/codes";
import { sameClientAddress } from "@/lib/cli-auth/client-address-match";
import { matchesLoginHint } from "@/lib/cli-auth/device-authorization";
import { isAppError } from "@/lib/errors";

describe("user codes (RFC 8628 §6.1)", () => {
  it("are 8 letters from 20 consonants, shown as XXXX-XXXX", () => {
    for (let i = 0; i < 200; i++) {
      const code = newUserCode();
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      expect(formatUserCode(code)).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    }
  });

  it.each([
    ["bcdf-ghjk", "BCDFGHJK"],
    ["BCDF GHJK", "BCDFGHJK"],
    [" bcdfghjk ", "BCDFGHJK"],
    ["BC-DF-GH-JK", "BCDFGHJK"],
  ])("typing %j is read as %s: case, spaces and dashes don't matter", (typed, stored) => {
    expect(normalizeUserCode(typed)).toBe(stored);
  });

  it.each([
    ["an en dash (a chat app's autocorrect)", "BCDF\u2013GHJK"],
    ["an em dash", "bcdf\u2014ghjk"],
    ["a non-breaking space", "BCDF\u00a0GHJK"],
    ["a dot", "BCDF.GHJK"],
    ["an underscore", "bcdf_ghjk"],
    ["quotes copied along", "\u201cBCDF-GHJK\u201d"],
  ])(
    "a user code typed with %s between its letters is read (RFC 8628 §6.1: punctuation is ignored)",
    (_name, typed) => {
      expect(normalizeUserCode(typed)).toBe("BCDFGHJK");
    },
  );

  it.each([
    ["too short", "BCDF-GHJ"],
    ["too long", "BCDF-GHJKL"],
    ["a vowel", "BCDF-GHJA"],
    ["a digit", "BCDF-GHJ1"],
    ["empty", ""],
    ["SQL", "' OR 1=1 --"],
    ["a non-ASCII look-alike", "BCDF-GHJК"],
  ])("%s is not a code (nothing reaches the database)", (_name, typed) => {
    expect(normalizeUserCode(typed)).toBeNull();
  });
});

describe("the approval page's address check", () => {
  it.each([
    ["the same address", "203.0.113.9", "203.0.113.9", true],
    ["an IPv4-mapped form of it", "::ffff:203.0.113.9", "203.0.113.9", true],
    ["two loopback addresses", "::1", "127.0.0.1", true],
    ["another address", "203.0.113.9", "198.51.100.7", false],
    ["a loopback terminal and a remote browser", "127.0.0.1", "198.51.100.7", false],
    ["an unknown terminal address", null, "198.51.100.7", false],
  ] as const)(
    "a terminal and a browser at %s count as one place: %s",
    (_name, cli, browser, same) => {
      expect(sameClientAddress(cli, browser)).toBe(same);
    },
  );
});

describe("CLI tokens", () => {
  it("are gh_cli_ and 32 random bytes, distinct each time, and stored only as SHA-256", () => {
    const a = newCliToken();
    const b = newCliToken();
    expect(a).not.toBe(b);
    expect(isCliTokenShaped(a)).toBe(true);
    expect(secretHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash(a)).not.toContain(a.slice(7));
  });

  it.each([
    ["gh_cli_short"],
    ["gh_cli_" + "A".repeat(44)],
    ["Bearer gh_cli_" + "A".repeat(43)],
    ["x".repeat(50)],
  ])("%s is not token-shaped", (value) => expect(isCliTokenShaped(value)).toBe(false));
});

describe("login_hint: only the person the CLI asked for may approve", () => {
  const bob = {
    email: "bob@corp.example",
    emailVerified: true,
    subject: "sub-bob",
  } as SignedInUser;
  it.each([
    [null, true],
    ["bob@corp.example", true],
    ["BOB@Corp.Example", true],
    ["sub-bob", true],
    ["alice@corp.example", false],
    ["bob", false],
    ["bob@corp.example.evil", false],
  ])("hint %j → %s", (hint, expected) => {
    expect(matchesLoginHint(bob, hint)).toBe(expected);
  });
});

describe("login_hint: an email counts only when the identity's IdP verified it", () => {
  const typed = { email: "bob@corp.example", emailVerified: false, subject: "sub-bob" };
  it.each([
    ["bob@corp.example", false],
    ["sub-bob", true],
  ])("hint %j → %s", (hint, expected) => {
    expect(matchesLoginHint(typed as SignedInUser, hint)).toBe(expected);
  });
});

describe("role references name one of the caller's own grants", () => {
  const grant = (
    roleId: string,
    accountId: string,
    name: string,
    alias: string,
    roleName: string,
  ) =>
    ({
      roleId,
      roleName,
      account: { accountId, name, alias, environment: "dev", description: "" },
    }) as Grant;
  const grants = [
    grant("r1aaaaaaaaaaaaaaaaaaaaaa", "111111111111", "acme-staging", "acme-stg", "Developer"),
    grant("r2aaaaaaaaaaaaaaaaaaaaaa", "222222222222", "acme/prod", "", "ReadOnly"),
    grant("r3aaaaaaaaaaaaaaaaaaaaaa", "333333333333", "twin-a", "twins", "Twin"),
    grant("r4aaaaaaaaaaaaaaaaaaaaaa", "444444444444", "twin-b", "twins", "Twin"),
  ];
  const codeOf = (ref: string) => {
    try {
      grantForReference(grants, ref);
      return "ok";
    } catch (error) {
      return isAppError(error) ? error.code : "crash";
    }
  };

  it.each([
    ["acme-staging/Developer", "r1aaaaaaaaaaaaaaaaaaaaaa"],
    ["ACME-STG/developer", "r1aaaaaaaaaaaaaaaaaaaaaa"],
    ["111111111111/Developer", "r1aaaaaaaaaaaaaaaaaaaaaa"],
    ["r1aaaaaaaaaaaaaaaaaaaaaa", "r1aaaaaaaaaaaaaaaaaaaaaa"],
    ["acme/prod/ReadOnly", "r2aaaaaaaaaaaaaaaaaaaaaa"],
    ["twin-a/Twin", "r3aaaaaaaaaaaaaaaaaaaaaa"],
  ])("%s names %s", (ref, roleId) => {
    expect(grantForReference(grants, ref).roleId).toBe(roleId);
  });

  it.each([
    ["another account's role", "222222222222/Developer", "not_found"],
    ["a role id not granted", "r9aaaaaaaaaaaaaaaaaaaaaa", "not_found"],
    ["an empty alias does not match an empty account", "/ReadOnly", "validation_error"],
    ["no role name", "acme-staging/", "validation_error"],
    ["no account", "Developer", "validation_error"],
    ["two accounts share the alias", "twins/Twin", "ambiguous_role"],
  ])("%s: %s → %s", (_name, ref, code) => {
    expect(codeOf(ref)).toBe(code);
  });
});
