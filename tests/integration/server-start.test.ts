// The production server (server.ts) either listens or exits non-zero saying why in one line —
// never a stack, never exit code 0 (a supervisor would take that for a clean stop). Once running,
// losing its output ends it the same way instead of leaving it spinning.
import { once } from "node:events";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localPortalEnv, startPortal } from "@/dev/local-stack";
import { freePort } from "@/dev/ports";
import { startTestStack } from "@/tests/support/stack";

const STANDIN = "http://127.0.0.1:9";

function envFor(port: number, extra: Record<string, string> = {}): Record<string, string> {
  return localPortalEnv({
    portalUrl: `http://localhost:${port}`,
    databaseUrl: "file:./data/never-opened.db",
    oidcIssuer: `${STANDIN}/oidc`,
    stsEndpoint: STANDIN,
    federationEndpoint: `${STANDIN}/federation`,
    authSecret: "s".repeat(44),
    extra,
  });
}

async function startFailure(port: number, extra: Record<string, string> = {}): Promise<string> {
  try {
    const portal = await startPortal({ port, env: envFor(port, extra) });
    await portal.stop();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("the portal started");
}

describe("the server refuses to start, saying why", () => {
  let occupant: net.Server;
  let takenPort: number;
  beforeAll(async () => {
    takenPort = await freePort();
    occupant = net.createServer();
    await new Promise<void>((resolve) => occupant.listen(takenPort, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => occupant.close(resolve));
  });

  it("a port already in use: exit code 1 and the address, no stack", async () => {
    const message = await startFailure(takenPort);
    expect(message).toContain("portal exited with code 1");
    expect(message).toContain(
      `Gatehouse could not start: 127.0.0.1:${takenPort} is already in use (EADDRINUSE)`,
    );
    expect(message).not.toMatch(/\n\s+at /);
  });

  it("an invalid setting: exit code 78 (EX_CONFIG) naming the setting, no stack", async () => {
    const message = await startFailure(await freePort(), { GATEHOUSE_LOG_LEVEL: "chatty" });
    expect(message).toContain("portal exited with code 78");
    expect(message).toContain("GATEHOUSE_LOG_LEVEL");
    expect(message).toContain("See .env.example for every setting.");
    expect(message).not.toMatch(/\n\s+at /);
  });
});

describe("the server stops when its output is gone", () => {
  it("the reader of its output closed: a request in flight still gets its answer, then exit code 1 — no spinning on EPIPE", async () => {
    const stack = await startTestStack();
    try {
      const portal = stack.portal.process;
      portal.stdout?.destroy();
      portal.stderr?.destroy();
      const exited = once(portal, "exit");
      // A sign-in the IdP refused is logged as a warning: a write into the closed pipe. Under
      // load another write (a start-up log line) may come first and stop the portal before this
      // request connects; then it is refused, never left hanging. Either way: exit code 1.
      const answer = await fetch(`${stack.portalUrl}/api/auth/callback/oidc?error=access_denied`, {
        redirect: "manual",
      }).then(
        (response) => response.status,
        () => "refused",
      );
      expect([302, "refused"]).toContain(answer);
      const [code] = (await exited) as [number | null];
      expect(code).toBe(1);
    } finally {
      await stack.stop();
    }
  });
});
