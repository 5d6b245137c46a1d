// Browsing and exporting the audit log over HTTP as auditors do: filters in the URL, keyset pages
// that neither repeat nor skip an event while new ones arrive, CSV/JSON Lines exports that hold
// exactly the filtered rows (and enough to recompute the chain), and nothing for anyone else.
// Bob is an auditor here through GATEHOUSE_AUDITOR_GROUP=developers; carol is nobody special.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeAuditHash, type ChainedAuditRow } from "@/lib/audit/canonical-event";
import { encodeCursor } from "@/lib/audit/audit-filter-values";
import { EXPORT_COLUMNS } from "@/lib/audit/export-audit-events";
import { writeAuditEvent, type AuditEventInput } from "@/lib/audit/write-audit-event";
import {
  expectApiError,
  expectNoInternalsIn,
  parseDetails,
  storedUser,
} from "../support/portal-assertions";
import { signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

const BASE = Date.parse("2020-03-01T10:00:00.000Z");
const WINDOW = "from=2020-03-01&to=2020-03-01";
const FORMULA_AGENT = "=cmd|' /C calc'!A0";

interface Seeded {
  requestId: string;
  userId: string;
  account: string;
  roleArn: string;
  action: "console.issued" | "credentials.issued" | "access.denied";
  outcome: "success" | "denied";
  at: Date;
}

let stack: TestStack;
let alice: PortalSession;
let bob: PortalSession;
let carol: PortalSession;
let seeded: Seeded[];
let roleArns: string[];

beforeAll(async () => {
  stack = await startTestStack({ extraEnv: { GATEHOUSE_AUDITOR_GROUP: "developers" } });
  [alice, bob, carol] = [
    await signIn(stack, "alice"),
    await signIn(stack, "bob"),
    await signIn(stack, "carol"),
  ];
  const users = [
    await storedUser(stack, "alice"),
    await storedUser(stack, "bob"),
    await storedUser(stack, "carol"),
  ];
  const roles = await stack.db.role.findMany({
    include: { awsAccount: true },
    orderBy: { arn: "asc" },
  });
  roleArns = roles.map((r) => r.arn);
  seeded = [];
  // 30 events on 10 instants (three share each createdAt, so pages must break ties by id).
  for (let i = 0; i < 30; i += 1) {
    const role = roles[i % roles.length]!;
    const user = users[i % 3]!;
    const denied = i % 4 === 0;
    const s: Seeded = {
      requestId: `browse-${String(i).padStart(4, "0")}`,
      userId: user.id,
      account: role.awsAccount.accountId,
      roleArn: role.arn,
      action: denied ? "access.denied" : i % 2 ? "console.issued" : "credentials.issued",
      outcome: denied ? "denied" : "success",
      at: new Date(BASE + Math.floor(i / 3) * 60_000),
    };
    seeded.push(s);
    const input: AuditEventInput = {
      action: s.action,
      outcome: s.outcome,
      actor: actorOfStored(user),
      meta: {
        requestId: s.requestId,
        ip: "192.0.2.7",
        userAgent: i === 5 ? FORMULA_AGENT : "test-agent",
      },
      target: { awsAccountId: s.account, roleArn: s.roleArn, durationSeconds: 900 + i },
      details: { note: i === 7 ? 'comma, "quote"\nnewline' : `event ${i}` },
      at: s.at,
    };
    await writeAuditEvent(stack.db, input);
  }
});
afterAll(async () => {
  await stack?.stop();
});

/** The events a page shows, in order, and its pager links. */
async function page(session: PortalSession, query: string) {
  const res = await session.request(`/admin/audit?${query}`);
  const html = await res.text();
  const rows = [...html.matchAll(/data-testid="audit-row"[^>]*data-id="([a-z0-9]+)"/g)].map(
    (m) => m[1]!,
  );
  const link = (id: string) => {
    const tag = new RegExp(`<a [^>]*data-testid="${id}"[^>]*>`).exec(html)?.[0];
    const href = tag && /href="([^"]+)"/.exec(tag)?.[1];
    return href ? href.replace(/&amp;/g, "&").replace(/^\/admin\/audit\?/, "") : null;
  };
  return { res, html, rows, older: link("audit-older"), newer: link("audit-newer") };
}

async function idsFor(requestIds: string[]): Promise<string[]> {
  const rows = await stack.db.auditEvent.findMany({
    where: { requestId: { in: requestIds } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return rows.map((r) => r.id);
}

/** The audit actor of a stored identity, as the portal records one that signed in. */
function actorOfStored(user: {
  id: string;
  issuer: string;
  subject: string;
  email: string | null;
}): AuditEventInput["actor"] {
  return {
    userId: user.id,
    issuer: user.issuer,
    subject: user.subject,
    email: user.email,
    groups: [],
  };
}

describe("filtered browsing with keyset pages", () => {
  it("walking older pages lists every event once, newest first, while new events keep arriving", async () => {
    // No upper bound: events written during the walk match the filter too. They land at the top
    // and must neither appear in a later page nor push an event into the next page twice.
    const from = new Date(BASE);
    const expected = (
      await stack.db.auditEvent.findMany({
        where: { createdAt: { gte: from } },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { id: true },
      })
    ).map((r) => r.id);
    const seen: string[] = [];
    let query: string | null = "from=2020-03-01&limit=7";
    let pages = 0;
    while (query) {
      const p = await page(bob, query);
      expect(p.res.status).toBe(200);
      seen.push(...p.rows);
      query = p.older;
      pages += 1;
      for (let i = 0; i < 3; i += 1) {
        await writeAuditEvent(stack.db, {
          action: "console.issued",
          outcome: "success",
          actor: { userId: null, issuer: null, subject: "late", email: null, groups: null },
          meta: { requestId: `late-${pages}-${i}-000`, ip: null, userAgent: null },
        });
      }
      expect(pages).toBeLessThan(20);
    }
    expect(pages).toBe(Math.ceil(expected.length / 7));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expected);
    expect(await stack.db.auditEvent.count({ where: { requestId: { startsWith: "late-" } } })).toBe(
      pages * 3,
    );
  });

  it("the newer link from a page returns exactly the page before it", async () => {
    const first = await page(alice, `${WINDOW}&limit=7&outcome=success`);
    const second = await page(alice, first.older!);
    const third = await page(alice, second.older!);
    const back = await page(alice, third.newer!);
    expect(back.rows).toEqual(second.rows);
    expect(first.newer).toBeNull();
  });

  it("the page shows each event's chain sequence", async () => {
    const p = await page(alice, `${WINDOW}&limit=3`);
    const rows = await stack.db.auditEvent.findMany({ where: { id: { in: p.rows } } });
    for (const r of rows)
      expect(p.html).toContain(`data-id="${r.id}" data-sequence="${r.sequence}"`);
  });

  it("each row's time is unambiguous: the column says UTC and the row carries the exact instant with its zone", async () => {
    const p = await page(alice, `${WINDOW}&limit=3`);
    expect(p.html).toMatch(/<th [^>]*>Time \(UTC\)<\/th>/);
    const rows = await stack.db.auditEvent.findMany({ where: { id: { in: p.rows } } });
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      const at = r.createdAt.toISOString();
      expect(p.html).toContain(`<time dateTime="${at}" title="${at}">`);
    }
  });

  const FILTERS: Array<[string, () => string, (s: Seeded) => boolean]> = [
    ["user by email", () => "user=alice%40corp.example", (s) => s.userId === seeded[0]!.userId],
    [
      "user by email, typed in another case",
      () => "user=Alice%40CORP.example",
      (s) => s.userId === seeded[0]!.userId,
    ],
    ["user by portal id", () => `user=${seeded[1]!.userId}`, (s) => s.userId === seeded[1]!.userId],
    ["account", () => `account=${seeded[2]!.account}`, (s) => s.account === seeded[2]!.account],
    [
      "role ARN",
      () => `role=${encodeURIComponent(seeded[3]!.roleArn)}`,
      (s) => s.roleArn === seeded[3]!.roleArn,
    ],
    [
      "role name (every current role with that name)",
      () => "role=ReadOnly",
      (s) => s.roleArn.endsWith(":role/ReadOnly"),
    ],
    ["action", () => "action=console.issued", (s) => s.action === "console.issued"],
    ["outcome", () => "outcome=denied", (s) => s.outcome === "denied"],
    [
      "time range (from inclusive, to exclusive)",
      () => "from=2020-03-01T10:02&to=2020-03-01T10:05",
      (s) => s.at.getTime() >= BASE + 120_000 && s.at.getTime() < BASE + 300_000,
    ],
    [
      "account and outcome together",
      () => `account=${seeded[0]!.account}&outcome=denied`,
      (s) => s.account === seeded[0]!.account && s.outcome === "denied",
    ],
    [
      "a user with that email does not exist → nothing",
      () => "user=nobody%40corp.example",
      () => false,
    ],
  ];
  for (const [rule, query, matches] of FILTERS) {
    it(`filter: ${rule}`, async () => {
      const expected = await idsFor(seeded.filter(matches).map((s) => s.requestId));
      const q = query();
      const p = await page(bob, `${q.includes("from=") ? "" : `${WINDOW}&`}limit=200&${q}`);
      expect(p.res.status).toBe(200);
      expect(p.rows).toEqual(expected);
      if (expected.length === 0) expect(p.html).toContain("No events match these filters.");
    });
  }

  it("role-name filtering is a real narrowing (the seeded roles include ReadOnly and others)", () => {
    expect(roleArns.some((a) => a.endsWith(":role/ReadOnly"))).toBe(true);
    expect(roleArns.some((a) => !a.endsWith(":role/ReadOnly"))).toBe(true);
  });

  const BAD: Array<[string, string, string]> = [
    ["an impossible date", "from=2026-02-30", "audit-filter-error-from"],
    ["to before from", "from=2026-11-02&to=2026-11-01", "audit-filter-error-to"],
    ["a short account id", "account=1234", "audit-filter-error-account"],
    ["a forged cursor", "before=Zm9yZ2Vk", "audit-filter-errors"],
  ];
  for (const [rule, query, testId] of BAD) {
    it(`the page explains ${rule} next to the field and lists nothing`, async () => {
      const p = await page(alice, query);
      expect(p.res.status).toBe(200);
      expect(p.rows).toEqual([]);
      expect(p.html).toContain(`data-testid="${testId}"`);
      expectNoInternalsIn(p.html.replace(/<script[\s\S]*?<\/script>/g, ""));
    });
  }
});

/** RFC 4180 records (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 1;
    } else field += c;
  }
  expect(field).toBe("");
  expect(record).toEqual([]);
  return records;
}

function exported(value: unknown): string {
  if (value === null) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") return String(value);
  const text = value as string;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

describe("exports", () => {
  const account = () => seeded[0]!.account;
  const dbRows = () =>
    stack.db.auditEvent.findMany({
      where: { awsAccountId: account(), requestId: { startsWith: "browse-" } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });

  it("CSV: every filtered row and column, RFC 4180 quoting, formulas defused, streamed as a download", async () => {
    const res = await bob.request(
      `/api/admin/audit/export?format=csv&${WINDOW}&account=${account()}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="gatehouse-audit-[\dTZ-]+\.csv"$/,
    );
    const records = parseCsv(await res.text());
    expect(records[0]).toEqual([...EXPORT_COLUMNS]);
    const rows = await dbRows();
    expect(rows.length).toBeGreaterThan(3);
    expect(records.slice(1)).toEqual(
      rows.map((r) => EXPORT_COLUMNS.map((c) => exported((r as Record<string, unknown>)[c]))),
    );
    const auditLog = await stack.db.auditEvent.findFirstOrThrow({
      where: { requestId: res.headers.get("x-request-id")! },
    });
    expect(auditLog).toMatchObject({ action: "audit.exported", actorEmail: "bob@corp.example" });
    expect(parseDetails(auditLog.detailsJson)).toMatchObject({
      format: "csv",
      filter: {
        account: account(),
        from: "2020-03-01T00:00:00.000Z",
        to: "2020-03-02T00:00:00.000Z",
      },
    });
  });

  it("CSV: a user agent that is a spreadsheet formula is exported as text", async () => {
    const res = await alice.request(`/api/admin/audit/export?format=csv&${WINDOW}`);
    const text = await res.text();
    expect(text).toContain(`,'${FORMULA_AGENT},`);
    expect(text).not.toMatch(/(^|,)=cmd/m);
    expect(text).toContain('"{""note"":""comma, \\""quote\\""\\nnewline""}"');
  });

  it("CSV: the file starts with the UTF-8 byte order mark, so a spreadsheet reads it as UTF-8 (JSON Lines do not)", async () => {
    const csv = new Uint8Array(
      await (await bob.request(`/api/admin/audit/export?format=csv&${WINDOW}`)).arrayBuffer(),
    );
    expect([...csv.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(csv.slice(3, 12))).toBe("sequence,");
    const jsonl = new Uint8Array(
      await (await bob.request(`/api/admin/audit/export?format=jsonl&${WINDOW}`)).arrayBuffer(),
    );
    expect(String.fromCharCode(jsonl[0]!)).toBe("{");
  });

  it("JSON Lines: the stored values, and every hash recomputes from them", async () => {
    const res = await bob.request(
      `/api/admin/audit/export?format=jsonl&${WINDOW}&account=${account()}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const lines = (await res.text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const rows = await dbRows();
    expect(lines).toEqual(
      rows
        .map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))
        .map((r) =>
          Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, (r as Record<string, unknown>)[c]])),
        ),
    );
    for (const line of lines) {
      const row = {
        ...line,
        createdAt: new Date(line.createdAt as string),
      } as unknown as ChainedAuditRow;
      expect(computeAuditHash(line.prevHash as string, row)).toBe(line.hash);
    }
  });

  it("an export covers the whole filtered log, not the page (no limit)", async () => {
    const res = await alice.request(`/api/admin/audit/export?format=jsonl&${WINDOW}&limit=3`);
    const lines = (await res.text()).trimEnd().split("\n");
    expect(lines).toHaveLength(30);
  });

  it("HEAD: the export's headers, no body, and no audit.exported (nothing left the portal)", async () => {
    const before = await stack.db.auditEvent.count({ where: { action: "audit.exported" } });
    const res = await bob.request(
      `/api/admin/audit/export?format=csv&${WINDOW}&account=${account()}`,
      { method: "HEAD" },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; /);
    expect(await res.text()).toBe("");
    expect(await stack.db.auditEvent.count({ where: { action: "audit.exported" } })).toBe(before);
  });

  const BAD: Array<[string, string, string]> = [
    ["a bad date", "format=csv&from=last-week", "from"],
    ["an unknown format", "format=xlsx", "format"],
    ["an account with letters", "format=jsonl&account=abc", "account"],
    // A misspelt filter would otherwise export the whole log as if it were the filtered one.
    ["a parameter the export does not read (acount)", "format=csv&acount=123456789012", "acount"],
    [
      "a page cursor (an export holds every matching event, not those before a page)",
      `format=jsonl&before=${encodeCursor({ createdAt: new Date(BASE), id: "cabc" })}`,
      "before",
    ],
  ];
  for (const [rule, query, path] of BAD) {
    it(`${rule} → 400 validation_error naming ${path}, nothing exported or recorded`, async () => {
      const before = await stack.db.auditEvent.count({ where: { action: "audit.exported" } });
      const body = await expectApiError(
        await alice.request(`/api/admin/audit/export?${query}`),
        400,
        "validation_error",
      );
      expect(body.error.issues).toEqual(
        expect.arrayContaining([expect.objectContaining({ path })]),
      );
      expect(await stack.db.auditEvent.count({ where: { action: "audit.exported" } })).toBe(before);
    });
  }
});

describe("only auditors and admins read the log", () => {
  it("bob (in the auditor group) and alice (admin) get the page", async () => {
    for (const session of [alice, bob]) {
      const p = await page(session, WINDOW);
      expect(p.res.status).toBe(200);
      expect(p.rows.length).toBe(30);
    }
  });

  it("carol gets a friendly 403 page with none of the log in it", async () => {
    const res = await carol.request(`/admin/audit?${WINDOW}`);
    const html = await res.text();
    expect(res.status).toBe(403);
    expect(html).toContain("The audit log is for auditors");
    for (const leak of [
      "browse-0001",
      "audit-row",
      "console.issued",
      "192.0.2.7",
      seeded[0]!.roleArn,
    ])
      expect(html).not.toContain(leak);
  });

  it("carol's export and verify requests → 403 forbidden, nothing exported or recorded", async () => {
    const before = await stack.db.auditEvent.count({
      where: { action: { in: ["audit.exported", "audit.verified"] } },
    });
    for (const format of ["csv", "jsonl"]) {
      const res = await carol.request(`/api/admin/audit/export?format=${format}&${WINDOW}`);
      const text = await res.clone().text();
      await expectApiError(res, 403, "forbidden");
      expect(text).not.toContain("browse-");
    }
    await expectApiError(
      await carol.request("/api/admin/audit/verify", { method: "POST" }),
      403,
      "forbidden",
    );
    expect(
      await stack.db.auditEvent.count({
        where: { action: { in: ["audit.exported", "audit.verified"] } },
      }),
    ).toBe(before);
  });

  it("without a session: the page sends you to sign in, the export answers 401", async () => {
    const pageRes = await fetch(`${stack.portalUrl}/admin/audit?${WINDOW}`, { redirect: "manual" });
    expect(pageRes.status).toBeGreaterThanOrEqual(300);
    expect(pageRes.status).toBeLessThan(400);
    expect(new URL(pageRes.headers.get("location")!, stack.portalUrl).pathname).toBe("/signin");
    expect(await pageRes.text()).not.toContain("browse-");
    const res = await fetch(`${stack.portalUrl}/api/admin/audit/export?format=csv`);
    const text = await res.clone().text();
    await expectApiError(res, 401, "unauthenticated");
    expect(text).not.toContain("browse-");
  });
});

describe("the user filter finds the person", () => {
  it("an email finds every identity linked to that person, under whatever email each has", async () => {
    const aliceUser = await storedUser(stack, "alice");
    const linked = await stack.db.user.create({
      data: {
        personId: aliceUser.personId,
        linkedBy: "admin",
        issuer: "https://other-idp.example",
        subject: "alice-at-the-other-idp",
        email: "a.liddell@other.example",
        roleSessionName: "a.liddell-linked",
      },
    });
    const at = Date.parse("2019-06-01T10:00:00.000Z");
    const byIdentity = [aliceUser, linked, await storedUser(stack, "carol")];
    for (const [i, user] of byIdentity.entries())
      await writeAuditEvent(stack.db, {
        action: "console.issued",
        outcome: "success",
        actor: actorOfStored(user),
        meta: { requestId: `person-${i}`, ip: null, userAgent: null },
        at: new Date(at + i * 60_000),
      });
    const aliceRows = await idsFor(["person-0", "person-1"]);
    for (const email of ["alice%40corp.example", "A.Liddell%40other.example"]) {
      const p = await page(bob, `from=2019-06-01&to=2019-06-01&limit=200&user=${email}`);
      expect(p.rows, email).toEqual(aliceRows);
    }
  });
});
