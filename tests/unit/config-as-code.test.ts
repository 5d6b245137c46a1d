// Configuration files: every bad entry is named with its path and line (YAML and JSON), nothing
// is silently ignored, and the diff between a file and the database is exact and stable.
import { describe, expect, it } from "vitest";
import { diffConfig } from "@/lib/config-as-code/diff";
import { toDocument, serialiseDocument } from "@/lib/config-as-code/export-config";
import { parseConfigText } from "@/lib/config-as-code/parse-text";
import type { AccountState, CurrentAccount } from "@/lib/config-as-code/state";
import { validateDocument, type ValidationContext } from "@/lib/config-as-code/validate-document";

const NOW = new Date("2030-01-01T00:00:00Z");
const ctx: ValidationContext = {
  now: NOW,
  partition: "aws",
  people: {
    peopleByEmail: new Map([
      ["carol@corp.example", new Set(["user-carol"])],
      ["twin@corp.example", new Set(["u1", "u2"])],
    ]),
    unverifiedEmails: new Set(["typed@corp.example"]),
    personByIdentity: new Map([["https://idp.example\ncarol", "user-carol"]]),
    identitiesOf: new Map([
      [
        "user-carol",
        [{ issuer: "https://idp.example", subject: "carol", email: "carol@corp.example" }],
      ],
    ]),
  },
  knownIssuers: new Set(["https://idp.example"]),
  previousExpiresAt: () => undefined,
};

function check(text: string) {
  const parsed = parseConfigText(text);
  if (!parsed.ok) return parsed;
  return validateDocument(parsed.parsed, ctx);
}

const GOOD = `version: 1
accounts:
  - id: "123456789012"
    name: acme-dev
    environment: dev
    roles:
      - name: Developer
        maxSessionDurationSeconds: 7200
        rules:
          - group: developers
            maxSessionDurationSeconds: 3600
          - user: carol@corp.example
            console: true
            cli: false
            sessionPolicy:
              Version: "2012-10-17"
              Statement: [{ Effect: Allow, Action: "s3:Get*", Resource: "*" }]
`;

describe("a valid file", () => {
  it("becomes the configuration it describes, with the editors' defaults filled in", () => {
    const result = check(GOOD);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const role = result.accounts[0]!.roles[0]!;
    expect(role.arn).toBe("arn:aws:iam::123456789012:role/Developer");
    expect(role.rules.map((r) => [r.key, r.allowConsole, r.allowCli])).toEqual([
      ["123456789012/Developer|group:developers#1", true, true],
      ["123456789012/Developer|person:user-carol#1", true, false],
    ]);
    expect(JSON.parse(role.rules[1]!.sessionPolicy!)).toMatchObject({ Version: "2012-10-17" });
  });

  it("reads the same configuration from JSON", () => {
    const yamlResult = check(GOOD);
    const json = JSON.stringify(
      parseConfigText(GOOD).ok
        ? (parseConfigText(GOOD) as { parsed: { value: unknown } }).parsed.value
        : null,
      null,
      2,
    );
    expect(check(json)).toEqual(yamlResult);
  });
});

// [rule the file breaks, file text, expected path, expected line]
const BAD_ENTRIES: Array<[string, string, string, number]> = [
  ["an account id is 12 digits", GOOD.replace('"123456789012"', '"12345"'), "accounts[0].id", 3],
  [
    "an account id is quoted (numbers lose leading zeros)",
    GOOD.replace('"123456789012"', "123456789012"),
    "accounts[0].id",
    3,
  ],
  [
    "an environment is a short lowercase label",
    GOOD.replace("environment: dev", "environment: Prod Env!"),
    "accounts[0].environment",
    5,
  ],
  [
    "a role name is an IAM role name",
    GOOD.replace("name: Developer", "name: Dev Role"),
    "accounts[0].roles[0].name",
    7,
  ],
  [
    "a role allows 3600 to 43200 seconds",
    GOOD.replace("maxSessionDurationSeconds: 7200", "maxSessionDurationSeconds: 50000"),
    "accounts[0].roles[0].maxSessionDurationSeconds",
    8,
  ],
  [
    "a rule allows at least 900 seconds",
    GOOD.replace("maxSessionDurationSeconds: 3600", "maxSessionDurationSeconds: 60"),
    "accounts[0].roles[0].rules[0].maxSessionDurationSeconds",
    11,
  ],
  [
    "a duration is a number, not text",
    GOOD.replace("maxSessionDurationSeconds: 3600", 'maxSessionDurationSeconds: "3600"'),
    "accounts[0].roles[0].rules[0].maxSessionDurationSeconds",
    11,
  ],
  [
    "a rule names a group or a user, not both",
    GOOD.replace(
      "- group: developers",
      "- group: developers\n            user: carol@corp.example",
    ),
    "accounts[0].roles[0].rules[0]",
    10,
  ],
  [
    "a user rule names someone who signed in",
    GOOD.replace("carol@corp.example", "nobody@corp.example"),
    "accounts[0].roles[0].rules[1].user",
    12,
  ],
  [
    "a user rule's email is one user",
    GOOD.replace("carol@corp.example", "twin@corp.example"),
    "accounts[0].roles[0].rules[1].user",
    12,
  ],
  [
    "a user rule's email is one its IdP verified",
    GOOD.replace("carol@corp.example", "typed@corp.example"),
    "accounts[0].roles[0].rules[1].user",
    12,
  ],
  [
    "a rule allows the console or the CLI",
    GOOD.replace("console: true", "console: false"),
    "accounts[0].roles[0].rules[1].console",
    13,
  ],
  [
    "an expiry is in the future",
    GOOD.replace(
      "maxSessionDurationSeconds: 3600",
      "maxSessionDurationSeconds: 3600\n            expiresAt: 2020-01-01T00:00:00Z",
    ),
    "accounts[0].roles[0].rules[0].expiresAt",
    12,
  ],
  [
    "an expiry names a real date (an ISO instant on 30 February is not rolled over to March)",
    GOOD.replace(
      "maxSessionDurationSeconds: 3600",
      "maxSessionDurationSeconds: 3600\n            expiresAt: 2031-02-30T00:00:00Z",
    ),
    "accounts[0].roles[0].rules[0].expiresAt",
    12,
  ],
  [
    "a session policy is a valid IAM policy",
    GOOD.replace('Version: "2012-10-17"', 'Version: "2008"'),
    "accounts[0].roles[0].rules[1].sessionPolicy",
    15,
  ],
  [
    "unknown fields are refused, not ignored",
    GOOD.replace("environment: dev", "environment: dev\n    enviroment: prod"),
    "accounts[0].enviroment",
    6,
  ],
  [
    "an account lists a role once, whatever the letter case (IAM compares role names ignoring case)",
    GOOD.replace("      - name: Developer\n", "      - name: developer\n      - name: Developer\n"),
    "accounts[0].roles[1].name",
    8,
  ],
  [
    "an account name is used once, whatever the letter case",
    GOOD.replace(
      "accounts:\n",
      'accounts:\n  - id: "000000000001"\n    name: ACME-Dev\n    environment: dev\n',
    ),
    "accounts[1].name",
    7,
  ],
  ["the format version is 1", GOOD.replace("version: 1", "version: 2"), "version", 1],
  [
    "a key is written once",
    GOOD.replace("environment: dev", "environment: dev\n    environment: prod"),
    "(document)",
    6,
  ],
];

describe("a file with a bad entry is refused, naming the entry and its line", () => {
  it.each(BAD_ENTRIES)("%s", (_rule, text, path, line) => {
    const result = check(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.path, p.line])).toContainEqual([path, line]);
  });

  it.each([
    ["a list", "- version: 1\n- accounts: []\n"],
    ["a single value", "accounts.yaml\n"],
    ["JSON null", "null"],
  ])("a file is a map of version and accounts: %s is refused in those words", (_what, text) => {
    const result = check(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      {
        path: "(document)",
        line: 1,
        message: expect.stringMatching(/^A configuration file is a map with `version: 1`/),
      },
    ]);
  });

  it("names every bad entry, not just the first", () => {
    const text = GOOD.replace('"123456789012"', '"1"').replace(
      "maxSessionDurationSeconds: 3600",
      "maxSessionDurationSeconds: 1",
    );
    const result = check(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "accounts[0].id",
        "accounts[0].roles[0].rules[0].maxSessionDurationSeconds",
      ]),
    );
  });

  it("names the line of a JSON entry too", () => {
    const json = `{\n  "version": 1,\n  "accounts": [\n    {\n      "id": "123",\n      "name": "x",\n      "environment": "dev"\n    }\n  ]\n}`;
    const result = check(json);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toContainEqual(
        expect.objectContaining({ path: "accounts[0].id", line: 5 }),
      );
  });

  it.each([
    ["YAML syntax", "version: 1\naccounts:\n  - id: x\n    name: a: b\n", 4, 11],
    ["JSON syntax", '{\n  "version": 1,\n  "accounts": [,]\n}', 3, 16],
    [
      "YAML syntax with CRLF line ends",
      "version: 1\r\naccounts:\r\n  - id: x\r\n    name: a: b\r\n",
      4,
      11,
    ],
    ["a key written twice", "version: 1\naccounts:\n  - {id: x, id: y}\n", 3, 13],
  ])("reports %s errors with their line and column", (_what, text, line, column) => {
    const result = parseConfigText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]!.line).toBe(line);
    expect(result.problems[0]!.message).toContain(` at column ${column}:`);
  });

  it.each([
    ["YAML", `version: 1\naccounts: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`],
    ["JSON", `{"version": 1, "accounts": ${"[".repeat(20_000)}${"]".repeat(20_000)}}`],
  ])(
    "refuses %s nested too deeply in words about the file, not the parser's stack",
    (_what, text) => {
      const result = parseConfigText(text);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      for (const problem of result.problems) {
        expect(problem.message).toMatch(/nests lists or maps too deeply to read\.$/);
        expect(problem.message).not.toMatch(/call stack/);
      }
    },
  );

  it("names the missing quotes of an account id written as a number, whatever its digits", () => {
    // `012345678901` unquoted is the number 12345678901: 11 digits, not what its author wrote.
    for (const id of ["012345678901", "123456789012"]) {
      const result = check(GOOD.replace('"123456789012"', id));
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.problems).toEqual([
        expect.objectContaining({
          path: "accounts[0].id",
          line: 3,
          message: expect.stringMatching(/^Quote the account id/),
        }),
      ]);
    }
  });

  it("refuses a file of a newer format version as such, not as a typo of version 1", () => {
    const result = check(GOOD.replace("version: 1", "version: 2"));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems[0]!.message).toMatch(
        /^This file is format version 2, from a newer Gatehouse/,
      );
    const typo = check(GOOD.replace("version: 1", 'version: "1"'));
    if (!typo.ok)
      expect(typo.problems[0]!.message).toBe("This file format is version 1: write `version: 1`.");
  });

  it.each([
    ["a PNG read as text", "\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR"],
    ["a zip decoded with replacement characters", "PK\u0003\u0004\uFFFD\uFFFD\u0014\u0000"],
    ["control characters throughout", "a\u0001b\u0002c\u0003d"],
  ])("a binary file (%s) is 'not a YAML or JSON file', not a shape error", (_what, text) => {
    const result = parseConfigText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]!.message).toMatch(/^This is not a YAML or JSON file/);
  });

  it("names the line of bytes that are not UTF-8 (a file saved as Latin-1), not 'binary data'", () => {
    // A browser or the server reads such bytes as U+FFFD, the replacement character.
    const result = parseConfigText(GOOD.replace("name: Developer", "name: D\uFFFDveloper"));
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          path: "(document)",
          line: 7,
          message: expect.stringMatching(/^Line 7 is not UTF-8 text.*Save the file as UTF-8/),
        },
      ],
    });
  });

  it("refuses YAML alias bombs instead of expanding them", () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`;
    expect(parseConfigText(bomb).ok).toBe(false);
  });
});

// ---- diff --------------------------------------------------------------------------------------

function desired(): AccountState[] {
  const result = check(GOOD);
  if (!result.ok) throw new Error("GOOD is not valid");
  return result.accounts;
}

function asCurrent(accounts: AccountState[]): CurrentAccount[] {
  return accounts.map((a) => ({
    ...a,
    dbId: `db-${a.key}`,
    roles: a.roles.map((r) => ({
      ...r,
      dbId: `db-${r.key}`,
      rules: r.rules.map((x) => ({ ...x, dbId: `db-${x.key}` })),
    })),
  }));
}

describe("the diff between a file and the database", () => {
  it("is empty when they hold the same configuration, and an export re-imports unchanged", () => {
    const state = desired();
    expect(diffConfig(state, asCurrent(state)).changes).toEqual([]);
    const exported = serialiseDocument(toDocument(state, "aws"), "yaml");
    const again = check(exported);
    expect(again.ok).toBe(true);
    if (again.ok) expect(diffConfig(again.accounts, asCurrent(state)).changes).toEqual([]);
  });

  it("lists added, changed (field before → after) and removed accounts, roles and rules", () => {
    const stored = asCurrent(desired());
    const next = desired();
    next[0]!.environment = "staging";
    next[0]!.roles[0]!.rules[0]!.maxSessionDurationSeconds = 1800;
    next[0]!.roles[0]!.rules.splice(1, 1);
    next.push({
      ...next[0]!,
      key: "210987654321",
      accountId: "210987654321",
      name: "acme-prod",
      roles: [],
    });
    const diff = diffConfig(next, stored);
    expect(diff.changes.map((c) => [c.kind, c.op, c.fields])).toEqual([
      ["account", "changed", [{ field: "environment", before: "dev", after: "staging" }]],
      ["account", "added", []],
      ["rule", "removed", []],
      ["rule", "changed", [{ field: "maxSessionDurationSeconds", before: 3600, after: 1800 }]],
    ]);
    expect(diff.counts.rule).toEqual({ added: 0, changed: 1, removed: 1 });
  });

  it("removes what the file leaves out, with everything under it counted once", () => {
    const diff = diffConfig([], asCurrent(desired()));
    expect(diff.changes.map((c) => [c.kind, c.op])).toEqual([["account", "removed"]]);
  });

  it("treats a reformatted session policy as unchanged, and shows ExternalIds only as fingerprints", () => {
    const stored = asCurrent(desired());
    stored[0]!.roles[0]!.rules[1]!.sessionPolicy = JSON.stringify(
      JSON.parse(stored[0]!.roles[0]!.rules[1]!.sessionPolicy!),
      null,
      4,
    );
    const next = desired();
    next[0]!.roles[0]!.externalId = "very-secret-external-id";
    const diff = diffConfig(next, stored);
    expect(diff.changes).toHaveLength(1);
    expect(JSON.stringify(diff)).not.toContain("very-secret-external-id");
    expect(diff.changes[0]!.fields[0]).toMatchObject({
      field: "externalId",
      before: null,
      after: expect.stringMatching(/^sha256:/),
    });
  });

  it("hashes the same diff the same way, and a different diff differently", () => {
    const stored = asCurrent(desired());
    const a = desired();
    a[0]!.name = "renamed";
    const b = desired();
    b[0]!.name = "renamed-again";
    expect(diffConfig(a, stored).hash).toBe(
      diffConfig(
        desired().map((x) => ({ ...x, name: "renamed" })),
        stored,
      ).hash,
    );
    expect(diffConfig(a, stored).hash).not.toBe(diffConfig(b, stored).hash);
  });
});

describe("a role of another partition than the broker's is refused on import", () => {
  it("names the entry and says why", () => {
    const result = check(`version: 1
accounts:
  - id: "123456789012"
    name: gov
    environment: prod
    roles:
      - name: Admin
        arn: arn:aws-us-gov:iam::123456789012:role/Admin
`);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([
        expect.objectContaining({
          path: "accounts[0].roles[0].arn",
          message: expect.stringMatching(/AWS GovCloud \(US\).*broker works in AWS \(commercial\)/),
        }),
      ]);
    }
  });
});
