// A CLI home (or AWS config file) that cannot be written or read, made so as root can't escape it:
// the path is a regular file, or lies below one, so every operation fails with ENOTDIR, EEXIST or
// EISDIR. The CLI exits non-zero with one line naming the path and why, never a stack trace or
// "unexpected error", and asks the portal for nothing it could not keep (docs/CLI.md "Files and
// permissions"). A sign-in saved and then unsaveable is revoked: tests/integration/cli-commands.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { EXIT } from "@/cli/gatehouse/exit-codes";
import { runCli } from "@/cli/gatehouse/main";
import { oneCliRole, saveTestSignIn, testCliContext } from "../support/cli-context";

const PORTAL = "https://gatehouse.example.com";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-unwritable-"));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const ROLES = oneCliRole("acme staging");

/** A context on `home` whose fetch records each call and answers the roles list. */
function context(home: string, variables: Record<string, string> = {}) {
  return testCliContext(
    { GATEHOUSE_HOME: home, GATEHOUSE_NO_BROWSER: "1", ...variables },
    { answer: () => Response.json(ROLES) },
  );
}

/** A home with a valid sign-in in it. */
function signedInHome(): string {
  const home = path.join(root, "home");
  saveTestSignIn(home, PORTAL);
  return home;
}

/** A regular file at `name` under the test's directory: its path. */
function regularFile(name: string): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, "not a directory\n");
  return file;
}

/** One clear line naming `named`: no stack frame, no "unexpected error". */
function expectClearFailure(stderr: string, message: RegExp, named: string): void {
  expect(stderr).toMatch(message);
  expect(stderr).toContain(named);
  expect(stderr).not.toMatch(/unexpected error|\n\s+at /);
  expect(stderr.trim().split("\n")).toHaveLength(1);
}

describe("login with a home that cannot be written exits 1 naming it, before any token is issued", () => {
  it.each([
    ["the home is a regular file", () => regularFile("home"), /it is a file, not a directory/],
    [
      "the home is below a regular file",
      () => path.join(regularFile("file"), "home"),
      /a directory on that path is a file \(ENOTDIR\)/,
    ],
  ])("%s", async (_name, makeHome, reason) => {
    const home = makeHome();
    const run = context(home);
    expect(await runCli(["login", "--portal", PORTAL], run.ctx)).toBe(EXIT.unexpected);
    expectClearFailure(
      run.stderr(),
      new RegExp(`cannot save a sign-in in .*${reason.source}`),
      home,
    );
    expect(run.calls).toEqual([]);
  });
});

describe("a home that cannot be read is named, not reported as an unexpected error", () => {
  it.each([
    ["status", ["status"]],
    ["creds", ["creds", "acme-staging/Developer", "--portal", PORTAL]],
    ["setup-profiles", ["setup-profiles", "--portal", PORTAL]],
    ["logout", ["logout", "--portal", PORTAL]],
  ])("%s with the home a regular file: exit 1, nothing asked of the portal", async (_n, argv) => {
    const home = regularFile("home");
    const run = context(home);
    expect(await runCli(argv, run.ctx)).toBe(EXIT.unexpected);
    expectClearFailure(
      run.stderr(),
      /cannot read the saved sign-in .*config\.json: a directory on that path is a file \(ENOTDIR\)/,
      home,
    );
    expect(run.calls).toEqual([]);
  });
});

describe("a credential cache that cannot be written stops creds before anything is issued", () => {
  it.each([["the cache directory is a regular file", (home: string) => path.join(home, "cache")]])(
    "%s: exit 1 naming it, no issuance",
    async (_name, blocked) => {
      const home = signedInHome();
      const cache = blocked(home);
      fs.writeFileSync(cache, "not a directory\n");
      const run = context(home);
      expect(await runCli(["creds", "acme-staging/Developer", "--portal", PORTAL], run.ctx)).toBe(
        EXIT.unexpected,
      );
      expectClearFailure(
        run.stderr(),
        /cannot keep credentials in .*: it is a file, not a directory \(EEXIST\); nothing was issued/,
        cache,
      );
      expect(run.calls).toEqual([]);
    },
  );
});

describe("setup-profiles with an AWS config file that cannot be read or written exits 1 naming it", () => {
  it.each([
    [
      "below a regular file",
      () => path.join(regularFile("aws"), "config"),
      /cannot read .*: a directory on that path is a file \(ENOTDIR\)/,
    ],
    [
      "a directory",
      () => {
        const dir = path.join(root, "config-dir");
        fs.mkdirSync(dir);
        return dir;
      },
      /cannot read .*: it is a directory, not a file \(EISDIR\)/,
    ],
  ])("%s", async (_name, makeFile, message) => {
    const file = makeFile();
    const run = context(signedInHome(), { AWS_CONFIG_FILE: file });
    expect(await runCli(["setup-profiles", "--portal", PORTAL], run.ctx)).toBe(EXIT.unexpected);
    expectClearFailure(run.stderr(), message, file);
  });
});
