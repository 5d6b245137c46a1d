// Access requests over HTTP against the built portal (docs/ACCESS-REQUESTS.md): the request →
// approve → use → revoke loop, each invariant as its own rule — no self-approval, one outcome for
// concurrent deciders, no decision on a closed request, elevations that end refuse the next
// issuance with no STS call (on every replica), sessions capped at the elevation's end, every
// change audited and told to the webhook.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_GROUP } from "@/dev/demo-users";
import {
  assumeRoleCalls,
  expectApiError,
  parseDetails,
  resetStsCalls,
  storedUser,
  withoutAwsCalls,
} from "../support/portal-assertions";
import { formatUtc } from "@/components/utc-time";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startReplica, startTestStack, type TestStack } from "../support/stack";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { createEligibleRule } from "../support/eligible-rule";

let stack: TestStack;
let hooks: WebhookReceiver;
let alice: PortalSession;
let bob: PortalSession;
let carol: PortalSession;
let dataAnalyst: string;
let stagingDeveloper: string;

const HOUR = 3600;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  stack = await startTestStack({
    extraEnv: {
      GATEHOUSE_ACCESS_REQUEST_WEBHOOK_URL: hooks.url,
      GATEHOUSE_WEBHOOK_SECRET: "webhook-secret-for-tests-0123456789",
      // Ten minutes to decide: an expiry is reached by moving the clock within a sign-in's life.
      GATEHOUSE_ACCESS_REQUEST_DECIDE_WITHIN_SECONDS: "600",
    },
  });
  [alice, bob, carol] = await Promise.all([
    signIn(stack, "alice"),
    signIn(stack, "bob"),
    signIn(stack, "carol"),
  ]);
  dataAnalyst = await roleIdOf(stack, "acme-production", "DataAnalyst");
  stagingDeveloper = await roleIdOf(stack, "acme-staging", "Developer");
});
afterAll(async () => {
  await stack?.stop();
  await hooks?.close();
});
// A test that moves the portal's clock ahead writes webhook deliveries due at that time. If the
// worker had not sent one yet when the clock was moved back (a race a busy machine loses), it
// would hold back every later delivery to the shared receiver (each receiver's are sent in order)
// until the real clock catches up, minutes later: such deliveries are due now instead.
afterEach(async () => {
  const now = new Date();
  await stack.db.webhookDelivery.updateMany({
    where: { state: "pending", attempts: 0, nextAttemptAt: { gt: now } },
    data: { nextAttemptAt: now },
  });
});

interface Lists {
  eligible: Array<{ roleId: string; roleName: string; approvers: string }>;
  mine: Array<{
    id: string;
    status: string;
    roleId: string;
    endsAt: string | null;
    approvals: number;
  }>;
  toDecide: Array<{
    id: string;
    requesterEmail: string;
    reason: string;
    history: { total: number };
    approvals: number;
    approvalsRequired: number;
  }>;
  overseen: Array<{ id: string }>;
}

async function lists(session: PortalSession): Promise<Lists> {
  const res = await session.request("/api/access-requests");
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toContain("no-store");
  return (await res.json()) as Lists;
}

function request(session: PortalSession, json: Record<string, unknown>) {
  return session.request("/api/access-requests", { method: "POST", json });
}

function decide(session: PortalSession, id: string, decision: string, comment = "") {
  return session.request(`/api/access-requests/${id}/decision`, {
    method: "POST",
    json: { decision, comment },
  });
}

function credentials(session: PortalSession, roleId: string, json: unknown = {}) {
  return session.request(`/api/roles/${roleId}/credentials`, { method: "POST", json });
}

async function requestId(session: PortalSession, json: Record<string, unknown>): Promise<string> {
  const res = await request(session, json);
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return (JSON.parse(text) as { id: string }).id;
}

/** The request's own events, in order (the issuances it granted name it too, and are left out). */
async function auditActionsOf(id: string): Promise<string[]> {
  const rows = await stack.db.auditEvent.findMany({
    where: {
      detailsJson: { contains: id },
      OR: [{ action: { startsWith: "access-request." } }, { action: { startsWith: "elevation." } }],
    },
    orderBy: { sequence: "asc" },
  });
  return rows.map((r) => r.action);
}

/** Test cleanup: closes whatever carol left open on the staging role, so the next rule starts clean. */
async function closeCarolsStagingRequests(): Promise<void> {
  await stack.db.accessRequest.updateMany({
    where: { roleId: stagingDeveloper, state: { in: ["pending", "approved"] } },
    data: { state: "cancelled" },
  });
}

/** Makes the demo's staging Developer role requestable by carol, approved by the developers. */
async function eligibleRuleForCarol(
  opts: { approvalsRequired?: number; breakGlass?: boolean } = {},
) {
  const carolUser = await storedUser(stack, "carol");
  return createEligibleRule(
    stack,
    { roleId: stagingDeveloper, personId: carolUser.personId },
    opts,
  );
}

/** Carol's context for lib calls, as a request of hers that began at `now` would have it. */
async function carolsContext(now: Date, clock: () => Date = () => new Date()) {
  const carolUser = await storedUser(stack, "carol");
  return {
    db: stack.db,
    now,
    clock,
    meta: { requestId: "race-test", ip: null, userAgent: null },
    user: {
      id: carolUser.id,
      personId: carolUser.personId,
      sessionId: "race-test",
      issuer: carolUser.issuer,
      subject: carolUser.subject,
      email: carolUser.email,
      emailVerified: carolUser.emailVerified,
      displayName: carolUser.displayName,
      groups: [],
      isAdmin: false,
      isAuditor: false,
      roleSessionName: carolUser.roleSessionName,
      sessionExpiresAt: new Date(now.getTime() + HOUR * 1000),
      method: "oidc" as const,
      sessionCreatedAt: new Date(),
      mfaAuthenticated: false,
      sessionTags: {},
    },
    decideWithinSeconds: 600,
    notify: { webhookUrl: null, portalUrl: stack.portalUrl },
  };
}

describe("the request → approve → use → revoke loop", () => {
  let id: string;

  it("an eligible role is listed to request, and grants nothing before approval (no STS call)", async () => {
    const mine = await lists(carol);
    expect(mine.eligible.map((e) => e.roleName)).toContain("DataAnalyst");
    expect(mine.eligible.find((e) => e.roleId === dataAnalyst)?.approvers).toBe(
      `the ${ADMIN_GROUP} group`,
    );
    await withoutAwsCalls(stack, async () =>
      expectApiError(await credentials(carol, dataAnalyst), 404, "not_found"),
    );
    const explained = await (
      await alice.request(
        `/admin/access?explainUser=carol%40corp.example&explainRole=${encodeURIComponent("arn:aws:iam::210987654321:role/DataAnalyst")}`,
      )
    ).text();
    expect(explained).toContain(
      "eligible: may be requested, needs approval by the gatehouse-admins group",
    );
    // bob is not named by the eligible rule: nothing to request.
    expect((await lists(bob)).eligible.map((e) => e.roleId)).not.toContain(dataAnalyst);
    await expectApiError(
      await request(bob, { roleId: dataAnalyst, durationSeconds: HOUR, reason: "x" }),
      404,
      "not_found",
    );
  });

  it("a request needs a reason, a duration within the rule, and only one may be open per role", async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["no reason", { roleId: dataAnalyst, durationSeconds: HOUR }, "reason"],
      [
        "too long",
        { roleId: dataAnalyst, durationSeconds: 5 * HOUR, reason: "r" },
        "durationSeconds",
      ],
      ["too short", { roleId: dataAnalyst, durationSeconds: 60, reason: "r" }, "durationSeconds"],
      [
        "not a number",
        { roleId: dataAnalyst, durationSeconds: "soon", reason: "r" },
        "durationSeconds",
      ],
      [
        "bad start",
        { roleId: dataAnalyst, durationSeconds: HOUR, reason: "r", startsAt: "tomorrow-ish" },
        "startsAt",
      ],
      [
        "start too far",
        {
          roleId: dataAnalyst,
          durationSeconds: HOUR,
          reason: "r",
          startsAt: "2099-01-01T00:00:00Z",
        },
        "startsAt",
      ],
      [
        "break-glass not allowed",
        { roleId: dataAnalyst, durationSeconds: HOUR, reason: "r", breakGlass: true },
        "breakGlass",
      ],
    ];
    for (const [name, json, path] of cases) {
      const body = await expectApiError(await request(carol, json), 400, "validation_error");
      expect(JSON.stringify(body.error.issues), name).toContain(path);
    }
    id = await requestId(carol, {
      roleId: dataAnalyst,
      durationSeconds: HOUR,
      reason: "Q3 revenue numbers",
      ticket: "DATA-42",
    });
    await expectApiError(
      await request(carol, { roleId: dataAnalyst, durationSeconds: HOUR, reason: "again" }),
      409,
      "conflict",
    );
    expect((await lists(carol)).mine.find((r) => r.id === id)?.status).toBe("pending");
  });

  it("no self-approval, and to a non-approver the request does not exist (both audited as refusals)", async () => {
    const self = await expectApiError(await decide(carol, id, "approve"), 403, "forbidden");
    expect(self.error.message).toMatch(/your own request/);
    // The same answer as for an id that was never issued: a request id can't be probed.
    const stranger = await expectApiError(await decide(bob, id, "approve"), 404, "not_found");
    const unknown = await expectApiError(
      await decide(bob, "nonexistent0000000000000", "approve"),
      404,
      "not_found",
    );
    expect(stranger.error.message).toBe(unknown.error.message);
    expect((await lists(bob)).toDecide.map((r) => r.id)).not.toContain(id);
    const refusals = await stack.db.auditEvent.findMany({
      where: { action: "access-request.refused", detailsJson: { contains: id } },
    });
    expect(refusals).toHaveLength(2);
    expect(refusals.every((r) => r.outcome === "denied")).toBe(true);
  });

  it("no self-approval by the identity that filed a request, even once it belongs to another person", async () => {
    // What linking leaves behind when alice's identity filed a request for a person that keeps
    // another identity: the request stays that person's, the identity is now alice's.
    const [aliceUser, carolUser] = await Promise.all([
      storedUser(stack, "alice"),
      storedUser(stack, "carol"),
    ]);
    const filed = await stack.db.accessRequest.findUniqueOrThrow({ where: { id } });
    const moved = await stack.db.accessRequest.create({
      data: {
        ruleId: filed.ruleId,
        roleId: dataAnalyst,
        personId: carolUser.personId,
        requesterUserId: aliceUser.id,
        requesterEmail: "alice@corp.example",
        reason: "filed before the identity moved",
        durationSeconds: HOUR,
        startsAt: new Date(),
        decideBy: filed.decideBy,
      },
    });
    try {
      const refused = await expectApiError(
        await decide(alice, moved.id, "approve"),
        403,
        "forbidden",
      );
      expect(refused.error.message).toMatch(/your own request/);
      const after = await stack.db.accessRequest.findUniqueOrThrow({ where: { id: moved.id } });
      expect(after).toMatchObject({ state: "pending", version: 1 });
    } finally {
      await stack.db.accessRequest.delete({ where: { id: moved.id } });
    }
  });

  it("a refusal names the role, account and requester it was about, so the audit filters find it", async () => {
    const role = await stack.db.role.findUniqueOrThrow({
      where: { id: dataAnalyst },
      include: { awsAccount: true },
    });
    const target = { roleArn: role.arn, awsAccountId: role.awsAccount.accountId };
    const decisions = await stack.db.auditEvent.findMany({
      where: { action: "access-request.refused", detailsJson: { contains: id } },
    });
    expect(decisions).toHaveLength(2);
    for (const refusal of decisions) {
      expect(refusal).toMatchObject(target);
      expect(JSON.parse(refusal.detailsJson)).toMatchObject({ requester: "carol@corp.example" });
    }
    // bob asked for a role no rule lets him request (the first rule above).
    const bobUser = await storedUser(stack, "bob");
    const request = await stack.db.auditEvent.findFirstOrThrow({
      where: {
        action: "access-request.refused",
        actorUserId: bobUser.id,
        detailsJson: { contains: `"requestedRoleId":"${dataAnalyst}"` },
      },
    });
    expect(request).toMatchObject(target);
    // The log's account and role filters (the page, the export) now list all three.
    const byAccount = await alice.request(
      `/api/admin/audit/export?format=jsonl&action=access-request.refused&role=${encodeURIComponent(role.arn)}&account=${role.awsAccount.accountId}`,
    );
    const ids = (await byAccount.text())
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toEqual(expect.arrayContaining([...decisions.map((d) => d.id), request.id]));
  });

  it("the approver sees who, what, why and the requester's history, and approves: the role works at once", async () => {
    const pending = (await lists(alice)).toDecide.find((r) => r.id === id);
    expect(pending).toMatchObject({
      requesterEmail: "carol@corp.example",
      reason: "Q3 revenue numbers",
    });
    expect(pending?.history.total).toBe(1);
    const res = await decide(alice, id, "approve", "ok for Q3");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ status: "active" });

    await resetStsCalls(stack);
    // No duration asked: the default, capped at what is left of the hour.
    const askedAt = Date.now();
    const issued = await credentials(carol, dataAnalyst);
    expect(issued.status, await issued.clone().text()).toBe(200);
    const body = (await issued.json()) as { expiration: string };
    const mine = (await lists(carol)).mine.find((r) => r.id === id);
    expect(mine?.status).toBe("active");
    // No session outlasts the elevation: the portal asks for no more than is left of it when the
    // request came (on this machine's clock, which the portal's equals here). Judged on the
    // duration asked, not on Expiration, which AWS counts from its own later moment: a busy
    // machine may take seconds between the two.
    const calls = await assumeRoleCalls(stack);
    expect(calls).toHaveLength(1);
    const asked = calls[0]!.durationSeconds ?? Number.NaN;
    expect(askedAt + asked * 1000).toBeLessThanOrEqual(Date.parse(mine?.endsAt ?? ""));
    expect(Date.parse(body.expiration)).toBeLessThanOrEqual(
      Date.parse(calls[0]!.at) + asked * 1000 + 1000,
    );
  });

  it("an issuance's audit records name the approved request that granted it; a standing rule's name none", async () => {
    // Who approved the credentials: the request's own events say, once the issuance names it.
    const issued = await stack.db.auditEvent.findMany({
      where: {
        action: { in: ["credentials.authorized", "credentials.issued"] },
        actorEmail: "carol@corp.example",
        roleArn: "arn:aws:iam::210987654321:role/DataAnalyst",
      },
      orderBy: { sequence: "asc" },
    });
    expect(issued.map((r) => r.action)).toEqual(["credentials.authorized", "credentials.issued"]);
    for (const row of issued)
      expect(parseDetails(row.detailsJson), row.action).toMatchObject({ accessRequests: [id] });
    const standing = await bob.request(`/api/roles/${stagingDeveloper}/console`, {
      method: "POST",
      json: {},
    });
    expect(standing.status, await standing.clone().text()).toBe(200);
    const rows = await stack.db.auditEvent.findMany({
      where: { requestId: standing.headers.get("x-request-id")! },
      orderBy: { sequence: "asc" },
    });
    expect(rows.map((r) => r.action)).toEqual(["console.authorized", "console.issued"]);
    for (const row of rows)
      expect(parseDetails(row.detailsJson)).not.toHaveProperty("accessRequests");
  });

  it("Explain and the access review say why: active until T because request R was approved by alice", async () => {
    const arn = "arn:aws:iam::210987654321:role/DataAnalyst";
    const explained = await (
      await alice.request(
        `/admin/access?explainUser=carol%40corp.example&explainRole=${encodeURIComponent(arn)}`,
      )
    ).text();
    expect(explained).toContain(`because request ${id} was approved by alice@corp.example`);
    const review = await (await alice.request("/admin/access?user=carol%40corp.example")).text();
    expect(review).toContain(`by approved request ${id}`);
    const byAccount = await (await alice.request("/admin/access?account=210987654321")).text();
    expect(byAccount).toContain("by request, approved by the gatehouse-admins group");
    expect(byAccount).toContain(`carol@corp.example holds it by approved request ${id} until`);
    // The end written as every page writes a time, the full instant in the <time> element.
    const endsAt = (await lists(carol)).mine.find((r) => r.id === id)?.endsAt ?? "";
    expect(byAccount).toMatch(
      new RegExp(
        `by approved request ${id} until <time dateTime="${endsAt}" title="[^"]+">${formatUtc(endsAt)}</time>`,
      ),
    );
    const csv = await (await alice.request("/admin/access/export?account=210987654321")).text();
    expect(csv).toContain("by request, approved by the gatehouse-admins group");
  });

  it("the approver ends it early: carol's next issuance is refused with no STS call, on another replica too", async () => {
    const replica = await startReplica(stack);
    try {
      const res = await alice.request(`/api/access-requests/${id}/revoke`, {
        method: "POST",
        json: { comment: "done with Q3" },
      });
      expect(res.status, await res.clone().text()).toBe(204);
      // The replica's own start-up may ask STS who the broker is; no role is assumed for carol.
      await resetStsCalls(stack);
      await expectApiError(await credentials(carol, dataAnalyst), 404, "not_found");
      const viaReplica = await fetch(`${replica.url}/api/roles/${dataAnalyst}/credentials`, {
        method: "POST",
        headers: {
          ...carol.jar.headersFor(replica.url),
          origin: stack.portalUrl,
          "x-forwarded-host": new URL(stack.portalUrl).host,
          "content-type": "application/json",
        },
        body: "{}",
      });
      await expectApiError(viaReplica, 404, "not_found");
      expect(await assumeRoleCalls(stack)).toEqual([]);
    } finally {
      await replica.stop();
    }
    expect((await lists(carol)).mine.find((r) => r.id === id)?.status).toBe("revoked");
    await expectApiError(await decide(alice, id, "approve"), 409, "conflict");
  });

  it("every change is audited in order, and the webhook got each event, signed", async () => {
    expect(await auditActionsOf(id)).toEqual([
      "access-request.requested",
      "access-request.refused",
      "access-request.refused",
      "access-request.approved",
      "elevation.activated",
      "elevation.revoked",
      // alice's approval after the revoke: refused, and recorded.
      "access-request.refused",
    ]);
    const got = await hooks.waitForMatching(4, (h) => h.body.request.id === id);
    expect(got.map((h) => h.body.event)).toEqual(["requested", "approved", "activated", "ended"]);
    expect(got[0]?.body.text).toMatch(
      /carol@corp\.example requests DataAnalyst in acme-production/,
    );
    expect(got[3]?.body.text).toMatch(/revoked by alice@corp\.example/);
    for (const h of got) {
      expect(h.headers["x-gatehouse-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(h.headers["x-gatehouse-event"]).toBe(h.body.event);
    }
    const deliveries = await stack.db.webhookDelivery.findMany({ where: { requestId: id } });
    expect(deliveries.map((d) => d.state)).toEqual([
      "delivered",
      "delivered",
      "delivered",
      "delivered",
    ]);
  });
});

describe("deciding", () => {
  it("two approvers at the same moment: exactly one outcome, the other is told who decided it", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      // Several rounds, so the loser is caught both before its write and by the conditional write.
      for (let round = 0; round < 4; round += 1) {
        const id = await requestId(carol, {
          roleId: stagingDeveloper,
          durationSeconds: HOUR,
          reason: `deploy ${round}`,
        });
        const [a, b] = await Promise.all([decide(alice, id, "approve"), decide(bob, id, "deny")]);
        const statuses = [a.status, b.status].sort();
        expect(statuses).toEqual([200, 409]);
        const row = await stack.db.accessRequest.findUniqueOrThrow({
          where: { id },
          include: { decisions: true },
        });
        expect(row.decisions).toHaveLength(1);
        expect(row.state).toBe(row.decisions[0]?.decision === "approve" ? "approved" : "denied");
        // The one who lost is told what happened and by whom, not only that something changed.
        const loser = await expectApiError(a.status === 409 ? a : b, 409, "conflict");
        expect(loser.error.message).toMatch(
          row.state === "approved"
            ? /^This request was already approved by alice@corp\.example \(active\)\./
            : /^This request was already denied by bob@corp\.example\./,
        );
        const decided = (await auditActionsOf(id)).filter((x) => /approved|denied/.test(x));
        expect(decided).toHaveLength(1);
        if (row.state === "approved")
          await carol.request(`/api/access-requests/${id}/revoke`, { method: "POST", json: {} });
      }
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("an approver whose clock is a moment behind the winning approval's reads it as active, not scheduled", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "clock skew",
      });
      // The winner's request began two seconds after the loser's: its approval starts then.
      stack.portalClock.advance(2000);
      try {
        expect(await (await decide(alice, id, "approve")).json()).toEqual({ status: "active" });
      } finally {
        stack.portalClock.reset();
      }
      const loser = await expectApiError(await decide(bob, id, "deny"), 409, "conflict");
      expect(loser.error.message).toBe(
        "This request was already approved by alice@corp.example (active).",
      );
      await carol.request(`/api/access-requests/${id}/revoke`, { method: "POST", json: {} });
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("a rule needing two approvals grants only after the second, from another person", async () => {
    const rule = await eligibleRuleForCarol({ approvalsRequired: 2 });
    try {
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "incident 7",
      });
      expect(await (await decide(bob, id, "approve")).json()).toEqual({ status: "pending" });
      await expectApiError(await decide(bob, id, "approve"), 409, "conflict");
      await withoutAwsCalls(stack, async () =>
        expectApiError(await credentials(carol, stagingDeveloper), 404, "not_found"),
      );
      expect(await (await decide(alice, id, "approve")).json()).toEqual({ status: "active" });
      expect((await credentials(carol, stagingDeveloper)).status).toBe(200);
      expect(await auditActionsOf(id)).toEqual([
        "access-request.requested",
        "access-request.approval-recorded",
        // bob's second approval: refused ("already decided"), and recorded.
        "access-request.refused",
        "access-request.approved",
        "elevation.activated",
      ]);
      await carol.request(`/api/access-requests/${id}/revoke`, { method: "POST", json: {} });
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("an approval grants no longer than the rule allows now: a longest elevation shortened while the request waited caps it", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: 2 * HOUR,
        reason: "incident 9",
      });
      await stack.db.accessRule.update({
        where: { id: rule.id },
        data: { maxElevationSeconds: HOUR / 2 },
      });
      expect(await (await decide(bob, id, "approve")).json()).toEqual({ status: "active" });
      const approved = await stack.db.accessRequest.findUniqueOrThrow({ where: { id } });
      expect(approved.endsAt!.getTime() - approved.startsAt.getTime()).toBe((HOUR / 2) * 1000);
      // What was asked stays on record; the grant is what the rule allows.
      expect(approved.durationSeconds).toBe(2 * HOUR);
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("an approval stops counting once its approver may no longer decide (the rule no longer names their group)", async () => {
    const rule = await eligibleRuleForCarol({ approvalsRequired: 2 });
    await stack.db.accessRule.update({
      where: { id: rule.id },
      data: { approversJson: JSON.stringify([{ group: "developers" }, { group: ADMIN_GROUP }]) },
    });
    try {
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "incident 8",
      });
      expect(await (await decide(bob, id, "approve")).json()).toEqual({ status: "pending" });
      // An admin narrows the approvers to the admins group: bob (developers only) is out.
      await stack.db.accessRule.update({
        where: { id: rule.id },
        data: { approversJson: JSON.stringify([{ group: ADMIN_GROUP }]) },
      });
      // The lists say so: bob's approval is on record but counts for nothing now.
      const before = (await lists(alice)).toDecide.find((r) => r.id === id);
      expect(before).toMatchObject({ approvals: 0, approvalsRequired: 2 });
      // alice's approval is the only one that still counts: one of two.
      expect(await (await decide(alice, id, "approve")).json()).toEqual({ status: "pending" });
      expect((await lists(carol)).mine.find((r) => r.id === id)).toMatchObject({
        status: "pending",
        approvals: 1,
      });
      await withoutAwsCalls(stack, async () =>
        expectApiError(await credentials(carol, stagingDeveloper), 404, "not_found"),
      );
      expect((await stack.db.accessRequest.findUniqueOrThrow({ where: { id } })).state).toBe(
        "pending",
      );
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("a decision on a cancelled or an expired request is refused, and the attempt audited with the reason", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      const cancelled = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "a",
      });
      expect(
        (await carol.request(`/api/access-requests/${cancelled}/cancel`, { method: "POST" }))
          .status,
      ).toBe(204);
      const refusedCancelled = await expectApiError(
        await decide(alice, cancelled, "approve"),
        409,
        "conflict",
      );
      expect(refusedCancelled.error.message).toMatch(/cancelled/);
      const lateDecision = await stack.db.auditEvent.findFirstOrThrow({
        where: { action: "access-request.refused", requestId: refusedCancelled.error.requestId },
      });
      expect(lateDecision).toMatchObject({ outcome: "denied", actorEmail: "alice@corp.example" });
      expect(JSON.parse(lateDecision.detailsJson)).toMatchObject({
        what: "approve",
        request: cancelled,
        reason: "This request was cancelled.",
      });

      const expiring = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "b",
      });
      stack.portalClock.advance(11 * 60 * 1000);
      try {
        const refusedExpired = await expectApiError(
          await decide(alice, expiring, "approve"),
          409,
          "conflict",
        );
        expect(refusedExpired.error.message).toMatch(/expired/);
        // The sweep writes the expiry (and its audit event) once.
        await lists(carol);
        await expect
          .poll(
            async () =>
              (await stack.db.accessRequest.findUniqueOrThrow({ where: { id: expiring } })).state,
            {
              timeout: 20_000,
            },
          )
          .toBe("expired");
        // The approval that came too late is on record (before or after the sweep's expiry).
        expect((await auditActionsOf(expiring)).sort()).toEqual([
          "access-request.expired",
          "access-request.refused",
          "access-request.requested",
        ]);
      } finally {
        stack.portalClock.reset();
      }
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("a cancel racing the elevation's start is a conflict: the elevation stays approved, nothing written", async () => {
    const { cancelAccessRequest } = await import("@/lib/access-requests/close-request");
    const rule = await eligibleRuleForCarol();
    try {
      const startsAt = new Date(Date.now() + HOUR * 1000);
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "starts later",
        startsAt: startsAt.toISOString(),
      });
      expect(await (await decide(bob, id, "approve")).json()).toEqual({ status: "approved" });
      const before = await stack.db.accessRequest.findUniqueOrThrow({ where: { id } });
      // Checked before the start, written a second after it: the clock moves between the two.
      const ctx = await carolsContext(
        new Date(before.startsAt.getTime() - 1000),
        () => new Date(before.startsAt.getTime() + 1000),
      );
      await expect(cancelAccessRequest(ctx, id)).rejects.toMatchObject({ code: "conflict" });
      const after = await stack.db.accessRequest.findUniqueOrThrow({ where: { id } });
      expect(after).toMatchObject({ state: "approved", version: before.version, closedBy: null });
      expect(await auditActionsOf(id)).toEqual([
        "access-request.requested",
        "access-request.approved",
      ]);
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });
});

describe("the approver's side", () => {
  it("an approver's queue shows the requests waiting for them, however many wait for other approvers", async () => {
    const bobUser = await storedUser(stack, "bob");
    const othersRule = await createEligibleRule(
      stack,
      { roleId: dataAnalyst, personId: bobUser.personId },
      { approvers: [{ group: "finance-approvers" }] },
    );
    const rule = await eligibleRuleForCarol();
    // Seeded around the system clock, far from any deadline the portal's (moved) clock may reach.
    const now = new Date();
    try {
      // Older than carol's, and more than a page of them: none is alice's to decide.
      await stack.db.accessRequest.createMany({
        data: Array.from({ length: 201 }, (_, i) => ({
          ruleId: othersRule.id,
          roleId: dataAnalyst,
          personId: bobUser.personId,
          requesterUserId: bobUser.id,
          requesterEmail: "bob@corp.example",
          reason: `finance ${i}`,
          durationSeconds: HOUR,
          startsAt: now,
          decideBy: new Date(now.getTime() + 30 * 24 * HOUR * 1000),
          createdAt: new Date(now.getTime() - 24 * HOUR * 1000 + i * 1000),
        })),
      });
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "deploy",
      });
      expect((await lists(alice)).toDecide.map((r) => r.id)).toContain(id);
    } finally {
      await stack.db.accessRequest.deleteMany({ where: { ruleId: othersRule.id } });
      await stack.db.accessRule.delete({ where: { id: othersRule.id } });
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("a notification links to its request: signing in comes back to it, shown first, or says who decided it", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "deploy",
      });
      const [told] = await hooks.waitForMatching(
        1,
        (h) => h.body.request.id === id && h.body.event === "requested",
      );
      const link = (told?.body.request as { url?: string } | undefined)?.url ?? "";
      expect(new URL(link).pathname + new URL(link).search).toBe(`/requests?request=${id}`);
      expect(told?.body.text).toContain(`<${link}|Open in Gatehouse>`);
      expect(told?.body.request).toMatchObject({ decideBy: expect.any(String) as string });
      const path = `/requests?request=${id}`;

      const anonymous = await fetch(`${stack.portalUrl}${path}`, { redirect: "manual" });
      expect(anonymous.headers.get("location")).toContain(
        `/signin?callbackUrl=${encodeURIComponent(path)}`,
      );

      const waiting = await (await alice.request(path)).text();
      expect(waiting).toMatch(
        new RegExp(`data-testid="decide-request" data-request-id="${id}" data-linked="true"`),
      );

      expect((await decide(bob, id, "approve", "go")).status).toBe(200);
      const decided = await (await alice.request(path)).text();
      expect(decided).toContain("This request was already approved by bob@corp.example (active).");
      // To someone who may not decide it, the link says only that: its id can't be probed.
      const bystander = await signIn(stack, "dave");
      const probed = await (await bystander.request(path)).text();
      expect(probed).toContain("This request is not waiting for your decision.");
      expect(probed).not.toContain("bob@corp.example");
      await carol.request(`/api/access-requests/${id}/revoke`, { method: "POST", json: {} });
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });
});

describe("elevations end", () => {
  it("an elevation that ends makes the next issuance a denial with no STS call; sessions are capped at its end", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "timed",
      });
      expect((await decide(bob, id, "approve")).status).toBe(200);
      stack.portalClock.advance(30 * 60 * 1000);
      try {
        // 30 minutes left: a one-hour session is refused, saying why; 30 minutes is allowed.
        const tooLong = await expectApiError(
          await credentials(carol, stagingDeveloper, { durationSeconds: HOUR }),
          400,
          "validation_error",
        );
        expect(JSON.stringify(tooLong.error.issues)).toMatch(/ends sooner/);
        stack.portalClock.advance(20 * 60 * 1000);
        // 10 minutes left: shorter than AWS's shortest session, refused (audited) before STS.
        const short = await withoutAwsCalls(stack, async () =>
          expectApiError(await credentials(carol, stagingDeveloper), 403, "forbidden"),
        );
        expect(short.error.message).toMatch(/under 15 minutes/);
        stack.portalClock.advance(11 * 60 * 1000);
        await withoutAwsCalls(stack, async () =>
          expectApiError(await credentials(carol, stagingDeveloper), 404, "not_found"),
        );
        await lists(carol);
        await expect
          .poll(
            async () => (await stack.db.accessRequest.findUniqueOrThrow({ where: { id } })).endedAt,
            {
              timeout: 90_000,
            },
          )
          .not.toBeNull();
        expect((await auditActionsOf(id)).at(-1)).toBe("elevation.ended");
      } finally {
        stack.portalClock.reset();
      }
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("an elevation too near its end to issue a session does not stand in the way of requesting more time, nor of break-glass", async () => {
    const rule = await eligibleRuleForCarol({ breakGlass: true });
    try {
      const first = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "incident",
      });
      expect((await decide(bob, first, "approve")).status).toBe(200);
      stack.portalClock.advance(50 * 60 * 1000);
      try {
        // 10 minutes left: issuance says to request more time...
        const short = await expectApiError(
          await credentials(carol, stagingDeveloper),
          403,
          "forbidden",
        );
        expect(short.error.message).toMatch(/request more time/);
        // ...the page offers the role to request again...
        const offered = await lists(carol);
        expect(offered.eligible.map((e) => e.roleId)).toContain(stagingDeveloper);
        // ...and so does the API: a request for more time is filed, and approved, it issues.
        const more = await requestId(carol, {
          roleId: stagingDeveloper,
          durationSeconds: HOUR,
          reason: "still on the incident",
        });
        expect((await decide(bob, more, "approve")).status).toBe(200);
        expect((await credentials(carol, stagingDeveloper)).status).toBe(200);
        // With more than 15 minutes left, one open elevation per role still holds.
        await expectApiError(
          await request(carol, { roleId: stagingDeveloper, durationSeconds: HOUR, reason: "x" }),
          409,
          "conflict",
        );
        // Break-glass too, once the running elevation is as good as over.
        stack.portalClock.advance(50 * 60 * 1000);
        const res = await request(carol, {
          roleId: stagingDeveloper,
          durationSeconds: HOUR,
          breakGlass: true,
          reason: "prod down again",
        });
        expect(res.status, await res.clone().text()).toBe(201);
      } finally {
        stack.portalClock.reset();
      }
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("break-glass activates at once with a mandatory reason, marked in the audit and told to approvers", async () => {
    const rule = await eligibleRuleForCarol({ breakGlass: true });
    try {
      await expectApiError(
        await request(carol, { roleId: stagingDeveloper, durationSeconds: HOUR, breakGlass: true }),
        400,
        "validation_error",
      );
      const res = await request(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        breakGlass: true,
        reason: "prod down",
      });
      expect(res.status).toBe(201);
      const { id, status } = (await res.json()) as { id: string; status: string };
      expect(status).toBe("active");
      expect((await credentials(carol, stagingDeveloper)).status).toBe(200);
      expect(await auditActionsOf(id)).toEqual([
        "access-request.requested",
        "elevation.break-glass",
      ]);
      const got = await hooks.waitForMatching(2, (h) => h.body.request.id === id);
      expect(got.map((h) => h.body.event)).toEqual(["requested", "activated"]);
      expect(got[0]?.body.text).toMatch(/BREAK-GLASS/);
      await carol.request(`/api/access-requests/${id}/revoke`, { method: "POST", json: {} });
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });
});

describe("break-glass while a request waits", () => {
  it("break-glass replaces the requester's own waiting request: it is cancelled saying why, and approvers are told", async () => {
    const rule = await eligibleRuleForCarol({ breakGlass: true });
    try {
      const waiting = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "deploy tomorrow",
      });
      // A plain second request is still one too many, and says what to do.
      const second = await expectApiError(
        await request(carol, { roleId: stagingDeveloper, durationSeconds: HOUR, reason: "x" }),
        409,
        "conflict",
      );
      expect(second.error.message).toMatch(/cancel it under “My requests”/);
      const res = await request(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        breakGlass: true,
        reason: "prod down, nobody answers",
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const { id, status } = (await res.json()) as { id: string; status: string };
      expect(status).toBe("active");
      expect((await credentials(carol, stagingDeveloper)).status).toBe(200);
      const old = await stack.db.accessRequest.findUniqueOrThrow({ where: { id: waiting } });
      expect(old.state).toBe("cancelled");
      expect(old.closedBy).toBe("carol@corp.example");
      expect(old.closedComment).toBe(`Replaced by break-glass access (request ${id}).`);
      expect(await auditActionsOf(waiting)).toEqual([
        "access-request.requested",
        "access-request.cancelled",
      ]);
      const told = await hooks.waitForMatching(
        1,
        (h) => h.body.request.id === waiting && h.body.event === "cancelled",
      );
      expect(told).toHaveLength(1);
      // An approver can no longer decide the replaced request.
      await expectApiError(await decide(bob, waiting, "approve"), 409, "conflict");
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("break-glass does not replace an approved elevation that starts later: refused naming its start, the approval kept", async () => {
    const rule = await eligibleRuleForCarol({ breakGlass: true });
    try {
      const startsAt = new Date(Date.now() + 2 * HOUR * 1000);
      const later = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "release rehearsal",
        startsAt: startsAt.toISOString(),
      });
      expect((await decide(bob, later, "approve")).status).toBe(200);
      const refused = await expectApiError(
        await request(carol, {
          roleId: stagingDeveloper,
          durationSeconds: HOUR,
          breakGlass: true,
          reason: "prod down",
        }),
        409,
        "conflict",
      );
      expect(refused.error.message).toMatch(
        /approved request for this role \(from .*\): cancel it/,
      );
      expect((await stack.db.accessRequest.findUniqueOrThrow({ where: { id: later } })).state).toBe(
        "approved",
      );
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });
});

describe("racing an approval", () => {
  it("a cancel that read an approval made a moment later by the clock is told the access is active; a revoke ends it no earlier than it started", async () => {
    const { cancelAccessRequest, revokeElevation } =
      await import("@/lib/access-requests/close-request");
    const rule = await eligibleRuleForCarol();
    try {
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "raced",
      });
      expect(await (await decide(bob, id, "approve")).json()).toEqual({ status: "active" });
      const approved = await stack.db.accessRequest.findUniqueOrThrow({ where: { id } });
      // Carol's requests began 5 ms before bob's approval by the clock, and read it after.
      const ctx = await carolsContext(new Date(approved.approvedAt!.getTime() - 5));
      await expect(cancelAccessRequest(ctx, id)).rejects.toMatchObject({
        code: "conflict",
        message: "This access is active: end it instead.",
      });
      expect(await stack.db.accessRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({
        state: "approved",
        version: approved.version,
      });
      await revokeElevation(ctx, id, "raced");
      const revoked = await stack.db.accessRequest.findUniqueOrThrow({ where: { id } });
      expect(revoked.state).toBe("revoked");
      expect(revoked.endsAt!.getTime()).toBeGreaterThanOrEqual(revoked.startsAt.getTime());
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });
});

describe("not allowed", () => {
  it("the requests page sends an anonymous visitor to sign in, and shows nothing", async () => {
    const res = await fetch(`${stack.portalUrl}/requests`, { redirect: "manual" });
    expect([303, 307]).toContain(res.status);
    expect(res.headers.get("location")).toContain("/signin?callbackUrl=%2Frequests");
    expect(await res.text()).not.toContain("DataAnalyst");
  });

  it("anonymous callers get 401 on every access-request route", async () => {
    const fakeId = "c".repeat(25);
    for (const [method, path] of [
      ["GET", "/api/access-requests"],
      ["POST", "/api/access-requests"],
      ["POST", `/api/access-requests/${fakeId}/decision`],
      ["POST", `/api/access-requests/${fakeId}/cancel`],
      ["POST", `/api/access-requests/${fakeId}/revoke`],
    ] as const) {
      const res = await fetch(`${stack.portalUrl}${path}`, {
        method,
        headers: { origin: stack.portalUrl, "content-type": "application/json" },
        ...(method === "POST" ? { body: "{}" } : {}),
      });
      await expectApiError(res, 401, "unauthenticated");
    }
  });

  it("another person's request can't be cancelled or ended by a bystander, and ids can't be probed", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "c",
      });
      const dave = await signIn(stack, "dave");
      await expectApiError(
        await dave.request(`/api/access-requests/${id}/cancel`, { method: "POST" }),
        404,
        "not_found",
      );
      await expectApiError(
        await bob.request(`/api/access-requests/${id}/cancel`, { method: "POST" }),
        404,
        "not_found",
      );
      await expectApiError(await decide(dave, id, "approve"), 404, "not_found");
      await expectApiError(
        await decide(alice, "nonexistent0000000000000", "approve"),
        404,
        "not_found",
      );
      await expectApiError(await decide(alice, "NOT_AN_ID", "approve"), 400, "validation_error");
      await expectApiError(await decide(alice, id, "maybe"), 400, "validation_error");
      const crossSite = await fetch(`${stack.portalUrl}/api/access-requests/${id}/decision`, {
        method: "POST",
        headers: {
          ...alice.jar.headersFor(stack.portalUrl),
          origin: "https://evil.example",
          "content-type": "application/json",
        },
        body: JSON.stringify({ decision: "approve" }),
      });
      await expectApiError(crossSite, 403, "csrf_rejected");
      expect((await stack.db.accessRequest.findUniqueOrThrow({ where: { id } })).state).toBe(
        "pending",
      );
      await carol.request(`/api/access-requests/${id}/cancel`, { method: "POST" });
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });
});

describe("requirements of a rule", () => {
  it("MFA to request and MFA to approve: a sign-in without MFA is sent to step up", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      await stack.db.accessRule.update({
        where: { id: rule.id },
        data: { requireMfaToRequest: true },
      });
      const refused = await expectApiError(
        await request(carol, { roleId: stagingDeveloper, durationSeconds: HOUR, reason: "x" }),
        403,
        "mfa_required",
      );
      expect(refused.error.message).toMatch(/MFA/);
      await stack.db.accessRule.update({
        where: { id: rule.id },
        data: { requireMfaToRequest: false, requireMfaToApprove: true },
      });
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "y",
      });
      const stepUp = await expectApiError(await decide(bob, id, "approve"), 403, "mfa_required");
      // The step-up comes back to this request, as a notification's link does.
      expect(new URLSearchParams(stepUp.error.nextUrl!.split("?")[1]).get("returnTo")).toBe(
        `/requests?request=${id}`,
      );
      // Denying needs no MFA: refusing access is always safe.
      expect((await decide(bob, id, "deny", "not now")).status).toBe(200);
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("a duration longer than the rule allows is refused naming the longest as a length, never a fraction of minutes", async () => {
    const carolUser = await storedUser(stack, "carol");
    const rule = await createEligibleRule(
      stack,
      { roleId: stagingDeveloper, personId: carolUser.personId },
      { maxElevationSeconds: 1000 },
    );
    try {
      const body = await expectApiError(
        await request(carol, { roleId: stagingDeveloper, durationSeconds: HOUR, reason: "r" }),
        400,
        "validation_error",
      );
      expect(body.error.issues).toEqual([
        { path: "durationSeconds", message: "must be at most 16 min 40 s for this role" },
      ]);
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("a ticket is required where the rule says so", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      await stack.db.accessRule.update({ where: { id: rule.id }, data: { requireTicket: true } });
      const body = await expectApiError(
        await request(carol, { roleId: stagingDeveloper, durationSeconds: HOUR, reason: "x" }),
        400,
        "validation_error",
      );
      expect(JSON.stringify(body.error.issues)).toContain("ticket");
      await expectApiError(
        await request(carol, {
          roleId: stagingDeveloper,
          durationSeconds: HOUR,
          reason: "x",
          ticket: "<script>",
        }),
        400,
        "validation_error",
      );
      expect(
        (
          await request(carol, {
            roleId: stagingDeveloper,
            durationSeconds: HOUR,
            reason: "x",
            ticket: "OPS-7",
          })
        ).status,
      ).toBe(201);
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("a reason or comment with a control or direction character is refused naming the field, never a 500", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      // NUL can't be stored in PostgreSQL text; the others make the text read differently.
      for (const bad of ["before\u0000after", "bell\u0007", "\u202eevil", "a\u2028b"]) {
        const body = await expectApiError(
          await request(carol, { roleId: stagingDeveloper, durationSeconds: HOUR, reason: bad }),
          400,
          "validation_error",
        );
        expect(JSON.stringify(body.error.issues), JSON.stringify(bad)).toContain("reason");
      }
      // Lines are fine: a reason is often a few.
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "line one\r\nline two\tend",
      });
      expect((await stack.db.accessRequest.findUniqueOrThrow({ where: { id } })).reason).toBe(
        "line one\r\nline two\tend",
      );
      const badDecision = await expectApiError(
        await decide(bob, id, "approve", "ok\u0000"),
        400,
        "validation_error",
      );
      expect(JSON.stringify(badDecision.error.issues)).toContain("comment");
      expect((await decide(bob, id, "approve", "ok")).status).toBe(200);
      const revoke = (comment: string) =>
        carol.request(`/api/access-requests/${id}/revoke`, { method: "POST", json: { comment } });
      const badRevoke = await expectApiError(await revoke("done\u0000"), 400, "validation_error");
      expect(JSON.stringify(badRevoke.error.issues)).toContain("comment");
      expect((await revoke("done")).status).toBe(204);
      expect((await stack.db.accessRequest.findUniqueOrThrow({ where: { id } })).state).toBe(
        "revoked",
      );
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("a pending request whose rule was removed says nobody can approve it, and does not block a request under the rule that names them now", async () => {
    const removed = await eligibleRuleForCarol();
    let current: { id: string } | null = null;
    try {
      const stuck = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "before the rule changed",
      });
      await stack.db.accessRule.delete({ where: { id: removed.id } });
      current = await eligibleRuleForCarol();
      const after = (await lists(carol)) as Lists & {
        mine: Array<{ id: string; ruleRemoved: boolean }>;
        requested: Array<{ roleId: string }>;
      };
      expect(after.mine.find((r) => r.id === stuck)).toMatchObject({
        status: "pending",
        ruleRemoved: true,
      });
      expect(after.eligible.map((e) => e.roleId)).toContain(stagingDeveloper);
      expect(after.requested.map((e) => e.roleId)).not.toContain(stagingDeveloper);
      const fresh = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "under the current rule",
      });
      expect((await lists(carol)).mine.find((r) => r.id === fresh)?.status).toBe("pending");
      // Under the same rule, a second one is still refused.
      await expectApiError(
        await request(carol, { roleId: stagingDeveloper, durationSeconds: HOUR, reason: "again" }),
        409,
        "conflict",
      );
    } finally {
      await closeCarolsStagingRequests();
      if (current) await stack.db.accessRule.delete({ where: { id: current.id } });
    }
  });

  it("one open request per role holds for requests sent at the same moment: one is filed, the others told", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      const answers = await Promise.all(
        [1, 2, 3, 4].map((n) =>
          request(carol, { roleId: stagingDeveloper, durationSeconds: HOUR, reason: `twice ${n}` }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409]);
      for (const a of answers)
        if (a.status === 409)
          expect(((await a.json()) as { error: { code: string } }).error.code).toBe("conflict");
      const carolUser = await storedUser(stack, "carol");
      expect(
        await stack.db.accessRequest.count({
          where: { personId: carolUser.personId, roleId: stagingDeveloper, state: "pending" },
        }),
      ).toBe(1);
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("a requester in the approving group still can't approve their own request", async () => {
    const rule = await stack.db.accessRule.create({
      data: {
        roleId: dataAnalyst,
        groupName: "developers",
        kind: "eligible",
        approversJson: JSON.stringify([{ group: "developers" }]),
        maxElevationSeconds: HOUR,
      },
    });
    try {
      const id = await requestId(bob, {
        roleId: dataAnalyst,
        durationSeconds: HOUR,
        reason: "peek",
      });
      expect((await lists(bob)).toDecide.map((r) => r.id)).not.toContain(id);
      const own = await expectApiError(await decide(bob, id, "approve"), 403, "forbidden");
      expect(own.error.message).toMatch(/your own request/);
      expect((await decide(alice, id, "approve")).status).toBe(200);
      await bob.request(`/api/access-requests/${id}/revoke`, { method: "POST", json: {} });
    } finally {
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });
});

describe("the sweep and webhook delivery", () => {
  it("replicas sweeping at once write each expiry once", async () => {
    const { sweepAccessRequests } = await import("@/lib/access-requests/sweep");
    const rule = await eligibleRuleForCarol();
    try {
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "s",
      });
      const later = new Date(Date.now() + 11 * 60_000);
      const notify = { webhookUrl: null, portalUrl: stack.portalUrl };
      await Promise.all([
        sweepAccessRequests(stack.db, later, notify),
        sweepAccessRequests(stack.db, later, notify),
        sweepAccessRequests(stack.db, later, notify),
      ]);
      expect((await stack.db.accessRequest.findUniqueOrThrow({ where: { id } })).state).toBe(
        "expired",
      );
      expect(await auditActionsOf(id)).toEqual([
        "access-request.requested",
        "access-request.expired",
      ]);
    } finally {
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("a rule's own webhook hears its events too, besides the global one", async () => {
    const ruleHooks = await startWebhookReceiver();
    const rule = await eligibleRuleForCarol();
    try {
      await stack.db.accessRule.update({
        where: { id: rule.id },
        data: { webhookUrl: ruleHooks.url },
      });
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "r",
      });
      expect((await ruleHooks.waitFor(1))[0]?.body).toMatchObject({
        event: "requested",
        request: { id },
      });
      const [global] = await hooks.waitForMatching(1, (h) => h.body.request.id === id);
      expect(global?.body.event).toBe("requested");
    } finally {
      await ruleHooks.close();
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });

  it("a webhook that fails is retried with backoff until it is delivered", async () => {
    const rule = await eligibleRuleForCarol();
    try {
      hooks.answerWith(500);
      const id = await requestId(carol, {
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "hook",
      });
      const delivery = () =>
        stack.db.webhookDelivery.findFirstOrThrow({ where: { requestId: id, event: "requested" } });
      await expect.poll(async () => (await delivery()).lastStatus, { timeout: 90_000 }).toBe(500);
      const failed = await delivery();
      expect(failed).toMatchObject({ state: "pending", attempts: 1, lastError: "HTTP 500" });
      // Due again 30 s after the failure: move the clock past it, and the next run delivers.
      expect(failed.nextAttemptAt.getTime() - failed.createdAt.getTime()).toBeGreaterThanOrEqual(
        29_000,
      );
      hooks.answerWith(204);
      stack.portalClock.advance(31_000);
      try {
        await lists(carol);
        await expect
          .poll(async () => (await delivery()).state, { timeout: 90_000 })
          .toBe("delivered");
        expect((await delivery()).attempts).toBe(2);
      } finally {
        stack.portalClock.reset();
      }
    } finally {
      hooks.answerWith(204);
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });
});

describe("what a request is refused with", () => {
  it("an approver of a request whose rule was removed is told so (409); anyone else still finds no such request", async () => {
    const dave = await signIn(stack, "dave");
    const removals: Array<[string, (ruleId: string) => Promise<unknown>]> = [
      ["deleted", (ruleId) => stack.db.accessRule.delete({ where: { id: ruleId } })],
      [
        "made standing",
        // What the admin edit stores for a standing rule: no approvers.
        (ruleId) =>
          stack.db.accessRule.update({
            where: { id: ruleId },
            data: { kind: "standing", approversJson: "[]" },
          }),
      ],
    ];
    for (const [how, remove] of removals) {
      const rule = await eligibleRuleForCarol();
      try {
        const id = await requestId(carol, {
          roleId: stagingDeveloper,
          durationSeconds: HOUR,
          reason: `before the rule was ${how}`,
        });
        await remove(rule.id);
        const told = await expectApiError(await decide(bob, id, "approve"), 409, "conflict");
        expect(told.error.message, how).toBe(
          "The rule this request was made under no longer exists.",
        );
        // Not an approver (as recorded): the same answer as for an id never issued.
        const stranger = await expectApiError(await decide(dave, id, "approve"), 404, "not_found");
        const unknown = await expectApiError(
          await decide(dave, "nonexistent0000000000000", "approve"),
          404,
          "not_found",
        );
        expect(stranger.error.message, how).toBe(unknown.error.message);
        await expectApiError(await decide(carol, id, "approve"), 403, "forbidden");
        const after = await stack.db.accessRequest.findUniqueOrThrow({ where: { id } });
        expect(after, how).toMatchObject({ state: "pending", version: 1 });
        expect(await stack.db.accessRequestDecision.count({ where: { requestId: id } })).toBe(0);
        const refusals = await stack.db.auditEvent.findMany({
          where: { action: "access-request.refused", detailsJson: { contains: id } },
        });
        expect(refusals, how).toHaveLength(3);
      } finally {
        await closeCarolsStagingRequests();
        await stack.db.accessRule.deleteMany({ where: { id: rule.id } });
      }
    }
  });

  it("a requested start in the past is refused naming startsAt, judged on the portal's clock; within 60 s it means now", async () => {
    const rule = await eligibleRuleForCarol();
    // The portal's clock half an hour ahead of this machine's: "now" here is in its past.
    const AHEAD = 30 * 60 * 1000;
    stack.portalClock.advance(AHEAD);
    try {
      const body = (startsAt: Date) => ({
        roleId: stagingDeveloper,
        durationSeconds: HOUR,
        reason: "change window",
        startsAt: startsAt.toISOString(),
      });
      const portalNow = () => new Date(Date.now() + AHEAD);
      const past: Array<[string, Date]> = [
        ["this machine's now", new Date()],
        ["five minutes ago", new Date(portalNow().getTime() - 5 * 60 * 1000)],
        ["a year ago", new Date(portalNow().getTime() - 365 * 86_400 * 1000)],
      ];
      for (const [name, startsAt] of past) {
        const refused = await expectApiError(
          await request(carol, body(startsAt)),
          400,
          "validation_error",
        );
        expect(JSON.stringify(refused.error.issues), name).toContain("startsAt");
        expect(JSON.stringify(refused.error.issues), name).toContain("in the past");
      }
      expect(await stack.db.accessRequest.count({ where: { ruleId: rule.id } })).toBe(0);
      // A client's clock a little behind the portal's: filed to start now.
      const asked = new Date(portalNow().getTime() - 20 * 1000);
      const id = await requestId(carol, body(asked));
      const filed = await stack.db.accessRequest.findUniqueOrThrow({ where: { id } });
      expect(filed.startsAt.getTime()).toBeGreaterThan(asked.getTime());
      expect(filed.startsAt.getTime()).toBeLessThanOrEqual(portalNow().getTime());
    } finally {
      stack.portalClock.reset();
      await closeCarolsStagingRequests();
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    }
  });
});
