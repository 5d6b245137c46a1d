// The audit log: an issuance is recorded before credentials leave, and when the record can't be
// written nothing leaves (docs/INVARIANTS.md invariant 2, like Vault's audit devices); sign-in and sign-out
// are recorded with who; only admins and auditors read the log; the table refuses UPDATE and DELETE.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { demoUsers } from "@/dev/demo-users";
import {
  assumeRoleCalls,
  auditRowsFor,
  expectApiError,
  parseDetails,
  resetStsCalls,
  storedUser,
} from "../support/portal-assertions";
import { roleIdOf, signIn, signOut, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";
import { allowAuditActions, refuseAuditActions } from "../support/audit-refusal";

const ISSUANCE = [
  { endpoint: "credentials", action: "credentials.issued", authorized: "credentials.authorized" },
  { endpoint: "console", action: "console.issued", authorized: "console.authorized" },
] as const;
const ISSUED_ACTIONS = ["credentials.issued", "console.issued"];

let stack: TestStack;
let bob: PortalSession;
let stagingDeveloper: string;

beforeAll(async () => {
  stack = await startTestStack();
  bob = await signIn(stack, "bob");
  stagingDeveloper = await roleIdOf(stack, "acme-staging", "Developer");
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * The database's reason for refusing `attempt`, or "(not refused)". Prisma keeps the driver's
 * message in `meta` (on SQLite it files a trigger abort under P2003), so both are read.
 */
async function refusalOf(attempt: () => Promise<unknown>): Promise<string> {
  try {
    await attempt();
    return "(not refused)";
  } catch (error) {
    const e = error as { message?: unknown; meta?: unknown };
    return `${String(e.message)} ${JSON.stringify(e.meta ?? null)}`;
  }
}

describe("audit before credentials", () => {
  afterEach(() => allowAuditActions(stack));

  for (const { endpoint, action, authorized } of ISSUANCE) {
    it(`${endpoint}: when the ${authorized} record can't be written → 503 audit_unavailable, and STS is never asked`, async () => {
      await refuseAuditActions(stack, [authorized]);
      await resetStsCalls(stack);
      const res = await bob.request(`/api/roles/${stagingDeveloper}/${endpoint}`, {
        method: "POST",
        json: { region: "eu-west-1" },
      });
      const body = await expectApiError(res, 503, "audit_unavailable");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(JSON.stringify(body)).not.toContain("audit down");
      expect(await assumeRoleCalls(stack)).toEqual([]);
      expect(await auditRowsFor(stack, res.headers.get("x-request-id"))).toEqual([]);
    });

    it(`${endpoint}: when the ${action} record can't be written → 503 audit_unavailable and no credentials`, async () => {
      await refuseAuditActions(stack, ISSUED_ACTIONS);
      await resetStsCalls(stack);
      const res = await bob.request(`/api/roles/${stagingDeveloper}/${endpoint}`, {
        method: "POST",
        json: { region: "eu-west-1" },
      });
      const raw = await res.clone().text();
      await expectApiError(res, 503, "audit_unavailable");
      for (const field of [
        "accessKeyId",
        "secretAccessKey",
        "sessionToken",
        "signinUrl",
        "SigninToken",
        "formats",
        "expiration",
      ]) {
        expect(raw).not.toContain(field);
      }
      expect(raw).not.toMatch(/ASIA[A-Z0-9]{16}/);
      expect(raw).not.toContain("audit down");
      // The failure is real: the portal did assume the role, then refused to hand the result over;
      // the authorization written before it asked STS records that it did.
      expect(await assumeRoleCalls(stack)).toHaveLength(1);
      const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
      expect(rows.map((r) => r.action)).toEqual([authorized]);
    });

    it(`${endpoint}: once the audit log accepts writes again, issuance works and is recorded`, async () => {
      await refuseAuditActions(stack, ISSUED_ACTIONS);
      const refused = await bob.request(`/api/roles/${stagingDeveloper}/${endpoint}`, {
        method: "POST",
      });
      expect(refused.status).toBe(503);
      await allowAuditActions(stack);

      const res = await bob.request(`/api/roles/${stagingDeveloper}/${endpoint}`, {
        method: "POST",
      });
      expect(res.status).toBe(200);
      const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
      expect(rows.map((r) => r.action)).toEqual([authorized, action]);
      expect(rows[1]!.accessKeyId).toMatch(/^ASIA/);
    });
  }

  it("the failing trigger only blocks issuance records: denials are still written", async () => {
    await refuseAuditActions(stack, ISSUED_ACTIONS);
    const prodAdministrator = await roleIdOf(stack, "acme-production", "Administrator");
    const res = await bob.request(`/api/roles/${prodAdministrator}/credentials`, {
      method: "POST",
    });
    await expectApiError(res, 404, "not_found");
    const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
    expect(rows.map((r) => r.action)).toEqual(["access.denied"]);
  });
});

describe("sign-in and sign-out are audited", () => {
  it("sign-in writes auth.sign-in with the IdP's issuer, subject, email and groups", async () => {
    const demo = demoUsers.find((u) => u.username === "alice")!;
    const alice = await storedUser(stack, "alice");
    const signInsOf = () =>
      stack.db.auditEvent.findMany({ where: { action: "auth.sign-in", actorUserId: alice.id } });
    const before = new Set((await signInsOf()).map((r) => r.id));
    await signIn(stack, "alice");
    const rows = (await signInsOf()).filter((r) => !before.has(r.id));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      outcome: "success",
      actorIssuer: stack.idp.issuer.replace(/\/+$/, ""),
      actorSubject: demo.subject,
      actorEmail: demo.email,
      accessKeyId: null,
    });
    expect(JSON.parse(row.actorGroupsJson ?? "null")).toEqual([...demo.groups].sort());
    expect(parseDetails(row.detailsJson)).toMatchObject({ method: "oidc" });
  });

  it("sign-out writes auth.sign-out for the user whose session ended", async () => {
    const session = await signIn(stack, "carol");
    const carol = await storedUser(stack, "carol");
    const res = await signOut(stack, session);
    expect(res.status).toBeLessThan(400);
    const rows = await stack.db.auditEvent.findMany({
      where: { action: "auth.sign-out", actorUserId: carol.id },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      outcome: "success",
      actorSubject: carol.subject,
      actorIssuer: carol.issuer,
    });
    expect(rows[0]!.requestId).toBe(res.headers.get("x-request-id"));
    const sessions = await stack.db.portalSession.findMany({ where: { userId: carol.id } });
    expect(sessions.map((s) => s.revokedAt !== null)).toEqual([true]);
  });
});

describe("audit records can't be steered by request headers", () => {
  it("the request id is the server's own: a client-sent x-request-id is replaced", async () => {
    const forged = "client-chosen-request-id-0001";
    const res = await bob.request(`/api/roles/${stagingDeveloper}/credentials`, {
      method: "POST",
      headers: { "x-request-id": forged },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).not.toBe(forged);
    expect(await auditRowsFor(stack, forged)).toEqual([]);
    expect(
      (await auditRowsFor(stack, res.headers.get("x-request-id"))).map((r) => r.action),
    ).toEqual(["credentials.authorized", "credentials.issued"]);
  });

  // The test client talks to the portal directly (the "one machine" deployment): no proxy added
  // these headers, so the client wrote them, and the audited address must be the connection's.
  const forgedForwardedFor = ["203.0.113.66", "203.0.113.66, 198.51.100.77"];
  for (const header of forgedForwardedFor) {
    it(`the audited client address is the connection's, not a client-written X-Forwarded-For (${header})`, async () => {
      const res = await bob.request(`/api/roles/${stagingDeveloper}/credentials`, {
        method: "POST",
        headers: { "X-Forwarded-For": header },
      });
      expect(res.status).toBe(200);
      const [row] = await auditRowsFor(stack, res.headers.get("x-request-id"));
      expect(header.split(", ")).not.toContain(row?.ip);
      expect(["127.0.0.1", "::1", "::ffff:127.0.0.1"]).toContain(row?.ip);
    });
  }
});

describe("only admins (and auditors) read the audit log", () => {
  it("alice (admin) gets /admin/audit with recent events", async () => {
    const alice = await signIn(stack, "alice");
    const res = await alice.request("/admin/audit");
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("auth.sign-in");
  });

  // No GATEHOUSE_AUDITOR_GROUP here: bob's "developers" makes him no auditor.
  const refused: Array<[string, () => Promise<PortalSession>]> = [
    ["bob (not an admin)", () => Promise.resolve(bob)],
    ["carol (no groups)", () => signIn(stack, "carol")],
  ];
  for (const [who, sessionOf] of refused) {
    it(`${who} gets a 403 page from /admin/audit, never the log`, async () => {
      const res = await (await sessionOf()).request("/admin/audit");
      const html = await res.text();
      expect(res.status).toBe(403);
      expect(html).toContain("The audit log is for auditors");
      expect(html).not.toContain("auth.sign-in");
    });
  }

  it("no session is redirected to sign in (3xx, never the log)", async () => {
    const res = await fetch(`${stack.portalUrl}/admin/audit`, { redirect: "manual" });
    const html = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(400);
    expect(new URL(res.headers.get("location")!, stack.portalUrl).pathname).toBe("/signin");
    expect(html).not.toContain("auth.sign-in");
  });
});

describe("the audit table is append-only", () => {
  it("the database refuses UPDATE and DELETE on AuditEvent, through Prisma and raw SQL", async () => {
    const before = await stack.db.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(before.length).toBeGreaterThan(0);
    const first = before[0]!;
    const attempts: Array<[string, () => Promise<unknown>]> = [
      [
        "update one",
        () => stack.db.auditEvent.update({ where: { id: first.id }, data: { outcome: "denied" } }),
      ],
      [
        "update many",
        () => stack.db.auditEvent.updateMany({ data: { actorEmail: "nobody@example.com" } }),
      ],
      ["delete one", () => stack.db.auditEvent.delete({ where: { id: first.id } })],
      ["delete many", () => stack.db.auditEvent.deleteMany({})],
      [
        "raw UPDATE",
        () => stack.db.$executeRawUnsafe(`UPDATE "AuditEvent" SET "action" = 'tampered'`),
      ],
      ["raw DELETE", () => stack.db.$executeRawUnsafe(`DELETE FROM "AuditEvent"`)],
    ];
    for (const [name, attempt] of attempts) {
      expect(await refusalOf(attempt), name).toMatch(/AuditEvent is append-only/);
    }
    expect(await stack.db.auditEvent.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });
});
