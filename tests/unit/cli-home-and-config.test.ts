import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { EXIT } from "@/cli/gatehouse/exit-codes";
import { runCli } from "@/cli/gatehouse/main";
import { testCliContext } from "../support/cli-context";

const PORTAL_A = "https://a.example";
const PORTAL_B = "https://b.example";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-home-"));
});
afterEach(() => {
  fs.chmodSync(root, 0o700);
  fs.rmSync(root, { recursive: true, force: true });
});

/** A context on `home` whose fetch records each call and answers 204. */
function context(home: string, variables: Record<string, string> = {}) {
  return testCliContext(
    { GATEHOUSE_HOME: home, ...variables },
    { answer: () => new Response(null, { status: 204 }) },
  );
}

function savedSignIn(home: string, portalUrl: string): string {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = path.join(home, "config.json");
  const signIn = {
    portalUrl,
    token: `gh_cli_${"t".repeat(43)}`,
    tokenId: "tok1",
    expiresAt: "2026-11-27T00:00:00Z",
    user: { email: "bob@corp.example", displayName: "Bob", subject: "bob" },
  };
  fs.writeFileSync(file, JSON.stringify(signIn), { mode: 0o600 });
  return file;
}

describe("a damaged config.json can be recovered: logout removes it, login asks for --portal", () => {
  const contents: Array<[string, string]> = [
    ["cut-off JSON", "{bad"],
    ["an empty file", ""],
    ["JSON that is no sign-in", "[]"],
  ];
  it.each(contents)("%s: logout removes it and the cache, exit 0", async (_name, text) => {
    const home = path.join(root, "home");
    fs.mkdirSync(path.join(home, "cache"), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(home, "config.json"), text, { mode: 0o600 });
    const run = context(home);
    expect(await runCli(["logout"], run.ctx)).toBe(EXIT.ok);
    expect(fs.existsSync(path.join(home, "config.json"))).toBe(false);
    expect(fs.existsSync(path.join(home, "cache"))).toBe(false);
    expect(run.calls).toEqual([]);
  });

  it.each(contents)(
    "%s: login without --portal says it needs --portal (not 'run gatehouse login')",
    async (_name, text) => {
      const home = path.join(root, "home");
      fs.mkdirSync(home, { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(home, "config.json"), text, { mode: 0o600 });
      const run = context(home);
      expect(await runCli(["login"], run.ctx)).toBe(EXIT.usage);
      expect(run.stderr()).toMatch(/pass --portal <url>/);
      expect(run.stderr()).not.toMatch(/run gatehouse login/);
    },
  );
});

describe("logout chooses the portal like every command: --portal, then GATEHOUSE_URL", () => {
  it.each([
    ["GATEHOUSE_URL names another portal", [], { GATEHOUSE_URL: PORTAL_B }, false],
    ["--portal names another portal", ["--portal", PORTAL_B], {}, false],
    ["GATEHOUSE_URL names the saved portal", [], { GATEHOUSE_URL: PORTAL_A }, true],
    ["neither: the saved portal", [], {}, true],
    ["--portal wins over GATEHOUSE_URL", ["--portal", PORTAL_A], { GATEHOUSE_URL: PORTAL_B }, true],
  ])("%s → signed out: %s", async (_name, args, variables, signedOut) => {
    const home = path.join(root, "home");
    const file = savedSignIn(home, PORTAL_A);
    const run = context(home, variables);
    expect(await runCli(["logout", ...args], run.ctx)).toBe(EXIT.ok);
    expect(fs.existsSync(file)).toBe(!signedOut);
    expect(run.calls).toEqual(signedOut ? [`DELETE ${PORTAL_A}/api/v1/token`] : []);
    if (!signedOut) expect(run.stderr()).toContain(`Not signed in to ${PORTAL_B}`);
  });
});

describe("login checks the home is usable before any token is issued", () => {
  it.each([
    [
      "a GATEHOUSE_HOME every user may write to",
      () => {
        const home = path.join(root, "shared");
        fs.mkdirSync(home);
        fs.chmodSync(home, 0o777);
        return home;
      },
      /writable by every user/,
    ],
    [
      "a GATEHOUSE_HOME below a regular file",
      () => {
        fs.writeFileSync(path.join(root, "file"), "");
        return path.join(root, "file", "home");
      },
      /ENOTDIR|not a directory/,
    ],
  ])("%s: exit 1 before the device flow starts", async (_name, makeHome, reason) => {
    const run = context(makeHome());
    expect(await runCli(["login", "--portal", PORTAL_A], run.ctx)).toBe(EXIT.unexpected);
    expect(run.stderr()).toMatch(/cannot save a sign-in in /);
    expect(run.stderr()).toMatch(reason);
    expect(run.stderr()).not.toMatch(/To sign in/);
    expect(run.calls).toEqual([]);
  });
});
