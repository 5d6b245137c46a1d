// What a user or an admin quotes to an auditor: the request id of a refusal page or error, an
// access request's id, a CLI sign-in's token id. Each finds exactly the events about it, on the
// audit page and in the export; a malformed one is refused by name, never the whole log. And the
// page shows each event's user agent, as the export does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliTokenFor, v1 } from "../support/cli-auth";
import { createEligibleRule } from "../support/eligible-rule";
import { expectApiError } from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;
let carol: PortalSession;
let dataAnalyst: string;

beforeAll(async () => {
  stack = await startTestStack();
  [alice, carol] = await Promise.all([signIn(stack, "alice"), signIn(stack, "carol")]);
  dataAnalyst = await roleIdOf(stack, "acme-production", "DataAnalyst");
  const carolUser = await stack.db.user.findFirstOrThrow({
    where: { email: "carol@corp.example" },
  });
  await createEligibleRule(stack, { roleId: dataAnalyst, personId: carolUser.personId });
});
afterAll(async () => {
  await stack?.stop();
});

/** The event ids the audit page lists for a query. */
async function pageIds(query: string): Promise<string[]> {
  const res = await alice.request(`/admin/audit?${query}`);
  expect(res.status).toBe(200);
  const html = await res.text();
  return [...html.matchAll(/data-testid="audit-row"[^>]*data-id="([a-z0-9]+)"/g)].map((m) => m[1]!);
}

async function exportedIds(query: string): Promise<string[]> {
  const res = await alice.request(`/api/admin/audit/export?format=jsonl&${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { id: string }).id);
}

async function storedIds(where: Record<string, unknown>): Promise<string[]> {
  const rows = await stack.db.auditEvent.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Page and export both list exactly `expected`, newest first; and so does a page of one. */
async function expectListed(query: string, expected: string[]) {
  expect(await pageIds(query)).toEqual(expected);
  expect(await exportedIds(query)).toEqual(expected);
  // A page of one, paged on: every match comes, none twice, with the filter on each page.
  if (expected.length > 1) expect(await pageIds(`${query}&limit=1`)).toEqual(expected.slice(0, 1));
}

describe("requestId: the id a refusal page or error quotes finds that request's events", () => {
  it("lists exactly the events written under that request id, page and export", async () => {
    const res = await carol.request(`/api/roles/${dataAnalyst}/credentials`, { method: "POST" });
    expect(res.status).toBe(404); // not carol's yet: a refusal quoting its request id
    const requestId = res.headers.get("x-request-id")!;
    const expected = await storedIds({ requestId });
    expect(expected.length).toBeGreaterThan(0);
    await expectListed(`requestId=${requestId}`, expected);
    expect(await pageIds(`requestId=${requestId}&action=auth.sign-in`)).toEqual([]);
  });
});

describe("accessRequestId: an access request's events and the issuances resting on it", () => {
  it("lists its requested and approved events and the credentials issued under it, not a request that mentions its id", async () => {
    const filed = await carol.request("/api/access-requests", {
      method: "POST",
      json: { roleId: dataAnalyst, durationSeconds: 3600, reason: "Q4 numbers" },
    });
    expect(filed.status, await filed.clone().text()).toBe(201);
    const { id } = (await filed.json()) as { id: string };
    const decided = await alice.request(`/api/access-requests/${id}/decision`, {
      method: "POST",
      json: { decision: "approve", comment: "" },
    });
    expect(decided.status, await decided.clone().text()).toBe(200);
    const issued = await carol.request(`/api/roles/${dataAnalyst}/credentials`, {
      method: "POST",
    });
    expect(issued.status, await issued.clone().text()).toBe(200);
    // Another request whose reason quotes this one's id: about it in words, not in fact.
    const other = await carol.request("/api/access-requests", {
      method: "POST",
      json: { roleId: dataAnalyst, durationSeconds: 3600, reason: `follow-up to ${id}` },
    });
    expect([201, 409]).toContain(other.status);

    const own = await storedIds({
      OR: [
        {
          action: { startsWith: "access-request." },
          detailsJson: { contains: `"request":"${id}"` },
        },
        { action: { startsWith: "elevation." }, detailsJson: { contains: `"request":"${id}"` } },
        { action: { endsWith: ".authorized" }, detailsJson: { contains: id } },
        { action: { endsWith: ".issued" }, detailsJson: { contains: id } },
      ],
    });
    const rows = await stack.db.auditEvent.findMany({ where: { id: { in: own } } });
    expect(rows.map((r) => r.action).sort()).toEqual([
      "access-request.approved",
      "access-request.requested",
      "credentials.authorized",
      "credentials.issued",
      "elevation.activated",
    ]);
    await expectListed(`accessRequestId=${id}`, own);
  });
});

describe("cliTokenId: the events a CLI sign-in's token caused", () => {
  it("lists exactly the events recording that token id, page and export", async () => {
    const { token, tokenId } = await cliTokenFor(stack, alice);
    expect((await v1(stack, "/me", { token })).status).toBe(200);
    expect((await v1(stack, "/roles", { token })).status).toBe(200);
    const expected = await storedIds({ detailsJson: { contains: `"cliTokenId":"${tokenId}"` } });
    expect(expected.length).toBeGreaterThanOrEqual(2);
    await expectListed(`cliTokenId=${tokenId}`, expected);
    expect(await pageIds(`cliTokenId=${"c".repeat(25)}`)).toEqual([]);
  });
});

describe("a malformed requestId, accessRequestId or cliTokenId is refused, naming it", () => {
  const CASES = [
    { param: "requestId", value: "short" },
    { param: "requestId", value: "a b c d e f g h" },
    { param: "requestId", value: "x".repeat(65) },
    { param: "accessRequestId", value: "abc" },
    { param: "accessRequestId", value: "C".repeat(25) },
    { param: "accessRequestId", value: "%" + "a".repeat(24) },
    { param: "cliTokenId", value: "a_".repeat(12) },
    { param: "cliTokenId", value: "a".repeat(41) },
  ] as const;
  for (const { param, value } of CASES) {
    it(`${param}=${value.slice(0, 12)}: export 400 naming it; the page shows the problem and no rows`, async () => {
      const q = `${param}=${encodeURIComponent(value)}`;
      const body = await expectApiError(
        await alice.request(`/api/admin/audit/export?${q}`),
        400,
        "validation_error",
      );
      expect(JSON.stringify(body)).toContain(param);
      const res = await alice.request(`/admin/audit?${q}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`data-testid="audit-filter-error-${param}"`);
      expect(html).not.toContain('data-testid="audit-row"');
    });
  }

  it("the filter form has a field for each, showing what was typed", async () => {
    const res = await alice.request("/admin/audit?requestId=req-12345678");
    const html = await res.text();
    for (const name of ["requestId", "accessRequestId", "cliTokenId"])
      expect(html).toContain(`id="audit-filter-${name}"`);
    expect(html).toMatch(/id="audit-filter-requestId"[^>]*value="req-12345678"/);
  });
});

describe("the audit page shows each event's user agent", () => {
  it("a request's user agent is in its row, as in the export", async () => {
    const agent = "AuditorTest/1.0 (user agent shown on the page)";
    const res = await carol.request(`/api/roles/${dataAnalyst}/console`, {
      method: "POST",
      headers: { "user-agent": agent },
    });
    const requestId = res.headers.get("x-request-id")!;
    const [stored] = await stack.db.auditEvent.findMany({ where: { requestId } });
    expect(stored?.userAgent).toBe(agent);
    const html = await (await alice.request(`/admin/audit?requestId=${requestId}`)).text();
    const row = /data-testid="audit-row"[\s\S]*?<\/tr>/.exec(html)?.[0] ?? "";
    expect(row).toContain(agent);
  });
});
