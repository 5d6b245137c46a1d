// Two setup-profiles runs on one AWS config file at once lose nothing (docs/CLI.md "Profiles"):
// each replaces the file whole, so a run waits for `<file>.gatehouse-lock` and reads the file again
// under it, keeping what the other run wrote meanwhile. A lock left by a run that died is taken over.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { applyManagedProfiles, managedProfileNames } from "@/cli/gatehouse/aws-config-file";
import { tryLock } from "@/cli/gatehouse/cache-lock";
import { configLockFile } from "@/cli/gatehouse/config-file-lock";
import { EXIT } from "@/cli/gatehouse/exit-codes";
import { runCli } from "@/cli/gatehouse/main";
import { oneCliRole, saveTestSignIn, testCliContext } from "../support/cli-context";

const PORTAL_A = "https://gatehouse-a.example.com";
const PORTAL_B = "https://gatehouse-b.example.com";

let root: string;
let config: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-config-lock-"));
  config = path.join(root, "aws-config");
  fs.writeFileSync(config, "[default]\nregion = eu-west-1\n", { mode: 0o600 });
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** setup-profiles for portal B (account acme-b), signed in, on the shared config file. */
function runB(extra: string[] = []) {
  const home = path.join(root, "home-b");
  saveTestSignIn(home, PORTAL_B, "tokB");
  const t = testCliContext(
    {
      GATEHOUSE_HOME: home,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: path.join(root, "none"),
    },
    { answer: () => Response.json(oneCliRole("acme-b")) },
  );
  // Resolves once B says it is waiting for the lock, or finishes without waiting.
  let waitingSeen: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => (waitingSeen = resolve));
  t.ctx.err = (text) => {
    t.err.push(text);
    if (text.includes("waiting for another setup-profiles")) waitingSeen();
  };
  const done = runCli(["setup-profiles", "--portal", PORTAL_B, ...extra], t.ctx).finally(() =>
    waitingSeen(),
  );
  return { ...t, waiting, done };
}

/** Portal A's profile, as another setup-profiles would write it from what it read. */
const A_PROFILES = [
  {
    name: "acme-a.Developer",
    settings: [
      [
        "credential_process",
        `/usr/bin/node /g.mjs creds 222222222222/Developer --portal ${PORTAL_A}`,
      ],
      ["region", "eu-west-1"],
    ] as const,
  },
];

describe("setup-profiles runs on one config file at once: each run's profiles are kept", () => {
  it("a run that finds the file being edited waits, then adds its profiles to what the other wrote", async () => {
    // Run A has taken the lock and read the file; it has not written yet.
    const lockA = tryLock(configLockFile(config));
    expect(lockA).toBeDefined();
    const readByA = fs.readFileSync(config, "utf8");

    const b = runB();
    await b.waiting;
    // A writes its edit of what it read, and is done.
    fs.writeFileSync(config, applyManagedProfiles(readByA, PORTAL_A, A_PROFILES).text);
    lockA!.release();

    expect(await b.done, b.stderr()).toBe(EXIT.ok);
    expect(b.stderr()).toContain(`waiting for another setup-profiles to finish with ${config}`);
    const text = fs.readFileSync(config, "utf8");
    expect(managedProfileNames(text, PORTAL_A)).toEqual(["acme-a.Developer"]);
    expect(managedProfileNames(text, PORTAL_B)).toEqual(["acme-b.Developer"]);
    expect(text.startsWith("[default]\nregion = eu-west-1\n")).toBe(true);
    expect(fs.existsSync(configLockFile(config))).toBe(false);
  });

  it("a lock left by a run that died (untouched for longer than 10 s) is taken over", async () => {
    const lockFile = configLockFile(config);
    fs.writeFileSync(lockFile, "12345.dead");
    const longAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(lockFile, longAgo, longAgo);

    const b = runB();
    expect(await b.done, b.stderr()).toBe(EXIT.ok);
    expect(managedProfileNames(fs.readFileSync(config, "utf8"), PORTAL_B)).toEqual([
      "acme-b.Developer",
    ]);
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it("a dry run, or a file already up to date, takes no lock and never waits", async () => {
    const lockFile = configLockFile(config);
    const held = tryLock(lockFile);
    expect(held).toBeDefined();
    const dry = runB(["--dry-run"]);
    expect(await dry.done, dry.stderr()).toBe(EXIT.ok);
    expect(dry.stderr()).toContain("Dry run");
    expect(dry.stderr()).not.toContain("waiting");
    held!.release();

    const first = runB();
    expect(await first.done, first.stderr()).toBe(EXIT.ok);
    const heldAgain = tryLock(lockFile);
    expect(heldAgain).toBeDefined();
    try {
      const upToDate = runB();
      expect(await upToDate.done, upToDate.stderr()).toBe(EXIT.ok);
      expect(upToDate.stderr()).toContain("is up to date");
      expect(upToDate.stderr()).not.toContain("waiting");
    } finally {
      heldAgain!.release();
    }
  });
});
