// An unknown profile name given to whoami (--profile, or AWS_PROFILE) is refused in one line that
// names the close profiles of the person's own AWS config and credentials files (exit 2), before
// the SDK is asked: it would only say that no credentials were found.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { EXIT } from "@/cli/gatehouse/exit-codes";
import { runCli } from "@/cli/gatehouse/main";
import { closeProfiles } from "@/cli/gatehouse/profile-suggestions";
import { testCliContext } from "../support/cli-context";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-profiles-"));
  fs.writeFileSync(
    path.join(root, "config"),
    [
      "[default]",
      "region = eu-west-1",
      "[profile acme-staging.Developer]",
      "credential_process = gatehouse creds 111111111111/Developer",
      "[profile acme-prod.Developer]",
      "credential_process = gatehouse creds 222222222222/Developer",
      "[sso-session corp]",
      "sso_region = eu-west-1",
      "",
    ].join("\n"),
  );
  fs.writeFileSync(path.join(root, "credentials"), "[legacy-keys]\naws_access_key_id = x\n");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function context(variables: Record<string, string> = {}) {
  return testCliContext({
    GATEHOUSE_HOME: path.join(root, "home"),
    AWS_CONFIG_FILE: path.join(root, "config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(root, "credentials"),
    ...variables,
  });
}

describe("whoami: an unknown profile is refused in one line naming close profiles, exit 2", () => {
  it.each([
    [
      "a typo in --profile",
      ["whoami", "--profile", "acme-stagin.Developer"],
      {},
      /^gatehouse: no profile "acme-stagin\.Developer" \(--profile\) in .*config or .*credentials; did you mean acme-staging\.Developer\?\n$/,
    ],
    [
      "letter case (profile names are case-sensitive)",
      ["whoami", "--profile", "Default"],
      {},
      /no profile "Default" \(--profile\) .*; did you mean default\?\n$/,
    ],
    [
      "a profile of the credentials file",
      ["whoami", "--profile", "legacy-key"],
      {},
      /; did you mean legacy-keys\?\n$/,
    ],
    [
      "an unknown AWS_PROFILE",
      ["whoami"],
      { AWS_PROFILE: "acme-prod.Develper" },
      /no profile "acme-prod\.Develper" \(AWS_PROFILE\) .*; did you mean acme-prod\.Developer\?\n$/,
    ],
    [
      "nothing close: no suggestion",
      ["whoami", "--profile", "zzzzzzzz"],
      {},
      /^gatehouse: no profile "zzzzzzzz" \(--profile\) in [^;]*\n$/,
    ],
  ])("%s", async (_name, argv, variables, message) => {
    const run = context(variables);
    expect(await runCli(argv, run.ctx)).toBe(EXIT.usage);
    expect(run.stderr()).toMatch(message);
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
    expect(run.stdout()).toBe("");
  });

  it("at most three suggestions, closest first", () => {
    expect(closeProfiles("dev", ["prod", "dev-b22", "dev1", "Dev", "dev-a2"])).toEqual([
      "Dev",
      "dev1",
    ]);
    expect(
      closeProfiles("team-a.dev", ["team-b.dev", "team-c.dev", "team-d.dev", "team-e.dev"]),
    ).toHaveLength(3);
  });

  it("a section that is not a profile ([sso-session …]) is not offered", () => {
    expect(closeProfiles("corp", ["default", "acme-prod.Developer"])).toEqual([]);
    expect(closeProfiles("sso-session corp", ["default"])).toEqual([]);
  });
});
