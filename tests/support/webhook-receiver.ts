// A local webhook receiver for access-request notifications: records every POST (headers and
// parsed body) and answers with the status a test chooses, so retries can be provoked.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: { event: string; text: string; request: { id: string; status: string } } & Record<
    string,
    unknown
  >;
  raw: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The status the next answers carry (default 204). */
  answerWith(status: number): void;
  /** Resolves once `count` webhooks arrived (polling the list, not a clock), or rejects after ~20 s. */
  waitFor(count: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let status = 204;
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      if (status >= 200 && status < 300) {
        received.push({
          headers: req.headers,
          body: JSON.parse(raw) as ReceivedWebhook["body"],
          raw,
        });
        for (const w of waiters.splice(0)) w();
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answerWith(next) {
      status = next;
    },
    async waitFor(count) {
      const deadline = Date.now() + 20_000;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(
            `expected ${count} webhooks, got ${received.length}: ${received.map((r) => r.body.event).join(", ")}`,
          );
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200).unref();
        });
      }
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
