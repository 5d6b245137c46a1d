// The webhook deliveries page when the outbox is large (docs/ACCESS-REQUESTS.md "Webhooks: an
// outbox"), over HTTP against the built portal: keyset pages, newest first, saying where the page
// is in how many; the failed deliveries of one access request, or to one destination, found from
// the page's own links with their counts; and a query the page can't read named above the list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;

/** Two destinations whose path, query or userinfo are secrets: neither may be shown. */
const SLACK_URL = "https://hooks.slack.example/services/T0SECRET/B0SECRET/XPATHSECRETX";
const TICKETS_URL = "https://gate:XUSERINFOX@tickets.example/hooks/XTICKETSX?token=XQUERYX";
const SECRETS = ["T0SECRET", "B0SECRET", "XPATHSECRETX", "XUSERINFOX", "XTICKETSX", "XQUERYX"];

/** The request whose deliveries an on-call engineer looks for, among 130. */
const TARGET_REQUEST = "cpagingtargetrequest0001";
const TOTAL = 130;
const STATES = ["failed", "delivered", "pending"] as const;

interface Written {
  id: string;
  url: string;
  state: string;
  requestId: string;
  createdAt: Date;
}
let all: Written[];

beforeAll(async () => {
  stack = await startTestStack();
  alice = await signIn(stack, "alice");
  // Oldest first, a second apart; the target request's three are the oldest, far past page one.
  const base = Date.parse("2030-01-01T00:00:00Z");
  await stack.db.webhookDelivery.createMany({
    data: Array.from({ length: TOTAL }, (_, i) => ({
      url: i % 2 === 0 ? SLACK_URL : TICKETS_URL,
      event: "requested",
      requestId: i < 3 ? TARGET_REQUEST : `cpagingotherrequest${String(i).padStart(4, "0")}`,
      payloadJson: "{}",
      state: STATES[i % 3]!,
      attempts: 1,
      // Never due: the portal's worker leaves them alone.
      nextAttemptAt: new Date("2100-01-01T00:00:00Z"),
      lastError: i % 3 === 1 ? null : "HTTP 500",
      createdAt: new Date(base + i * 1000),
    })),
  });
  all = (await stack.db.webhookDelivery.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, url: true, state: true, requestId: true, createdAt: true },
  })) as Written[];
});
afterAll(async () => {
  await stack?.stop();
});

/** The page's rows (ids in order), its range line and pager links. */
async function readPage(path: string) {
  const res = await alice.request(path);
  const html = await res.text();
  expect(res.status, path).toBe(200);
  const href = (testId: string) => {
    const tag = new RegExp(`<a [^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0];
    const m = tag ? /href="([^"]*)"/.exec(tag) : null;
    return m ? m[1]!.replaceAll("&amp;", "&") : null;
  };
  const count = (state: string) =>
    new RegExp(`data-testid="webhook-count-${state}"[^>]*>[\\s\\S]*?<span[^>]*>(\\d+)<`).exec(
      html,
    )?.[1] ?? null;
  return {
    html,
    ids: [...html.matchAll(/data-delivery-id="([a-z0-9]+)"/g)].map((m) => m[1]!),
    range: /data-testid="webhooks-range"[^>]*>([^<]*)</.exec(html)?.[1] ?? null,
    next: href("webhooks-next"),
    previous: href("webhooks-previous"),
    count,
    issues: /data-testid="query-issues"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? null,
  };
}

describe("paging", () => {
  it("every delivery is reachable: pages newest first, each delivery once, saying which of how many", async () => {
    const seen: string[] = [];
    let page = await readPage("/admin/webhooks");
    expect(page.range).toBe(`Deliveries 1–${page.ids.length} of ${TOTAL}`);
    expect(page.previous).toBeNull();
    const pages = [page];
    for (;;) {
      seen.push(...page.ids);
      if (!page.next) break;
      page = await readPage(page.next);
      pages.push(page);
      expect(pages.length, "the pager never ends").toBeLessThan(TOTAL);
    }
    expect(seen).toEqual(all.map((d) => d.id));
    expect(pages.length).toBeGreaterThan(1);
    // The last page names its own place, and Previous goes back to exactly the page before.
    const last = pages[pages.length - 1]!;
    expect(last.range).toBe(`Deliveries ${TOTAL - last.ids.length + 1}–${TOTAL} of ${TOTAL}`);
    const back = await readPage(last.previous!);
    expect(back.ids).toEqual(pages[pages.length - 2]!.ids);
    expect(back.range).toBe(pages[pages.length - 2]!.range);
  });

  it("the failed deliveries of one access request: linked from its id, counted, each with its Retry", async () => {
    const everything = await readPage("/admin/webhooks");
    // The oldest are far past the first page, but the request id links to its own deliveries.
    const first = everything.html.match(/href="([^"]*request=[a-z0-9]+[^"]*)"/);
    expect(first, "a request id links to its deliveries").not.toBeNull();

    const failed = await readPage(`/admin/webhooks?state=failed&request=${TARGET_REQUEST}`);
    const expected = all.filter((d) => d.requestId === TARGET_REQUEST && d.state === "failed");
    expect(expected.length).toBe(1);
    expect(failed.ids).toEqual(expected.map((d) => d.id));
    expect(failed.html).toContain('data-testid="webhook-delivery-retry"');
    // The state links count within the request, and keep it.
    expect([failed.count("failed"), failed.count("all")]).toEqual(["1", "3"]);
    expect(failed.html).toContain(
      `href="/admin/webhooks?state=delivered&amp;request=${TARGET_REQUEST}"`,
    );
  });

  it("the deliveries to one destination: picked from one of its deliveries, paged, the URL never shown", async () => {
    const tickets = all.filter((d) => d.url === TICKETS_URL);
    const first = await readPage(`/admin/webhooks?destination=${tickets[0]!.id}`);
    expect(first.html).toContain("https://tickets.example/hooks/…");
    expect(first.range).toBe(`Deliveries 1–${first.ids.length} of ${tickets.length}`);
    const seen = [...first.ids];
    let next = first.next;
    while (next) {
      const page = await readPage(next);
      seen.push(...page.ids);
      next = page.next;
    }
    expect(seen).toEqual(tickets.map((d) => d.id));
    for (const secret of SECRETS)
      expect(first.html.includes(secret), `the page shows ${secret}`).toBe(false);
  });
});

describe("a query the page can't read", () => {
  it.each([
    ["state=faild", "state"],
    ["state=failed&state=pending", "state"],
    ["request=NOT_AN_ID", "request"],
    ["destination=../../etc", "destination"],
    ["page=2", "page"],
    ["page=%E2%98%83", "page"],
    [`destination=cnosuchdelivery00000000001`, "destination"],
  ])("?%s is named above the list, never a 500 nor a silently unfiltered list", async (q, name) => {
    const page = await readPage(`/admin/webhooks?${q}`);
    expect(page.issues, `no message for ?${q}`).not.toBeNull();
    expect(page.issues).toContain(name);
  });
});
