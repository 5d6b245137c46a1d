import { describe, expect, it } from "vitest";
import { MAX_SESSION_POLICY_CHARS, validateSessionPolicy } from "@/lib/aws/session-policy";

const allow = { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" };
const doc = (statement: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statement, ...extra });

describe("session policies are validated before any STS call", () => {
  const bad: Array<{ rule: string; text: string; message: RegExp }> = [
    { rule: "empty text", text: "  ", message: /empty/ },
    { rule: "not JSON", text: "{Version:", message: /not valid JSON/ },
    { rule: "a JSON array", text: "[]", message: /must be a JSON object/ },
    { rule: "a JSON string", text: '"Allow"', message: /must be a JSON object/ },
    {
      rule: "no Version",
      text: JSON.stringify({ Statement: [allow] }),
      message: /Version must be "2012-10-17"/,
    },
    {
      rule: "an unknown Version",
      text: doc([allow], { Version: "2020-01-01" }),
      message: /Version must be/,
    },
    {
      rule: "an unknown top-level element",
      text: doc([allow], { Principal: "*" }),
      message: /unknown top-level element "Principal"/,
    },
    {
      rule: "no Statement",
      text: JSON.stringify({ Version: "2012-10-17" }),
      message: /Statement must be an object or a non-empty array/,
    },
    { rule: "an empty Statement array", text: doc([]), message: /must not be an empty array/ },
    {
      rule: "a Statement that is a string",
      text: doc("Allow"),
      message: /Statement must be an object/,
    },
    {
      rule: "a statement that is not an object",
      text: doc([allow, 42]),
      message: /Statement\[1\] must be an object/,
    },
    {
      rule: "an Effect other than Allow/Deny",
      text: doc([allow, { ...allow, Effect: "allow" }]),
      message: /Statement\[1\]\.Effect must be Allow or Deny/,
    },
    {
      rule: "a missing Effect",
      text: doc([{ Action: "s3:*", Resource: "*" }]),
      message: /Statement\[0\]\.Effect/,
    },
    {
      rule: "both Action and NotAction",
      text: doc([{ ...allow, NotAction: "ec2:*" }]),
      message: /exactly one of Action or NotAction/,
    },
    {
      rule: "neither Action nor NotAction",
      text: doc([{ Effect: "Allow", Resource: "*" }]),
      message: /exactly one of Action or NotAction/,
    },
    {
      rule: "an empty Action array",
      text: doc([{ ...allow, Action: [] }]),
      message: /Action must be a string or a non-empty array/,
    },
    {
      rule: "a non-string Action",
      text: doc([{ ...allow, Action: [1] }]),
      message: /Action must be a string/,
    },
    {
      rule: "a malformed action name",
      text: doc([{ ...allow, Action: ["s3:Get", "GetObject"] }]),
      message: /Statement\[0\]\.Action\[1\] must be service:Action/,
    },
    {
      rule: "both Resource and NotResource",
      text: doc([{ ...allow, NotResource: "*" }]),
      message: /exactly one of Resource or NotResource/,
    },
    {
      rule: "neither Resource nor NotResource",
      text: doc([{ Effect: "Allow", Action: "s3:*" }]),
      message: /exactly one of Resource or NotResource/,
    },
    {
      rule: "a Resource that is not an ARN",
      text: doc([{ ...allow, Resource: "bucket" }]),
      message: /Resource must be an ARN or \*/,
    },
    {
      rule: "a Principal in a statement",
      text: doc([{ ...allow, Principal: "*" }]),
      message: /Principal is not allowed in a session policy/,
    },
    {
      rule: "an unknown statement element",
      text: doc([{ ...allow, Effects: "Allow" }]),
      message: /unknown element "Effects"/,
    },
    {
      rule: "a Sid with punctuation",
      text: doc([{ ...allow, Sid: "read-only" }]),
      message: /Sid must be letters and digits/,
    },
    {
      rule: "a Condition that is not an object",
      text: doc([{ ...allow, Condition: "x" }]),
      message: /Condition must be a non-empty object/,
    },
    {
      rule: "a Condition operator without keys",
      text: doc([{ ...allow, Condition: { StringEquals: {} } }]),
      message: /Condition\.StringEquals must be a non-empty object/,
    },
    {
      rule: "a character beyond Latin-1 (STS's Policy pattern is U+0020–U+00FF, tab, LF, CR)",
      text: doc([{ ...allow, Resource: "arn:aws:s3:::東京/*" }]),
      message: /contains U\+6771; AWS accepts only Latin-1 characters/,
    },
    {
      rule: "an emoji in a Condition value",
      text: doc([{ ...allow, Condition: { StringEquals: { "aws:PrincipalTag/team": "🚀" } } }]),
      message: /contains U\+1F680/,
    },
    {
      rule: "a Condition value that is an object",
      text: doc([{ ...allow, Condition: { StringEquals: { "aws:x": { a: 1 } } } }]),
      message: /StringEquals\.aws:x must be a string/,
    },
  ];
  it.each(bad)("refuses $rule", ({ text, message }) => {
    const result = validateSessionPolicy(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  const good: Array<{ rule: string; text: string }> = [
    { rule: "one statement object", text: doc(allow) },
    {
      rule: "an array with Allow and Deny",
      text: doc([allow, { Effect: "Deny", NotAction: ["iam:*", "sts:*"], NotResource: "*" }]),
    },
    { rule: "the 2008 version", text: doc([allow], { Version: "2008-10-17" }) },
    {
      rule: "Latin-1 letters (U+00A0–U+00FF are in STS's pattern)",
      text: doc([{ ...allow, Resource: "arn:aws:s3:::münchen-données/*" }]),
    },
    {
      rule: "an Id, a Sid and a Condition",
      text: doc(
        [
          {
            ...allow,
            Sid: "Read1",
            Condition: {
              StringEquals: { "aws:PrincipalTag/Team": ["core", "infra"] },
              Bool: { "aws:SecureTransport": true },
            },
          },
        ],
        { Id: "narrow" },
      ),
    },
    {
      rule: "wildcards and policy variables",
      text: doc([
        { Effect: "Allow", Action: "s3:Get*", Resource: "arn:aws:s3:::home/${aws:username}/*" },
      ]),
    },
  ];
  it.each(good)("accepts $rule", ({ text }) => {
    expect(validateSessionPolicy(text).ok).toBe(true);
  });

  it("returns the minified document (what is sent and measured)", () => {
    const pretty = JSON.stringify({ Version: "2012-10-17", Statement: [allow] }, null, 2);
    const result = validateSessionPolicy(pretty);
    expect(result).toEqual({ ok: true, minified: JSON.stringify(JSON.parse(pretty)) });
  });

  it("the minified size limit is AWS's 2,048 characters, whitespace not counted", () => {
    const sized = (n: number) => {
      const base = doc([{ ...allow, Resource: "arn:aws:s3:::" }]).length;
      return doc([{ ...allow, Resource: `arn:aws:s3:::${"b".repeat(n - base)}` }]);
    };
    expect(sized(MAX_SESSION_POLICY_CHARS)).toHaveLength(2048);
    expect(validateSessionPolicy(sized(2048)).ok).toBe(true);
    const over = validateSessionPolicy(sized(2049));
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.message).toMatch(/2049 characters minified; AWS allows at most 2048/);
    // Indentation that pushes the text over 2,048 does not count.
    const padded = JSON.stringify(JSON.parse(sized(2048)), null, 8);
    expect(padded.length).toBeGreaterThan(2048);
    expect(validateSessionPolicy(padded).ok).toBe(true);
  });
});
