import { describe, expect, it } from "vitest";

import {
  ROLE_SESSION_NAME_PATTERN,
  roleSessionNameCandidates,
  sanitizeRoleSessionName,
  sessionIdentityProblem,
} from "@/lib/aws/role-session-name";

const HASHED = /^[\w+=,.@-]+--[a-z2-7]{10}$/;

function last(list: string[]): string {
  const value = list.at(-1);
  if (value === undefined) throw new Error("no candidates");
  return value;
}

/** Deterministic PRNG (mulberry32) so the property loop is reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_PIECES = [
  "a",
  "Z",
  "0",
  "_",
  "-",
  "--",
  ".",
  "@",
  "+",
  "=",
  ",",
  " ",
  "\t",
  "\n",
  "\r",
  "\0",
  "\x7f",
  "\u0085",
  "'",
  '"',
  "`",
  "$(id)",
  ";",
  "|",
  "&",
  "<",
  ">",
  "\\",
  "/",
  ":",
  "aws:",
  "%",
  "#",
  "!",
  "*",
  "?",
  "~",
  "é",
  "e\u0301",
  "ñ",
  "ß",
  "Ø",
  "ﬁ",
  "ｊｏｓé",
  "山田",
  "太郎",
  "Ω",
  "ا",
  "\u202e",
  "\u200b",
  "\u200d",
  "\u2028",
  "\u3000",
  "😀",
  "👩‍👩‍👧",
  "\ud800",
  "\udfff",
  "\ufeff",
  "\ufffd",
  "İ",
  "ı",
  "ǅ",
  "①",
  "²",
];

function hostileString(random: () => number): string {
  const length = Math.floor(random() * 40);
  let out = "";
  for (let i = 0; i < length; i++)
    out += HOSTILE_PIECES[Math.floor(random() * HOSTILE_PIECES.length)];
  return out;
}

describe("sanitizeRoleSessionName", () => {
  it.each([
    ["a plain email is kept", "alice@example.com", "alice@example.com"],
    ["allowed punctuation is kept", "a_b+c=d,e.f@g-h", "a_b+c=d,e.f@g-h"],
    ["spaces become single dashes", "  Alice   Smith  ", "Alice-Smith"],
    ["diacritics are stripped (josé → jose)", "josé.garcía@x.example", "jose.garcia@x.example"],
    ["combining marks are stripped", "jose\u0301", "jose"],
    ["compatibility forms fold to ASCII", "ｊｏｓｅ ﬁle", "jose-file"],
    ["ß and æ are transliterated", "Straße Æsir", "Strasse-AEsir"],
    ["CJK is dropped", "山田@x.example", "@x.example"],
    ["CJK-only names become empty", "山田 太郎", ""],
    ["emoji are dropped", "bob😀@x.example", "bob@x.example"],
    ["quotes and shell syntax become dashes and collapse", "o'brien $(rm -rf)", "o-brien-rm-rf"],
    ["runs of dashes collapse", "a----b", "a-b"],
    ["leading and trailing dashes are trimmed", "--a--", "a"],
    ["a 1-character name stays 1 character", "x", "x"],
    ["control characters never survive", "a\u0000b\u0007c\nd", "abc-d"],
  ])("%s", (_rule, raw, expected) => {
    expect(sanitizeRoleSessionName(raw)).toBe(expected);
  });

  it("truncates to 64 characters without a trailing dash", () => {
    const raw = `${"a".repeat(63)} b`;
    expect(sanitizeRoleSessionName(raw)).toBe("a".repeat(63));
    expect(sanitizeRoleSessionName("b".repeat(200))).toHaveLength(64);
  });
});

describe("roleSessionNameCandidates", () => {
  const stableKey = "https://idp.example|sub-123";

  it("offers the sanitized email first and a hashed name last", () => {
    const candidates = roleSessionNameCandidates({
      email: "Alice@Example.com",
      username: "alice",
      stableKey,
    });
    expect(candidates[0]).toBe("alice@example.com");
    expect(candidates[1]).toBe("alice");
    expect(last(candidates)).toMatch(/^alice@example\.com--[a-z2-7]{10}$/);
    expect(candidates).toHaveLength(3);
  });

  it("does not repeat a readable name when username equals email", () => {
    const candidates = roleSessionNameCandidates({
      email: "bob@x.example",
      username: "bob@x.example",
      stableKey,
    });
    expect(candidates).toEqual(["bob@x.example", expect.stringMatching(HASHED)]);
  });

  it("replaces spaces and strips diacritics in both readable candidates", () => {
    const candidates = roleSessionNameCandidates({
      email: "josé@x.example",
      username: "José María",
      stableKey,
    });
    expect(candidates.slice(0, 2)).toEqual(["jose@x.example", "Jose-Maria"]);
  });

  it.each([
    [
      "a null email falls back to the username",
      { email: null, username: "carol" },
      ["carol"],
      "carol--",
    ],
    [
      "an empty email falls back to the username",
      { email: "  ", username: "carol" },
      ["carol"],
      "carol--",
    ],
    [
      "a 1-character email is not a candidate",
      { email: "x", username: "dave" },
      ["dave"],
      "dave--",
    ],
    ["no email and no username give user--<hash>", { email: null, username: null }, [], "user--"],
    ["a CJK-only name gives user--<hash>", { email: null, username: "山田" }, [], "user--"],
    ["an emoji-only name gives user--<hash>", { email: "😀😀", username: "" }, [], "user--"],
  ])("%s", (_rule, names, readable, hashedPrefix) => {
    const candidates = roleSessionNameCandidates({ ...names, stableKey });
    expect(candidates.slice(0, -1)).toEqual(readable);
    expect(last(candidates).startsWith(hashedPrefix)).toBe(true);
    expect(last(candidates)).toMatch(HASHED);
  });

  it("keeps the hash suffix intact and the name within 64 characters for long emails", () => {
    const email = `${"very.long.name".repeat(8)}@example.com`;
    const candidates = roleSessionNameCandidates({ email, username: null, stableKey });
    expect(candidates[0]).toHaveLength(64);
    const hashed = last(candidates);
    expect(hashed.length).toBeLessThanOrEqual(64);
    expect(hashed).toMatch(HASHED);
    const short = last(
      roleSessionNameCandidates({ email: "a@b.example", username: null, stableKey }),
    );
    expect(hashed.slice(-12)).toBe(short.slice(-12));
  });

  it("gives users whose emails collide after sanitizing (josé vs jose) different final candidates", () => {
    const jose1 = roleSessionNameCandidates({
      email: "josé@x.example",
      username: null,
      stableKey: "idp|1",
    });
    const jose2 = roleSessionNameCandidates({
      email: "jose@x.example",
      username: null,
      stableKey: "idp|2",
    });
    expect(jose1[0]).toBe(jose2[0]);
    expect(last(jose1)).not.toBe(last(jose2));
  });

  it("gives the same email from two issuers different final candidates", () => {
    const a = roleSessionNameCandidates({
      email: "eve@x.example",
      username: null,
      stableKey: "https://a.example|eve",
    });
    const b = roleSessionNameCandidates({
      email: "eve@x.example",
      username: null,
      stableKey: "https://b.example|eve",
    });
    expect(last(a)).not.toBe(last(b));
  });

  it("is deterministic for a stable key", () => {
    const user = { email: "frank@x.example", username: "frank", stableKey };
    expect(roleSessionNameCandidates(user)).toEqual(roleSessionNameCandidates({ ...user }));
  });

  it("never lets a readable name equal a hashed name (readable names contain no '--')", () => {
    const victim = last(
      roleSessionNameCandidates({ email: "grace@x.example", username: null, stableKey }),
    );
    const squatter = roleSessionNameCandidates({
      email: victim,
      username: victim,
      stableKey: "idp|squatter",
    });
    expect(squatter.slice(0, -1)).not.toContain(victim);
    expect(squatter.slice(0, -1).every((name) => !name.includes("--"))).toBe(true);
  });

  it("rejects an empty stable key as a programming error", () => {
    expect(() =>
      roleSessionNameCandidates({ email: "a@b.example", username: null, stableKey: "" }),
    ).toThrow(TypeError);
  });

  it("always returns candidates matching the AWS pattern, for 3,000 hostile inputs", () => {
    const random = prng(0x5eed);
    const finals = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const email = random() < 0.1 ? null : hostileString(random);
      const username = random() < 0.1 ? null : hostileString(random);
      const sanitized = sanitizeRoleSessionName(email ?? "");
      expect(sanitized).toMatch(/^(?:[\w+=,.@]|-(?!-))*$/);
      expect(sanitized.length).toBeLessThanOrEqual(64);
      expect(sanitized.startsWith("-") || sanitized.endsWith("-")).toBe(false);

      const candidates = roleSessionNameCandidates({ email, username, stableKey: `idp|${i}` });
      expect(candidates.length).toBeGreaterThanOrEqual(1);
      for (const candidate of candidates) expect(candidate).toMatch(ROLE_SESSION_NAME_PATTERN);
      expect(last(candidates)).toMatch(HASHED);
      finals.add(last(candidates));
    }
    expect(finals.size).toBe(3000);
  });
});

describe("RoleSessionName and SourceIdentity AWS refuses are caught before STS", () => {
  const goodName = "bob@corp.example";
  const goodId = "cm0abcdef0123456789xyz";
  it("accepts what the portal sends: a candidate session name and a cuid", () => {
    expect(sessionIdentityProblem(goodName, goodId)).toBeNull();
    expect(sessionIdentityProblem("+=,.@-_", "ab")).toBeNull();
  });

  it.each([
    {
      rule: "a RoleSessionName shorter than 2",
      name: "a",
      id: goodId,
      says: /RoleSessionName is 1/,
    },
    {
      rule: "a RoleSessionName longer than 64",
      name: "a".repeat(65),
      id: goodId,
      says: /RoleSessionName is 65/,
    },
    {
      rule: "a RoleSessionName with a space",
      name: "bob builder",
      id: goodId,
      says: /RoleSessionName/,
    },
    {
      rule: "a RoleSessionName with a slash",
      name: "bob/admin",
      id: goodId,
      says: /RoleSessionName/,
    },
    {
      rule: "a SourceIdentity shorter than 2",
      name: goodName,
      id: "x",
      says: /SourceIdentity is 1/,
    },
    {
      rule: "a SourceIdentity longer than 64",
      name: goodName,
      id: "x".repeat(65),
      says: /SourceIdentity is 65/,
    },
    {
      rule: "a SourceIdentity with a character outside [\\w+=,.@-]",
      name: goodName,
      id: "bob#1",
      says: /SourceIdentity/,
    },
    {
      rule: "a SourceIdentity starting with aws:",
      name: goodName,
      id: "aws:bob",
      says: /reserved prefix "aws:"/,
    },
    {
      rule: "a SourceIdentity starting with AWS: in capitals",
      name: goodName,
      id: "AWS:bob",
      says: /reserved prefix "aws:"/,
    },
  ])("refuses $rule", ({ name, id, says }) => {
    const problem = sessionIdentityProblem(name, id);
    expect(problem).toMatch(says);
    // The message names the rule, never the value (a user id is not for the audit's readers).
    if (id.length > 2) expect(problem).not.toContain(id);
  });
});
