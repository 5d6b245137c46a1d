// The webhook deliveries page and its Retry, over HTTP against the built portal
// (docs/ACCESS-REQUESTS.md "Webhooks: an outbox"): an admin sees the outbox with each destination
// redacted, and puts a failed delivery back in the queue (audited, sent again at once); a delivery
// that is not failed can't be retried; nobody else sees the page or reaches the route.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar } from "../support/cookie-jar";
import { expectApiError } from "../support/portal-assertions";
import { sessionFor, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";

let stack: TestStack;
let hooks: WebhookReceiver;
let alice: PortalSession;
let bob: PortalSession;
let anonymous: PortalSession;

/** A Slack-shaped URL whose path, query and userinfo are secrets: none of it may be shown. */
const SECRET_URL =
  "https://gate:XUSERINFOX@hooks.slack.example/services/T0SECRET/B0SECRET/XPATHSECRETX?t=XQUERYX";
const SECRETS = ["XUSERINFOX", "T0SECRET", "B0SECRET", "XPATHSECRETX", "XQUERYX"];
const PAYLOAD_TEXT = "XPAYLOADTEXTX";

const payloadJson = JSON.stringify({
  text: PAYLOAD_TEXT,
  event: "requested",
  request: { id: "cwebhooktestrequest000001", status: "pending" },
});

/** A delivery written straight into the outbox, in the state the test needs. */
function delivery(data: {
  url: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt?: Date;
}) {
  return stack.db.webhookDelivery.create({
    data: {
      url: data.url,
      event: "requested",
      requestId: "cwebhooktestrequest000001",
      payloadJson,
      state: data.state,
      attempts: data.attempts,
      // Far ahead unless asked: the portal's worker must leave a pending one alone.
      nextAttemptAt: data.nextAttemptAt ?? new Date("2100-01-01T00:00:00Z"),
      lastStatus: data.state === "delivered" ? 204 : 500,
      lastError: data.state === "delivered" ? null : "HTTP 500",
      deliveredAt: data.state === "delivered" ? new Date() : null,
    },
  });
}

function retry(session: PortalSession, id: string) {
  return session.request(`/api/admin/webhooks/${id}/retry`, { method: "POST" });
}

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  stack = await startTestStack();
  [alice, bob] = await Promise.all([signIn(stack, "alice"), signIn(stack, "bob")]);
  anonymous = sessionFor(stack, new CookieJar());
});
afterAll(async () => {
  await stack?.stop();
  await hooks?.close();
});

describe("the page", () => {
  it("alice (admin) sees the outbox: counts, the filter and each destination redacted, no payload", async () => {
    const delivered = await delivery({ url: SECRET_URL, state: "delivered", attempts: 1 });
    const failed = await delivery({ url: SECRET_URL, state: "failed", attempts: 8 });
    try {
      const res = await alice.request("/admin/webhooks");
      const html = await res.text();
      expect(res.status).toBe(200);
      expect(html).toContain("Webhook deliveries");
      expect(html).toContain('data-testid="webhook-count-failed"');
      expect(html).toContain(delivered.id);
      expect(html).toContain(failed.id);
      expect(html).toContain("https://hooks.slack.example/services/");
      expect(html).toContain('data-testid="webhook-delivery-retry"');
      for (const secret of [...SECRETS, PAYLOAD_TEXT])
        expect(html.includes(secret), `the page shows ${secret}`).toBe(false);

      const onlyFailed = await (await alice.request("/admin/webhooks?state=failed")).text();
      expect(onlyFailed).toContain(failed.id);
      expect(onlyFailed).not.toContain(delivered.id);
      // The header offers the page to admins.
      expect(html).toContain('href="/admin/webhooks"');
    } finally {
      await stack.db.webhookDelivery.deleteMany({
        where: { id: { in: [delivered.id, failed.id] } },
      });
    }
  });

  it("with no deliveries, names the settings that send and sign webhooks rather than a document", async () => {
    const html = await (await alice.request("/admin/webhooks")).text();
    expect(html).toContain("No webhook deliveries yet.");
    expect(html).toContain("GATEHOUSE_ACCESS_REQUEST_WEBHOOK_URL");
    expect(html).toContain("GATEHOUSE_WEBHOOK_SECRET");
    expect(html).toContain("Webhook for this rule");
    expect(html).not.toContain("README");
  });

  it("shows each delivery's times as the other pages do: UTC to the minute, the full instant in <time>", async () => {
    const pending = await delivery({
      url: SECRET_URL,
      state: "pending",
      attempts: 1,
      nextAttemptAt: new Date("2099-03-04T05:06:07.890Z"),
    });
    try {
      const html = await (await alice.request("/admin/webhooks?state=pending")).text();
      expect(html).toMatch(
        /<time datetime="2099-03-04T05:06:07.890Z" title="2099-03-04 05:06:07 UTC">2099-03-04 05:06 UTC<\/time>/i,
      );
      expect(html).toMatch(
        new RegExp(`<time datetime="${pending.createdAt.toISOString()}" title="[^"]+ UTC">`, "i"),
      );
    } finally {
      await stack.db.webhookDelivery.delete({ where: { id: pending.id } });
    }
  });

  it("bob (not an admin) gets 403 with the friendly page, audited as admin.denied", async () => {
    const failed = await delivery({ url: SECRET_URL, state: "failed", attempts: 8 });
    try {
      const res = await bob.request("/admin/webhooks");
      const html = await res.text();
      expect(res.status).toBe(403);
      expect(html).toContain("Back to your accounts");
      expect(html).not.toContain(failed.id);
      expect(html).not.toContain("hooks.slack.example");
      const events = await stack.db.auditEvent.findMany({
        where: { requestId: res.headers.get("x-request-id") ?? "-" },
      });
      expect(events.map((e) => [e.action, e.actorEmail])).toEqual([
        ["admin.denied", "bob@corp.example"],
      ]);
      // Nor does his header offer it.
      expect(await (await bob.request("/accounts")).text()).not.toContain('href="/admin/webhooks"');
    } finally {
      await stack.db.webhookDelivery.delete({ where: { id: failed.id } });
    }
  });

  it("anonymous is sent to sign in, and back to the page after", async () => {
    const res = await anonymous.request("/admin/webhooks?state=failed");
    const text = await res.text();
    if (res.status === 200) {
      // A page streaming its search params redirects inside the payload instead.
      expect(text).toContain("NEXT_REDIRECT");
    } else {
      expect([303, 307]).toContain(res.status);
      const location = new URL(res.headers.get("location") ?? "", stack.portalUrl);
      expect(location.pathname).toBe("/signin");
      expect(location.searchParams.get("callbackUrl")).toBe("/admin/webhooks?state=failed");
    }
    expect(text).not.toContain('data-testid="webhook-deliveries');
  });
});

describe("a failing receiver, as the operator sees it", () => {
  it("a failed attempt is logged and kept with the destination redacted, a redirect says it is not followed, and no secret of the URL is shown", async () => {
    const base = new URL(hooks.url);
    // A redirecting receiver at a secret-bearing path, and a URL with credentials that fetch
    // refuses while naming it.
    const redirecting = `${hooks.url}/T0SECRET/XPATHSECRETX?t=XQUERYX`;
    const withCredentials = `${base.protocol}//gate:XUSERINFOX@${base.host}/hook/XPATHSECRETX`;
    hooks.answerWith(302);
    // Written not yet due, then made due with no error kept: the attempt's own is what shows.
    const rows = await Promise.all(
      [redirecting, withCredentials].map(async (url) => {
        const row = await delivery({ url, state: "pending", attempts: 0 });
        return stack.db.webhookDelivery.update({
          where: { id: row.id },
          data: { lastStatus: null, lastError: null, nextAttemptAt: new Date(0) },
        });
      }),
    );
    try {
      // Any access-request read kicks the worker.
      await alice.request("/api/access-requests");
      const after = () =>
        stack.db.webhookDelivery.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
      await expect
        .poll(async () => (await after()).every((r) => r.attempts === 1 && r.lastError !== null), {
          timeout: 90_000,
        })
        .toBe(true);
      const byId = new Map((await after()).map((r) => [r.id, r]));
      expect(byId.get(rows[0]!.id)).toMatchObject({
        state: "pending",
        lastStatus: 302,
        lastError: "HTTP 302: redirects are not followed",
      });
      const refused = byId.get(rows[1]!.id)!;
      expect(refused.state).toBe("pending");
      expect(refused.lastError).toContain(`${base.protocol}//${base.host}/hook/…`);
      const html = await (await alice.request("/admin/webhooks?state=pending")).text();
      const output = stack.portal.output();
      for (const secret of SECRETS) {
        expect(refused.lastError?.includes(secret), `lastError shows ${secret}`).toBe(false);
        expect(html.includes(secret), `the page shows ${secret}`).toBe(false);
        expect(output.includes(secret), `the log shows ${secret}`).toBe(false);
      }
      const logged = output
        .split("\n")
        .filter((line) => line.includes("webhook delivery failed; it will be retried"));
      for (const row of rows)
        expect(logged.some((line) => line.includes(row.id), `no log line for ${row.id}`)).toBe(
          true,
        );
      expect(logged.join("\n")).toContain(`${base.protocol}//${base.host}/hook/…`);
    } finally {
      hooks.answerWith(204);
      await stack.db.webhookDelivery.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
    }
  });
});

describe("retry", () => {
  it("a failed delivery goes back in the queue (attempts from 0), audited, and is sent again", async () => {
    const failed = await delivery({ url: hooks.url, state: "failed", attempts: 8 });
    const res = await retry(alice, failed.id);
    expect(res.status, await res.clone().text()).toBe(204);
    expect(res.headers.get("cache-control")).toContain("no-store");

    // The route kicks the worker: by now it may have claimed (attempt 1) or even delivered it.
    const row = await stack.db.webhookDelivery.findUniqueOrThrow({ where: { id: failed.id } });
    expect(["pending", "delivered"]).toContain(row.state);
    expect(row.attempts).toBeLessThanOrEqual(1);

    const audited = await stack.db.auditEvent.findMany({
      where: { action: "admin.webhook.retried", detailsJson: { contains: failed.id } },
    });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      outcome: "success",
      actorEmail: "alice@corp.example",
      requestId: res.headers.get("x-request-id"),
    });
    expect(JSON.parse(audited[0]!.detailsJson)).toMatchObject({
      deliveryId: failed.id,
      attemptsBefore: 8,
      destination: hooks.url,
    });

    const [sent] = await hooks.waitForMatching(
      1,
      (h) => h.headers["x-gatehouse-delivery"] === failed.id,
    );
    expect(sent?.raw).toBe(payloadJson);
    await expect
      .poll(
        async () =>
          (await stack.db.webhookDelivery.findUniqueOrThrow({ where: { id: failed.id } })).state,
        { timeout: 90_000 },
      )
      .toBe("delivered");
    // Retried once: the second is refused, and nothing more is audited.
    await expectApiError(await retry(alice, failed.id), 409, "conflict");
    expect(
      await stack.db.auditEvent.count({
        where: { action: "admin.webhook.retried", detailsJson: { contains: failed.id } },
      }),
    ).toBe(1);
  });

  it("a delivered or still-pending delivery can't be retried (409); it is left as it was", async () => {
    const delivered = await delivery({ url: SECRET_URL, state: "delivered", attempts: 1 });
    const pending = await delivery({ url: SECRET_URL, state: "pending", attempts: 3 });
    try {
      for (const row of [delivered, pending]) {
        await expectApiError(await retry(alice, row.id), 409, "conflict");
        const after = await stack.db.webhookDelivery.findUniqueOrThrow({ where: { id: row.id } });
        expect([after.state, after.attempts]).toEqual([row.state, row.attempts]);
      }
    } finally {
      await stack.db.webhookDelivery.deleteMany({
        where: { id: { in: [delivered.id, pending.id] } },
      });
    }
  });

  it("an unknown id is 404, a malformed one 400", async () => {
    await expectApiError(await retry(alice, "nonexistent0000000000000"), 404, "not_found");
    await expectApiError(await retry(alice, "NOT_AN_ID"), 400, "validation_error");
  });

  it("bob (not an admin) gets 403 and anonymous 401; the delivery stays failed", async () => {
    const failed = await delivery({ url: SECRET_URL, state: "failed", attempts: 8 });
    try {
      await expectApiError(await retry(bob, failed.id), 403, "forbidden");
      await expectApiError(await retry(anonymous, failed.id), 401, "unauthenticated");
      const after = await stack.db.webhookDelivery.findUniqueOrThrow({ where: { id: failed.id } });
      expect([after.state, after.attempts]).toEqual(["failed", 8]);
      expect(
        await stack.db.auditEvent.count({
          where: { action: "admin.webhook.retried", detailsJson: { contains: failed.id } },
        }),
      ).toBe(0);
    } finally {
      await stack.db.webhookDelivery.delete({ where: { id: failed.id } });
    }
  });

  it("only POST is accepted", async () => {
    const res = await alice.request("/api/admin/webhooks/nonexistent0000000000000/retry");
    await expectApiError(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("POST, OPTIONS");
  });
});
