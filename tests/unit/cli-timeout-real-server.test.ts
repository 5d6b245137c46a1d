// The CLI's request timeout covers the answer's body, against a real HTTP server over a real socket
// with Node's own fetch (docs/CLI.md "Messages, secrets and the network"): a portal that sends its
// headers and then stalls is a timeout (exit 5), and the CLI lets go of the connection. The
// timeout is the one every portal call takes (`timeoutMs`, 30 s unless given), shortened here. No
// time is measured: the only timing the test needs is that a loopback answer's headers (on a
// connection a complete answer has already warmed) arrive within the timeout, which it checks.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CliError, EXIT } from "@/cli/gatehouse/exit-codes";
import { callPortal } from "@/cli/gatehouse/portal-client";

const TIMEOUT_MS = 2_000;
const TOKEN = `gh_cli_${"s".repeat(43)}`;

/** How the server answers a path: in full, or headers (with `chunk`) and then nothing. */
const ANSWERS: Record<string, { status: number; chunk: string; stall: boolean }> = {
  "/complete": { status: 200, chunk: '{"ok":true}', stall: false },
  "/headers-only": { status: 200, chunk: "", stall: true },
  "/half-a-body": { status: 200, chunk: '{"accessKeyId":', stall: true },
  "/half-an-error": { status: 500, chunk: '{"error":', stall: true },
};

let server: http.Server;
let portalUrl: string;
/** Per path: resolves once the client has closed the connection of a stalled answer. */
const letGo = new Map<string, Promise<void>>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const answer = ANSWERS[req.url ?? ""] ?? { status: 404, chunk: "{}", stall: false };
    letGo.set(req.url ?? "", new Promise((resolve) => res.on("close", () => resolve())));
    res.writeHead(answer.status, { "content-type": "application/json" });
    if (!answer.stall) return void res.end(answer.chunk);
    res.flushHeaders();
    if (answer.chunk !== "") res.write(answer.chunk);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  portalUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Node's fetch, noting whether the answer's headers reached the CLI. */
function recordingFetch() {
  const seen = { headers: false };
  const fetchImpl = (async (input: string, init: RequestInit) => {
    const response = await fetch(input, init);
    seen.headers = true;
    return response;
  }) as unknown as typeof fetch;
  return { fetchImpl, seen };
}

function call(fetchImpl: typeof fetch, path: string) {
  return callPortal(fetchImpl, portalUrl, {
    method: "POST",
    path,
    token: TOKEN,
    json: { role: "acme-staging/Developer" },
    timeoutMs: TIMEOUT_MS,
  });
}

describe("a portal that sends its headers and then stalls is a timeout (exit 5), and the connection is let go", () => {
  // First: it also warms Node's fetch and the connection, so the stalled answers' headers arrive in time.
  it("the control: a complete answer is read", async () => {
    expect(await call(recordingFetch().fetchImpl, "/complete")).toEqual({ ok: true });
  });

  it.each([
    ["a 200 with headers only", "/headers-only"],
    ["a 200 whose body stops halfway", "/half-a-body"],
    ["an error answer whose body stops halfway", "/half-an-error"],
  ])("%s", async (_name, path) => {
    const { fetchImpl, seen } = recordingFetch();
    const failure = await call(fetchImpl, path).catch((e: unknown) => e);
    expect(seen.headers, "the headers reached the CLI before its deadline").toBe(true);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as CliError).exitCode).toBe(EXIT.unavailable);
    expect((failure as CliError).message).toBe(
      `cannot reach the portal at ${portalUrl}: no answer within ${TIMEOUT_MS / 1000} s`,
    );
    await letGo.get(path);
  });
});
