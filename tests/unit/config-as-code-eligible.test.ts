// Eligible rules as code (docs/ACCESS-REQUESTS.md): a file says `access: eligible` and the
// request terms, checked as the admin form checks them; every term is compared, exported and
// written, so an eligible rule never comes back as a standing one (which would grant without
// approval) and export → import changes nothing.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyConfig } from "@/lib/config-as-code/apply-config";
import { diffConfig } from "@/lib/config-as-code/diff";
import { serialiseDocument, toDocument } from "@/lib/config-as-code/export-config";
import type { Tx } from "@/lib/config-as-code/insert-rows";
import { parseConfigText } from "@/lib/config-as-code/parse-text";
import type { AccountState, CurrentAccount, RuleState } from "@/lib/config-as-code/state";
import { validateDocument, type ValidationContext } from "@/lib/config-as-code/validate-document";

const NOW = new Date("2030-01-01T00:00:00Z");
const IDP = "https://idp.example";
const ctx: ValidationContext = {
  now: NOW,
  partition: "aws",
  people: {
    peopleByEmail: new Map([
      ["carol@corp.example", new Set(["p-carol"])],
      ["dana@corp.example", new Set(["p-dana"])],
      ["twin@corp.example", new Set(["p-t1", "p-t2"])],
    ]),
    unverifiedEmails: new Set(["typed@corp.example"]),
    personByIdentity: new Map([
      [`${IDP}\ncarol`, "p-carol"],
      [`${IDP}\ndana`, "p-dana"],
      [`${IDP}\ntwin1`, "p-t1"],
    ]),
    identitiesOf: new Map([
      ["p-carol", [{ issuer: IDP, subject: "carol", email: "carol@corp.example" }]],
      ["p-dana", [{ issuer: IDP, subject: "dana", email: "dana@corp.example" }]],
      ["p-t1", [{ issuer: IDP, subject: "twin1", email: "twin@corp.example" }]],
    ]),
  },
  knownIssuers: new Set([IDP]),
  previousExpiresAt: () => undefined,
};

function check(text: string) {
  const parsed = parseConfigText(text);
  if (!parsed.ok) return parsed;
  return validateDocument(parsed.parsed, ctx);
}

/** A file with one role and one rule, whose lines from `rule` on (at 10 spaces) are given. */
function file(...rule: string[]): string {
  return `version: 1
accounts:
  - id: "123456789012"
    name: acme-prod
    environment: prod
    roles:
      - name: Admin
        rules:
${rule.map((l) => `          ${l}`).join("\n")}
`;
}

const ELIGIBLE = file(
  "- group: developers", // line 9
  "  access: eligible", // 10
  "  request:", // 11
  "    approvers: [sre, dana@corp.example]", // 12
  "    approvalsRequired: 2", // 13
  "    maxElevationSeconds: 7200", // 14
);

function rulesOf(text: string): RuleState[] {
  const result = check(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.accounts[0]!.roles[0]!.rules;
}

const RULE = "accounts[0].roles[0].rules[0]";

// [what the file gets wrong, file text, expected path, expected line, message]
const REFUSED: Array<[string, string, string, number, RegExp]> = [
  [
    "more approvals than the people it names (no group): no request could be approved",
    file(
      "- group: developers",
      "  access: eligible",
      "  request:",
      "    approvers: [carol@corp.example, dana@corp.example]",
      "    approvalsRequired: 3",
    ),
    `${RULE}.request.approvalsRequired`,
    13,
    /^3 approvals are needed, but only 2 people besides the requester may approve/,
  ],
  [
    "more approvals than people: one person named twice (email and identity) approves once",
    file(
      "- group: developers",
      "  access: eligible",
      "  request:",
      "    approvers: [carol@corp.example, { idp: 'https://idp.example', subject: carol }]",
      "    approvalsRequired: 2",
    ),
    `${RULE}.request.approvalsRequired`,
    13,
    /^2 approvals are needed, but only 1 person besides the requester/,
  ],
  [
    "more approvals than people: the rule's own person never approves their request",
    file(
      "- user: carol@corp.example",
      "  access: eligible",
      "  request:",
      "    approvers: [carol@corp.example, dana@corp.example]",
      "    approvalsRequired: 2",
    ),
    `${RULE}.request.approvalsRequired`,
    13,
    /^2 approvals are needed, but only 1 person besides the requester/,
  ],
  [
    "a request block on a rule without `access`",
    file("- group: developers", "  request:", "    approvers: [sre]"),
    `${RULE}.request`,
    10,
    /`request:` is for a rule with `access: eligible`/,
  ],
  [
    "a request block on a rule that says `access: standing`",
    file("- group: developers", "  access: standing", "  request:", "    approvers: [sre]"),
    `${RULE}.request`,
    11,
    /`access: eligible`/,
  ],
  [
    "an eligible rule with no request block",
    file("- group: developers", "  access: eligible"),
    `${RULE}.request.approvers`,
    9,
    /needs `request: \{ approvers/,
  ],
  [
    "an eligible rule with an empty approver list",
    file("- group: developers", "  access: eligible", "  request:", "    approvers: []"),
    `${RULE}.request.approvers`,
    12,
    /needs `request: \{ approvers/,
  ],
  [
    "an eligible rule whose request names no approvers",
    file("- group: developers", "  access: eligible", "  request:", "    approvalsRequired: 1"),
    `${RULE}.request.approvers`,
    11,
    /needs `request: \{ approvers/,
  ],
  [
    "no approvals required",
    ELIGIBLE.replace("approvalsRequired: 2", "approvalsRequired: 0"),
    `${RULE}.request.approvalsRequired`,
    13,
    /Between 1 and 5 approvals/,
  ],
  [
    "more than 5 approvals required",
    ELIGIBLE.replace("approvalsRequired: 2", "approvalsRequired: 6"),
    `${RULE}.request.approvalsRequired`,
    13,
    /Between 1 and 5 approvals/,
  ],
  [
    "a fraction of an approval",
    ELIGIBLE.replace("approvalsRequired: 2", "approvalsRequired: 1.5"),
    `${RULE}.request.approvalsRequired`,
    13,
    /whole number/,
  ],
  [
    "approvals as text",
    ELIGIBLE.replace("approvalsRequired: 2", 'approvalsRequired: "2"'),
    `${RULE}.request.approvalsRequired`,
    13,
    /whole number of approvals/,
  ],
  [
    "an elevation shorter than 15 minutes",
    ELIGIBLE.replace("maxElevationSeconds: 7200", "maxElevationSeconds: 60"),
    `${RULE}.request.maxElevationSeconds`,
    14,
    /15 minutes/,
  ],
  [
    "an elevation longer than 24 hours",
    ELIGIBLE.replace("maxElevationSeconds: 7200", "maxElevationSeconds: 90000"),
    `${RULE}.request.maxElevationSeconds`,
    14,
    /24 hours/,
  ],
  [
    "an approver email nobody signed in with",
    ELIGIBLE.replace("dana@corp.example", "nobody@corp.example"),
    `${RULE}.request.approvers[1]`,
    12,
    /No user with the email nobody@corp\.example/,
  ],
  [
    "an approver email several people share",
    ELIGIBLE.replace("dana@corp.example", "twin@corp.example"),
    `${RULE}.request.approvers[1]`,
    12,
    /Several people .* Or name one: \{ idp, subject \}/,
  ],
  [
    "an approver identity nobody signed in as",
    ELIGIBLE.replace("dana@corp.example", `{ idp: "${IDP}", subject: ghost }`),
    `${RULE}.request.approvers[1]`,
    12,
    /No one has signed in to Gatehouse as ghost/,
  ],
  [
    "an approver group of an IdP the portal does not know",
    ELIGIBLE.replace("[sre,", "[{ group: sre, idp: https://other.example },"),
    `${RULE}.request.approvers[0].idp`,
    12,
    /knows no identity provider/,
  ],
  [
    "two approvers in one entry (the form would split them)",
    ELIGIBLE.replace("[sre, dana@corp.example]", '["sre, ops"]'),
    `${RULE}.request.approvers[0]`,
    12,
    /one group or one email per entry/,
  ],
  [
    "an approver that is not an email but has an @",
    ELIGIBLE.replace("dana@corp.example", '"dana@"'),
    `${RULE}.request.approvers`,
    12,
    /must be an email address/,
  ],
  [
    "a person as the only approver of their own rule (by email)",
    file(
      "- user: carol@corp.example",
      "  access: eligible",
      "  request:",
      "    approvers: [carol@corp.example]",
    ),
    `${RULE}.request.approvers`,
    12,
    /Nobody approves their own request/,
  ],
  [
    "a person as the only approver of their own rule (by another name of theirs)",
    file(
      "- user: carol@corp.example",
      "  access: eligible",
      "  request:",
      `    approvers: [{ idp: "${IDP}", subject: carol }, Carol@corp.example]`,
    ),
    `${RULE}.request.approvers`,
    12,
    /Nobody approves their own request/,
  ],
  [
    "a webhook that is not an http(s) URL",
    ELIGIBLE.replace(
      "approvalsRequired: 2",
      "approvalsRequired: 2\n              webhookUrl: ftp://x",
    ),
    `${RULE}.request.webhookUrl`,
    14,
    /http\(s\) URL/,
  ],
  [
    "a webhook to the cloud's instance metadata address",
    ELIGIBLE.replace(
      "approvalsRequired: 2",
      "approvalsRequired: 2\n              webhookUrl: http://169.254.169.254/latest/meta-data/",
    ),
    `${RULE}.request.webhookUrl`,
    14,
    /never sent there: 169\.254\.169\.254 is a link-local/,
  ],
  [
    "a webhook to EC2's IPv6 metadata address",
    ELIGIBLE.replace(
      "approvalsRequired: 2",
      "approvalsRequired: 2\n              webhookUrl: http://[fd00:ec2::254]/latest/",
    ),
    `${RULE}.request.webhookUrl`,
    14,
    /never sent there: fd00:ec2::254 is EC2's instance metadata address/,
  ],
  [
    "an unknown field in a request (a typo is named, not ignored)",
    ELIGIBLE.replace("approvalsRequired: 2", "approvalRequired: 2"),
    `${RULE}.request.approvalRequired`,
    13,
    /Unknown field "approvalRequired"/,
  ],
  [
    "an access other than standing or eligible",
    ELIGIBLE.replace("access: eligible", "access: sometimes"),
    `${RULE}.access`,
    10,
    /"standing" or "eligible"/,
  ],
];

describe("an eligible rule's terms are checked as the admin form checks them", () => {
  it.each(REFUSED)("refuses %s, naming the rule's place", (_what, text, at, line, message) => {
    const result = check(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual({
      path: at,
      line,
      message: expect.stringMatching(message),
    });
  });

  it("says a missing approver list once, in the file's words", () => {
    const result = check(file("- group: developers", "  access: eligible"));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toHaveLength(1);
  });

  it("reads a good eligible rule: approvers resolved (people by person), defaults filled in", () => {
    const [rule] = rulesOf(ELIGIBLE);
    expect(rule).toMatchObject({
      kind: "eligible",
      approvers: [
        { kind: "group", group: "sre", issuer: null },
        { kind: "user", personId: "p-dana", ref: { email: "dana@corp.example" } },
      ],
      approvalsRequired: 2,
      maxElevationSeconds: 7200,
      requireReason: true,
      requireTicket: false,
      requireMfaToRequest: false,
      requireMfaToApprove: false,
      breakGlass: false,
      webhookUrl: null,
    });
  });

  it("reads every term, approver groups of one IdP, and a person by identity (named once)", () => {
    const [rule] = rulesOf(
      file(
        "- user: carol@corp.example",
        "  access: eligible",
        "  request:",
        `    approvers: [{ group: sre, idp: "${IDP}" }, { idp: "${IDP}", subject: dana }, DANA@corp.example]`,
        "    approvalsRequired: 1",
        "    maxElevationSeconds: 900",
        "    requireReason: false",
        "    requireTicket: true",
        "    requireMfaToRequest: true",
        "    requireMfaToApprove: true",
        "    breakGlass: true",
        "    webhookUrl: https://hooks.corp.example/gatehouse",
      ),
    );
    expect(rule).toMatchObject({
      kind: "eligible",
      approvers: [
        { kind: "group", group: "sre", issuer: IDP },
        { kind: "user", personId: "p-dana" },
      ],
      maxElevationSeconds: 900,
      requireReason: false,
      requireTicket: true,
      requireMfaToRequest: true,
      requireMfaToApprove: true,
      breakGlass: true,
      webhookUrl: "https://hooks.corp.example/gatehouse",
    });
    expect(rule!.approvers).toHaveLength(2);
  });

  it("lets a person's rule be approved by others besides them", () => {
    const [rule] = rulesOf(
      file(
        "- user: carol@corp.example",
        "  access: eligible",
        "  request:",
        "    approvers: [carol@corp.example, sre]",
      ),
    );
    expect(rule!.kind).toBe("eligible");
  });

  it.each([
    ["no access", file("- group: developers")],
    ["access: standing", file("- group: developers", "  access: standing")],
  ])("reads a rule with %s as standing, with no terms", (_what, text) => {
    expect(rulesOf(text)[0]).toMatchObject({
      kind: "standing",
      approvers: [],
      approvalsRequired: 1,
      maxElevationSeconds: 3600,
      requireReason: true,
      breakGlass: false,
      webhookUrl: null,
    });
  });

  it("docs/sample-config.yaml has an eligible rule, and it reads as eligible", () => {
    const sample = fs.readFileSync(
      path.join(import.meta.dirname, "../../docs/sample-config.yaml"),
      "utf8",
    );
    const result = check(sample);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const rules = result.accounts.flatMap((a) => a.roles.flatMap((r) => r.rules));
    expect(rules.filter((r) => r.kind === "eligible")).toEqual([
      expect.objectContaining({
        approvers: [{ kind: "group", group: "sre", issuer: null }],
        maxElevationSeconds: 7200,
        requireTicket: true,
      }),
    ]);
  });
});

// ---- diff, export, apply -------------------------------------------------------------------------

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

function stateOf(text: string): AccountState[] {
  const result = check(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.accounts;
}

/** The desired state of ELIGIBLE with one rule edit applied. */
function edited(edit: (rule: RuleState) => void): AccountState[] {
  const state = stateOf(ELIGIBLE);
  edit(state[0]!.roles[0]!.rules[0]!);
  return state;
}

const carol = { kind: "user" as const, personId: "p-carol", ref: { email: "carol@corp.example" } };

// [term changed, edit, the one field change the diff lists]
const TERM_CHANGES: Array<[string, (r: RuleState) => void, object]> = [
  [
    "kind",
    (r) => void (r.kind = "standing"),
    { field: "kind", before: "eligible", after: "standing" },
  ],
  [
    "an approver added",
    (r) => void r.approvers.push(carol),
    {
      field: "approvers",
      before: "group sre, user dana@corp.example",
      after: "group sre, user dana@corp.example, user carol@corp.example",
    },
  ],
  [
    "an approving person replaced by another",
    (r) => void (r.approvers[1] = carol),
    { field: "approvers", after: "group sre, user carol@corp.example" },
  ],
  [
    "an approving group limited to one IdP",
    (r) => void (r.approvers[0] = { kind: "group", group: "sre", issuer: IDP }),
    { field: "approvers", after: `group sre (only from ${IDP}), user dana@corp.example` },
  ],
  [
    "approvalsRequired",
    (r) => void (r.approvalsRequired = 1),
    { field: "approvalsRequired", before: 2, after: 1 },
  ],
  [
    "maxElevationSeconds",
    (r) => void (r.maxElevationSeconds = 3600),
    { field: "maxElevationSeconds", before: 7200, after: 3600 },
  ],
  [
    "requireReason",
    (r) => void (r.requireReason = false),
    { field: "requireReason", before: true, after: false },
  ],
  [
    "requireTicket",
    (r) => void (r.requireTicket = true),
    { field: "requireTicket", before: false, after: true },
  ],
  [
    "requireMfaToRequest",
    (r) => void (r.requireMfaToRequest = true),
    { field: "requireMfaToRequest", before: false, after: true },
  ],
  [
    "requireMfaToApprove",
    (r) => void (r.requireMfaToApprove = true),
    { field: "requireMfaToApprove", before: false, after: true },
  ],
  [
    "breakGlass",
    (r) => void (r.breakGlass = true),
    { field: "breakGlass", before: false, after: true },
  ],
  [
    // Where it points and a fingerprint: the rest of a webhook URL can be the receiver's secret.
    "webhookUrl",
    (r) => void (r.webhookUrl = "https://hooks.corp.example/services/T0/XSECRETX"),
    {
      field: "webhookUrl",
      before: null,
      after: expect.stringMatching(
        /^https:\/\/hooks\.corp\.example\/services\/… \(sha256:[0-9a-f]{12}\)$/,
      ),
    },
  ],
];

describe("the diff compares a rule's kind and every request term", () => {
  it.each(TERM_CHANGES)("shows a change of %s", (_what, edit, change) => {
    const diff = diffConfig(edited(edit), asCurrent(stateOf(ELIGIBLE)));
    expect(diff.changes).toHaveLength(1);
    expect(diff.changes[0]).toMatchObject({ kind: "rule", op: "changed" });
    expect(diff.changes[0]!.fields).toEqual([expect.objectContaining(change)]);
  });

  it("shows standing → eligible as a change of kind and of each term that is not the default", () => {
    const standing = stateOf(file("- group: developers"));
    const diff = diffConfig(stateOf(ELIGIBLE), asCurrent(standing));
    expect(diff.changes.map((c) => c.fields.map((f) => [f.field, f.before, f.after]))).toEqual([
      [
        ["kind", "standing", "eligible"],
        ["approvers", null, "group sre, user dana@corp.example"],
        ["approvalsRequired", 1, 2],
        ["maxElevationSeconds", 3600, 7200],
      ],
    ]);
  });

  it.each([
    ["approvers listed in another order", (r: RuleState) => void r.approvers.reverse()],
    [
      "an approver named by another name of the same person",
      (r: RuleState) =>
        void (r.approvers[1] = {
          kind: "user",
          personId: "p-dana",
          ref: { idp: IDP, subject: "dana" },
        }),
    ],
  ])("does not count %s as a change", (_what, edit) => {
    expect(diffConfig(edited(edit), asCurrent(stateOf(ELIGIBLE))).changes).toEqual([]);
  });
});

describe("export → import of an eligible rule", () => {
  const FULL = file(
    "- user: carol@corp.example",
    "  access: eligible",
    "  request:",
    `    approvers: [sre, { group: ops, idp: "${IDP}" }, dana@corp.example]`,
    "    approvalsRequired: 3",
    "    maxElevationSeconds: 86400",
    "    requireReason: false",
    "    requireTicket: true",
    "    requireMfaToRequest: true",
    "    requireMfaToApprove: true",
    "    breakGlass: true",
    "    webhookUrl: https://hooks.corp.example/x",
  );

  it.each([
    ["defaults", ELIGIBLE],
    ["every term set", FULL],
  ])("changes nothing (%s), in YAML and JSON", (_what, text) => {
    const state = stateOf(text);
    for (const format of ["yaml", "json"] as const) {
      const again = stateOf(serialiseDocument(toDocument(state, "aws"), format));
      expect(again[0]!.roles[0]!.rules[0]!.kind).toBe("eligible");
      expect(diffConfig(again, asCurrent(state)).changes).toEqual([]);
    }
  });

  it("always writes access and approvers, and leaves out default terms", () => {
    const doc = toDocument(stateOf(ELIGIBLE), "aws");
    expect(doc.accounts[0]!.roles![0]!.rules![0]).toEqual({
      group: "developers",
      access: "eligible",
      maxSessionDurationSeconds: 3600,
      console: true,
      cli: true,
      request: {
        approvers: ["sre", "dana@corp.example"],
        approvalsRequired: 2,
        maxElevationSeconds: 7200,
      },
    });
    const standing = toDocument(stateOf(file("- group: developers")), "aws");
    expect(standing.accounts[0]!.roles![0]!.rules![0]).not.toHaveProperty("access");
    expect(standing.accounts[0]!.roles![0]!.rules![0]).not.toHaveProperty("request");
  });

  it("names an approver whose email is not theirs alone by identity, which imports back", () => {
    const state = stateOf(ELIGIBLE);
    state[0]!.roles[0]!.rules[0]!.approvers[1] = {
      kind: "user",
      personId: "p-t1",
      ref: { idp: IDP, subject: "twin1" },
    };
    const yaml = serialiseDocument(toDocument(state, "aws"), "yaml");
    expect(yaml).toContain(`subject: twin1`);
    expect(diffConfig(stateOf(yaml), asCurrent(state)).changes).toEqual([]);
  });

  it("exports an eligible rule with no approver left as one an import refuses, not as standing", () => {
    const state = stateOf(ELIGIBLE);
    state[0]!.roles[0]!.rules[0]!.approvers = [];
    const result = check(serialiseDocument(toDocument(state, "aws"), "yaml"));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toEqual([
        expect.objectContaining({ path: `${RULE}.request.approvers` }),
      ]);
  });
});

/** A transaction that records what apply-config asks of the database. */
function recordingTx() {
  const calls: Array<{ op: string; args: unknown }> = [];
  const model = (name: string) => ({
    deleteMany: (args: unknown) => (
      calls.push({ op: `${name}.deleteMany`, args }),
      Promise.resolve({ count: 0 })
    ),
    updateMany: (args: unknown) => (
      calls.push({ op: `${name}.updateMany`, args }),
      Promise.resolve({ count: 1 })
    ),
  });
  const tx = {
    awsAccount: model("awsAccount"),
    role: model("role"),
    accessRule: model("accessRule"),
    $executeRaw: (strings: TemplateStringsArray, ...values: unknown[]) => {
      calls.push({ op: "insert", args: { sql: strings.join("?"), values } });
      return Promise.resolve(1);
    },
  };
  return { tx: tx as unknown as Tx, calls };
}

async function apply(desired: AccountState[], current: CurrentAccount[]) {
  const { tx, calls } = recordingTx();
  await applyConfig(tx, {
    desired,
    current,
    diff: diffConfig(desired, current),
    actor: "admin",
    now: NOW,
  });
  return calls;
}

describe("applying writes an eligible rule's kind and terms", () => {
  it("inserts a new eligible rule as eligible, approvers as the admin editor stores them", async () => {
    const existing = asCurrent(stateOf(ELIGIBLE));
    existing[0]!.roles[0]!.rules = [];
    const calls = await apply(stateOf(ELIGIBLE), existing);
    const insert = calls.find((c) => c.op === "insert")!.args as { sql: string; values: unknown[] };
    const columns = /\(([^)]*)\) VALUES/
      .exec(insert.sql)![1]!
      .split(", ")
      .map((c) => c.replaceAll('"', ""));
    const row = Object.fromEntries(columns.map((c, i) => [c, insert.values[i]]));
    expect(row).toMatchObject({
      kind: "eligible",
      approvalsRequired: 2,
      maxElevationSeconds: 7200,
      requireReason: true,
      breakGlass: false,
      webhookUrl: null,
    });
    expect(JSON.parse(row.approversJson as string)).toEqual([
      { group: "sre", issuer: null },
      { personId: "p-dana", email: "dana@corp.example" },
    ]);
  });

  it("makes a standing rule eligible by writing every term, not only those the diff lists", async () => {
    const standing = asCurrent(stateOf(file("- group: developers")));
    const calls = await apply(stateOf(ELIGIBLE), standing);
    const update = calls.find((c) => c.op === "accessRule.updateMany")!.args as {
      data: Record<string, unknown>;
    };
    // A term left in the row by an earlier eligible version (say breakGlass) must not come back.
    expect(update.data).toMatchObject({
      kind: "eligible",
      approvalsRequired: 2,
      maxElevationSeconds: 7200,
      requireReason: true,
      requireTicket: false,
      requireMfaToRequest: false,
      requireMfaToApprove: false,
      breakGlass: false,
      webhookUrl: null,
    });
    expect(JSON.parse(update.data.approversJson as string)).toHaveLength(2);
  });

  it("changes only what differs when no term changed", async () => {
    const calls = await apply(
      edited((r) => void (r.description = "edited")),
      asCurrent(stateOf(ELIGIBLE)),
    );
    const update = calls.find((c) => c.op === "accessRule.updateMany")!.args as {
      data: Record<string, unknown>;
    };
    expect(Object.keys(update.data).sort()).toEqual(["description", "updatedBy", "version"]);
  });
});
