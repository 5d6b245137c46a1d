import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import {
  CREDENTIAL_FORMATS,
  type CredentialField,
  type TemporaryCredentials,
  UnsafeCredentialValueError,
  checkProfileName,
  cmdSetLine,
  formatCredentials,
  profileNameFor,
  quoteFish,
  quotePosix,
  quotePowerShell,
} from "@/lib/aws/credential-formats";

const BASH = "/bin/bash";

const creds: TemporaryCredentials = {
  accessKeyId: "ASIAEXAMPLE123456789",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY=",
  sessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc/def==",
  // A frozen clock: the expiry is data, never Date.now().
  expiration: new Date("2026-11-26T12:39:10.000Z"),
};

const workDir = mkdtempSync(path.join(tmpdir(), "gatehouse-creds-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Runs `script` in a clean bash and returns the named variables, NUL-separated so bytes survive. */
function runBash(script: string, names: string[]): string[] {
  const printer = names.map((name) => `printf '%s\\0' "$${name}"`).join("\n");
  const stdout = execFileSync(
    BASH,
    ["--noprofile", "--norc", "-c", `set -eu\n${script}\n${printer}`],
    {
      cwd: workDir,
      env: { PATH: "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv,
      encoding: "utf8",
    },
  );
  return stdout.split("\0").slice(0, -1);
}

function thrownField(action: () => unknown): CredentialField | "no error" {
  try {
    action();
  } catch (error) {
    if (error instanceof UnsafeCredentialValueError) return error.field;
    throw error;
  }
  return "no error";
}

describe("shell quoting helpers", () => {
  it.each([
    ["a+b/c=d", "'a+b/c=d'"],
    ["it's", `'it'\\''s'`],
    ["back\\slash", "'back\\slash'"],
    ["''", `''\\'''\\'''`],
  ])("quotePosix(%j) closes, escapes and reopens single quotes", (value, expected) => {
    expect(quotePosix(value)).toBe(expected);
  });

  it.each([
    ["a+b/c=d", "'a+b/c=d'"],
    ["it's", "'it\\'s'"],
    ["back\\slash", "'back\\\\slash'"],
    ["\\'", "'\\\\\\''"],
  ])("quoteFish(%j) backslash-escapes only \\ and '", (value, expected) => {
    expect(quoteFish(value)).toBe(expected);
  });

  it.each([
    ["a+b/c=d", "'a+b/c=d'"],
    ["it's", "'it''s'"],
    ["back\\slash", "'back\\slash'"],
    ["$(x) `y` $Env:z", "'$(x) `y` $Env:z'"],
    ["typographic \u2018q\u2019", "'typographic \u2018\u2018q\u2019\u2019'"],
  ])("quotePowerShell(%j) doubles every kind of single quote", (value, expected) => {
    expect(quotePowerShell(value)).toBe(expected);
  });

  const hostile = [
    "a+b/c=d'e",
    "'",
    "\\",
    "\\'",
    "'\\''",
    "$(touch pwned-subst)",
    "`touch pwned-backtick`",
    "${HOME}",
    "$HOME",
    '"; touch pwned-dq; "',
    "'; touch pwned-sq; '",
    "!!",
    "a\nb\r\nc",
    "tab\there",
    "josé 山田 😀",
    "%PATH%",
    " leading and trailing ",
    "",
  ];

  it("quotePosix round-trips hostile values byte-identically through bash without running them", () => {
    const script = hostile.map((value, i) => `export V${i}=${quotePosix(value)}`).join("\n");
    const names = hostile.map((_, i) => `V${i}`);
    expect(runBash(script, names)).toEqual(hostile);
    for (const marker of ["pwned-subst", "pwned-backtick", "pwned-dq", "pwned-sq"]) {
      expect(existsSync(path.join(workDir, marker))).toBe(false);
    }
  });
});

describe("formatCredentials", () => {
  const outputs = formatCredentials(creds, {
    region: "eu-west-1",
    profileName: "acme-staging-Developer",
  });

  it("renders every format", () => {
    expect(Object.keys(outputs).sort()).toEqual([...CREDENTIAL_FORMATS].sort());
  });

  it("bash output sets all variables byte-identically when executed", () => {
    const names = [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
      "AWS_CREDENTIAL_EXPIRATION",
      "AWS_REGION",
      "AWS_DEFAULT_REGION",
    ];
    expect(runBash(outputs.bash, names)).toEqual([
      creds.accessKeyId,
      creds.secretAccessKey,
      creds.sessionToken,
      "2026-11-26T12:39:10Z",
      "eu-west-1",
      "eu-west-1",
    ]);
  });

  it("bash output without a region sets no region variables", () => {
    const { bash } = formatCredentials(creds, { profileName: "p" });
    expect(bash).not.toContain("REGION");
    expect(runBash(`${bash}\nAWS_REGION=\${AWS_REGION-unset}`, ["AWS_REGION"])).toEqual(["unset"]);
  });

  it("quotes + / = in each shell's syntax", () => {
    expect(outputs.bash).toContain(`export AWS_SECRET_ACCESS_KEY='${creds.secretAccessKey}'\n`);
    expect(outputs.fish).toContain(`set -gx AWS_SECRET_ACCESS_KEY '${creds.secretAccessKey}'\n`);
    expect(outputs.powershell).toContain(
      `$Env:AWS_SECRET_ACCESS_KEY = '${creds.secretAccessKey}'\n`,
    );
    expect(outputs.cmd).toContain(`set "AWS_SECRET_ACCESS_KEY=${creds.secretAccessKey}"\n`);
  });

  it("exports expiration in RFC 3339 UTC in every shell", () => {
    expect(outputs.bash).toContain("export AWS_CREDENTIAL_EXPIRATION='2026-11-26T12:39:10Z'");
    expect(outputs.fish).toContain("set -gx AWS_CREDENTIAL_EXPIRATION '2026-11-26T12:39:10Z'");
    expect(outputs.powershell).toContain("$Env:AWS_CREDENTIAL_EXPIRATION = '2026-11-26T12:39:10Z'");
    expect(outputs.cmd).toContain('set "AWS_CREDENTIAL_EXPIRATION=2026-11-26T12:39:10Z"');
  });

  it("sets AWS_REGION and AWS_DEFAULT_REGION in every shell when a region is given", () => {
    for (const format of ["bash", "fish", "powershell", "cmd"] as const) {
      expect(outputs[format].match(/AWS_(DEFAULT_)?REGION\W+eu-west-1/g)).toHaveLength(2);
    }
  });

  it("credential-process output is exactly the documented JSON", () => {
    const parsed: unknown = JSON.parse(outputs["credential-process"]);
    expect(parsed).toStrictEqual({
      Version: 1,
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      SessionToken: creds.sessionToken,
      Expiration: "2026-11-26T12:39:10Z",
    });
    expect(Object.keys(parsed as object)).toEqual([
      "Version",
      "AccessKeyId",
      "SecretAccessKey",
      "SessionToken",
      "Expiration",
    ]);
  });

  it("credentials-file output is an INI profile with the three credential keys and the chosen region", () => {
    expect(outputs["credentials-file"]).toBe(
      [
        "# Temporary credentials from Gatehouse, valid until 2026-11-26T12:39:10Z",
        "[acme-staging-Developer]",
        `aws_access_key_id = ${creds.accessKeyId}`,
        `aws_secret_access_key = ${creds.secretAccessKey}`,
        `aws_session_token = ${creds.sessionToken}`,
        "region = eu-west-1",
        "",
      ].join("\n"),
    );
  });

  it("credentials-file output without a region has no region key", () => {
    const file = formatCredentials(creds, { profileName: "p" })["credentials-file"];
    const keys = file.split("\n").filter((line) => /^\w+ = /.test(line));
    expect(keys.map((line) => line.split(" = ")[0])).toEqual([
      "aws_access_key_id",
      "aws_secret_access_key",
      "aws_session_token",
    ]);
  });

  it("drops milliseconds from the expiry, rounding down", () => {
    const { "credential-process": json } = formatCredentials(
      { ...creds, expiration: new Date("2026-01-02T03:04:05.999Z") },
      { profileName: "p" },
    );
    expect(JSON.parse(json)).toMatchObject({ Expiration: "2026-01-02T03:04:05Z" });
  });

  it.each<
    [
      string,
      Partial<TemporaryCredentials>,
      { region?: string; profileName?: string },
      CredentialField,
    ]
  >([
    [
      "access key id with the wrong prefix",
      { accessKeyId: "AIDAEXAMPLE123456789" },
      {},
      "accessKeyId",
    ],
    ["access key id too short", { accessKeyId: "ASIA123" }, {}, "accessKeyId"],
    ["access key id in lower case", { accessKeyId: "asiaexample123456789" }, {}, "accessKeyId"],
    [
      "access key id with a trailing newline",
      { accessKeyId: "ASIAEXAMPLE123456789\n" },
      {},
      "accessKeyId",
    ],
    ["empty secret", { secretAccessKey: "" }, {}, "secretAccessKey"],
    ["newline in the secret", { secretAccessKey: "abc\nexport X=1" }, {}, "secretAccessKey"],
    ["space in the secret", { secretAccessKey: "abc def" }, {}, "secretAccessKey"],
    ["empty token", { sessionToken: "" }, {}, "sessionToken"],
    ["newline in the token", { sessionToken: "tok\nrm -rf ~" }, {}, "sessionToken"],
    ["carriage return in the token", { sessionToken: "tok\r" }, {}, "sessionToken"],
    ["NUL in the token", { sessionToken: "tok\0" }, {}, "sessionToken"],
    ["DEL in the token", { sessionToken: "tok\x7f" }, {}, "sessionToken"],
    ["C1 control (NEL) in the token", { sessionToken: "tok\u0085" }, {}, "sessionToken"],
    ["line separator in the token", { sessionToken: "tok\u2028x" }, {}, "sessionToken"],
    ["typographic quote in the token", { sessionToken: "tok\u2019; calc" }, {}, "sessionToken"],
    ["bidi override in the token", { sessionToken: "tok\u202e" }, {}, "sessionToken"],
    ["invalid expiration", { expiration: new Date(Number.NaN) }, {}, "expiration"],
    ["region with a shell payload", {}, { region: "us-east-1; id" }, "region"],
    ["region in upper case", {}, { region: "US-EAST-1" }, "region"],
    ["empty region", {}, { region: "" }, "region"],
    ["unknown partition region", {}, { region: "us-iso-east-1" }, "region"],
    ["profile name with a bracket", {}, { profileName: "a]\n[default" }, "profileName"],
    ["empty profile name", {}, { profileName: "" }, "profileName"],
    ["profile name over 64 characters", {}, { profileName: "p".repeat(65) }, "profileName"],
    ["profile name starting with -", {}, { profileName: "-p" }, "profileName"],
    ["profile name with a space", {}, { profileName: "my profile" }, "profileName"],
  ])("rejects %s with UnsafeCredentialValueError", (_rule, override, opts, field) => {
    expect(
      thrownField(() =>
        formatCredentials({ ...creds, ...override }, { profileName: "p", ...opts }),
      ),
    ).toBe(field);
  });

  it.each([
    ["%", "abc%PATH%def"],
    ["!", "abc!x!def"],
    ['"', 'abc"&calc&"def'],
    ["^", "abc^def"],
    ["$(...)", "$(id)"],
    ["'", "a+b/c=d'e"],
  ])("refuses a secret containing %s because cmd cannot carry it", (_char, secretAccessKey) => {
    let caught: unknown;
    try {
      formatCredentials({ ...creds, secretAccessKey }, { profileName: "p" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnsafeCredentialValueError);
    expect(caught).toMatchObject({ field: "secretAccessKey", format: "cmd" });
  });

  it("never puts the offending value in the error message", () => {
    const secretAccessKey = "SECRET%VALUE";
    try {
      formatCredentials({ ...creds, secretAccessKey }, { profileName: "p" });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain("SECRET");
      expect((error as Error).stack ?? "").not.toContain("SECRET");
    }
  });

  it('cmdSetLine emits set "NAME=value" for base64 values', () => {
    expect(cmdSetLine("AWS_SESSION_TOKEN", "a+b/c==", "sessionToken")).toBe(
      'set "AWS_SESSION_TOKEN=a+b/c=="',
    );
  });
});

describe("profileNameFor", () => {
  it.each([
    [
      "joins account and role",
      ["acme-staging", "123456789012", "Developer"],
      "acme-staging-Developer",
    ],
    [
      "replaces spaces and punctuation",
      ["Acme Prod (EU)", "123456789012", "Read Only"],
      "Acme-Prod-EU-Read-Only",
    ],
    ["strips diacritics", ["Café Ünïcode", "123456789012", "Admin"], "Cafe-Unicode-Admin"],
    ["falls back to the account id", ["山田", "123456789012", "Admin"], "123456789012-Admin"],
    ["falls back when the role has nothing usable", ["acme", "123456789012", "😀"], "acme-role"],
    ["keeps dots and underscores", ["a.b_c", "123456789012", "x.y_z"], "a.b_c-x.y_z"],
  ] as const)("%s", (_rule, [accountName, accountId, roleName], expected) => {
    expect(profileNameFor(accountName, accountId, roleName)).toBe(expected);
  });

  it("is never longer than 64 characters and keeps the role readable", () => {
    const name = profileNameFor("a".repeat(100), "123456789012", "R".repeat(64));
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^a+-123456789012-R{40}$/);
    expect(profileNameFor("acme", "123456789012", "Developer".repeat(3))).toBe(
      "acme-DeveloperDeveloperDeveloper",
    );
  });

  // The default profile names the credentials-file section, the download and the credential_process
  // file (~/.aws/<name>.json): two roles sharing one would overwrite each other's, and
  // `--profile <name>` would silently act in the other account.
  it("gives two accounts different names when their names differ only past what fits", () => {
    const role = "AWSReservedSSO_PowerUserAccess_0123456789abcdef";
    const prod = profileNameFor("acme-analytics-warehouse-prod", "111111111111", role);
    const dev = profileNameFor("acme-analytics-warehouse-dev", "222222222222", role);
    expect(prod).not.toBe(dev);
    expect(prod).toMatch(/^acme-[a-z-]*111111111111-AWSReservedSSO_PowerUserAccess_/);
    expect(prod.length).toBeLessThanOrEqual(64);
  });

  it("gives two accounts different names when their names differ only in letters a name cannot carry", () => {
    const moscow = profileNameFor("Prod Москва", "111111111111", "Admin");
    const kyiv = profileNameFor("Prod Київ", "222222222222", "Admin");
    expect(moscow).not.toBe(kyiv);
    expect(moscow).toBe("Prod-111111111111-Admin");
  });

  it("always yields a valid profile name that formatCredentials accepts", () => {
    for (const [account, role] of [
      ["", ""],
      ["---", "..."],
      ["[default]", "]\n["],
      ["x".repeat(300), "y".repeat(300)],
      ["\u202e", "\0"],
    ]) {
      const name = profileNameFor(account ?? "", "123456789012", role ?? "");
      expect(name).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
      expect(() => formatCredentials(creds, { profileName: name })).not.toThrow();
    }
  });
});

describe("checkProfileName", () => {
  it.each(["p", "default", "acme-staging-Developer", "a.b_c", "x".repeat(64), "1", ".hidden"])(
    "accepts %j",
    (name) => {
      expect(checkProfileName(name)).toEqual({ ok: true });
    },
  );

  it.each([
    ["empty", "", /must not be empty/],
    ["over 64 characters", "x".repeat(65), /at most 64 characters/],
    ["a leading '-' (read as an option)", "-x", /must not start with '-'/],
    ["a space", "my profile", /only letters, digits/],
    ["a closing bracket", "a]", /only letters, digits/],
    ["an INI comment start", "a;b", /only letters, digits/],
    ["an equals sign", "a=b", /only letters, digits/],
    ["a newline", "a\n[default]", /only letters, digits/],
    ["non-ASCII", "café", /only letters, digits/],
    ["a shell metacharacter", "a$(id)", /only letters, digits/],
  ])("refuses %s", (_rule, name, message) => {
    const result = checkProfileName(name);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it("accepts everything profileNameFor derives", () => {
    for (const [account, role] of [
      ["-acme-", "-Dev"],
      ["", "-"],
      ["Ünïcode", "R"],
    ] as const) {
      expect(checkProfileName(profileNameFor(account, "123456789012", role))).toEqual({ ok: true });
    }
  });
});
