// The production server (server.ts) either listens or exits non-zero saying why in one line —
// never a stack, never exit code 0 (a supervisor would take that for a clean stop). Once running,
// losing its output ends it the same way instead of leaving it spinning.
import { once } from "node:events";
import fs from "node:fs";
import nodeModule from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localPortalEnv, ROOT, startPortal } from "@/dev/local-stack";
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

/** Why the portal refused to start with these settings added (and `unset` removed). */
async function startFailure(
  port: number,
  extra: Record<string, string> = {},
  unset: readonly string[] = [],
): Promise<string> {
  const env = envFor(port, extra);
  for (const name of unset) delete env[name];
  try {
    const portal = await startPortal({ port, env });
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

  // Where it listens is a setting like the others: checked before the database is migrated or
  // Next.js loaded, not found out by listen() afterwards with a stack.
  it.each([
    ["PORT", "not-a-port"],
    ["PORT", "70000"],
    ["HOST", "http://0.0.0.0"],
  ])("%s=%s: exit code 78 naming it, before any migration, no stack", async (name, value) => {
    const message = await startFailure(await freePort(), {
      DATABASE_URL: "file:./.tmp/never-created.db",
      [name]: value,
    });
    expect(message).toContain("portal exited with code 78");
    expect(message).toContain(`${name} must be`);
    expect(message).not.toMatch(/migration|Prisma/i);
    expect(message).not.toMatch(/\n\s+at /);
  });

  // A typo leaves the setting it meant unset: said next to what is then missing, it is the answer.
  it("a misspelt GATEHOUSE_* setting is named in the refusal, with the setting it resembles", async () => {
    const message = await startFailure(
      await freePort(),
      { GATEHOUSE_ADMIN_GRUOP: "gatehouse-admins" },
      ["GATEHOUSE_ADMIN_GROUP"],
    );
    expect(message).toContain("portal exited with code 78");
    expect(message).toContain("GATEHOUSE_ADMIN_GROUP is required");
    expect(message).toContain(
      "GATEHOUSE_ADMIN_GRUOP is not a Gatehouse setting and is ignored: did you mean GATEHOUSE_ADMIN_GROUP?",
    );
  });

  it("a HOST that is no address of this machine: exit code 1 naming HOST, no stack", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-host-"));
    try {
      const port = await freePort();
      const message = await startFailure(port, {
        HOST: "no-such-host.invalid",
        DATABASE_URL: `file:${path.join(dir, "gatehouse.db")}`,
      });
      expect(message).toContain("portal exited with code 1");
      expect(message).toMatch(
        /Gatehouse could not start: HOST=no-such-host\.invalid does not resolve to an address \((ENOTFOUND|EAI_AGAIN)\): set HOST/,
      );
      expect(message).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// A DATABASE_URL that can never work is a setting to correct, found out at start: not a replica
// that migrates nothing and exits with Prisma's page of output, or — migrations left to a job —
// one that listens and answers every page with 500 and a stack in its log.
describe("a DATABASE_URL that names no usable database stops the start naming DATABASE_URL", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "a host name that does not resolve",
      "postgresql://gatehouse@db.invalid:5432/gatehouse",
      /DATABASE_URL names a database host that does not resolve \(db\.invalid\)/,
    ],
  ];
  describe.each([["true"], ["false"]])("GATEHOUSE_MIGRATE_ON_START=%s", (migrateOnStart) => {
    it.each(cases)("%s: exit code 78, one line naming it, no stack", async (_name, url, why) => {
      const message = await startFailure(await freePort(), {
        DATABASE_URL: url,
        GATEHOUSE_MIGRATE_ON_START: migrateOnStart,
      });
      expect(message).toContain("portal exited with code 78");
      expect(message).toMatch(why);
      expect(message).toContain("See .env.example for every setting.");
      expect(message).not.toContain("Gatehouse listening");
      expect(message).not.toMatch(/Prisma schema loaded/);
      expect(message).not.toMatch(/\n\s+at /);
    });
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

describe("Node's compile cache (lib/runtime/compile-cache.ts)", () => {
  const cacheDir = path.join(ROOT, ".next", "cache", "node-compile-cache");
  /** Cache files last written at or after `since` (ms since the epoch), at any depth. */
  function writtenSince(since: number): string[] {
    if (!fs.existsSync(cacheDir)) return [];
    return (fs.readdirSync(cacheDir, { recursive: true }) as string[]).filter((entry) => {
      const stat = fs.statSync(path.join(cacheDir, entry));
      return stat.isFile() && stat.mtimeMs >= since;
    });
  }
  const nodeHasCache =
    typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === "function";

  it(`${nodeHasCache ? "Node.js 22: the server keeps its compiled code in .next/cache" : "Node.js 20 has none: the server starts without it and writes nothing"}`, async () => {
    // Whole seconds: some file systems keep coarse modification times.
    const started = Math.floor(Date.now() / 1000) * 1000;
    const stack = await startTestStack();
    try {
      expect((await fetch(`${stack.portalUrl}/api/health`)).status).toBe(200);
    } finally {
      // Node writes the cache when the process exits.
      await stack.stop();
    }
    // Node writes only what the cache lacks: a start after another portal of this build (each
    // build empties the cache) may write nothing new, but the cache is there.
    if (nodeHasCache) expect(writtenSince(0).length).toBeGreaterThan(0);
    else expect(writtenSince(started)).toEqual([]);
  });
});
