import fs from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeEach, describe, expect, it } from "vitest";

import type { IssuedCredentials } from "@/cli/gatehouse/api-types";
import { readCliEnv } from "@/cli/gatehouse/cli-env";
import { configFile, saveSignIn } from "@/cli/gatehouse/config-store";
import type { CliContext } from "@/cli/gatehouse/context";
import {
  REFRESH_MARGIN_MS,
  cacheDir,
  cacheFile,
  isFresh,
  readCachedCredentials,
  writeCachedCredentials,
} from "@/cli/gatehouse/credential-cache";
import { getCredentials } from "@/cli/gatehouse/credentials";
import { CliError, EXIT } from "@/cli/gatehouse/exit-codes";

const NOW = new Date("2026-11-26T12:00:00.000Z");
const PORTAL = "https://gatehouse.example.com";
const TOKEN = `gh_cli_${"t".repeat(43)}`;
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000).toISOString();

const issued = (expiration: string, n = 1): IssuedCredentials => ({
  accessKeyId: `ASIAEXAMPLE${String(n).padStart(9, "0")}`,
  secretAccessKey: `secret/${n}+key=`,
  sessionToken: `session-token-${n}`,
  expiration,
  durationSeconds: 3600,
  region: "eu-west-1",
  account: { accountId: "123456789012", name: "acme" },
  roleName: "Developer",
});

const root = fs.mkdtempSync(path.join(tmpdir(), "gatehouse-cli-cache-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let home: string;
let counter = 0;
beforeEach(() => {
  counter += 1;
  home = path.join(root, `home-${counter}`);
});

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
const parts = { portalUrl: PORTAL, role: "acme/Developer" };
const warnings: string[] = [];
const warn = (message: string) => void warnings.push(message);

describe("the validity window", () => {
  it.each([
    [minutes(60), true],
    [minutes(5), false],
    [minutes(14), false],
    [minutes(16), true],
    [new Date(NOW.getTime() + REFRESH_MARGIN_MS + 1000).toISOString(), true],
    [new Date(NOW.getTime() + REFRESH_MARGIN_MS).toISOString(), false],
    [minutes(4), false],
    [minutes(-1), false],
    ["not a date", false],
  ])("credentials expiring at %s are fresh: %s", (expiration, fresh) => {
    expect(isFresh(expiration, NOW)).toBe(fresh);
  });
});

describe("the validity window of a session shorter than 30 minutes: renewed halfway", () => {
  it.each([
    [900, minutes(8), true],
    [900, minutes(7.5), false],
    [1200, minutes(11), true],
    [1200, minutes(10), false],
    [3600, minutes(15), false],
  ])("a %i-second session expiring at %s is fresh: %s", (duration, expiration, fresh) => {
    expect(isFresh(expiration, NOW, duration)).toBe(fresh);
  });
});

describe("the cache file", () => {
  it("is 0600 in a 0700 directory, keyed by a sha256, and leaves no temporary file", () => {
    writeCachedCredentials(home, parts, issued(minutes(60)), warn);
    const file = cacheFile(home, parts);
    expect(path.basename(file)).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(cacheDir(home))).toBe(0o700);
    expect(modeOf(home)).toBe(0o700);
    expect(fs.readdirSync(cacheDir(home))).toEqual([path.basename(file)]);
  });

  it("separates portal, role, region and duration", () => {
    const keys = new Set(
      [
        parts,
        { ...parts, portalUrl: "https://other.example.com" },
        { ...parts, role: "acme/Admin" },
        { ...parts, region: "us-east-1" },
        { ...parts, durationSeconds: 7200 },
      ].map((p) => cacheFile(home, p)),
    );
    expect(keys.size).toBe(5);
  });

  it("serves fresh credentials and refuses ones within 5 minutes of expiry", () => {
    writeCachedCredentials(home, parts, issued(minutes(30)), warn);
    expect(readCachedCredentials(home, parts, NOW, warn)?.accessKeyId).toBe("ASIAEXAMPLE000000001");
    const later = new Date(NOW.getTime() + 26 * 60_000);
    expect(readCachedCredentials(home, parts, later, warn)).toBeUndefined();
  });

  it("treats a damaged file as a miss", () => {
    writeCachedCredentials(home, parts, issued(minutes(60)), warn);
    fs.writeFileSync(cacheFile(home, parts), "{ not json");
    expect(readCachedCredentials(home, parts, NOW, warn)).toBeUndefined();
  });

  it("tightens a file others may read to 0600, with a warning", () => {
    writeCachedCredentials(home, parts, issued(minutes(60)), warn);
    fs.chmodSync(cacheFile(home, parts), 0o644);
    warnings.length = 0;
    expect(readCachedCredentials(home, parts, NOW, warn)).toBeDefined();
    expect(modeOf(cacheFile(home, parts))).toBe(0o600);
    expect(warnings.join()).toMatch(/permissions are now 0600/);
  });

  it("tightens a home directory others may read to 0700, and refuses a world-writable one", () => {
    fs.mkdirSync(home, { mode: 0o755 });
    fs.chmodSync(home, 0o755);
    writeCachedCredentials(home, parts, issued(minutes(60)), warn);
    expect(modeOf(home)).toBe(0o700);
    fs.chmodSync(home, 0o777);
    expect(() => writeCachedCredentials(home, parts, issued(minutes(60)), warn)).toThrow(
      /writable by every user/,
    );
  });
});

describe("getCredentials", () => {
  function contextAt(now: () => Date) {
    const calls: Array<{ url: string; body: unknown; authorization: string | null }> = [];
    let issuedCount = 0;
    const ctx: CliContext = {
      env: readCliEnv({ GATEHOUSE_HOME: home }, "linux"),
      out: () => undefined,
      err: () => undefined,
      now,
      program: [],
      fetch: (input, init) => {
        issuedCount += 1;
        calls.push({
          url: input as string, // callPortal passes the URL as a string
          body: JSON.parse(init?.body as string),
          authorization: new Headers(init?.headers).get("authorization"),
        });
        return Promise.resolve(
          Response.json(issued(new Date(now().getTime() + 3600_000).toISOString(), issuedCount)),
        );
      },
    };
    return { ctx, calls };
  }

  beforeEach(() => {
    saveSignIn(
      home,
      {
        portalUrl: PORTAL,
        token: TOKEN,
        tokenId: "tok_1",
        expiresAt: minutes(720),
        user: { email: "bob@example.com", displayName: "Bob", subject: "bob" },
      },
      warn,
    );
  });

  it("a second call within validity does not reach the portal", async () => {
    let now = NOW;
    const { ctx, calls } = contextAt(() => now);
    const first = await getCredentials(ctx, PORTAL, { role: "acme/Developer" });
    now = new Date(NOW.getTime() + 44 * 60_000); // 16 minutes before expiry
    const second = await getCredentials(ctx, PORTAL, { role: "acme/Developer" });
    expect(second).toEqual(first);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual({
      url: `${PORTAL}/api/v1/credentials`,
      body: { role: "acme/Developer" },
      authorization: `Bearer ${TOKEN}`,
    });
  });

  it("a call within botocore's 15-minute refresh window goes to the portal again", async () => {
    let now = NOW;
    const { ctx, calls } = contextAt(() => now);
    await getCredentials(ctx, PORTAL, {
      role: "acme/Developer",
      durationSeconds: 3600,
      region: "us-east-1",
    });
    now = new Date(NOW.getTime() + 46 * 60_000); // 14 minutes before expiry
    const renewed = await getCredentials(ctx, PORTAL, {
      role: "acme/Developer",
      durationSeconds: 3600,
      region: "us-east-1",
    });
    expect(calls).toHaveLength(2);
    expect(calls[1]?.body).toEqual({
      role: "acme/Developer",
      durationSeconds: 3600,
      region: "us-east-1",
    });
    expect(renewed.accessKeyId).toBe("ASIAEXAMPLE000000002");
  });

  it("never sends the token to a portal other than the one that issued it", async () => {
    const { ctx, calls } = contextAt(() => NOW);
    const failure = await getCredentials(ctx, "https://evil.example.com", {
      role: "acme/Developer",
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as CliError).exitCode).toBe(EXIT.notSignedIn);
    expect(calls).toHaveLength(0);
  });

  it("an expired sign-in is 'not signed in' without a portal call", async () => {
    const { ctx, calls } = contextAt(() => new Date(NOW.getTime() + 13 * 3600_000));
    const failure = await getCredentials(ctx, PORTAL, { role: "acme/Developer" }).catch(
      (e: unknown) => e,
    );
    expect((failure as CliError).exitCode).toBe(EXIT.notSignedIn);
    expect((failure as CliError).message).toMatch(/Run gatehouse login/);
    expect(calls).toHaveLength(0);
  });

  it("the saved sign-in is 0600", () => {
    expect(modeOf(configFile(home))).toBe(0o600);
  });
});
