import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findSecretsInLogs } from "../support/secrets-in-logs";

const TOKEN = `IQoJb3JpZ2luX2VjE${"Ab3+Cd9/Ef0=".repeat(20)}ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210`;
const KEY = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY01";

let dir = "";
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function check(logLine: string) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-in-logs-"));
  fs.writeFileSync(
    path.join(dir, "ledger.tsv"),
    `session-token\t${TOKEN}\nsecret-access-key\t${KEY}\n`,
  );
  fs.writeFileSync(
    path.join(dir, "portal-1.log"),
    `{"level":"info","message":"request"}\n${logLine}\n`,
  );
  return findSecretsInLogs(path.join(dir, "ledger.tsv"), dir);
}

describe("the run's check that no issued secret reached a log finds it however it was written", () => {
  it.each([
    ["the secret key as is", `{"secretAccessKey":"${KEY}"}`, "secret-access-key"],
    ["the session token URL-encoded", `url=${encodeURIComponent(TOKEN)}`, "session-token"],
    [
      "the token JSON-escaped inside a message",
      JSON.stringify({ m: `creds ${TOKEN}` }),
      "session-token",
    ],
    ["only the token's last 60 characters", TOKEN.slice(-60), "session-token"],
  ])("%s", (_name, line, kind) => {
    expect(check(line).leaks).toEqual([{ kind, file: "portal-1.log" }]);
  });

  it.each([
    ["the access key id (not a secret)", "ASIAEXAMPLE0123456789"],
    ["a redacted field", `{"sessionToken":"[redacted]"}`],
    ["under 20 characters of the key", KEY.slice(0, 19)],
  ])("and does not cry wolf: %s", (_name, line) => {
    const report = check(line);
    expect(report.leaks).toEqual([]);
    expect(report).toMatchObject({ secrets: 2, logFiles: 1 });
  });
});
