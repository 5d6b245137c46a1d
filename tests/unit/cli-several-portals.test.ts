// One sign-in per portal (docs/CLI.md "Several portals"): a second portal's sign-in neither
// revokes nor hides the first's; logout acts on one portal only; a damaged file of one portal is
// named with the command that removes it. The login itself against two real portals:
// tests/integration/cli-commands.test.ts "several portals".
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  type SavedSignIn,
  configFile,
  portalSignInFile,
  readSavedSignIn,
  readSignInFor,
  saveSignIn,
} from "@/cli/gatehouse/config-store";
import { EXIT } from "@/cli/gatehouse/exit-codes";
import { runCli } from "@/cli/gatehouse/main";
import { testCliContext } from "../support/cli-context";

const PORTAL_A = "https://a.example";
const PORTAL_B = "https://b.example";
const quiet = () => undefined;

let home: string;
beforeEach(() => {
  home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-portals-")), "home");
});
afterEach(() => {
  fs.rmSync(path.dirname(home), { recursive: true, force: true });
});

function signIn(portalUrl: string, tokenId: string): SavedSignIn {
  return {
    portalUrl,
    token: `gh_cli_${tokenId.padEnd(43, "x")}`,
    tokenId,
    expiresAt: "2026-11-27T00:00:00Z",
    user: { email: "bob@corp.example", displayName: "Bob", subject: "bob" },
  };
}

function context(variables: Record<string, string> = {}) {
  return testCliContext(
    { GATEHOUSE_HOME: home, ...variables },
    { answer: () => new Response(null, { status: 204 }) },
  );
}

describe("one sign-in per portal: a second portal's sign-in keeps the first's", () => {
  it("both stay readable, each 0600; the last one is the default", () => {
    saveSignIn(home, signIn(PORTAL_A, "a1"), quiet);
    saveSignIn(home, signIn(PORTAL_B, "b1"), quiet);
    expect(readSignInFor(home, PORTAL_A, quiet)?.tokenId).toBe("a1");
    expect(readSignInFor(home, PORTAL_B, quiet)?.tokenId).toBe("b1");
    expect(readSavedSignIn(home, quiet)?.portalUrl).toBe(PORTAL_B);
    expect(fs.statSync(portalSignInFile(home, PORTAL_A)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(portalSignInFile(home, PORTAL_A))).mode & 0o777).toBe(0o700);
  });

  it("signing in to a portal again replaces only that portal's sign-in and makes it the default", () => {
    saveSignIn(home, signIn(PORTAL_A, "a1"), quiet);
    saveSignIn(home, signIn(PORTAL_B, "b1"), quiet);
    saveSignIn(home, signIn(PORTAL_A, "a2"), quiet);
    expect(readSavedSignIn(home, quiet)?.tokenId).toBe("a2");
    expect(readSignInFor(home, PORTAL_B, quiet)?.tokenId).toBe("b1");
    expect(fs.existsSync(portalSignInFile(home, PORTAL_A))).toBe(false);
  });

  it.each([
    ["the default portal's", PORTAL_B, PORTAL_A],
    ["another portal's", PORTAL_A, PORTAL_B],
  ])("logout --portal of %s revokes and forgets that one only", async (_name, out, kept) => {
    saveSignIn(home, signIn(PORTAL_A, "a1"), quiet);
    saveSignIn(home, signIn(PORTAL_B, "b1"), quiet);
    const run = context();
    expect(await runCli(["logout", "--portal", out], run.ctx)).toBe(EXIT.ok);
    expect(run.calls).toEqual([`DELETE ${out}/api/v1/token`]);
    expect(readSignInFor(home, out, quiet)).toBeUndefined();
    expect(readSignInFor(home, kept, quiet)?.portalUrl).toBe(kept);
  });

  it("a damaged file of one portal names the logout that removes it; the other portal's sign-in stays", async () => {
    saveSignIn(home, signIn(PORTAL_A, "a1"), quiet);
    saveSignIn(home, signIn(PORTAL_B, "b1"), quiet);
    fs.writeFileSync(portalSignInFile(home, PORTAL_A), "{bad");
    const ls = context();
    expect(await runCli(["ls", "--portal", PORTAL_A], ls.ctx)).toBe(EXIT.unexpected);
    expect(ls.stderr()).toContain(
      `damaged; run gatehouse logout --portal ${PORTAL_A} to remove it`,
    );
    const run = context();
    expect(await runCli(["logout", "--portal", PORTAL_A], run.ctx)).toBe(EXIT.ok);
    expect(fs.existsSync(portalSignInFile(home, PORTAL_A))).toBe(false);
    expect(readSignInFor(home, PORTAL_B, quiet)?.tokenId).toBe("b1");
    expect(fs.existsSync(configFile(home))).toBe(true);
  });
});
