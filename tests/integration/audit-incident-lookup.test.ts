// An incident starts from what CloudTrail or GuardDuty shows: an access key id (ASIA…), a role
// session name, a SourceIdentity. The audit log records all three on every issuance; an auditor
// must find the issuance — and with it who, when, from where — from any one of them, on the page
// and in the export, and a malformed one is a clear refusal, never a 500 or the whole log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assumeRoleCalls,
  expectApiError,
  issuanceOutcomeRows,
  resetStsCalls,
  storedUser,
} from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startReplica, startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;
let bob: PortalSession;
let aliceUser: { id: string; roleSessionName: string };
let cliKey: string;
let consoleKey: string;

beforeAll(async () => {
  stack = await startTestStack({ extraEnv: { GATEHOUSE_AUDITOR_GROUP: "developers" } });
  alice = await signIn(stack, "alice");
  bob = await signIn(stack, "bob");
  aliceUser = await storedUser(stack, "alice");
  const role = await roleIdOf(stack, "acme-security", "SecurityAudit");
  const cli = await alice.request(`/api/roles/${role}/credentials`, { method: "POST" });
  expect(cli.status).toBe(200);
  cliKey = ((await cli.json()) as { accessKeyId: string }).accessKeyId;
  const consoleRes = await alice.request(`/api/roles/${role}/console`, { method: "POST" });
  expect(consoleRes.status).toBe(200);
  const issued = await stack.db.auditEvent.findFirstOrThrow({
    where: { requestId: consoleRes.headers.get("x-request-id")!, action: "console.issued" },
  });
  consoleKey = issued.accessKeyId!;
  expect(cliKey).toMatch(/^ASIA/);
  expect(consoleKey).toMatch(/^ASIA/);
});
afterAll(async () => {
  await stack?.stop();
});

/** The event ids the audit page lists for a query. */
async function pageIds(session: PortalSession, query: string): Promise<string[]> {
  const res = await session.request(`/admin/audit?${query}`);
  expect(res.status).toBe(200);
  const html = await res.text();
  return [...html.matchAll(/data-testid="audit-row"[^>]*data-id="([a-z0-9]+)"/g)].map((m) => m[1]!);
}

async function exportedRows(session: PortalSession, query: string) {
  const res = await session.request(`/api/admin/audit/export?format=jsonl&${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function storedIds(where: Record<string, string>): Promise<string[]> {
  const rows = await stack.db.auditEvent.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

describe("an access key id from CloudTrail finds its issuance", () => {
  it("the audit page and the export list exactly the events recording that key, CLI or console, in any letter case", async () => {
    for (const key of [cliKey, consoleKey]) {
      const expected = await storedIds({ accessKeyId: key });
      expect(expected.length).toBeGreaterThan(0);
      for (const typed of [key, key.toLowerCase(), ` ${key} `]) {
        expect(await pageIds(bob, `accessKeyId=${encodeURIComponent(typed)}`)).toEqual(expected);
      }
      const rows = await exportedRows(bob, `accessKeyId=${key.toLowerCase()}`);
      expect(rows.map((r) => r.id)).toEqual(expected);
      expect(rows[0]).toMatchObject({
        accessKeyId: key,
        actorUserId: aliceUser.id,
        roleSessionName: aliceUser.roleSessionName,
        sourceIdentity: aliceUser.id,
      });
      expect(rows[0]!.ip).toBeTruthy();
      expect(rows[0]!.userAgent).toBeTruthy();
    }
  });

  it("the export of a key-id search is audited with that filter", async () => {
    const res = await bob.request(`/api/admin/audit/export?format=csv&accessKeyId=${cliKey}`);
    expect(res.status).toBe(200);
    await res.text();
    const event = await stack.db.auditEvent.findFirstOrThrow({
      where: { requestId: res.headers.get("x-request-id")!, action: "audit.exported" },
    });
    expect(JSON.parse(event.detailsJson)).toMatchObject({ filter: { accessKeyId: cliKey } });
  });
});

describe("an issuance's records name the sign-in it rests on", () => {
  it("authorized, issued: the sign-in's method, time and whether it carried MFA, as the session recorded them", async () => {
    const session = await stack.db.portalSession.findFirstOrThrow({
      where: { userId: aliceUser.id },
      orderBy: { createdAt: "desc" },
    });
    const expected = {
      method: session.method,
      at: session.createdAt.toISOString(),
      mfaAuthenticated: session.mfaAuthenticated,
    };
    for (const key of [cliKey, consoleKey]) {
      const issued = await stack.db.auditEvent.findFirstOrThrow({ where: { accessKeyId: key } });
      const authorized = await stack.db.auditEvent.findFirstOrThrow({
        where: { requestId: issued.requestId, action: { endsWith: ".authorized" } },
      });
      for (const row of [authorized, issued]) {
        expect(JSON.parse(row.detailsJson), row.action).toMatchObject({ signIn: expected });
      }
    }
  });
});

describe("a role session name or source identity from CloudTrail finds that person's sessions", () => {
  it("sessionName lists every event recording that RoleSessionName, page and export", async () => {
    const expected = await storedIds({ roleSessionName: aliceUser.roleSessionName });
    expect(expected.length).toBeGreaterThanOrEqual(4); // authorized + issued, CLI and console
    const q = `sessionName=${encodeURIComponent(aliceUser.roleSessionName)}`;
    expect(await pageIds(bob, q)).toEqual(expected);
    expect((await exportedRows(bob, q)).map((r) => r.id)).toEqual(expected);
  });

  it("sourceIdentity lists every event recording that SourceIdentity, page and export", async () => {
    const expected = await storedIds({ sourceIdentity: aliceUser.id });
    expect(expected.length).toBeGreaterThanOrEqual(4);
    const q = `sourceIdentity=${aliceUser.id}&action=credentials.issued`;
    const issued = await storedIds({ sourceIdentity: aliceUser.id, action: "credentials.issued" });
    expect(await pageIds(bob, `sourceIdentity=${aliceUser.id}`)).toEqual(expected);
    expect((await exportedRows(bob, q)).map((r) => r.id)).toEqual(issued);
  });

  it("a session name nobody was given lists nothing (not the whole log)", async () => {
    expect(await pageIds(bob, "sessionName=nobody-at-all")).toEqual([]);
    expect(await exportedRows(bob, "accessKeyId=ASIAZZZZZZZZZZZZZZZZ")).toEqual([]);
  });
});

describe("a malformed key id, session name or source identity is refused, naming it", () => {
  const CASES = [
    { param: "accessKeyId", value: "ASIA'--" },
    { param: "accessKeyId", value: "AS" },
    { param: "accessKeyId", value: "A".repeat(129) },
    { param: "sessionName", value: "a b" },
    { param: "sessionName", value: "x".repeat(65) },
    { param: "sourceIdentity", value: "x" },
    { param: "sourceIdentity", value: "%00" },
  ] as const;
  for (const { param, value } of CASES) {
    it(`${param}=${value.slice(0, 12)}: export 400 naming it; the page shows the problem and no rows`, async () => {
      const q = `${param}=${encodeURIComponent(value)}`;
      const body = await expectApiError(
        await bob.request(`/api/admin/audit/export?${q}`),
        400,
        "validation_error",
      );
      expect(JSON.stringify(body)).toContain(param);
      const res = await bob.request(`/admin/audit?${q}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`data-testid="audit-filter-error-${param}"`);
      expect(html).not.toContain('data-testid="audit-row"');
    });
  }
});

describe("credentials AWS made but the portal never handed out are recorded with their AccessKeyId", () => {
  it("console: AWS's sign-in endpoint failing after AssumeRole → console.failed names the key, session name and source identity CloudTrail shows", async () => {
    // A replica whose federation endpoint answers 404: STS makes the session, the sign-in token fails.
    const replica = await startReplica(stack, {
      GATEHOUSE_FEDERATION_ENDPOINT: `${stack.aws.url}/no-such-federation`,
    });
    try {
      const role = await roleIdOf(stack, "acme-security", "SecurityAudit");
      await resetStsCalls(stack);
      const res = await fetch(`${replica.url}/api/roles/${role}/console`, {
        method: "POST",
        headers: {
          ...alice.jar.headersFor(replica.url),
          origin: stack.portalUrl,
          "x-forwarded-host": new URL(stack.portalUrl).host,
          "content-type": "application/json",
        },
        body: "{}",
      });
      expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(500);
      expect(await res.text()).not.toMatch(/ASIA[A-Z0-9]{16}/);
      // AWS did make a session: CloudTrail has its AssumeRole and, later, whatever it was used for.
      expect(await assumeRoleCalls(stack)).toHaveLength(1);
      const rows = await issuanceOutcomeRows(stack, res.headers.get("x-request-id"));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: "console.failed",
        outcome: "error",
        actorUserId: aliceUser.id,
        roleSessionName: aliceUser.roleSessionName,
        sourceIdentity: aliceUser.id,
      });
      const key = rows[0]!.accessKeyId;
      expect(key ?? "no AccessKeyId recorded").toMatch(/^ASIA[A-Z0-9]{16}$/);
      expect(await pageIds(bob, `accessKeyId=${key}`)).toEqual([rows[0]!.id]);
    } finally {
      await replica.stop();
    }
  });
});
