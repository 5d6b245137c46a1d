// The access review checked against issuance over HTTP: what the review (page and CSV) says a
// person can reach is what the portal then issues to them, and the CSV for the evidence folder
// says what the screen says (README "Access review").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEligibleRule } from "../support/eligible-rule";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let bob: PortalSession;
let carol: PortalSession;
let dave: PortalSession;
let prodAdmin: string;
let prodReadOnly: string;

const PROD = "210987654321";

beforeAll(async () => {
  stack = await startTestStack();
  [bob, carol, dave] = await Promise.all([
    signIn(stack, "bob"),
    signIn(stack, "carol"),
    signIn(stack, "dave"),
  ]);
  prodAdmin = await roleIdOf(stack, "acme-production", "Administrator");
  prodReadOnly = await roleIdOf(stack, "acme-production", "ReadOnly");
});
afterAll(async () => {
  await stack?.stop();
});

const credentials = (session: PortalSession, roleId: string) =>
  session.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} });

/** The auditor's view: the page's HTML or the export's text. */
async function review(path: string): Promise<{ status: number; text: string }> {
  const res = await dave.request(path);
  return { status: res.status, text: await res.text() };
}

async function personOf(email: string): Promise<string> {
  return (await stack.db.user.findFirstOrThrow({ where: { email } })).personId;
}

/** carol asks for production Administrator under an eligible rule naming her; bob approves. */
async function approvedElevation(): Promise<{ ruleId: string; requestId: string }> {
  const rule = await createEligibleRule(stack, {
    roleId: prodAdmin,
    personId: await personOf("carol@corp.example"),
  });
  const created = await carol.request("/api/access-requests", {
    method: "POST",
    json: { roleId: prodAdmin, durationSeconds: 3600, reason: "incident 7" },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const decided = await bob.request(`/api/access-requests/${id}/decision`, {
    method: "POST",
    json: { decision: "approve", comment: "" },
  });
  expect(decided.status, await decided.clone().text()).toBe(200);
  return { ruleId: rule.id, requestId: id };
}

async function removeElevation(e: { ruleId: string; requestId: string }) {
  await stack.db.accessRequest.delete({ where: { id: e.requestId } });
  await stack.db.accessRule.delete({ where: { id: e.ruleId } });
}

describe("the access review agrees with issuance", () => {
  it("who holds a role by an approved request is in the account export, as on the screen", async () => {
    const e = await approvedElevation();
    try {
      expect((await credentials(carol, prodAdmin)).status).toBe(200);
      const screen = await review(`/admin/access?account=${PROD}&role=Administrator`);
      expect(screen.text).toContain(
        `carol@corp.example holds it by approved request ${e.requestId}`,
      );
      const csv = await review(`/admin/access/export?account=${PROD}&role=Administrator`);
      expect(csv.status).toBe(200);
      const holder = csv.text.split("\r\n").find((r) => r.includes(e.requestId));
      expect(holder).toBeDefined();
      expect(holder).toContain("carol@corp.example");
    } finally {
      await removeElevation(e);
    }
  });

  it("time-bound access in the user export says until when and by which request, as on the screen", async () => {
    const e = await approvedElevation();
    try {
      const { endsAt } = await stack.db.accessRequest.findUniqueOrThrow({
        where: { id: e.requestId },
      });
      const screen = await review("/admin/access?user=carol%40corp.example");
      expect(screen.text).toContain(`by approved request ${e.requestId}`);
      const csv = await review("/admin/access/export?user=carol%40corp.example");
      const [header, ...rows] = csv.text.replace(/^\uFEFF/, "").split("\r\n");
      expect(header).toContain("until");
      expect(header).toContain("by_request");
      const admin = rows.find((r) => r.includes(":role/Administrator"));
      expect(admin).toContain(endsAt!.toISOString());
      expect(admin).toContain(e.requestId);
    } finally {
      await removeElevation(e);
    }
  });

  it("an elevation whose rule has since expired is not listed as held: issuance refuses it", async () => {
    const e = await approvedElevation();
    try {
      await stack.db.accessRule.update({
        where: { id: e.ruleId },
        data: { expiresAt: new Date(Date.now() - 60_000) },
      });
      expect((await credentials(carol, prodAdmin)).status).toBe(404);
      const screen = await review(`/admin/access?account=${PROD}&role=Administrator`);
      expect(screen.status).toBe(200);
      expect(screen.text).not.toContain("holds it by approved request");
      const csv = await review(`/admin/access/export?account=${PROD}&role=Administrator`);
      expect(csv.text).not.toContain(e.requestId);
    } finally {
      await removeElevation(e);
    }
  });

  it("a user is found by email in any letter case, as the IdP sent it", async () => {
    // bob's IdP sent his email capitalised; issuance does not care, and neither may the review.
    await stack.db.user.updateMany({
      where: { email: "bob@corp.example" },
      data: { email: "Bob@Corp.Example" },
    });
    try {
      expect((await credentials(bob, prodReadOnly)).status).toBe(200);
      const screen = await review("/admin/access?user=bob%40corp.example");
      expect(screen.text).toContain('data-testid="user-grant"');
      expect(screen.text).not.toContain("No user with this email");
      const csv = await review("/admin/access/export?user=bob%40corp.example");
      expect(csv.text).toContain(`arn:aws:iam::${PROD}:role/ReadOnly`);
      const q = new URLSearchParams({
        explainUser: "bob@corp.example",
        explainRole: `arn:aws:iam::${PROD}:role/ReadOnly`,
      });
      expect((await review(`/admin/access?${q.toString()}`)).text).toContain(
        'data-decision="granted"',
      );
    } finally {
      await stack.db.user.updateMany({
        where: { email: "Bob@Corp.Example" },
        data: { email: "bob@corp.example" },
      });
    }
  });
});
