// The webhook deliveries page shows where each notification went without its secret
// (docs/ACCESS-REQUESTS.md "Webhooks: an outbox"): a Slack hook's path, a query string's token and
// a URL's userinfo never reach the page, only the host and the first path segment.
import { describe, expect, it } from "vitest";
import {
  isWebhookDeliveryState,
  webhookDestination,
} from "@/lib/access-requests/webhook-destination";

describe("webhookDestination: a webhook URL as the admin page may show it", () => {
  it.each([
    [
      "a Slack incoming webhook (the path is the secret)",
      "https://hooks.slack.com/services/T0000AAAA/B0000BBBB/XXXXXXXXXXXXXXXXXXXXXXXX",
      "https://hooks.slack.com/services/…",
    ],
    [
      "a query string (a token in it)",
      "https://chat.corp.example/hook?token=s3cr3t&channel=aws",
      "https://chat.corp.example/hook",
    ],
    [
      "userinfo (basic-auth credentials)",
      "https://gatehouse:pa55word@hooks.corp.example:8443/notify/aws/requests",
      "https://hooks.corp.example:8443/notify/…",
    ],
    ["a plain URL", "https://hooks.corp.example/gatehouse", "https://hooks.corp.example/gatehouse"],
    ["no path at all", "http://127.0.0.1:9000", "http://127.0.0.1:9000"],
    [
      "a trailing slash only",
      "https://hooks.corp.example/gatehouse/",
      "https://hooks.corp.example/gatehouse",
    ],
    ["a fragment", "https://hooks.corp.example/in#s3cr3t", "https://hooks.corp.example/in"],
    ["not a URL", "hooks.corp.example/s3cr3t", "(not a valid URL)"],
  ])("%s", (_name, url, shown) => {
    expect(webhookDestination(url)).toBe(shown);
  });

  it("never shows a secret from any of those places", () => {
    for (const url of [
      "https://user:s3cr3t@hooks.corp.example/a/s3cr3t",
      "https://hooks.corp.example/a/b/s3cr3t?x=s3cr3t#s3cr3t",
    ])
      expect(webhookDestination(url)).not.toContain("s3cr3t");
  });
});

describe("isWebhookDeliveryState: the page's ?state= filter", () => {
  it.each([
    ["pending", true],
    ["delivered", true],
    ["failed", true],
    ["FAILED", false],
    ["", false],
    [undefined, false],
    [["failed"], false],
  ])("%j → %s", (value, valid) => {
    expect(isWebhookDeliveryState(value)).toBe(valid);
  });
});
