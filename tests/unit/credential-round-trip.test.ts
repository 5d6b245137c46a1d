import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { STSClient } from "@aws-sdk/client-sts";
import { afterAll, describe, expect, it } from "vitest";

import {
  type TemporaryCredentials,
  UnsafeCredentialValueError,
  formatCredentials,
  quoteFish,
  quotePosix,
  quotePowerShell,
} from "@/lib/aws/credential-formats";

/**
 * Every rendered format, read back by the real thing (bash, fish, the AWS SDK, botocore) or by a strict
 * parser of the target syntax (PowerShell, cmd, INI), gives back exactly the values that went in — and
 * hostile values are either refused or carried as inert text.
 */

const BASH = "/bin/bash";
const FISH = "/usr/bin/fish";
const hasFish = existsSync(FISH);

const workDir = mkdtempSync(path.join(tmpdir(), "gatehouse-round-trip-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** A fixed pseudo-random byte pattern, base64'd: AWS session tokens are base64 of about this length. */
function realisticToken(length: number): string {
  const bytes = Buffer.from(
    Array.from({ length: length }, (_, i) => (i * 167 + 13 * (i >> 3)) % 256),
  );
  return `IQoJb3JpZ2luX2VjE${bytes.toString("base64")}`.slice(0, length - 2) + "==";
}

const longToken = realisticToken(700);

it("the long token is realistic: 700 base64 characters including + / =", () => {
  expect(longToken).toHaveLength(700);
  expect(longToken).toMatch(/^[A-Za-z0-9+/]+=*$/);
  expect(longToken).toMatch(/\+/);
  expect(longToken).toMatch(/\//);
});

const cases: Array<{ name: string; creds: TemporaryCredentials; region?: string }> = [
  {
    name: "secret and token with + / =, and a region",
    creds: {
      accessKeyId: "ASIAEXAMPLE123456789",
      secretAccessKey: "wJalr+XUtn/FEMI=K7MDENG+bPx/RfiCYEXAMPLE=",
      sessionToken: "IQoJ+b3Jp/Z2lu=X2Vj+EJr//////////w==",
      expiration: new Date("2026-11-26T12:39:10.000Z"),
    },
    region: "eu-west-1",
  },
  {
    name: "a realistic 700-character session token, no region",
    creds: {
      accessKeyId: "ASIAZZZZZZZZZZZZZZZZ",
      secretAccessKey: "/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+==",
      sessionToken: longToken,
      expiration: new Date("2030-01-01T00:00:00.999Z"),
    },
  },
  {
    name: "a GovCloud region",
    creds: {
      accessKeyId: "ASIA0123456789ABCDEF",
      secretAccessKey: "abc=def+ghi/jkl",
      sessionToken: "=+/",
      expiration: new Date("2026-01-02T03:04:05.000Z"),
    },
    region: "us-gov-west-1",
  },
];

/** The environment variables a shell snippet must set, exactly. */
function expectedEnv(
  creds: TemporaryCredentials,
  region: string | undefined,
): Record<string, string> {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_SESSION_TOKEN: creds.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: creds.expiration.toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
  if (region !== undefined) {
    env.AWS_REGION = region;
    env.AWS_DEFAULT_REGION = region;
  }
  return env;
}

/** `env -0` output → the AWS_* variables a child process of the shell would see. */
function awsVariables(envNul: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const entry of envNul.split("\0")) {
    const eq = entry.indexOf("=");
    const name = entry.slice(0, eq);
    if (name.startsWith("AWS_")) vars[name] = entry.slice(eq + 1);
  }
  return vars;
}

const CLEAN_ENV = { PATH: "/usr/bin:/bin", LC_ALL: "C.UTF-8" } as unknown as NodeJS.ProcessEnv;
/**
 * A shell with variables that compete with the credentials: a snippet must take them away (the JS
 * SDK prefers the profile; the AWS CLI fails on a stale AWS_DEFAULT_PROFILE; boto2 reads
 * AWS_SECURITY_TOKEN).
 */
const COMPETING = {
  AWS_PROFILE: "someone-else",
  AWS_DEFAULT_PROFILE: "someone-else",
  AWS_SECURITY_TOKEN: "stale",
};
const PROFILE_ENV = { ...CLEAN_ENV, ...COMPETING } as NodeJS.ProcessEnv;

/** Runs `snippet` in a clean, non-interactive bash, then lists what a child process would inherit. */
function runBash(snippet: string, env: NodeJS.ProcessEnv = CLEAN_ENV): Record<string, string> {
  return awsVariables(
    execFileSync(BASH, ["--noprofile", "--norc", "-c", `${snippet}\n/usr/bin/env -0`], {
      cwd: workDir,
      env,
      encoding: "utf8",
    }),
  );
}

function runFish(snippet: string, env: NodeJS.ProcessEnv = CLEAN_ENV): Record<string, string> {
  return awsVariables(
    execFileSync(FISH, ["--no-config", "-c", `${snippet}\n/usr/bin/env -0`], {
      cwd: workDir,
      env,
      encoding: "utf8",
    }),
  );
}

/**
 * A strict reader of the PowerShell we emit: statements `$Env:NAME = '<verbatim string>'`, one per
 * line, where a quote character (' or the typographic U+2018..U+201B, which PowerShell also treats as
 * quotes) inside the string only appears doubled. A verbatim string may span lines, as in PowerShell.
 * Anything else is an error, not a guess.
 */
function parsePowerShell(
  script: string,
  initial: Record<string, string> = {},
): Record<string, string> {
  const quote = /['\u2018\u2019\u201a\u201b]/;
  const vars: Record<string, string> = { ...initial };
  let i = 0;
  // The one other statement allowed, first: it removes the profile a shell may have selected.
  const unset =
    "Remove-Item Env:AWS_PROFILE, Env:AWS_DEFAULT_PROFILE, Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue\n";
  if (script.startsWith(unset)) {
    delete vars.AWS_PROFILE;
    delete vars.AWS_DEFAULT_PROFILE;
    delete vars.AWS_SECURITY_TOKEN;
    i = unset.length;
  }
  while (i < script.length) {
    const head = /^\$Env:([A-Za-z_][A-Za-z0-9_]*) = '/.exec(script.slice(i));
    if (head === null) throw new Error(`not a PowerShell assignment at ${i}`);
    const name = head[1] ?? "";
    i += head[0].length;
    let value = "";
    for (;;) {
      if (i >= script.length) throw new Error(`unterminated string for ${name}`);
      const ch = script[i] ?? "";
      if (quote.test(ch)) {
        if (quote.test(script[i + 1] ?? "")) {
          value += ch;
          i += 2;
          continue;
        }
        i += 1;
        break;
      }
      value += ch;
      i += 1;
    }
    if (script[i] !== "\n") throw new Error(`statement for ${name} does not end the line`);
    i += 1;
    vars[name] = value;
  }
  return vars;
}

/**
 * A strict reader of `set "NAME=value"` lines: inside the quotes nothing cmd.exe would expand or end
 * the quoting with (`"` `%` `!` `^` `&` `|` `<` `>`) may appear.
 */
function parseCmd(script: string, initial: Record<string, string> = {}): Record<string, string> {
  const vars: Record<string, string> = { ...initial };
  for (const line of script.split("\n").filter((l) => l !== "")) {
    const match = /^set "([A-Za-z_][A-Za-z0-9_]*)=([^"%!^&|<>\r\n]*)"$/.exec(line);
    if (match === null) throw new Error(`not a safe cmd set line: ${line}`);
    // `set "NAME="` removes the variable, as cmd.exe does.
    if (match[2] === "") delete vars[match[1] ?? ""];
    else vars[match[1] ?? ""] = match[2] ?? "";
  }
  return vars;
}

/**
 * An INI reader as strict as the AWS CLI's: `[section]` headers, `key = value` pairs, full-line `#`/`;`
 * comments, blank lines. A key outside a section, a repeated key or any other line is an error.
 */
function parseIni(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || /^[#;]/.test(line)) continue;
    const header = /^\[([^\]\s]+)\]$/.exec(line);
    if (header !== null) {
      const name = header[1] ?? "";
      if (name in sections) throw new Error(`repeated section ${name}`);
      current = sections[name] = {};
      continue;
    }
    const pair = /^([a-z_]+) = (\S+)$/.exec(line);
    if (pair === null || current === undefined) throw new Error(`not an INI line: ${line}`);
    const [, key = "", value = ""] = pair;
    if (key in current) throw new Error(`repeated key ${key}`);
    current[key] = value;
  }
  return sections;
}

describe.each(cases)("round trip: $name", ({ creds, region }) => {
  const profileName = "acme-prod-Developer";
  const outputs = formatCredentials(
    creds,
    region === undefined ? { profileName } : { profileName, region },
  );
  const expected = expectedEnv(creds, region);

  it("bash sets exactly the input values, exported to child processes, and unsets competing variables", () => {
    expect(runBash(outputs.bash, PROFILE_ENV)).toStrictEqual(expected);
  });

  it.skipIf(!hasFish)(
    `fish sets exactly the input values, exported to child processes, and erases competing variables${hasFish ? "" : ` (skipped: ${FISH} not found)`}`,
    () => {
      expect(runFish(outputs.fish, PROFILE_ENV)).toStrictEqual(expected);
    },
  );

  it("PowerShell lines remove competing variables and parse back to exactly the input values", () => {
    expect(parsePowerShell(outputs.powershell, COMPETING)).toStrictEqual(expected);
  });

  it("cmd lines clear competing variables and parse back to exactly the input values", () => {
    expect(parseCmd(outputs.cmd, COMPETING)).toStrictEqual(expected);
  });

  it("the credentials file is one profile with exactly the credentials (and region)", () => {
    expect(parseIni(outputs["credentials-file"])).toStrictEqual({
      [profileName]: {
        aws_access_key_id: creds.accessKeyId,
        aws_secret_access_key: creds.secretAccessKey,
        aws_session_token: creds.sessionToken,
        ...(region === undefined ? {} : { region }),
      },
    });
  });

  it("credential_process output is the documented JSON with exactly the input values", () => {
    const json = outputs["credential-process"];
    expect(JSON.parse(json)).toStrictEqual({
      Version: 1,
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      SessionToken: creds.sessionToken,
      Expiration: expected.AWS_CREDENTIAL_EXPIRATION,
    });
    expect(json).not.toContain("\n");
  });
});

/**
 * fish keeps universal variables (`set -Ux`) in a file shared live by every fish session of the user,
 * and `set -e` with no scope erases one for good. Pasting credentials into one terminal must not
 * change the others, nor what the user set up for later.
 */
describe.skipIf(!hasFish)("fish: a universal variable of the user's survives the paste", () => {
  const home = mkdtempSync(path.join(tmpdir(), "gatehouse-fish-home-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  // Not --no-config: with it, fish keeps no universal variables at all.
  const env = {
    PATH: "/usr/bin:/bin",
    LC_ALL: "C.UTF-8",
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_DATA_HOME: path.join(home, "data"),
  } as unknown as NodeJS.ProcessEnv;
  const fish = (script: string) =>
    execFileSync(FISH, ["-c", script], { cwd: home, env, encoding: "utf8", stdio: "pipe" });
  const snippet = formatCredentials(cases[0]!.creds, {
    profileName: "p",
    region: "eu-west-1",
  }).fish;

  it("another fish session still has the user's universal AWS_PROFILE after the paste", () => {
    fish("set -Ux AWS_PROFILE team-default");
    fish(snippet);
    expect(fish("set -qU AWS_PROFILE; and echo $AWS_PROFILE").trim()).toBe("team-default");
  });

  it("the paste says that the universal AWS_PROFILE still applies, and how to erase it", () => {
    fish("set -Ux AWS_PROFILE team-default");
    const result = spawnSync(FISH, ["-c", snippet], { cwd: home, env, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("AWS_PROFILE is a universal variable");
    expect(result.stderr).toContain("set -eU AWS_PROFILE");
  });
});

describe("real AWS clients read the credentials file and credential_process output", () => {
  // The SDKs refuse credential_process output that has already expired, so this one expiry is real
  // time; every other test uses fixed dates.
  const creds: TemporaryCredentials = {
    accessKeyId: "ASIAEXAMPLE123456789",
    secretAccessKey: "wJalr+XUtn/FEMI=K7MDENG+bPx/RfiCYEXAMPLE=",
    sessionToken: longToken,
    expiration: new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000),
  };
  const outputs = formatCredentials(creds, { profileName: "gh-file", region: "ap-southeast-2" });
  const credentialsFile = path.join(workDir, "credentials");
  const configFile = path.join(workDir, "config");
  const processOutput = path.join(workDir, "process.json");
  writeFileSync(credentialsFile, outputs["credentials-file"]);
  writeFileSync(processOutput, outputs["credential-process"]);
  writeFileSync(
    configFile,
    `[profile gh-process]\ncredential_process = /bin/cat ${processOutput}\nregion = eu-north-1\n`,
  );
  const fileEnv = {
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_CONFIG_FILE: configFile,
    AWS_EC2_METADATA_DISABLED: "true",
  };

  async function readWithSdk(profile: string) {
    const saved = { ...process.env };
    for (const name of Object.keys(process.env))
      if (name.startsWith("AWS_")) delete process.env[name];
    Object.assign(process.env, fileEnv);
    try {
      const client = new STSClient({ profile });
      const [resolved, region] = await Promise.all([
        client.config.credentials(),
        client.config.region(),
      ]);
      client.destroy();
      return { resolved, region };
    } finally {
      process.env = saved;
    }
  }

  it("the AWS SDK for JavaScript reads the credentials-file profile, region included", async () => {
    const { resolved, region } = await readWithSdk("gh-file");
    expect(resolved).toMatchObject({
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    });
    expect(region).toBe("ap-southeast-2");
  });

  it("the AWS SDK for JavaScript accepts the credential_process output, expiry included", async () => {
    const { resolved, region } = await readWithSdk("gh-process");
    expect(resolved).toMatchObject({
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    });
    expect(resolved.expiration?.toISOString()).toBe(creds.expiration.toISOString());
    expect(region).toBe("eu-north-1");
  });

  const python = findPythonWithBotocore();
  it.skipIf(python === undefined)(
    `botocore (the AWS CLI's engine) reads both the same way${python === undefined ? " (skipped: no python3 with botocore)" : ""}`,
    () => {
      const script = [
        "import json, sys, botocore.session",
        "out = {}",
        "for profile in sys.argv[1:]:",
        "    s = botocore.session.Session(profile=profile)",
        "    c = s.get_credentials().get_frozen_credentials()",
        "    out[profile] = [c.access_key, c.secret_key, c.token, s.get_config_variable('region')]",
        "print(json.dumps(out))",
      ].join("\n");
      const stdout = execFileSync(python ?? "", ["-c", script, "gh-file", "gh-process"], {
        cwd: workDir,
        env: { ...CLEAN_ENV, HOME: workDir, ...fileEnv },
        encoding: "utf8",
      });
      const values = [creds.accessKeyId, creds.secretAccessKey, creds.sessionToken];
      expect(JSON.parse(stdout)).toStrictEqual({
        "gh-file": [...values, "ap-southeast-2"],
        "gh-process": [...values, "eu-north-1"],
      });
    },
  );
});

function findPythonWithBotocore(): string | undefined {
  try {
    const executable = execFileSync(
      "python3",
      ["-c", "import botocore, sys; print(sys.executable)"],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    ).trim();
    return executable === "" ? undefined : executable;
  } catch {
    return undefined;
  }
}

describe("hostile values are refused or carried literally, never executed", () => {
  const marker = path.join(tmpdir(), `pwned-${randomBytes(6).toString("hex")}`);
  afterAll(() => rmSync(marker, { force: true }));

  const hostile: Array<[string, string]> = [
    ["a newline", "abc\nexport AWS_REGION=evil"],
    ["a single quote", "abc'def"],
    ["a double quote", 'abc"def'],
    ["a percent sign", "abc%PATH%def"],
    ["command substitution", `$(touch ${marker})`],
    ["backticks", `\`touch ${marker}\``],
    ["fish command substitution", `(touch ${marker})`],
    ["a quote breakout", `'; touch ${marker}; '`],
    ["a PowerShell subexpression", `$(New-Item ${marker})`],
    ["non-ASCII", "josé-山田-😀"],
    ["a typographic quote", "abc\u2019; touch x"],
  ];

  it.each(hostile)(
    "formatCredentials refuses %s in the secret and the token, naming the field",
    (_rule, value) => {
      const base = cases[0]?.creds;
      if (base === undefined) throw new Error("no base case");
      for (const field of ["secretAccessKey", "sessionToken"] as const) {
        let caught: unknown;
        try {
          formatCredentials({ ...base, [field]: value }, { profileName: "p" });
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(UnsafeCredentialValueError);
        expect(caught).toMatchObject({ field });
        expect(String(caught)).not.toContain(value);
      }
    },
  );

  const values = hostile.map(([, value]) => value);
  const assignments = (quote: (v: string) => string, prefix: string, operator = "") =>
    values.map((value, i) => `${prefix}AWS_V${i}${operator} ${quote(value)}`).join("\n");
  const expectedVars = Object.fromEntries(values.map((value, i) => [`AWS_V${i}`, value]));

  it("bash single-quoting carries every hostile value byte for byte and runs none of them", () => {
    const script = values.map((value, i) => `export AWS_V${i}=${quotePosix(value)}`).join("\n");
    expect(runBash(script)).toStrictEqual(expectedVars);
    expect(existsSync(marker)).toBe(false);
  });

  it.skipIf(!hasFish)(
    `fish quoting carries every hostile value byte for byte and runs none of them${hasFish ? "" : ` (skipped: ${FISH} not found)`}`,
    () => {
      expect(runFish(assignments(quoteFish, "set -gx "))).toStrictEqual(expectedVars);
      expect(existsSync(marker)).toBe(false);
    },
  );

  it("PowerShell verbatim quoting carries every hostile value literally", () => {
    expect(parsePowerShell(`${assignments(quotePowerShell, "$Env:", " =")}\n`)).toStrictEqual(
      expectedVars,
    );
  });
});
