// Access review and explain over HTTP: alice (an admin) gets answers and CSVs. Who is refused
// them is in admin-not-allowed.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatUtc } from "@/components/utc-time";
import { signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let sessions: Record<"bob" | "alice", PortalSession>;

beforeAll(async () => {
  stack = await startTestStack();
  sessions = {
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
    const expiredAt = new Date(Date.now() - 60_000);
    await stack.db.accessRule.update({ where: { id: rule.id }, data: { expiresAt: expiredAt } });
    try {
      const q = new URLSearchParams({
        explainUser: "bob@corp.example",
        explainRole: PROD_READONLY,
      });
      const { html } = await page("alice", `?${q.toString()}`);
      expect(html).toContain('data-decision="expired"');
      // Written as every page writes a time: in the verdict, and in the rules table's column.
      expect(html).toContain(`expired at ${formatUtc(expiredAt)}`);
      expect(html).toContain(
        `<time dateTime="${expiredAt.toISOString()}" title="${formatUtc(expiredAt, "second")}">${formatUtc(expiredAt)}</time> (expired)`,
      );
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
