// The fast readers of configuration files give exactly the value the `yaml` package gives, or
// decline: plain block YAML is read by js-yaml with the `yaml` package's scalar rules, anything
// beyond plain lines goes the exact way, and JSON with a key written twice is left to the `yaml`
// package to refuse. Checked by example and on thousands of mutations of a sample file.
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { hasDuplicateJsonKeys, readPlainYaml } from "@/lib/config-as-code/fast-parse";

/** What the `yaml` package reads, as parse-text.ts asks it to. */
function reference(text: string): { value: unknown } | { error: string } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const [error] = doc.errors;
  return error ? { error: error.message } : { value: doc.toJS({ maxAliasCount: 100 }) };
}

const SAMPLE = `# Gatehouse configuration
version: 1
accounts:
  - id: "123456789012"
    name: acme-dev # a comment
    alias: 'it''s'
    environment: dev
    description: R&D, "quoted" words, a:b and d#e
    roles:
      - name: Developer
        arn: arn:aws:iam::123456789012:role/Developer
        maxSessionDurationSeconds: 7200
        rules:
          - group: developers
            maxSessionDurationSeconds: 3600
            expiresAt: 2030-01-31 18:00
          - user: carol@corp.example
            console: true
            cli: False
            sessionPolicy:
              Version: 2012-10-17
              Statement:
                - Effect: Allow
                  Action: s3:Get*
                  Resource: "*"
                  Condition:
                    "aws:SourceIp": 10.0.0.0/8
      -   name: Other
          rules: []
`;

const NUMBERS = ["-12", "0x1F", "0o17", "1.5e3", ".inf", "-.Inf", ".NaN", "+7", "-0", "1.", ".5"];
const NOT_NUMBERS = ["0b101", "1_000", "0x", "1e", "0o8", "+.inf", ".Nan", "1.2.3", "yes", "on"];
const NOT_NULL_OR_BOOL = ["Nul", "nULL", "tRue", "FALSe"];

describe("plain block YAML is read to exactly the value the yaml package reads", () => {
  it.each([
    ["a sample file", SAMPLE],
    ["CRLF line breaks", SAMPLE.replaceAll("\n", "\r\n")],
    [
      "core scalars, resolved the yaml package's way",
      [...NUMBERS, ...NOT_NUMBERS, ...NOT_NULL_OR_BOOL, "~", "null", "NULL", "true", "FALSE"]
        .map((v, i) => `k${i}: ${v}\n`)
        .join(""),
    ],
    ["keys that read as numbers or booleans", "1: a\n0x10: b\ntrue: c\n1.50: d\n'': e\n"],
    ["nested lists", "- - a\n  - - b\n    - c\n  - d\n- e: f\n  g:\n  h:\n    - i\n"],
    ["empty collections and values", "a: []\nb: {}\nc:\nd: ''\n"],
    ["nothing but comments", "# nothing\n\n"],
  ])("%s", (_what, text) => {
    const fast = readPlainYaml(text);
    expect(fast).toBeDefined();
    expect(fast).toEqual(reference(text));
  });
});

describe("anything beyond plain lines is left to the yaml package", () => {
  it.each([
    ["anchors and aliases", "a: &x 1\nb: *x\n"],
    ["tags", "a: !!str 1\n"],
    ["local tags", "a: !secret x\n"],
    ["explicit keys", "? a\n: b\n"],
    ["flow collections", "a: [1, 2]\n"],
    ["flow collections as keys", "[a]: b\n"],
    ["multi-line plain scalars", "a: one\n  two\n"],
    ["block scalars", "a: |\n  text\n"],
    ["directives", "%YAML 1.1\n---\na: yes\n"],
    ["document markers", "---\na: 1\n"],
    ["keys that read as null", "~: a\nnull: b\n"],
    ["empty list items (js-yaml misplaces what follows them)", "- - a\n  -\n- b\n"],
    ["tab indentation", "a:\n\tb: 1\n"],
    ["a lone CR", "a: 1\rb: 2\n"],
    ["a key written twice", "a: 1\na: 2\n"],
    ["a key longer than 1,024 characters", `${"k".repeat(1025)}: v\n`],
    ["a comment without space before it", "a: 'x'# c\n"],
    ["bad indentation", "a:\n  b: 1\n c: 2\n"],
  ])("%s", (_what, text) => {
    expect(readPlainYaml(text)).toBeUndefined();
  });
});

/** A deterministic pseudo-random sequence (the same mutations every run). */
function sequence(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

const INSERTS = [
  ...[":", ": ", "#", " #", "'", '"', "-", "- ", "[", "]", "{", "}", "&a ", "*a", "!", "? "],
  ...["|", ">", " ", "  ", "\t", "%", "@", "`", ",", "~", "null", "\\", "\n", "\n  ", "\n- "],
  ...["---\n", "…", "yes", "0b1", "1_0", ".NaN", "-0", "1e3", "True", "null:", "''", "\r"],
];

describe("on mutations of a sample file", () => {
  it("every text read the fast way reads the same with the yaml package", () => {
    const next = sequence(42);
    const lines = SAMPLE.split("\n");
    let fast = 0;
    for (let round = 0; round < 4000; round += 1) {
      const mutated = [...lines];
      for (let edits = 1 + next(3); edits > 0; edits -= 1) {
        const i = next(mutated.length);
        const line = mutated[i]!;
        const op = next(6);
        if (op === 0) mutated.splice(i, 1);
        else if (op === 1) mutated.splice(i, 0, line);
        else if (op === 2) mutated[i] = ` ${line}`;
        else if (op === 3) mutated[i] = line.replace(/^ {1,2}/, "");
        else {
          const at = next(line.length + 1);
          mutated[i] = line.slice(0, at) + INSERTS[next(INSERTS.length)]! + line.slice(at);
        }
      }
      const text = mutated.join("\n");
      const read = readPlainYaml(text);
      if (!read) continue;
      fast += 1;
      const expected = reference(text);
      if (!("value" in expected) || !isDeepStrictEqual(read.value, expected.value))
        expect.fail(`read differently:\n${text}`);
    }
    expect(fast).toBeGreaterThan(500);
  });
});

describe("JSON keys written twice are found (JSON.parse would keep the last one)", () => {
  it.each([
    ['{"a": 1, "a": 2}', true],
    ['{"a": 1, "\\u0061": 2}', true],
    ['{"a": {"b": 1, "b": 2}}', true],
    ['[{"a": 1}, {"a": 2}]', false],
    ['{"a": {"a": 1}}', false],
    ['{"a": "a", "b": ["a", "a"]}', false],
    ['{"a\\"": 1, "a": 2, "\\\\": 3}', false],
  ])("%s → %s", (text, repeated) => {
    expect(hasDuplicateJsonKeys(text)).toBe(repeated);
    expect("error" in reference(text)).toBe(repeated);
  });
});
