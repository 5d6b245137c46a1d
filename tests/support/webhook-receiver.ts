// A local webhook receiver for access-request notifications: records every POST (headers and
// parsed body) and answers with the status a test chooses, so retries can be provoked. It can
// also hang (take a POST and never answer), and several receivers can share one timeline, so a
// test tells which destination was served first by order alone, never by a clock.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: {
    id?: string;
    event: string;
    text: string;
    request: { id: string; status: string };
  } & Record<string, unknown>;
  raw: string;
}

export interface WebhookReceiver {
  url: string;
  /** The POSTs answered with a 2xx, in order. */
  received: ReceivedWebhook[];
  /** Every POST, whatever it was answered (or not yet), in order of arrival. */
  posts: ReceivedWebhook[];
  /**
   * The status the next answers carry (default 204); with `delivery`, only the answers to that
   * X-Gatehouse-Delivery.
   */
  answerWith(status: number, delivery?: string): void;
  /** From now on, takes each POST and never answers it (the sender's timeout ends it). */
  hang(): void;
  /** Resolves once `count` webhooks arrived (polling the list, not a clock), or rejects after ~90 s. */
  waitFor(count: number): Promise<ReceivedWebhook[]>;
  /**
   * Resolves with the first `count` distinct webhooks that `match` (in order of arrival), once they
   * arrived. Distinct by the body's `id`, as receivers de-duplicate (README "Access requests"): on a
   * busy machine a delivery the receiver took may outlast the portal's timeout and come again, and
   * an earlier test's retry may arrive at any time, so a test picks its own events, never counts.
   */
  waitForMatching(
    count: number,
    match: (webhook: ReceivedWebhook) => boolean,
  ): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export interface WebhookReceiverOptions {
  /** Shared by receivers: each appends `<name>:received`, `<name>:held`, `<name>:dropped`. */
  timeline?: string[];
  name?: string;
}

export async function startWebhookReceiver(
  opts: WebhookReceiverOptions = {},
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const posts: ReceivedWebhook[] = [];
  const name = opts.name ?? "receiver";
  const note = (what: string) => opts.timeline?.push(`${name}:${what}`);
  let status = 204;
  const byDelivery = new Map<string, number>();
  let hanging = false;
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const webhook = {
        headers: req.headers,
        body: JSON.parse(raw) as ReceivedWebhook["body"],
        raw,
      };
      posts.push(webhook);
      if (hanging) {
        note("held");
        res.on("close", () => note("dropped"));
        return;
      }
      const delivery = req.headers["x-gatehouse-delivery"];
      const answer = (typeof delivery === "string" && byDelivery.get(delivery)) || status;
      if (answer >= 200 && answer < 300) {
        received.push(webhook);
        note("received");
        for (const w of waiters.splice(0)) w();
      }
      res.writeHead(answer).end();
    });
  });
  async function waitUntil(
    count: number,
    list: () => ReceivedWebhook[],
  ): Promise<ReceivedWebhook[]> {
    // Only catches a hang: on a machine busy with other work a delivery can exceed the portal's
    // 5-s webhook timeout, and its retry comes 30 s later (retryDelaySeconds) on the next
    // 15-s worker run — seen in a loaded `npm test`, where a 20-s wait failed the file.
    const deadline = Date.now() + 90_000;
    while (list().length < count) {
      if (Date.now() > deadline)
        throw new Error(
          `expected ${count} webhooks, got ${list().length} of ${received.length}: ${received.map((r) => r.body.event).join(", ")}`,
        );
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
    return list().slice(0, count);
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    posts,
    answerWith(next, delivery) {
      if (delivery === undefined) status = next;
      else byDelivery.set(delivery, next);
    },
    hang() {
      hanging = true;
    },
    waitFor: (count) => waitUntil(count, () => received),
    waitForMatching: (count, match) =>
      waitUntil(count, () => {
        const seen = new Set<string>();
        return received.filter((h) => {
          const key = h.body.id ?? h.raw;
          if (!match(h) || seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A hung POST would keep the server open: drop it.
        server.closeAllConnections();
      }),
  };
}
