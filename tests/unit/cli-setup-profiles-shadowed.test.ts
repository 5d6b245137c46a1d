// setup-profiles warns when a same-named profile in the shared credentials file would be used
// instead of the one it writes (docs/CLI.md "Profiles"): botocore and the JavaScript SDK merge the
// two files' profiles, the credentials file winning, and take static keys, role_arn and web
// identity before credential_process. The credentials file holds the person's secrets: it is only
// read, never written, and nothing of it but the section's name and key names is printed.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { EXIT } from "@/cli/gatehouse/exit-codes";
import { runCli } from "@/cli/gatehouse/main";
import { oneCliRole, saveTestSignIn, testCliContext } from "../support/cli-context";

const PORTAL = "https://gatehouse.example.com";
const PROFILE = "acme-staging.Developer";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-shadowed-"));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** A signed-in home, an empty AWS config and a credentials file holding `credentials`. */
function setup(credentials: string | undefined) {
  const home = path.join(root, "home");
  saveTestSignIn(home, PORTAL);
  const config = path.join(root, "aws-config");
  const credentialsFile = path.join(root, "aws-credentials");
  if (credentials !== undefined) fs.writeFileSync(credentialsFile, credentials, { mode: 0o600 });
  const run = testCliContext(
    { GATEHOUSE_HOME: home, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentialsFile },
    { answer: () => Response.json(oneCliRole("acme-staging")) },
  );
  return { ...run, config, credentialsFile };
}

describe("setup-profiles warns when the shared credentials file shadows a profile it writes", () => {
  it.each([
    [
      "static keys",
      `[${PROFILE}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${SECRET}\n`,
      "aws_access_key_id",
    ],
    [
      "static keys, CRLF, spaced header, other sections around",
      `[default]\r\naws_access_key_id = AKIAOTHER\r\n[ ${PROFILE} ]\r\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\r\n[other]\r\nregion = x\r\n`,
      "aws_access_key_id",
    ],
    [
      "a role_arn",
      `[${PROFILE}]\nrole_arn = arn:aws:iam::111111111111:role/Old\nsource_profile = default\n`,
      "role_arn",
    ],
    [
      "its own credential_process",
      `[${PROFILE}]\ncredential_process = /usr/local/bin/old-tool\n`,
      "credential_process",
    ],
  ])(
    "%s: a warning naming the profile, the file and what to do; the file untouched",
    async (_case, credentials, key) => {
      for (const dryRun of [true, false]) {
        const t = setup(credentials);
        const code = await runCli(["setup-profiles", ...(dryRun ? ["--dry-run"] : [])], t.ctx);
        expect(code, t.stderr()).toBe(EXIT.ok);
        const warning = t
          .stderr()
          .split("\n")
          .find((line) => line.includes(t.credentialsFile));
        expect(warning, t.stderr()).toContain(
          `profile ${PROFILE} is also in ${t.credentialsFile}, with ${key}`,
        );
        expect(warning).toMatch(
          /use that instead of gatehouse's credential_process. Remove or rename/,
        );
        expect(t.stderr()).not.toContain(SECRET);
        expect(fs.readFileSync(t.credentialsFile, "utf8")).toBe(credentials);
        // The profile is still written (or shown): the warning says why it would not be used.
        expect(dryRun ? t.stdout() : fs.readFileSync(t.config, "utf8")).toContain(
          `[profile ${PROFILE}]`,
        );
        fs.rmSync(root, { recursive: true, force: true });
        fs.mkdirSync(root);
      }
    },
  );

  it("also when the config is already up to date", async () => {
    const t = setup(
      `[${PROFILE}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n`,
    );
    expect(await runCli(["setup-profiles"], t.ctx)).toBe(EXIT.ok);
    const again = testCliContext(
      {
        GATEHOUSE_HOME: path.join(root, "home"),
        AWS_CONFIG_FILE: t.config,
        AWS_SHARED_CREDENTIALS_FILE: t.credentialsFile,
      },
      { answer: () => Response.json(oneCliRole("acme-staging")) },
    );
    expect(await runCli(["setup-profiles"], again.ctx)).toBe(EXIT.ok);
    expect(again.stderr()).toContain("is up to date");
    expect(again.stderr()).toContain(`profile ${PROFILE} is also in ${t.credentialsFile}`);
  });

  it.each([
    ["no credentials file", undefined],
    ["another profile's keys", "[acme-staging.Admin]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"],
    ["the same name with only a region (no credentials)", `[${PROFILE}]\nregion = eu-central-1\n`],
    [
      "the name with the config file's `profile ` prefix, which the credentials file takes literally",
      `[profile ${PROFILE}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n`,
    ],
    ["the keys only in a comment", `[${PROFILE}]\n# aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n`],
  ])("no warning: %s", async (_case, credentials) => {
    const t = setup(credentials);
    expect(await runCli(["setup-profiles"], t.ctx)).toBe(EXIT.ok);
    expect(t.stderr()).not.toContain("is also in");
  });
});
