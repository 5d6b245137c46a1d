import { describe, expect, it } from "vitest";
import { sessionTagsFromClaims, validateSessionTags } from "@/lib/aws/session-tags";
import { AppError } from "@/lib/errors";

function refusal(tags: Record<string, string>): AppError {
  try {
    validateSessionTags(tags);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected the tags to be refused");
}

const manyTags = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`Tag${i}`, "v"]));

describe("session tags are checked against AWS's limits before any STS call", () => {
  const refused: Array<{ rule: string; tags: Record<string, string>; mentions: RegExp }> = [
    { rule: "at most 50 tags", tags: manyTags(51), mentions: /51 tags.*at most 50/ },
    {
      rule: "a key has at most 128 characters",
      tags: { ["k".repeat(129)]: "v" },
      mentions: /129 characters.*1 to 128/,
    },
    { rule: "a key is not empty", tags: { "": "v" }, mentions: /0 characters/ },
    {
      rule: "a value has at most 256 characters",
      tags: { Team: "v".repeat(257) },
      mentions: /"Team".*257 characters.*256/,
    },
    { rule: "no aws: prefix", tags: { "aws:Team": "x" }, mentions: /reserved prefix "aws:"/ },
    { rule: "no AWS: prefix in any case", tags: { "AWS:team": "x" }, mentions: /reserved prefix/ },
    {
      rule: "no value with the aws: prefix",
      tags: { Team: "aws:platform" },
      mentions: /value of tag "Team" uses the reserved prefix "aws:"/,
    },
    {
      rule: "no value with the AWS: prefix in any case",
      tags: { Team: "Aws:platform" },
      mentions: /value of tag "Team" uses the reserved prefix/,
    },
    {
      rule: "keys use only allowed characters",
      tags: { "Team#1": "x" },
      mentions: /"Team#1" has characters/,
    },
    {
      rule: "values use only allowed characters",
      tags: { Team: "a<b>" },
      mentions: /value of tag "Team" has characters/,
    },
    { rule: "a newline is not allowed", tags: { Team: "a\nb" }, mentions: /value of tag "Team"/ },
    {
      rule: "keys are unique ignoring case",
      tags: { Team: "a", team: "b" },
      mentions: /"Team" and "team" differ only in case/,
    },
  ];
  it.each(refused)("$rule", ({ tags, mentions }) => {
    const error = refusal(tags);
    expect(error.code).toBe("validation_error");
    expect(error.publicMessage).toMatch(mentions);
  });

  it("a refusal names the tag, never the other tags' values", () => {
    const error = refusal({ Email: "secret-ish@corp.example", Team: "x".repeat(300) });
    expect(error.publicMessage).not.toContain("secret-ish");
  });

  const accepted: Array<{ rule: string; tags: Record<string, string> }> = [
    { rule: "exactly 50 tags", tags: manyTags(50) },
    {
      rule: "a 128-character key and a 256-character value",
      tags: { ["k".repeat(128)]: "v".repeat(256) },
    },
    { rule: "an empty value", tags: { Team: "" } },
    {
      rule: "unicode letters and digits, spaces and _.:/=+-@",
      tags: { Équipe_1: "Zoë Ångström ٣ a.b:c/d=e+f-g@h" },
    },
    { rule: "a key containing aws: later on", tags: { "team:aws:x": "y" } },
    { rule: "a value containing aws: later on", tags: { team: "x:aws:y" } },
  ];
  it.each(accepted)("accepts $rule", ({ tags }) => {
    expect(validateSessionTags(tags)).toEqual(
      Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    );
  });
});

describe("session tags from IdP claims", () => {
  const mapping = [
    { tagKey: "Email", claim: "email" },
    { tagKey: "CostCenter", claim: "cost_center" },
    { tagKey: "Clearance", claim: "clearance" },
    { tagKey: "Team", claim: "team" },
  ];
  const cases: Array<{
    rule: string;
    claims: Record<string, unknown>;
    tags: Record<string, string>;
    problems: number;
  }> = [
    {
      rule: "string claims become tags",
      claims: { email: "a@b.c", team: "core" },
      tags: { Email: "a@b.c", Team: "core" },
      problems: 0,
    },
    {
      rule: "numbers and booleans are stringified",
      claims: { cost_center: 4711, clearance: true },
      tags: { CostCenter: "4711", Clearance: "true" },
      problems: 0,
    },
    {
      rule: "a one-element array (a SAML attribute) is its element",
      claims: { team: ["core"] },
      tags: { Team: "core" },
      problems: 0,
    },
    { rule: "a missing claim leaves the tag out", claims: {}, tags: {}, problems: 0 },
    { rule: "an empty array leaves the tag out", claims: { team: [] }, tags: {}, problems: 0 },
    {
      rule: "several values are a problem, not a guess",
      claims: { team: ["a", "b"] },
      tags: {},
      problems: 1,
    },
    {
      rule: "an object claim is a problem",
      claims: { team: { name: "x" } },
      tags: {},
      problems: 1,
    },
    { rule: "a null claim is a problem", claims: { team: null }, tags: {}, problems: 1 },
    {
      rule: "a non-finite number is a problem",
      claims: { cost_center: Number.NaN },
      tags: {},
      problems: 1,
    },
    {
      rule: "an empty string is kept (AWS allows empty values)",
      claims: { team: "" },
      tags: { Team: "" },
      problems: 0,
    },
  ];
  it.each(cases)("$rule", ({ claims, tags, problems }) => {
    const result = sessionTagsFromClaims(mapping, claims);
    expect(result.tags).toEqual(tags);
    expect(result.problems).toHaveLength(problems);
  });

  it("problems name the claim, never its values", () => {
    const { problems } = sessionTagsFromClaims(mapping, { team: ["secret-a", "secret-b"] });
    expect(problems[0]).toContain('"team"');
    expect(problems.join(" ")).not.toContain("secret");
  });

  it("inherited properties are not claims", () => {
    expect(sessionTagsFromClaims([{ tagKey: "X", claim: "toString" }], {}).tags).toEqual({});
  });
});
