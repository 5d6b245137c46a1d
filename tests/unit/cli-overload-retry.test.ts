import { describe, expect, it } from "vitest";

import { type CliError, EXIT } from "@/cli/gatehouse/exit-codes";
import {
  callPortal,
  LONGEST_OVERLOAD_WAIT_S,
  OVERLOADED_ATTEMPTS,
  overloadRetrySeconds,
} from "@/cli/gatehouse/portal-client";

const PORTAL = "https://gatehouse.example.com";
const TOKEN = `gh_cli_${"t".repeat(43)}`;
const ISSUE = {
  method: "POST",
  path: "/api/v1/roles/r1/credentials",
  token: TOKEN,
  json: { durationSeconds: 3600 },
} as const;

const overloaded = (retryAfter: string | null = "1") =>
  new Response(
    JSON.stringify({
      error: {
        code: "overloaded",
        message: "The portal is busy. Try again in a moment.",
        requestId: "req-busy",
      },
    }),
    {
      status: 503,
      headers: {
        "content-type": "application/json",
        ...(retryAfter === null ? {} : { "retry-after": retryAfter }),
      },
    },
  );

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

/** A fetch that gives `answers` in turn and records what it was sent; a wait that records. */
function portal(answers: Array<() => Response>) {
  const sent: Array<{ url: string; init: RequestInit }> = [];
  const waits: number[] = [];
  const fetchImpl = ((url: string, init: RequestInit) => {
    sent.push({ url, init });
    const next = answers[sent.length - 1] ?? answers.at(-1)!;
    return Promise.resolve(next());
  }) as unknown as typeof fetch;
  const wait = (ms: number) => {
    waits.push(ms);
    return Promise.resolve();
  };
  return { fetchImpl, wait, sent, waits };
}

describe("the CLI tries a 503 overloaded again after its Retry-After (docs/CLI.md)", () => {
  it("an issuance refused as overloaded is sent again, unchanged, and its second answer returned", async () => {
    const p = portal([() => overloaded("2"), () => json(200, { accessKeyId: "ASIA…" })]);
    await expect(callPortal(p.fetchImpl, PORTAL, ISSUE, p.wait)).resolves.toEqual({
      accessKeyId: "ASIA…",
    });
    expect(p.waits).toEqual([2000]);
    expect(p.sent).toHaveLength(2);
    for (const { url, init } of p.sent) {
      expect(url).toBe(`${PORTAL}${ISSUE.path}`);
      expect(init.method).toBe("POST");
      expect(init.body).toBe(JSON.stringify(ISSUE.json));
      expect(new Headers(init.headers).get("authorization")).toBe(`Bearer ${TOKEN}`);
    }
  });

  it(`gives up after ${OVERLOADED_ATTEMPTS} attempts: exit 5, the portal's message, when to try again`, async () => {
    const p = portal([() => overloaded("1")]);
    const failure = (await callPortal(p.fetchImpl, PORTAL, ISSUE, p.wait).catch(
      (e: unknown) => e,
    )) as CliError;
    expect(p.sent).toHaveLength(OVERLOADED_ATTEMPTS);
    expect(p.waits).toEqual([1000, 1000]);
    expect(failure.exitCode).toBe(EXIT.unavailable);
    expect(failure.message).toBe("The portal is busy. Try again in a moment; try again in 1 s");
    expect(failure.requestId).toBe("req-busy");
  });

  it.each<[string, () => Response]>([
    [
      "503 audit_unavailable (the portal may have started the work)",
      () =>
        json(503, { error: { code: "audit_unavailable", message: "x" } }, { "retry-after": "1" }),
    ],
    [
      "503 schema_outdated (lasts until a migration lands)",
      () => json(503, { error: { code: "schema_outdated", message: "x" } }, { "retry-after": "5" }),
    ],
    ["503 without a JSON body (a proxy's page)", () => new Response("busy", { status: 503 })],
    ["500 internal_error", () => json(500, { error: { code: "internal_error", message: "x" } })],
    ["502 from a proxy", () => new Response("bad gateway", { status: 502 })],
    [
      "429 rate_limited (its Retry-After can be a minute)",
      () => json(429, { error: { code: "rate_limited", message: "x" } }, { "retry-after": "30" }),
    ],
    ["403 forbidden", () => json(403, { error: { code: "forbidden", message: "x" } })],
  ])("is not sent again: %s", async (_name, answer) => {
    const p = portal([answer, () => json(200, { unexpected: true })]);
    await expect(callPortal(p.fetchImpl, PORTAL, ISSUE, p.wait)).rejects.toMatchObject({
      exitCode: expect.any(Number) as number,
    });
    expect(p.sent).toHaveLength(1);
    expect(p.waits).toEqual([]);
  });
});

describe("how long the CLI waits before trying an overloaded portal again", () => {
  const body = { error: { code: "overloaded" } };
  it.each<[string | null, number]>([
    ["0", 0],
    ["1", 1],
    ["3", 3],
    [String(LONGEST_OVERLOAD_WAIT_S), LONGEST_OVERLOAD_WAIT_S],
    ["120", LONGEST_OVERLOAD_WAIT_S],
    ["99999999", 1],
    [null, 1],
    ["", 1],
    ["soon", 1],
    ["-1", 1],
    ["1.5", 1],
    ["Wed, 21 Oct 2026 07:28:00 GMT", 1],
  ])("Retry-After %j → %i s", (header, seconds) => {
    const headers = new Headers(header === null ? {} : { "retry-after": header });
    expect(overloadRetrySeconds({ status: 503, headers }, body)).toBe(seconds);
  });
});
