// Admin → People → link, and the approvals it turns into self-approvals (docs/ACCESS-REQUESTS.md
// invariant 3): once the identity that approved a request belongs to the requester's person, an
// elevation that approval carried ends at once, in the link's transaction; one that other people's
// approvals still carry keeps running, and a pending request just stops counting it. Likewise when
// two identities that each approved someone else's request are linked into one person: one human
// met a two-person rule alone (the IdP migration case: the same approver with OIDC and with SAML).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_GROUP } from "@/dev/demo-users";
import { expectApiError, parseDetails, storedUser } from "../support/portal-assertions";
import { roleIdOf, sessionFor, signIn, type PortalSession } from "../support/portal-client";
import { signInWithDemoSaml } from "../support/saml-portal";
import { act } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;
let bob: PortalSession;
let carol: PortalSession;

beforeAll(async () => {
  stack = await startTestStack({ saml: true });
  [alice, bob, carol] = [
    await signIn(stack, "alice"),
    await signIn(stack, "bob"),
    await signIn(stack, "carol"),
  ];
});
afterAll(async () => {
  await stack?.stop();
});

async function file(roleId: string): Promise<string> {
  const res = await carol.request("/api/access-requests", {
    method: "POST",
    json: { roleId, durationSeconds: 3600, reason: "maintenance" },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return (JSON.parse(text) as { id: string }).id;
}

async function approve(who: PortalSession, id: string): Promise<void> {
  const res = await who.request(`/api/access-requests/${id}/decision`, {
    method: "POST",
    json: { decision: "approve", comment: "" },
  });
  expect(res.status, await res.text()).toBe(200);
}

describe("linking an approver's identity to the requester", () => {
  it("ends the elevations that approval carried; others' approvals still carry theirs; audited", async () => {
    const [bobUser, carolUser] = await Promise.all([
      storedUser(stack, "bob"),
      storedUser(stack, "carol"),
    ]);
    const roleNames = [
      ["acme-production", "Administrator"],
      ["acme-staging", "Administrator"],
      ["acme-security", "SecurityAudit"],
      ["acme-staging", "Developer"],
    ] as const;
    const roles = await Promise.all(roleNames.map(([a, r]) => roleIdOf(stack, a, r)));
    // carol may request each; bob (by person) and the admins (alice) approve.
    const cases = [
      { name: "approved by bob alone", approvalsRequired: 1, by: [bob], after: "revoked" },
      { name: "bob and alice, 2 needed", approvalsRequired: 2, by: [bob, alice], after: "revoked" },
      { name: "approved by alice alone", approvalsRequired: 1, by: [alice], after: "approved" },
      { name: "pending, bob's approval of 2", approvalsRequired: 2, by: [bob], after: "pending" },
    ];
    const ids: string[] = [];
    for (const [i, c] of cases.entries()) {
      await stack.db.accessRule.create({
        data: {
          roleId: roles[i]!,
          personId: carolUser.personId,
          kind: "eligible",
          approversJson: JSON.stringify([
            { personId: bobUser.personId, email: "bob@corp.example" },
            { group: ADMIN_GROUP },
          ]),
          approvalsRequired: c.approvalsRequired,
          maxElevationSeconds: 3600,
          maxSessionDurationSeconds: 3600,
        },
      });
      const id = await file(roles[i]!);
      for (const who of c.by) await approve(who, id);
      ids.push(id);
    }
    const elevated = await carol.request(`/api/roles/${roles[0]}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(elevated.status, "bob's approval grants before the link").toBe(200);

    const reply = await act(alice, {
      name: "linkIdentity",
      page: () => "/admin/people",
      fields: () => ({ personId: carolUser.personId, identityId: bobUser.id, q: "" }),
    });
    expect(reply.redirect).toContain("notice=linked");

    for (const [i, c] of cases.entries()) {
      const r = await stack.db.accessRequest.findUniqueOrThrow({ where: { id: ids[i]! } });
      expect(r.state, c.name).toBe(c.after);
      const revokedEvents = await stack.db.auditEvent.count({
        where: { action: "elevation.revoked", detailsJson: { contains: ids[i]! } },
      });
      expect(revokedEvents, c.name).toBe(c.after === "revoked" ? 1 : 0);
      if (c.after === "revoked") {
        expect(r.closedBy, c.name).toBe("alice@corp.example");
        expect(r.closedComment, c.name).toMatch(/linked to the requester/);
      }
    }
    const issue = (roleId: string) =>
      carol.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} });
    await expectApiError(await issue(roles[0]!), 404, "not_found");
    await expectApiError(await issue(roles[1]!), 404, "not_found");
    expect((await issue(roles[2]!)).status, "alice's approval still carries it").toBe(200);
    // The pending one: bob's approval, now carol's own, no longer counts.
    const mine = (await (await carol.request("/api/access-requests")).json()) as {
      mine: Array<{ id: string; status: string; approvals: number }>;
    };
    expect(mine.mine.find((r) => r.id === ids[3])).toMatchObject({
      status: "pending",
      approvals: 0,
    });

    const audit = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "admin.person.linked" },
      orderBy: { sequence: "desc" },
    });
    expect(parseDetails(audit.detailsJson)).toMatchObject({
      person: carolUser.personId,
      previousPerson: bobUser.personId,
      selfApprovedElevationsEnded: 2,
    });
  });
});

describe("linking two approvers' identities into one person", () => {
  it("ends the elevations their two approvals carried, one person's; others keep theirs; audited", async () => {
    // carol approves with OIDC and, as a second person until the admin cleans up, with SAML.
    const samlCarol = sessionFor(stack, (await signInWithDemoSaml(stack, "carol")).browser.jar);
    const dave = await signIn(stack, "dave");
    const samlIdp = await stack.db.samlIdentityProvider.findUniqueOrThrow({
      where: { slug: "corp-saml" },
    });
    const [oidcCarolUser, samlCarolUser, daveUser] = await Promise.all([
      storedUser(stack, "carol"),
      stack.db.user.findFirstOrThrow({
        where: { issuer: samlIdp.entityId, email: "carol@corp.example" },
      }),
      storedUser(stack, "dave"),
    ]);
    expect(samlCarolUser.personId).not.toBe(oidcCarolUser.personId);
    const roleNames = [
      ["acme-production", "Administrator"],
      ["acme-staging", "Administrator"],
    ] as const;
    const roles = await Promise.all(roleNames.map(([a, r]) => roleIdOf(stack, a, r)));
    // dave may request each with two approvals, from carol's two persons or the admins.
    const cases = [
      { name: "carol with OIDC and with SAML", by: [carol, samlCarol], after: "revoked" },
      { name: "carol with SAML and alice", by: [samlCarol, alice], after: "approved" },
    ];
    const ids: string[] = [];
    for (const [i, c] of cases.entries()) {
      await stack.db.accessRule.create({
        data: {
          roleId: roles[i]!,
          personId: daveUser.personId,
          kind: "eligible",
          approversJson: JSON.stringify([
            { personId: oidcCarolUser.personId, email: "carol@corp.example" },
            { personId: samlCarolUser.personId, email: "carol@corp.example" },
            { group: ADMIN_GROUP },
          ]),
          approvalsRequired: 2,
          maxElevationSeconds: 3600,
          maxSessionDurationSeconds: 3600,
        },
      });
      const res = await dave.request("/api/access-requests", {
        method: "POST",
        json: { roleId: roles[i], durationSeconds: 3600, reason: "maintenance" },
      });
      const text = await res.text();
      expect(res.status, text).toBe(201);
      const id = (JSON.parse(text) as { id: string }).id;
      for (const who of c.by) await approve(who, id);
      ids.push(id);
    }

    const reply = await act(alice, {
      name: "linkIdentity",
      page: () => "/admin/people",
      fields: () => ({ personId: oidcCarolUser.personId, identityId: samlCarolUser.id, q: "" }),
    });
    expect(reply.redirect).toContain("notice=linked");

    for (const [i, c] of cases.entries()) {
      const r = await stack.db.accessRequest.findUniqueOrThrow({ where: { id: ids[i]! } });
      expect(r.state, c.name).toBe(c.after);
      const revokedEvents = await stack.db.auditEvent.count({
        where: { action: "elevation.revoked", detailsJson: { contains: ids[i]! } },
      });
      expect(revokedEvents, c.name).toBe(c.after === "revoked" ? 1 : 0);
      if (c.after === "revoked") expect(r.closedComment, c.name).toMatch(/counted twice/);
    }
    const issue = (roleId: string) =>
      dave.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} });
    await expectApiError(await issue(roles[0]!), 404, "not_found");
    expect((await issue(roles[1]!)).status, "alice's approval still makes two people").toBe(200);
    const audit = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "admin.person.linked" },
      orderBy: { sequence: "desc" },
    });
    expect(parseDetails(audit.detailsJson)).toMatchObject({
      person: oidcCarolUser.personId,
      previousPerson: samlCarolUser.personId,
      selfApprovedElevationsEnded: 0,
      approvedTwiceByOnePersonEnded: 1,
    });
  });
});
