// An approver's queue and a person's own requests at a large company's size
// (docs/ACCESS-REQUESTS.md "Paging and filters"): over a thousand requests waiting for one group,
// seeded in batches, read a bounded page at a time over HTTP through the built portal, walked with
// keyset cursors while new requests arrive, and filtered by requester or role. SQLite and
// PostgreSQL.
import type { Prisma } from "@gatehouse/db-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEligibleRule } from "../support/eligible-rule";
import { expectApiError, storedUser } from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

const PAGE_SIZE = 25;
const REQUESTERS = 40;
const PER_REQUESTER = 30;
const HOUR = 3600_000;
/** Requests requester0 (DataAnalyst) files while the first test walks the queue. */
const LATE = 30;

let stack: TestStack;
let bob: PortalSession;
let dataAnalyst: string;
let stagingDeveloper: string;
/** Every seeded request waiting for the developers group (bob's queue), oldest first. */
let seeded: string[] = [];
let seq = 0;

interface Page {
  toDecide: Array<{ id: string; requesterEmail: string; roleName: string; roleArn: string }>;
  mine: Array<{ id: string }>;
  eligible: Array<{ roleId: string }>;
  requested: Array<{ roleId: string; status: string }>;
  pages: {
    toDecide: { total: number; waiting: number; next: string | null; previous: string | null };
    mine: { total: number; next: string | null; previous: string | null };
  };
}

async function lists(session: PortalSession, query = ""): Promise<Page> {
  const res = await session.request(`/api/access-requests${query}`);
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
  return JSON.parse(text) as Page;
}

/** A record id of the shape the portal's (cuid) ids have, unique in this file. */
function seedId(prefix: string): string {
  seq += 1;
  return `${prefix}${String(seq).padStart(8, "0")}${Math.random().toString(36).slice(2, 12)}`
    .padEnd(25, "0")
    .slice(0, 25);
}

/** Pending requests by `who`, `count` of them, created in the same few seconds (ties in time). */
function pendingRows(
  who: { personId: string; userId: string; email: string },
  ruleId: string,
  roleId: string,
  count: number,
  createdAt: (i: number) => Date,
) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    id: seedId("q"),
    ruleId,
    roleId,
    personId: who.personId,
    requesterUserId: who.userId,
    requesterEmail: who.email,
    reason: "seeded",
    durationSeconds: 3600,
    startsAt: new Date(now),
    decideBy: new Date(now + 24 * HOUR),
    createdAt: createdAt(i),
  }));
}

/** Inserts seeded requests 500 rows a statement. */
async function insertInBatches(rows: Prisma.AccessRequestCreateManyInput[]) {
  for (let i = 0; i < rows.length; i += 500)
    await stack.db.accessRequest.createMany({ data: rows.slice(i, i + 500) });
}

beforeAll(async () => {
  stack = await startTestStack();
  bob = await signIn(stack, "bob");
  dataAnalyst = await roleIdOf(stack, "acme-production", "DataAnalyst");
  stagingDeveloper = await roleIdOf(stack, "acme-staging", "Developer");
  // Forty requesters, each eligible for one of two roles, approved by the developers group.
  const people = Array.from({ length: REQUESTERS }, (_, n) => ({
    personId: seedId("p"),
    userId: seedId("u"),
    email: `requester${n}@corp.example`,
  }));
  await stack.db.person.createMany({ data: people.map((p) => ({ id: p.personId })) });
  await stack.db.user.createMany({
    data: people.map((p, n) => ({
      id: p.userId,
      personId: p.personId,
      issuer: "https://seeded.example",
      subject: `seeded-${n}`,
      email: p.email,
      roleSessionName: `seeded-${n}`,
    })),
  });
  const base = Date.now() - 2 * HOUR;
  const rows = [];
  for (const [n, p] of people.entries()) {
    const roleId = n % 2 === 0 ? dataAnalyst : stagingDeveloper;
    const rule = await createEligibleRule(stack, { roleId, personId: p.personId });
    // Seven requests share each second: the order's tie-break is the id.
    rows.push(
      ...pendingRows(p, rule.id, roleId, PER_REQUESTER, (i) => {
        const k = n * PER_REQUESTER + i;
        return new Date(base + Math.floor(k / 7) * 1000);
      }),
    );
  }
  await insertInBatches(rows);
  seeded = rows.map((r) => r.id);
});
afterAll(async () => {
  await stack?.stop();
});

describe("the approver's queue at a large company's size", () => {
  it("the queue is read a bounded page at a time, and walking it lists every waiting request exactly once while new ones arrive", async () => {
    const first = await lists(bob);
    expect(first.pages.toDecide.total).toBe(REQUESTERS * PER_REQUESTER);
    expect(first.pages.toDecide.waiting).toBe(REQUESTERS * PER_REQUESTER);
    expect(first.pages.toDecide.previous).toBeNull();
    const seen: string[] = [];
    let page = first;
    let pages = 0;
    for (;;) {
      pages += 1;
      expect(page.toDecide.length).toBeLessThanOrEqual(PAGE_SIZE);
      seen.push(...page.toDecide.map((r) => r.id));
      if (pages === 2) {
        // Requests filed while the approver pages join the end of the queue, in the same second.
        const late = await stack.db.accessRequest.findFirstOrThrow({ where: { id: seeded[0] } });
        const rows = pendingRows(
          { personId: late.personId, userId: late.requesterUserId, email: late.requesterEmail },
          late.ruleId!,
          late.roleId,
          LATE,
          () => new Date(),
        );
        await insertInBatches(rows);
        seeded.push(...rows.map((r) => r.id));
      }
      if (!page.pages.toDecide.next) break;
      page = await lists(bob, `?queue=${page.pages.toDecide.next}`);
      expect(page.pages.toDecide.previous).not.toBeNull();
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(seeded);
    expect(pages).toBe(Math.ceil(seeded.length / PAGE_SIZE));
  });

  it("the requests page shows one page of the queue with its count and pager, whatever the queue's size", async () => {
    const res = await bob.request("/requests");
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html.match(/data-testid="decide-request"/g)?.length).toBe(PAGE_SIZE);
    expect(html).toContain(`${seeded.length} waiting for you`);
    expect(html).toContain('data-testid="queue-next"');
    expect(html.length).toBeLessThan(400_000);
  });

  it("the queue is filtered by the requester's email (in any case) or the role's name or ARN, and says how many match", async () => {
    const byRequester = await lists(bob, "?requester=REQUESTER7%40Corp.Example");
    expect(byRequester.pages.toDecide.total).toBe(PER_REQUESTER);
    expect(byRequester.pages.toDecide.waiting).toBe(seeded.length);
    expect(new Set(byRequester.toDecide.map((r) => r.requesterEmail))).toEqual(
      new Set(["requester7@corp.example"]),
    );
    const arn = byRequester.toDecide[0]!.roleArn;
    const byRoleAndRequester = await lists(
      bob,
      `?requester=requester7%40corp.example&role=${encodeURIComponent(arn)}`,
    );
    expect(byRoleAndRequester.pages.toDecide.total).toBe(PER_REQUESTER);
    const byRole = await lists(bob, "?role=DataAnalyst");
    expect(byRole.toDecide.every((r) => r.roleName === "DataAnalyst")).toBe(true);
    expect(byRole.pages.toDecide.total).toBe((REQUESTERS / 2) * PER_REQUESTER + LATE);
    const nobody = await lists(bob, "?requester=nobody%40corp.example");
    expect(nobody.pages.toDecide.total).toBe(0);
    const html = await (await bob.request("/requests?role=DataAnalyst")).text();
    expect(html).toContain(
      `${(REQUESTERS / 2) * PER_REQUESTER + LATE} of ${seeded.length} waiting for you match`,
    );
  });

  it("a request a notification links to is shown first, whichever page of the queue it is on", async () => {
    const deep = seeded[seeded.length - 40]!;
    const linked = await lists(bob, `?request=${deep}`);
    expect(linked.toDecide[0]?.id).toBe(deep);
    const html = await (await bob.request(`/requests?request=${deep}`)).text();
    expect(html).toMatch(new RegExp(`data-request-id="${deep}"[^>]*data-linked="true"`));
    expect(html).not.toContain('data-testid="linked-request-note"');
  });

  it.each([
    ["a cursor that is not one", "?queue=not-a-cursor", "queue"],
    [
      "a cursor past year 9999",
      `?queue=${Buffer.from(`n.${8e15}.${"a".repeat(25)}`).toString("base64url")}`,
      "queue",
    ],
    ["a repeated cursor", "?mine=a&mine=b", "mine"],
    ["a page number", "?page=99999999999", "page"],
    ["a requester that is no email", "?requester=bob", "requester"],
    ["a role that is no role", "?role=%27%20OR%201%3D1", "role"],
    ["a linked request that is no id", "?request=..%2F..", "request"],
  ])(
    "a list query the portal can't read is a 400 naming it, never a 500 (%s)",
    async (_, query, field) => {
      const body = await expectApiError(
        await bob.request(`/api/access-requests${query}`),
        400,
        "validation_error",
      );
      expect(body.error.message).toContain(field);
      const page = await bob.request(`/requests${query}`);
      expect(page.status).toBe(200);
      // The page names what it can't read, but not a parameter it doesn't take (below).
      const html = await page.text();
      if (field === "page") expect(html).not.toContain('data-testid="query-issues"');
      else expect(html).toContain('data-testid="query-issues"');
    },
  );

  it("the page ignores a parameter it doesn't take, such as a link's tracking parameter; the API refuses it", async () => {
    const page = await bob.request("/requests?utm_source=chat&requester=Carol%40corp.example");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('data-testid="query-issues"');
    expect(html).toContain('data-testid="queue-count"');
    await expectApiError(
      await bob.request("/api/access-requests?utm_source=chat"),
      400,
      "validation_error",
    );
  });
});

describe("a person's own requests at size", () => {
  it("a role with an open request is not offered again, however many newer requests the person has", async () => {
    const bobUser = await storedUser(stack, "bob");
    const rule = await createEligibleRule(stack, {
      roleId: stagingDeveloper,
      personId: bobUser.personId,
    });
    const who = { personId: bobUser.personId, userId: bobUser.id, email: "bob@corp.example" };
    const now = Date.now();
    const open = pendingRows(who, rule.id, stagingDeveloper, 1, () => new Date(now - 3 * HOUR));
    const denied = pendingRows(
      who,
      rule.id,
      stagingDeveloper,
      230,
      (i) => new Date(now - HOUR + i),
    ).map((r) => ({ ...r, state: "denied" }));
    await insertInBatches([...open, ...denied]);
    const first = await lists(bob);
    expect(first.requested.map((r) => [r.roleId, r.status])).toContainEqual([
      stagingDeveloper,
      "pending",
    ]);
    expect(first.eligible.map((r) => r.roleId)).not.toContain(stagingDeveloper);
    // Newest first, a page at a time; the open request is on the last page.
    expect(first.pages.mine.total).toBe(231);
    const seen: string[] = [];
    let page = first;
    for (;;) {
      expect(page.mine.length).toBeLessThanOrEqual(PAGE_SIZE);
      seen.push(...page.mine.map((r) => r.id));
      if (!page.pages.mine.next) break;
      page = await lists(bob, `?mine=${page.pages.mine.next}`);
    }
    expect(seen).toHaveLength(231);
    expect(seen[seen.length - 1]).toBe(open[0]!.id);
    // And back: the previous page of the last is the one before it.
    const back = await lists(bob, `?mine=${page.pages.mine.previous}`);
    expect(back.mine.map((r) => r.id)).toEqual(
      seen.slice(-PAGE_SIZE - page.mine.length, -page.mine.length),
    );
  });

  it("a request filed by the identity an approver is signed in with is not in their queue, as decide refuses it", async () => {
    // An admin moved bob's identity to bob's person after it filed as another person's.
    const bobUser = await storedUser(stack, "bob");
    const other = await stack.db.accessRequest.findFirstOrThrow({ where: { id: seeded[5] } });
    const [filed] = pendingRows(
      { personId: other.personId, userId: bobUser.id, email: "bob@corp.example" },
      other.ruleId!,
      other.roleId,
      1,
      () => new Date(Date.now() - 10 * HOUR),
    );
    await insertInBatches([filed!]);
    const queue = await lists(bob);
    expect(queue.toDecide.map((r) => r.id)).not.toContain(filed!.id);
    const linked = await lists(bob, `?request=${filed!.id}`);
    expect(linked.toDecide.map((r) => r.id)).not.toContain(filed!.id);
    const res = await bob.request(`/api/access-requests/${filed!.id}/decision`, {
      method: "POST",
      json: { decision: "approve" },
    });
    await expectApiError(res, 403, "forbidden");
  });
});
