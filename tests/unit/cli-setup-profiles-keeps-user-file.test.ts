// setup-profiles never loses or overrides a person's ~/.aws/config (docs/CLI.md "Profiles"): a file
// made read-only is left alone, and a file with a line no INI reader understands is refused rather
// than edited around a guess — the line may be a profile header missing its `]`, whose settings
// would otherwise be taken for part of gatehouse's profile above it and removed with it; and a
// symlinked config stays a link.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { MANAGED_KEY } from "@/cli/gatehouse/aws-config-file";
import { EXIT } from "@/cli/gatehouse/exit-codes";
import { runCli } from "@/cli/gatehouse/main";
import { oneCliRole, saveTestSignIn, testCliContext } from "../support/cli-context";

const PORTAL = "https://gatehouse.example.com";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-keeps-config-"));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** One CLI role: acme-staging/Developer in 111111111111. */
const ROLES = oneCliRole("acme-staging");

/** A signed-in home and an AWS config file holding `text`; the portal answers ROLES. */
function setup(text: string, mode = 0o600) {
  const home = path.join(root, "home");
  saveTestSignIn(home, PORTAL);
  const file = path.join(root, "aws-config");
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  const run = testCliContext(
    { GATEHOUSE_HOME: home, AWS_CONFIG_FILE: file },
    { answer: () => Response.json(ROLES) },
  );
  return { ...run, file };
}

/** A profile gatehouse wrote for a role the person no longer has: the next run removes it. */
const STALE = `[profile acme-staging.Gone]\ncredential_process = /usr/bin/node /opt/gatehouse/cli/dist/gatehouse.mjs creds 111111111111/Gone --portal ${PORTAL}\nregion = eu-west-1\n${MANAGED_KEY} = ${PORTAL}\n`;

describe("setup-profiles leaves a read-only AWS config file alone: exit 1 naming it, unchanged", () => {
  it.each([
    ["read-only for everyone (0444)", 0o444],
    ["readable by its owner only (0400)", 0o400],
  ])("%s", async (_name, mode) => {
    const text = "# mine\r\n[profile mine]\r\nregion = us-east-1\r\n";
    const run = setup(text, mode);
    expect(await runCli(["setup-profiles", "--portal", PORTAL], run.ctx)).toBe(EXIT.unexpected);
    expect(run.stderr()).toContain(`gatehouse: ${run.file} is read-only`);
    expect(run.stderr()).toContain("nothing was changed");
    expect(run.stdout()).toBe("");
    expect(fs.readFileSync(run.file, "utf8")).toBe(text);
    expect(fs.statSync(run.file).mode & 0o777).toBe(mode);
  });

  it("--dry-run still shows the change it would make", async () => {
    const run = setup("[profile mine]\nregion = us-east-1\n", 0o444);
    expect(await runCli(["setup-profiles", "--dry-run", "--portal", PORTAL], run.ctx)).toBe(
      EXIT.ok,
    );
    expect(run.stdout()).toContain("+[profile acme-staging.Developer]");
  });
});

describe("setup-profiles refuses a config with a line the AWS CLI cannot read, rather than delete it with a section", () => {
  it.each([
    [
      "a header missing its ] after gatehouse's profile",
      `${STALE}\n[profile mine\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = keep-me\n`,
      6,
    ],
    ["a bare word", `[profile mine]\nregion = us-east-1\noops\n`, 3],
    ["a value without a key", `[default]\n= us-east-1\n`, 2],
  ])("%s", async (_name, text, line) => {
    for (const args of [[], ["--remove"], ["--dry-run"]]) {
      const run = setup(text);
      expect(await runCli(["setup-profiles", ...args, "--portal", PORTAL], run.ctx)).toBe(
        EXIT.unexpected,
      );
      expect(run.stderr()).toMatch(
        new RegExp(
          `^gatehouse: .*aws-config line ${line} is not a section, a setting or a comment`,
        ),
      );
      expect(run.stderr()).toContain("nothing was changed");
      expect(run.stdout()).toBe("");
      expect(fs.readFileSync(run.file, "utf8")).toBe(text);
    }
  });

  it("a UTF-16 file (Windows PowerShell 5's `>`) is named as not UTF-8, and left as it was", async () => {
    const bytes = Buffer.from("\uFEFF[profile mine]\r\nregion = us-east-1\r\n", "utf16le");
    const run = setup("");
    fs.writeFileSync(run.file, bytes);
    expect(await runCli(["setup-profiles", "--portal", PORTAL], run.ctx)).toBe(EXIT.unexpected);
    expect(run.stderr()).toMatch(
      /^gatehouse: .*aws-config is not UTF-8 text .*nothing was changed/,
    );
    expect(fs.readFileSync(run.file).equals(bytes)).toBe(true);
  });

  it("accepts every line the AWS CLI reads: key: value, indented sub-settings, comments, CRLF, a BOM", async () => {
    const text =
      "\uFEFF[default]\r\nregion: us-east-1\r\ns3 =\r\n  max_concurrent_requests = 20\r\n; note\r\n[profile x] # mine\r\noutput=json\r\n";
    const run = setup(text);
    expect(await runCli(["setup-profiles", "--portal", PORTAL], run.ctx)).toBe(EXIT.ok);
    const after = fs.readFileSync(run.file, "utf8");
    expect(after.startsWith(text)).toBe(true);
    expect(after).toContain("[profile acme-staging.Developer]\r\n");
  });
});

describe("setup-profiles writes through a symlinked config, even one whose file does not exist yet", () => {
  it.each([
    ["to an existing file", true],
    ["to a file not created yet (a dotfiles checkout)", false],
  ])("a link %s stays a link", async (_name, exists) => {
    const run = setup("");
    const dotfiles = path.join(root, "dotfiles", "aws");
    fs.mkdirSync(dotfiles, { recursive: true });
    const target = path.join(dotfiles, "config");
    if (exists) fs.writeFileSync(target, "[profile mine]\nregion = us-east-1\n");
    fs.rmSync(run.file);
    fs.symlinkSync(path.relative(root, target), run.file);
    expect(await runCli(["setup-profiles", "--portal", PORTAL], run.ctx)).toBe(EXIT.ok);
    expect(fs.lstatSync(run.file).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, "utf8")).toContain("[profile acme-staging.Developer]\n");
  });
});
