// Configuration as code over HTTP, against the real server and database: export → import is a
// no-op; a file with one bad entry changes nothing and names the entry and its line; a realistic
// change applies in one transaction with one audit event; a dry run gone stale is refused; the
// sample file imports cleanly; an eligible rule imports as eligible, with every term; a large file
// (1,600 rules; 50,000 in npm run bench:config) imports in one transaction, and not at all when
// its last entry is invalid.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "@/dev/local-stack";
import { signIn, type PortalSession } from "../support/portal-client";
import { createTypedEmailIdentity } from "../support/typed-email-identity";
import { startTestStack, type TestStack } from "../support/stack";
import { generatedConfig } from "../support/generated-config";

let stack: TestStack;
let alice: PortalSession;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await signIn(stack, "alice");
});
afterAll(async () => {
  await stack?.stop();
});

interface Diff {
  hash: string;
  total: number;
  counts: Record<"account" | "role" | "rule", Record<"added" | "changed" | "removed", number>>;
  changes: Array<{
    kind: string;
    op: string;
    label: string;
    fields: Array<{ field: string; before: unknown; after: unknown }>;
  }>;
}
interface Reply {
  status: number;
  requestId: string | null;
  body: {
    ok: boolean;
    applied?: boolean;
    reason?: string;
    diff?: Diff;
    problems?: Array<{ path: string; line: number | null; message: string }>;
  };
}

async function importFile(
  mode: "dry-run" | "apply",
  text: string,
  expectedHash?: string,
): Promise<Reply> {
  const res = await alice.request("/admin/config/import", {
    method: "POST",
    json: { mode, text, ...(expectedHash ? { expectedHash } : {}) },
  });
  return {
    status: res.status,
    requestId: res.headers.get("x-request-id"),
    body: (await res.json()) as Reply["body"],
  };
}

async function exportFile(format: "yaml" | "json"): Promise<string> {
  const res = await alice.request(`/admin/config/export?format=${format}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toContain("no-store");
  expect(res.headers.get("content-disposition")).toMatch(
    new RegExp(`^attachment; filename="gatehouse-config-[\\d-]+\\.${format}"$`),
  );
  return res.text();
}

/** Dry run, then apply exactly what was reviewed. */
async function dryRunAndApply(text: string): Promise<{ dry: Reply; applied: Reply }> {
  const dry = await importFile("dry-run", text);
  expect(dry.status, JSON.stringify(dry.body.problems?.slice(0, 5))).toBe(200);
  const applied = await importFile("apply", text, dry.body.diff!.hash);
  return { dry, applied };
}

async function snapshot(): Promise<string> {
  const [accounts, roles, rules] = await Promise.all([
    stack.db.awsAccount.findMany({ orderBy: { id: "asc" } }),
    stack.db.role.findMany({ orderBy: { id: "asc" } }),
    stack.db.accessRule.findMany({ orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ accounts, roles, rules });
}

async function importEvents(requestId: string | null) {
  return stack.db.auditEvent.findMany({
    where: { action: "admin.config.imported", ...(requestId ? { requestId } : {}) },
  });
}

describe("export and re-import", () => {
  it.each(["yaml", "json"] as const)(
    "an export (%s) imports back as a no-op: the diff is empty",
    async (format) => {
      const text = await exportFile(format);
      expect(text).toContain("210987654321");
      const dry = await importFile("dry-run", text);
      expect(dry.status).toBe(200);
      expect(dry.body.diff!.total).toBe(0);
    },
  );

  it("an email that only identities whose IdP did not verify it carry names nobody: refused saying so; such a person is exported by IdP and subject", async () => {
    const typed = await createTypedEmailIdentity(stack, "Erin.Typed@corp.example");
    const { issuer } = typed;
    type Doc = { accounts: Array<{ roles: Array<{ rules: Array<Record<string, unknown>> }> }> };
    const withRule = (rule: Record<string, unknown>) => {
      const doc = JSON.parse(original) as Doc;
      doc.accounts[0]!.roles[0]!.rules.push(rule);
      return JSON.stringify(doc);
    };
    const original = await exportFile("json");
    try {
      const refused = await importFile("dry-run", withRule({ user: "erin.typed@corp.example" }));
      expect(refused.status).toBe(400);
      expect(refused.body.problems?.map((p) => p.message).join(" ")).toContain("did not verify");

      // Named by IdP and subject instead, the rule applies, and exports back the same way.
      const byIdentity = { user: { idp: issuer, subject: "erin-typed-email" } };
      const { applied } = await dryRunAndApply(withRule(byIdentity));
      expect(applied.status).toBe(200);
      const exported = await exportFile("json");
      expect(exported).toContain('"subject": "erin-typed-email"');
      expect(exported).not.toContain("Erin.Typed@corp.example");
    } finally {
      await dryRunAndApply(original);
      await typed.remove();
    }
  });

  it("exports the same bytes twice (deterministic order)", async () => {
    expect(await exportFile("yaml")).toBe(await exportFile("yaml"));
  });

  it("exports the demo's eligible rule as eligible, with its terms, and it imports back unchanged", async () => {
    const doc = JSON.parse(await exportFile("json")) as ExportedDoc;
    const analyst = doc.accounts
      .find((a) => a.id === "210987654321")!
      .roles.find((r) => r.name === "DataAnalyst")!;
    expect(analyst.rules).toEqual([
      expect.objectContaining({
        user: "carol@corp.example",
        access: "eligible",
        request: {
          approvers: ["gatehouse-admins"],
          approvalsRequired: 1,
          maxElevationSeconds: 14400,
        },
      }),
    ]);
    expect((await importFile("dry-run", JSON.stringify(doc))).body.diff!.total).toBe(0);
  });
});

describe("a file with a bad entry changes nothing", () => {
  it("names the bad entry with its path and line, and apply refuses it too", async () => {
    const before = await snapshot();
    const good = await exportFile("yaml");
    const lines = good.split("\n");
    const at = lines.findIndex((l) => /^\s+- group: developers$/.test(l));
    expect(at).toBeGreaterThan(0);
    // The exported rule's next line is its duration: make it one IAM refuses.
    expect(lines[at + 1]).toMatch(/^\s+maxSessionDurationSeconds: \d+$/);
    lines[at + 1] = lines[at + 1]!.replace(/\d+$/, "60");
    const bad = lines.join("\n").replace("environment: prod", "environment: PRODUCTION!");
    const dry = await importFile("dry-run", bad);
    expect(dry.status).toBe(400);
    expect(dry.body.reason).toBe("invalid");
    const problems = dry.body.problems!;
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: expect.stringMatching(
          /^accounts\[\d+\]\.roles\[\d+\]\.rules\[\d+\]\.maxSessionDurationSeconds$/,
        ),
        line: at + 2,
      }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({ path: expect.stringMatching(/^accounts\[\d+\]\.environment$/) }),
    );
    const apply = await importFile("apply", bad, "0".repeat(64));
    expect(apply.status).toBe(400);
    expect(await snapshot()).toBe(before);
  });
});

describe("applying a change", () => {
  it("applies every change of a realistic edit atomically, with one audit event listing counts", async () => {
    const text = await exportFile("json");
    const doc = JSON.parse(text) as {
      accounts: Array<{
        id: string;
        environment: string;
        description?: string;
        roles: Array<{ name: string; rules: Array<Record<string, unknown>> }>;
      }>;
    };
    const staging = doc.accounts.find((a) => a.id === "345678901234")!;
    staging.description = "Staging, edited as code";
    staging.roles.push({
      name: "Auditor",
      rules: [{ group: "auditors", cli: false, maxSessionDurationSeconds: 1800 }],
    });
    const prod = doc.accounts.find((a) => a.id === "210987654321")!;
    const readOnly = prod.roles.find((r) => r.name === "ReadOnly")!;
    readOnly.rules[0]!.maxSessionDurationSeconds = 1800;
    const eventsBefore = (await importEvents(null)).length;
    const { dry, applied } = await dryRunAndApply(JSON.stringify(doc));
    expect(dry.body.diff!.counts).toMatchObject({
      account: { changed: 1 },
      role: { added: 1 },
      rule: { added: 1, changed: 1 },
    });
    expect(applied.status).toBe(200);
    expect(applied.body.applied).toBe(true);
    const role = await stack.db.role.findFirstOrThrow({
      where: { name: "Auditor", awsAccount: { accountId: "345678901234" } },
      include: { accessRules: true },
    });
    expect(role.accessRules).toMatchObject([
      { groupName: "auditors", allowCli: false, maxSessionDurationSeconds: 1800 },
    ]);
    const events = await importEvents(applied.requestId);
    expect(events).toHaveLength(1);
    expect((await importEvents(null)).length).toBe(eventsBefore + 1);
    const details = JSON.parse(events[0]!.detailsJson) as { counts: unknown; diffHash: string };
    expect(details.counts).toEqual(dry.body.diff!.counts);
    expect(details.diffHash).toBe(dry.body.diff!.hash);
    // And what is stored now exports and re-imports as a no-op.
    expect((await importFile("dry-run", await exportFile("yaml"))).body.diff!.total).toBe(0);
  });

  it("refuses a dry run that went stale (someone changed the database since), changing nothing", async () => {
    const text = (await exportFile("yaml")).replace(
      "name: acme-sandbox",
      "name: acme-sandbox-renamed",
    );
    const dry = await importFile("dry-run", text);
    expect(dry.body.diff!.total).toBe(1);
    await stack.db.awsAccount.update({
      where: { accountId: "456789012345" },
      data: { name: "changed-by-someone-else", version: { increment: 1 } },
    });
    const before = await snapshot();
    const apply = await importFile("apply", text, dry.body.diff!.hash);
    expect(apply.status).toBe(409);
    expect(apply.body.reason).toBe("stale");
    expect(apply.body.diff!.changes[0]!.fields).toEqual([
      { field: "name", before: "changed-by-someone-else", after: "acme-sandbox-renamed" },
    ]);
    expect(await snapshot()).toBe(before);
    expect(await importEvents(apply.requestId)).toHaveLength(0);
  });

  it("imports docs/sample-config.yaml cleanly, replacing the whole configuration", async () => {
    const sample = fs.readFileSync(path.join(ROOT, "docs/sample-config.yaml"), "utf8");
    const { dry, applied } = await dryRunAndApply(sample);
    expect(dry.body.diff!.total).toBeGreaterThan(0);
    expect(applied.status).toBe(200);
    expect(await stack.db.awsAccount.count()).toBe(3);
    const deploy = await stack.db.role.findFirstOrThrow({ where: { name: "DeployFromCI" } });
    expect(deploy.arn).toBe("arn:aws:iam::345678901234:role/ci/DeployFromCI");
    expect((await importFile("dry-run", sample)).body.diff!.total).toBe(0);
    // The ExternalId is in the database, but never in the audit log.
    const events = await importEvents(applied.requestId);
    expect(events[0]!.detailsJson).not.toContain("acme-staging-ci-7f3e");
  });

  it("the import's audit event records each change's fields before and after, as an editor's save does", async () => {
    const doc = JSON.parse(await exportFile("json")) as ExportedDoc;
    const prod = doc.accounts.find((a) => a.id === "210987654321")!;
    const sre = prod.roles
      .find((r) => r.name === "ReadOnly")!
      .rules.find((r) => r.group === "sre")!;
    const from = sre.maxSessionDurationSeconds;
    sre.maxSessionDurationSeconds = 7200;
    const billing = prod.roles.find((r) => r.name === "BillingViewer")!;
    const finance = billing.rules.find((r) => r.group === "finance")!;
    billing.rules = [{ group: "auditors", cli: false, maxSessionDurationSeconds: 1800 }];
    const { applied } = await dryRunAndApply(JSON.stringify(doc));
    expect(applied.status).toBe(200);
    const [event] = await importEvents(applied.requestId);
    const details = JSON.parse(event!.detailsJson) as { changes: { listed: unknown[] } };
    expect(details.changes.listed).toEqual(
      expect.arrayContaining([
        {
          change: "changed rule 210987654321/ReadOnly → group sre",
          before: { maxSessionDurationSeconds: from },
          after: { maxSessionDurationSeconds: 7200 },
        },
        {
          change: "removed rule 210987654321/BillingViewer → group finance",
          before: expect.objectContaining({
            subject: "group finance",
            allowCli: finance.cli,
            maxSessionDurationSeconds: finance.maxSessionDurationSeconds,
            sessionPolicy: JSON.stringify(finance.sessionPolicy),
          }),
          after: null,
        },
        {
          change: "added rule 210987654321/BillingViewer → group auditors",
          before: null,
          after: expect.objectContaining({
            subject: "group auditors",
            allowConsole: true,
            allowCli: false,
            maxSessionDurationSeconds: 1800,
            kind: "standing",
          }),
        },
      ]),
    );
  });

  it("a dry run warns of each rule it adds or changes that allows longer sessions than its role (capped), as the editors do", async () => {
    const doc = JSON.parse(await exportFile("json")) as ExportedDoc;
    const a = doc.accounts.findIndex((x) => x.id === "210987654321");
    const r = doc.accounts[a]!.roles.findIndex((x) => x.name === "Administrator");
    const rules = doc.accounts[a]!.roles[r]!.rules;
    rules.push({ group: "sre-oncall", maxSessionDurationSeconds: 43_200 });
    const text = JSON.stringify(doc, null, 2);
    const groupLine = text.split("\n").findIndex((l) => l.includes('"sre-oncall"')) + 1;
    const dry = await importFile("dry-run", text);
    expect(dry.status).toBe(200);
    expect((dry.body.diff as unknown as { warnings: unknown }).warnings).toEqual([
      {
        path: `accounts[${a}].roles[${r}].rules[${rules.length - 1}].maxSessionDurationSeconds`,
        line: groupLine + 1,
        message:
          "This rule allows 43200 s, but the role's maximum is 3600 s: sessions are capped at 3600 s.",
      },
    ]);
    // A rule the import leaves as it is is not warned of again.
    const same = await importFile("dry-run", await exportFile("json"));
    expect((same.body.diff as unknown as { warnings: unknown }).warnings).toEqual([]);
  });
});

type ExportedDoc = {
  accounts: Array<{
    id: string;
    roles: Array<{ name: string; rules: Array<Record<string, unknown>> }>;
  }>;
};

// docs/ACCESS-REQUESTS.md: an eligible rule in a file stays eligible in the database (imported as
// standing it would grant without approval), and each of its terms is written.
describe("eligible rules as code", () => {
  const stagingDeveloper = (doc: ExportedDoc) =>
    doc.accounts.find((a) => a.id === "345678901234")!.roles.find((r) => r.name === "Developer")!;
  const storedRules = () =>
    stack.db.accessRule.findMany({
      where: { role: { name: "Developer", awsAccount: { accountId: "345678901234" } } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });

  it("an imported eligible rule is eligible, not standing, with every term; it exports back unchanged", async () => {
    const doc = JSON.parse(await exportFile("json")) as ExportedDoc;
    stagingDeveloper(doc).rules.push({
      user: "bob@corp.example",
      access: "eligible",
      maxSessionDurationSeconds: 3600,
      request: {
        approvers: ["sre", "alice@corp.example"],
        approvalsRequired: 2,
        maxElevationSeconds: 7200,
        requireReason: false,
        requireTicket: true,
        requireMfaToRequest: true,
        requireMfaToApprove: true,
        breakGlass: true,
        webhookUrl: "https://hooks.corp.example/gatehouse",
      },
    });
    const { dry, applied } = await dryRunAndApply(JSON.stringify(doc));
    expect(dry.body.diff!.counts.rule).toEqual({ added: 1, changed: 0, removed: 0 });
    expect(applied.status).toBe(200);
    const [bob, alice] = await Promise.all([
      stack.db.user.findFirstOrThrow({ where: { email: "bob@corp.example" } }),
      stack.db.user.findFirstOrThrow({ where: { email: "alice@corp.example" } }),
    ]);
    const rule = (await storedRules()).find((r) => r.personId === bob.personId)!;
    expect(rule).toMatchObject({
      kind: "eligible",
      approvalsRequired: 2,
      maxElevationSeconds: 7200,
      requireReason: false,
      requireTicket: true,
      requireMfaToRequest: true,
      requireMfaToApprove: true,
      breakGlass: true,
      webhookUrl: "https://hooks.corp.example/gatehouse",
    });
    expect(JSON.parse(rule.approversJson)).toEqual([
      { group: "sre", issuer: null },
      { personId: alice.personId, email: "alice@corp.example" },
    ]);
    const yaml = await exportFile("yaml");
    expect(yaml).toContain("access: eligible");
    expect((await importFile("dry-run", yaml)).body.diff!.total).toBe(0);
  });

  it("makes a standing rule eligible and changes a term, field by field, and applies both", async () => {
    const doc = JSON.parse(await exportFile("json")) as ExportedDoc;
    const rules = stagingDeveloper(doc).rules;
    const developers = rules.find((r) => r.group === "developers")!;
    expect(developers).not.toHaveProperty("access");
    developers.access = "eligible";
    developers.request = { approvers: ["sre"] };
    const bobs = rules.find((r) => r.user === "bob@corp.example")!;
    delete (bobs.request as Record<string, unknown>).breakGlass;
    const { dry, applied } = await dryRunAndApply(JSON.stringify(doc));
    const fields = dry.body.diff!.changes.map((c) => c.fields);
    expect(fields).toContainEqual(
      expect.arrayContaining([{ field: "kind", before: "standing", after: "eligible" }]),
    );
    expect(fields).toContainEqual([{ field: "breakGlass", before: true, after: false }]);
    expect(applied.status).toBe(200);
    const stored = await storedRules();
    const group = stored.find((r) => r.groupName === "developers")!;
    expect(group).toMatchObject({ kind: "eligible", approvalsRequired: 1, breakGlass: false });
    expect(JSON.parse(group.approversJson)).toEqual([{ group: "sre", issuer: null }]);
    expect(stored.find((r) => r.personId !== null)).toMatchObject({ breakGlass: false });
    expect((await importFile("dry-run", await exportFile("yaml"))).body.diff!.total).toBe(0);
  });

  it("refuses a request block on a rule that lost `access: eligible`, changing nothing", async () => {
    const text = (await exportFile("yaml")).replace(/^ +access: eligible\n/m, "");
    const dry = await importFile("dry-run", text);
    expect(dry.status).toBe(400);
    expect(dry.body.problems).toContainEqual(
      expect.objectContaining({
        path: expect.stringMatching(/^accounts\[\d+\]\.roles\[\d+\]\.rules\[\d+\]\.request$/),
        line: expect.any(Number),
      }),
    );
    const before = await snapshot();
    expect((await importFile("apply", text, "0".repeat(64))).status).toBe(400);
    expect(await snapshot()).toBe(before);
  });
});

/** Counts, summed versions and latest edits: equal fingerprints mean no row was added, removed or changed. */
async function fingerprint(): Promise<string> {
  const [accounts, roles, rules] = await Promise.all([
    stack.db.awsAccount.aggregate({
      _count: true,
      _sum: { version: true },
      _max: { updatedAt: true },
    }),
    stack.db.role.aggregate({ _count: true, _sum: { version: true }, _max: { updatedAt: true } }),
    stack.db.accessRule.aggregate({
      _count: true,
      _sum: { version: true, maxSessionDurationSeconds: true },
      _max: { updatedAt: true },
    }),
  ]);
  return JSON.stringify({ accounts, roles, rules });
}

// Rules of one subject on one role are told apart by their terms, not only their rank: leaving
// out the first of two keeps the second's row, and the access requests made under it.
describe("two rules for one group on one role", () => {
  it("removing the first removes that rule, not the second's row under the first's terms", async () => {
    const doc = JSON.parse(await exportFile("json")) as ExportedDoc;
    const role = doc.accounts.find((a) => a.id === "345678901234")!.roles[0]!;
    role.rules.push(
      { group: "oncall", maxSessionDurationSeconds: 1800 },
      { group: "oncall", access: "eligible", request: { approvers: ["sre"] } },
    );
    expect((await dryRunAndApply(JSON.stringify(doc))).applied.status).toBe(200);
    const oncallRules = () =>
      stack.db.accessRule.findMany({ where: { groupName: "oncall" }, orderBy: { id: "asc" } });
    const eligible = (await oncallRules()).find((r) => r.kind === "eligible")!;

    role.rules = role.rules.filter((r) => !(r.group === "oncall" && r.access !== "eligible"));
    const { dry, applied } = await dryRunAndApply(JSON.stringify(doc));
    expect(dry.body.diff!.changes.map((c) => [c.op, c.label])).toEqual([
      ["removed", `rule 345678901234/${role.name} → group oncall`],
    ]);
    expect(applied.status).toBe(200);
    expect(await oncallRules()).toEqual([
      expect.objectContaining({ id: eligible.id, kind: "eligible", version: eligible.version }),
    ]);
  });
});

describe("a large import", () => {
  // The query engine refuses a SQLite statement with more than 999 parameters: many changed or
  // removed rows must go in several statements.
  it("changes 1,100 rules, then removes 1,050 accounts, in one apply each", async () => {
    const text = generatedConfig(1100, 1, 1, 600000000000);
    expect((await dryRunAndApply(text)).applied.status).toBe(200);
    const longer = text.replaceAll(
      "maxSessionDurationSeconds: 900",
      "maxSessionDurationSeconds: 1800",
    );
    const edit = await dryRunAndApply(longer);
    expect(edit.dry.body.diff!.counts.rule.changed).toBe(1100);
    expect(edit.applied.status).toBe(200);
    expect(
      await stack.db.accessRule.count({ where: { maxSessionDurationSeconds: 1800, version: 2 } }),
    ).toBe(1100);
    const fewer = await dryRunAndApply(generatedConfig(50, 1, 1, 600000000000));
    expect(fewer.dry.body.diff!.counts.account.removed).toBe(1050);
    expect(fewer.applied.status).toBe(200);
    expect(await stack.db.awsAccount.count()).toBe(50);
    expect(await stack.db.accessRule.count()).toBe(50);
  });

  // At a size past SQLite's bound variables per statement; 50,000 rules is bench:config's.
  it("imports 400 accounts, 800 roles and 1,600 rules in one transaction; with its last entry invalid, nothing", async () => {
    const timings: string[] = [];
    const timed = async <T>(phase: string, run: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await run();
      timings.push(`${phase} ${Math.round(performance.now() - started)} ms`);
      return result;
    };
    const text = generatedConfig(400, 2, 2);
    const eventsBefore = (await importEvents(null)).length;

    const dry = await timed("dry run", () => importFile("dry-run", text));
    expect(dry.status, JSON.stringify(dry.body.problems?.slice(0, 5))).toBe(200);
    expect(dry.body.diff!.counts).toMatchObject({
      account: { added: 400 },
      role: { added: 800 },
      rule: { added: 1_600 },
    });
    const applied = await timed("apply", () => importFile("apply", text, dry.body.diff!.hash));
    expect(applied.status).toBe(200);
    expect(applied.body.applied).toBe(true);
    expect(await stack.db.awsAccount.count()).toBe(400);
    expect(await stack.db.role.count()).toBe(800);
    expect(await stack.db.accessRule.count()).toBe(1_600);
    // One transaction, one audit event, whose counts are the reviewed diff's.
    const events = await importEvents(applied.requestId);
    expect(events).toHaveLength(1);
    expect((await importEvents(null)).length).toBe(eventsBefore + 1);
    const details = JSON.parse(events[0]!.detailsJson) as { counts: unknown; diffHash: string };
    expect(details.counts).toEqual(dry.body.diff!.counts);

    // An edit touching hundreds of rules whose very last entry is invalid changes nothing at all, and
    // the refusal names that entry by path and line.
    const lines = text
      .replaceAll("maxSessionDurationSeconds: 900", "maxSessionDurationSeconds: 1800")
      .trimEnd()
      .split("\n");
    const at = lines.length - 2;
    expect(lines[at]).toMatch(/^ {12}maxSessionDurationSeconds: \d+$/);
    lines[at] = lines[at]!.replace(/\d+$/, "60");
    const before = await fingerprint();
    const refused = await timed("refused apply", () =>
      importFile("apply", `${lines.join("\n")}\n`, dry.body.diff!.hash),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([
      expect.objectContaining({
        path: "accounts[399].roles[1].rules[1].maxSessionDurationSeconds",
        line: at + 1,
      }),
    ]);
    expect(await fingerprint()).toBe(before);
    expect((await importEvents(null)).length).toBe(eventsBefore + 1);
    console.log(
      `[config-import] ${stack.database}: 1,600 rules (${Math.round(text.length / 1024)} KiB): ${timings.join(", ")}`,
    );
  }, 120_000);
});
