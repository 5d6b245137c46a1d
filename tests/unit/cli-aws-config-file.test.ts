import { describe, expect, it } from "vitest";

import {
  type DesiredProfile,
  MANAGED_KEY,
  applyManagedProfiles,
  managedProfileNames,
} from "@/cli/gatehouse/aws-config-file";
import { unifiedDiff } from "@/cli/gatehouse/text-diff";

const PORTAL = "https://gatehouse.example.com";
const OTHER_PORTAL = "https://other-gatehouse.example.com";

const profile = (
  name: string,
  role = "123456789012/Developer",
  region = "eu-west-1",
): DesiredProfile => ({
  name,
  settings: [
    ["credential_process", `/usr/bin/node /opt/gatehouse.mjs creds ${role} --portal ${PORTAL}`],
    ["region", region],
  ],
});

const block = (p: DesiredProfile, portal = PORTAL) =>
  [
    `[profile ${p.name}]`,
    ...p.settings.map(([k, v]) => `${k} = ${v}`),
    `${MANAGED_KEY} = ${portal}`,
  ]
    .map((line) => `${line}\n`)
    .join("");

/** A file a person wrote by hand: comments, odd spacing, an SSO session, sub-settings. */
const HAND_WRITTEN = `# my AWS config
[default]
region = us-east-1
output=json

; work account
[profile work]
sso_session = corp
sso_account_id = 111111111111
  # indented comment
s3 =
  max_concurrent_requests = 20

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
`;

describe("adding profiles", () => {
  it("appends new profiles after a blank line and leaves every existing byte in place", () => {
    const edit = applyManagedProfiles(HAND_WRITTEN, PORTAL, [profile("acme.Developer")]);
    expect(edit.text.startsWith(HAND_WRITTEN)).toBe(true);
    expect(edit.text.slice(HAND_WRITTEN.length)).toBe(`\n${block(profile("acme.Developer"))}`);
    expect(edit.added).toEqual(["acme.Developer"]);
  });

  it("writes a new file without a leading blank line", () => {
    const edit = applyManagedProfiles("", PORTAL, [profile("a.R"), profile("b.R")]);
    expect(edit.text).toBe(`${block(profile("a.R"))}\n${block(profile("b.R"))}`);
  });

  it("ends an unterminated last line before appending, and keeps CRLF line ends", () => {
    const crlf = "[profile mine]\r\nregion = us-east-1";
    const edit = applyManagedProfiles(crlf, PORTAL, [profile("a.R")]);
    expect(edit.text).toBe(
      `[profile mine]\r\nregion = us-east-1\r\n\r\n${block(profile("a.R")).replaceAll("\n", "\r\n")}`,
    );
  });

  it("skips a wanted name held by a profile it does not manage for this portal", () => {
    const theirs = `[profile acme.Developer]\nregion = us-east-2\n\n${block(profile("b.R"), OTHER_PORTAL)}`;
    const edit = applyManagedProfiles(theirs, PORTAL, [profile("acme.Developer"), profile("b.R")]);
    expect(edit.skipped).toEqual(["acme.Developer", "b.R"]);
    expect(edit.text).toBe(theirs);
  });
});

describe("updating profiles", () => {
  it("is idempotent: applying the same profiles twice changes nothing", () => {
    const once = applyManagedProfiles(HAND_WRITTEN, PORTAL, [profile("a.R"), profile("b.R")]).text;
    const twice = applyManagedProfiles(once, PORTAL, [profile("a.R"), profile("b.R")]);
    expect(twice.text).toBe(once);
    expect(twice.updated).toEqual([]);
  });

  it("rewrites only its own keys in place and keeps keys a person added to its profile", () => {
    const before = `${HAND_WRITTEN}\n[profile a.R]\n# mine\ncredential_process = old\noutput = table\nregion = eu-west-1\n${MANAGED_KEY} = ${PORTAL}\n\n[profile z]\nregion = us-east-1\n`;
    const edit = applyManagedProfiles(before, PORTAL, [profile("a.R", undefined, "us-west-2")]);
    const [, settings] = profile("a.R", undefined, "us-west-2").settings[0] ?? [];
    expect(edit.text).toBe(
      `${HAND_WRITTEN}\n[profile a.R]\n# mine\ncredential_process = ${settings}\noutput = table\nregion = us-west-2\n${MANAGED_KEY} = ${PORTAL}\n\n[profile z]\nregion = us-east-1\n`,
    );
    expect(edit.updated).toEqual(["a.R"]);
  });
});

describe("removing profiles", () => {
  it("removes its profiles for roles no longer granted, and nothing else", () => {
    const withTwo = applyManagedProfiles(HAND_WRITTEN, PORTAL, [
      profile("a.R"),
      profile("b.R"),
    ]).text;
    const edit = applyManagedProfiles(withTwo, PORTAL, [profile("a.R")]);
    expect(edit.removed).toEqual(["b.R"]);
    expect(edit.text).toBe(`${HAND_WRITTEN}\n${block(profile("a.R"))}`);
  });

  it("round trip: adding then removing gives back the original file byte for byte", () => {
    for (const original of [
      HAND_WRITTEN,
      "",
      "[default]\nregion = us-east-1\n\n\n",
      "[profile x]\r\nregion = us-east-1\r\n",
    ]) {
      const added = applyManagedProfiles(original, PORTAL, [profile("a.R"), profile("b.R")]).text;
      expect(applyManagedProfiles(added, PORTAL, []).text).toBe(original);
    }
  });

  it("removes a managed profile between hand-written ones with exactly one separating blank line", () => {
    const before = `[profile a]\nregion = us-east-1\n\n${block(profile("m.R"))}\n[profile b]\nregion = us-east-1\n`;
    expect(applyManagedProfiles(before, PORTAL, []).text).toBe(
      "[profile a]\nregion = us-east-1\n\n[profile b]\nregion = us-east-1\n",
    );
  });

  it("never removes another portal's profiles or unmarked ones", () => {
    const before = `${block(profile("x.R"), OTHER_PORTAL)}\n[profile y]\nregion = us-east-1\n`;
    const edit = applyManagedProfiles(before, PORTAL, []);
    expect(edit.text).toBe(before);
    expect(edit.removed).toEqual([]);
    expect(managedProfileNames(before, OTHER_PORTAL)).toEqual(["x.R"]);
    expect(managedProfileNames(before, PORTAL)).toEqual([]);
  });

  it("keeps a comment that follows its profile (it may describe the next one)", () => {
    const before = `${block(profile("m.R"))}# the next one is mine\n[profile n]\nregion = us-east-1\n`;
    expect(applyManagedProfiles(before, PORTAL, []).text).toBe(
      "# the next one is mine\n[profile n]\nregion = us-east-1\n",
    );
  });
});

describe("the diff shown before writing", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\n", "a\n", "x", "x")).toBe("");
  });

  it("shows an append as one hunk with three lines of context", () => {
    const before = "1\n2\n3\n4\n5\n";
    const after = "1\n2\n3\n4\n5\n\nnew\n";
    expect(unifiedDiff(before, after, "old", "new")).toBe(
      "--- old\n+++ new\n@@ -3,3 +3,5 @@\n 3\n 4\n 5\n+\n+new\n",
    );
  });

  it("splits distant changes into separate hunks with correct line numbers", () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const before = `${lines.join("\n")}\n`;
    const changed = [...lines];
    changed[1] = "changed 2";
    changed[17] = "changed 18";
    const diff = unifiedDiff(before, `${changed.join("\n")}\n`, "a", "b");
    expect(diff.match(/^@@.*@@$/gm)).toEqual(["@@ -1,5 +1,5 @@", "@@ -15,6 +15,6 @@"]);
  });

  it("creating a file diffs from an empty range", () => {
    expect(unifiedDiff("", "x\n", "/dev/null", "f")).toBe(
      "--- /dev/null\n+++ f\n@@ -0,0 +1 @@\n+x\n",
    );
  });
});
