// Access review and explain over HTTP, and "not allowed" for the review and for configuration as
// code: alice (an admin) gets answers and CSVs; bob (signed in, not an admin) and an anonymous
// visitor are refused by every page and route on its own, learn nothing, and change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar } from "../support/cookie-jar";
import { sessionFor, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let sessions: Record<"anonymous" | "bob" | "alice", PortalSession>;

beforeAll(async () => {
  stack = await startTestStack();
  sessions = {
    anonymous: sessionFor(stack, new CookieJar()),
    bob: await signIn(stack, "bob"),
    alice: await signIn(stack, "alice"),
  };
});
afterAll(async () => {
  await stack?.stop();
});

const PROD_ADMIN = "arn:aws:iam::210987654321:role/Administrator";
const PROD_READONLY = "arn:aws:iam::210987654321:role/ReadOnly";

async function page(who: keyof typeof sessions, query: string) {
  const res = await sessions[who].request(`/admin/access${query}`);
  return { status: res.status, location: res.headers.get("location"), html: await res.text() };
}

describe("access review for alice", () => {
  it("who can reach an account: every rule with its subject, and the group's known members", async () => {
    const { status, html } = await page("alice", "?account=210987654321");
    expect(status).toBe(200);
    expect(html).toContain('data-testid="account-access"');
    expect(html).toContain("gatehouse-admins");
    // bob signed in with the developers group: he is a known member of it.
    expect(html).toContain("bob@corp.example");
    expect(html).toContain("as last asserted");
  });

  it("what a user can reach: resolveGrants over their last-asserted groups, with the rules behind it", async () => {
    const { html } = await page("alice", "?user=bob%40corp.example");
    expect(html).toContain('data-testid="user-grant"');
    expect(html).toContain("ReadOnly");
    expect(html).not.toContain(">acme-production / Administrator");
  });

  it.each([
    [
      "bob is denied the production Administrator: no rule names him or his groups",
      "bob",
      PROD_ADMIN,
      "",
      "no-rule",
    ],
    [
      "bob may use production ReadOnly through the developers group",
      "bob",
      PROD_READONLY,
      "",
      "granted",
    ],
    ["alice may use the production Administrator", "alice", PROD_ADMIN, "", "granted"],
  ])("explain: %s", async (_rule, user, arn, extra, decision) => {
    const q = new URLSearchParams({ explainUser: `${user}@corp.example`, explainRole: arn });
    const { html } = await page("alice", `?${q.toString()}${extra}`);
    expect(html).toContain(`data-decision="${decision}"`);
  });

  it("explain says when the only rule expired", async () => {
    const role = await stack.db.role.findUniqueOrThrow({
      where: { arn: PROD_READONLY },
      include: { accessRules: true },
    });
    const rule = role.accessRules.find((r) => r.groupName === "developers")!;
    await stack.db.accessRule.update({
      where: { id: rule.id },
      data: { expiresAt: new Date(Date.now() - 60_000) },
    });
    try {
      const q = new URLSearchParams({
        explainUser: "bob@corp.example",
        explainRole: PROD_READONLY,
      });
      const { html } = await page("alice", `?${q.toString()}`);
      expect(html).toContain('data-decision="expired"');
      expect(html).toContain("expired at");
    } finally {
      await stack.db.accessRule.update({ where: { id: rule.id }, data: { expiresAt: null } });
    }
  });

  it("bad input is a clear message, not a crash", async () => {
    const { status, html } = await page("alice", "?account=12345");
    expect(status).toBe(200);
    expect(html).toContain("exactly 12 digits");
  });

  it("exports both reviews as CSV (RFC 4180, no-store, attachment)", async () => {
    const byAccount = await sessions.alice.request(
      "/admin/access/export?account=210987654321&role=ReadOnly",
    );
    expect(byAccount.status).toBe(200);
    expect(byAccount.headers.get("content-type")).toContain("text/csv");
    expect(byAccount.headers.get("cache-control")).toContain("no-store");
    expect(byAccount.headers.get("content-disposition")).toContain("attachment");
    const rows = (await byAccount.text()).split("\r\n");
    expect(rows[0]).toMatch(/^account_id,account_name,/);
    expect(
      rows.some((r) => r.includes(",group,developers,") && r.includes("bob@corp.example")),
    ).toBe(true);
    const byUser = await sessions.alice.request("/admin/access/export?user=bob%40corp.example");
    const text = await byUser.text();
    expect(text).toMatch(/^user_email,/);
    expect(text).toContain("arn:aws:iam::210987654321:role/ReadOnly");
    expect(text).not.toContain(PROD_ADMIN);
  });
});

/** What would tell a non-admin something about accounts, roles, rules or who has them. */
const LEAKS = [
  "210987654321",
  "acme-production",
  "arn:aws:iam::",
  "gatehouse-admins",
  "bob@corp.example",
];

/**
 * For pages: what the request itself doesn't carry (its own URL is echoed into the page payload
 * and the sign-in redirect; the signed-in user's own email is in the header).
 */
const PAGE_LEAKS = [
  "acme-production",
  "acme-staging",
  "gatehouse-admins",
  "Full administrative access",
  "ReadOnly",
];

async function domainSnapshot(): Promise<string> {
  const [accounts, roles, rules] = await Promise.all([
    stack.db.awsAccount.findMany({ orderBy: { id: "asc" } }),
    stack.db.role.findMany({ orderBy: { id: "asc" } }),
    stack.db.accessRule.findMany({ orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ accounts, roles, rules });
}

describe("not allowed: bob and anonymous visitors", () => {
  const PAGES = [
    "/admin/access?account=210987654321",
    "/admin/access?user=alice%40corp.example",
    `/admin/access?explainUser=alice%40corp.example&explainRole=${encodeURIComponent(PROD_ADMIN)}`,
    "/admin/config",
  ];
  it.each(PAGES)("bob gets the 403 notice and nothing else at %s", async (path) => {
    const res = await sessions.bob.request(path);
    const html = await res.text();
    expect(html).toContain('data-testid="admin-forbidden"');
    for (const s of PAGE_LEAKS) expect(html.includes(s), `mentions ${s}`).toBe(false);
  });

  it.each(PAGES)("an anonymous visitor is sent to sign in from %s", async (path) => {
    const res = await sessions.anonymous.request(path);
    const html = await res.text();
    expect([303, 307, 302, 200]).toContain(res.status);
    if (res.status === 200) expect(html).toContain("NEXT_REDIRECT");
    else expect(res.headers.get("location")).toContain("/signin");
    for (const s of PAGE_LEAKS) expect(html.includes(s), `mentions ${s}`).toBe(false);
  });

  const ROUTES: Array<[string, string, RequestInit & { json?: unknown }]> = [
    ["CSV by account", "/admin/access/export?account=210987654321", {}],
    ["CSV by user", "/admin/access/export?user=alice%40corp.example", {}],
    ["config export", "/admin/config/export?format=yaml", {}],
    [
      "config dry run",
      "/admin/config/import",
      { method: "POST", json: { mode: "dry-run", text: "version: 1\naccounts: []\n" } },
    ],
    [
      "config apply",
      "/admin/config/import",
      {
        method: "POST",
        json: { mode: "apply", text: "version: 1\naccounts: []\n", expectedHash: "0".repeat(64) },
      },
    ],
  ];
  it.each(ROUTES)(
    "%s: bob gets 404, anonymous 401, nothing changes or leaks",
    async (_what, path, init) => {
      const before = await domainSnapshot();
      for (const [who, status] of [
        ["bob", 404],
        ["anonymous", 401],
      ] as const) {
        const res = await sessions[who].request(path, init);
        expect(res.status, who).toBe(status);
        const text = await res.text();
        for (const s of LEAKS) expect(text.includes(s), `${who}: mentions ${s}`).toBe(false);
      }
      expect(await domainSnapshot()).toBe(before);
    },
  );

  it("the same crafted apply from alice does change things (the control)", async () => {
    const dry = await sessions.alice.request("/admin/config/import", {
      method: "POST",
      json: { mode: "dry-run", text: "version: 1\naccounts: []\n" },
    });
    const { diff } = (await dry.json()) as { diff: { hash: string; total: number } };
    expect(diff.total).toBeGreaterThan(0);
    const cross = await sessions.alice.request("/admin/config/import", {
      method: "POST",
      json: { mode: "apply", text: "version: 1\naccounts: []\n", expectedHash: diff.hash },
      headers: { Origin: "https://evil.example" },
    });
    expect(cross.status).toBe(403);
    expect(await stack.db.awsAccount.count()).toBeGreaterThan(0);
    const res = await sessions.alice.request("/admin/config/import", {
      method: "POST",
      json: { mode: "apply", text: "version: 1\naccounts: []\n", expectedHash: diff.hash },
    });
    expect(res.status).toBe(200);
    expect(await stack.db.awsAccount.count()).toBe(0);
  });
});
