// Webhook delivery over HTTP against the built portal, with real receivers
// (docs/ACCESS-REQUESTS.md "Webhooks: an outbox"): a hanging receiver delays only its own
// deliveries, one destination hears its events in order, replicas posting at once send each
// delivery once, and the signed body carries an id that stays the same across retries. Times are
// the portal's injected clock; which receiver was served first is read from order, not a clock.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedUser } from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startReplica, startTestStack, type TestStack } from "../support/stack";
import { createEligibleRule } from "../support/eligible-rule";
import { startWebhookReceiver } from "../support/webhook-receiver";

let stack: TestStack;
let alice: PortalSession;
let carol: PortalSession;

const WEBHOOK_SECRET = "webhook-secret-for-tests-0123456789";

const payloadJson = JSON.stringify({
  event: "requested",
  request: { id: "cwebhooktestrequest000001", status: "pending" },
});

beforeAll(async () => {
  stack = await startTestStack({
    // The hanging receiver's POST is abandoned after the production default (5 s).
    extraEnv: { GATEHOUSE_WEBHOOK_SECRET: WEBHOOK_SECRET, GATEHOUSE_WEBHOOK_TIMEOUT_SECONDS: "5" },
  });
  [alice, carol] = await Promise.all([signIn(stack, "alice"), signIn(stack, "carol")]);
});
afterAll(async () => {
  await stack?.stop();
});

/** Due deliveries to `url`, written oldest first (a minute apart, before now), in that order. */
async function dueDeliveries(url: string, count: number, minutesAgo: number) {
  const rows = [];
  for (let i = 0; i < count; i++)
    rows.push(
      await stack.db.webhookDelivery.create({
        data: {
          url,
          event: "requested",
          requestId: "cwebhooktestrequest000001",
          payloadJson,
          nextAttemptAt: new Date(0),
          createdAt: new Date(Date.now() - (minutesAgo - i) * 60_000),
        },
      }),
    );
  return rows;
}

describe("delivery", () => {
  it("a hanging receiver delays only its own deliveries: another destination's arrive while it hangs", async () => {
    const timeline: string[] = [];
    const hanging = await startWebhookReceiver({ timeline, name: "hanging" });
    const healthy = await startWebhookReceiver({ timeline, name: "healthy" });
    hanging.hang();
    // The hanging destination's deliveries are older: sent first, one after another, the
    // healthy one's would wait for each of their timeouts.
    const stuck = await dueDeliveries(hanging.url, 3, 10);
    const [notice] = await dueDeliveries(healthy.url, 1, 5);
    const ids = [...stuck.map((r) => r.id), notice!.id];
    const attemptsOf = async (rows: { id: string }[]) => {
      const byId = new Map(
        (await stack.db.webhookDelivery.findMany({ where: { id: { in: ids } } })).map((r) => [
          r.id,
          r,
        ]),
      );
      return rows.map((r) => byId.get(r.id)!);
    };
    try {
      await alice.request("/api/access-requests");
      const [got] = await healthy.waitFor(1);
      expect(got?.headers["x-gatehouse-delivery"]).toBe(notice!.id);
      // It arrived before any of the hanging receiver's POSTs timed out.
      const arrived = timeline.indexOf("healthy:received");
      expect(timeline.slice(0, arrived)).not.toContain("hanging:dropped");
      // The hanging destination's later deliveries wait behind its first, unsent.
      await expect
        .poll(async () => (await attemptsOf(stuck))[0]?.attempts, { timeout: 90_000 })
        .toBe(1);
      expect((await attemptsOf(stuck)).map((r) => r.attempts)).toEqual([1, 0, 0]);
      await expect.poll(() => timeline.includes("hanging:held"), { timeout: 90_000 }).toBe(true);
      await expect
        .poll(async () => (await attemptsOf([notice!]))[0]?.state, { timeout: 90_000 })
        .toBe("delivered");
      // Once the first times out it is retried later, and the others still wait behind it.
      await expect
        .poll(async () => (await attemptsOf(stuck))[0]?.lastError ?? null, { timeout: 90_000 })
        .not.toBeNull();
      const after = await attemptsOf(stuck);
      expect(after.map((r) => [r.state, r.attempts])).toEqual([
        ["pending", 1],
        ["pending", 0],
        ["pending", 0],
      ]);
      expect(hanging.posts.map((p) => p.headers["x-gatehouse-delivery"])).toEqual([stuck[0]!.id]);
    } finally {
      await stack.db.webhookDelivery.deleteMany({ where: { id: { in: ids } } });
      await Promise.all([hanging.close(), healthy.close()]);
    }
  });

  it("one destination hears its events in order: a failed delivery holds back the later ones until it arrives", async () => {
    const receiver = await startWebhookReceiver();
    const [first, second] = await dueDeliveries(receiver.url, 2, 10);
    receiver.answerWith(500, first!.id);
    const row = (id: string) => stack.db.webhookDelivery.findUniqueOrThrow({ where: { id } });
    try {
      await alice.request("/api/access-requests");
      await expect
        .poll(async () => (await row(first!.id)).lastStatus, { timeout: 90_000 })
        .toBe(500);
      // Due again 30 s after the failure, on the portal's clock: move it, and the next run sends
      // the first, then the second.
      receiver.answerWith(204, first!.id);
      stack.portalClock.advance(31_000);
      await alice.request("/api/access-requests");
      const got = await receiver.waitFor(2);
      expect(got.map((h) => h.headers["x-gatehouse-delivery"])).toEqual([first!.id, second!.id]);
      expect(receiver.posts.map((h) => h.headers["x-gatehouse-delivery"])).toEqual([
        first!.id,
        first!.id,
        second!.id,
      ]);
      await expect
        .poll(async () => (await row(second!.id)).state, { timeout: 90_000 })
        .toBe("delivered");
      expect([(await row(first!.id)).attempts, (await row(second!.id)).attempts]).toEqual([2, 1]);
    } finally {
      stack.portalClock.reset();
      await stack.db.webhookDelivery.deleteMany({
        where: { id: { in: [first!.id, second!.id] } },
      });
      await receiver.close();
    }
  });

  it("replicas posting at once send each delivery once, a destination's in order", async () => {
    const receiver = await startWebhookReceiver();
    const rows = await dueDeliveries(receiver.url, 6, 10);
    const replica = await startReplica(stack);
    const kick = (url: string) =>
      fetch(`${url}/api/access-requests`, { headers: alice.jar.headersFor(url) });
    try {
      // Both workers read the same queue and race for each claim, kicked again until all arrive.
      while (receiver.received.length < rows.length) {
        const answers = await Promise.all([kick(stack.portalUrl), kick(replica.url)]);
        expect(answers.map((a) => a.status)).toEqual([200, 200]);
        await receiver.waitFor(Math.min(rows.length, receiver.received.length + 1));
      }
      const sent = receiver.posts.map((p) => p.headers["x-gatehouse-delivery"]);
      expect(sent).toEqual(rows.map((r) => r.id));
      const after = await stack.db.webhookDelivery.findMany({
        where: { id: { in: rows.map((r) => r.id) } },
      });
      expect(after.map((r) => [r.state, r.attempts])).toEqual(rows.map(() => ["delivered", 1]));
    } finally {
      await replica.stop();
      await stack.db.webhookDelivery.deleteMany({ where: { url: receiver.url } });
      await receiver.close();
    }
  });

  it("the signed body carries the event's id, the same in every retry: receivers de-duplicate on it, not on the unsigned delivery header", async () => {
    const receiver = await startWebhookReceiver();
    const carolUser = await storedUser(stack, "carol");
    const stagingDeveloper = await roleIdOf(stack, "acme-staging", "Developer");
    // The rule's own webhook: the request's events go to this receiver.
    const rule = await createEligibleRule(
      stack,
      { roleId: stagingDeveloper, personId: carolUser.personId },
      { webhookUrl: receiver.url },
    );
    receiver.answerWith(500);
    try {
      const res = await carol.request("/api/access-requests", {
        method: "POST",
        json: { roleId: stagingDeveloper, durationSeconds: 3600, reason: "signed id" },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const requestId = ((await res.json()) as { id: string }).id;
      const delivery = () =>
        stack.db.webhookDelivery.findFirstOrThrow({ where: { requestId, event: "requested" } });
      await expect.poll(async () => (await delivery()).lastStatus, { timeout: 90_000 }).toBe(500);
      receiver.answerWith(204);
      stack.portalClock.advance(31_000);
      await carol.request("/api/access-requests");
      await receiver.waitFor(1);
      const posts = receiver.posts.filter((p) => p.body.request.id === requestId);
      expect(posts).toHaveLength(2);
      const [firstTry, retried] = posts;
      // The id is in the body, and the body is what the signature covers, with the timestamp.
      expect(firstTry!.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(retried!.body.id).toBe(firstTry!.body.id);
      expect(retried!.raw).toBe(firstTry!.raw);
      expect(retried!.headers["x-gatehouse-timestamp"]).not.toBe(
        firstTry!.headers["x-gatehouse-timestamp"],
      );
      for (const post of posts) {
        const signed = `${String(post.headers["x-gatehouse-timestamp"])}.${post.raw}`;
        expect(post.headers["x-gatehouse-signature"]).toBe(
          `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(signed).digest("hex")}`,
        );
      }
    } finally {
      stack.portalClock.reset();
      await stack.db.accessRequest.updateMany({
        where: { roleId: stagingDeveloper, state: { in: ["pending", "approved"] } },
        data: { state: "cancelled" },
      });
      await stack.db.webhookDelivery.deleteMany({ where: { url: receiver.url } });
      await stack.db.accessRule.delete({ where: { id: rule.id } });
      await receiver.close();
    }
  });
});
