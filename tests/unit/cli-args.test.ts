import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

import { parseCommand, parseDuration, roleReference } from "@/cli/gatehouse/args";
import { readCliEnv } from "@/cli/gatehouse/cli-env";
import { EXIT, UsageError } from "@/cli/gatehouse/exit-codes";
import { COMMANDS, runCli } from "@/cli/gatehouse/main";
import { testCliContext } from "../support/cli-context";

/** A context whose output is captured and whose network always fails loudly. */
function captureContext(variables: Record<string, string> = {}) {
  return testCliContext({ GATEHOUSE_HOME: "/nonexistent/gatehouse-test-home", ...variables });
}

async function specOf(name: string) {
  return (await (COMMANDS[name] as (typeof COMMANDS)[string]).load()).spec;
}

describe("usage errors exit 2 with the problem and the command's synopsis", () => {
  const cases: Array<[string, string[], RegExp]> = [
    ["no command", [], /which command/],
    ["an unknown command", ["frobnicate"], /unknown command "frobnicate"/],
    ["an unknown global option", ["--verbose", "ls"], /unknown option "--verbose"/],
    ["creds without a role", ["creds"], /missing argument/],
    ["creds with two roles", ["creds", "a/b", "c/d"], /unexpected argument "c\/d"/],
    [
      "creds with an unknown option",
      ["creds", "a/b", "--profile", "x"],
      /Unknown option '--profile'/,
    ],
    ["creds with a role without a slash", ["creds", "Developer"], /expected <account>\/<role>/],
    ["creds with a role with two slashes", ["creds", "a/b/c"], /expected <account>\/<role>/],
    ["creds with a role padded with spaces", ["creds", "acme / Dev"], /expected <account>\/<role>/],
    ["creds with an option missing its value", ["creds", "a/b", "--duration"], /argument missing/],
    ["a duration below 15 minutes", ["creds", "a/b", "--duration", "600"], /--duration must be/],
    ["a duration above 12 hours", ["creds", "a/b", "--duration", "13h"], /--duration must be/],
    [
      "a duration that is not a number",
      ["creds", "a/b", "--duration", "soon"],
      /--duration must be/,
    ],
    [
      "a region that is not one",
      ["creds", "a/b", "--region", "moon-1"],
      /--region must be an AWS region/,
    ],
    ["an unknown shell", ["env", "a/b", "--shell", "tcsh"], /--shell must be/],
    ["exec without a command", ["exec", "a/b"], /which command\? Put it after --/],
    ["a port out of range", ["serve", "--port", "70000"], /--port must be/],
    [
      "a device name too long",
      ["login", "--portal", "https://p.example", "--device-name", "x".repeat(65)],
      /--device-name/,
    ],
    [
      "a --user that is no email",
      ["login", "--portal", "https://p.example", "--user", "bob"],
      /--user must be an email/,
    ],
    [
      "a profile prefix with a space",
      ["setup-profiles", "--portal", "https://p.example", "--prefix", "a b"],
      /--prefix/,
    ],
    [
      "a plain-http portal off this machine",
      ["ls", "--portal", "http://portal.example.com"],
      /refusing to use the portal over plain http/,
    ],
    ["a portal URL with a query", ["ls", "--portal", "https://p.example/?a=1"], /must not carry/],
    ["no portal at all", ["ls"], /which portal\?/],
    ["a global --portal without its value", ["--portal"], /--portal needs a value/],
    [
      "a global --portal followed by the command instead of a value",
      ["--portal", "--help"],
      /--portal needs a value/,
    ],
    ["help for a command that does not exist", ["help", "nosuch"], /unknown command "nosuch"/],
  ];
  it.each(cases)("%s", async (_name, argv, message) => {
    const run = captureContext();
    expect(await runCli(argv, run.ctx)).toBe(EXIT.usage);
    expect(run.stderr()).toMatch(/^gatehouse: /);
    expect(run.stderr()).toMatch(message);
    expect(run.stdout()).toBe("");
  });
});

describe("help", () => {
  it("gatehouse --help lists every command and the exit codes, on stdout, exit 0", async () => {
    const run = captureContext();
    expect(await runCli(["--help"], run.ctx)).toBe(EXIT.ok);
    for (const name of Object.keys(COMMANDS)) expect(run.stdout()).toContain(`  ${name} `);
    for (const code of [0, 1, 2, 3, 4, 5, 6])
      expect(run.stdout()).toMatch(new RegExp(`^  ${code}  `, "m"));
  });

  it.each(Object.keys(COMMANDS))(
    "gatehouse %s --help prints its usage even with other arguments",
    async (name) => {
      const run = captureContext();
      expect(await runCli([name, "--bogus", "--help"], run.ctx)).toBe(EXIT.ok);
      expect(run.stdout()).toMatch(new RegExp(`^Usage: gatehouse ${name}`));
    },
  );
});

describe("a --portal before the command is an option of the command, never an argument after --", () => {
  const cases: Array<[string, string, string[], string, string[]]> = [
    [
      "exec: the command after -- gets only its own arguments",
      "exec",
      ["acme/Dev", "--", "echo", "hello"],
      "http://localhost:5000",
      ["echo", "hello"],
    ],
    [
      "exec: a --portal after -- belongs to the command",
      "exec",
      ["acme/Dev", "--", "tool", "--portal", "x"],
      "http://localhost:5000",
      ["tool", "--portal", "x"],
    ],
    ["creds: the leading --portal is the portal", "creds", ["a/b"], "http://localhost:5000", []],
  ];
  it.each(cases)("%s", async (_name, command, argv, portal, rest) => {
    const parsed = parseCommand(await specOf(command), argv, { portal: "http://localhost:5000" });
    expect(parsed.values.portal).toBe(portal);
    expect(parsed.rest).toEqual(rest);
  });

  it.each([
    [
      "the command's own --portal wins over the leading one",
      ["--portal", "https://a.example", "ls", "--portal", "https://b.example"],
      "https://b.example",
    ],
    [
      "--portal=<url> before the command",
      ["--portal=https://a.example", "ls"],
      "https://a.example",
    ],
    [
      "before exec, with a command after --",
      ["--portal", "https://a.example", "exec", "x/y", "--", "echo", "hi"],
      "https://a.example",
    ],
  ])("%s: that portal is asked", async (_name, argv, portal) => {
    const run = captureContext();
    expect(await runCli(argv, run.ctx)).toBe(EXIT.notSignedIn);
    expect(run.stderr()).toContain(`not signed in to ${portal}.`);
  });
});

describe("--version works wherever the usage lists it", () => {
  it.each([
    [["--version"]],
    [["ls", "--version"]],
    [["creds", "a/b", "--version"]],
    [["--portal", "https://a.example", "status", "--version"]],
  ])("gatehouse %j prints the version, exit 0", async (argv) => {
    const run = captureContext();
    expect(await runCli(argv, run.ctx)).toBe(EXIT.ok);
    expect(run.stdout()).toMatch(/^gatehouse \S+\n$/);
  });

  it("exec passes a --version after -- to the command", async () => {
    const parsed = parseCommand(await specOf("exec"), ["a/b", "--", "tool", "--version"]);
    expect(parsed.version).toBe(false);
    expect(parsed.rest).toEqual(["tool", "--version"]);
  });
});

describe("a role is <account>/<role> or a role id (the ambiguous-role advice can be followed)", () => {
  it.each([
    ["an account name and a role", "acme-staging/Developer", true],
    ["an account id and a role", "345678901234/ReadOnly", true],
    ["a role id, as ls --json shows it", "clx0abc123def456ghi789jk", true],
    ["a single word that is no role id", "Developer", false],
    ["a role id with capitals", "CLX0ABC123DEF456GHI789JK", false],
    ["a role id that is too short", "abc123", false],
  ])("%s: %s → accepted %s", (_name, raw, accepted) => {
    if (accepted) expect(roleReference(raw, "usage")).toBe(raw);
    else expect(() => roleReference(raw, "usage")).toThrow(UsageError);
  });
});

describe("parsing", () => {
  it("takes --portal before the command as if it came after", async () => {
    const spec = await specOf("creds");
    const parsed = parseCommand(spec, ["a/b", "--portal", "https://p.example"]);
    expect(parsed.values.portal).toBe("https://p.example");
  });

  it("exec keeps everything after -- for the command, options included", async () => {
    const parsed = parseCommand(await specOf("exec"), [
      "acme/Dev",
      "--region",
      "eu-west-1",
      "--",
      "aws",
      "--help",
      "--",
      "x",
    ]);
    expect(parsed.positionals).toEqual(["acme/Dev"]);
    expect(parsed.values.region).toBe("eu-west-1");
    expect(parsed.rest).toEqual(["aws", "--help", "--", "x"]);
  });

  it("a parse failure is a UsageError carrying the command's usage", async () => {
    const spec = await specOf("ls");
    expect(() => parseCommand(spec, ["--nope"])).toThrow(UsageError);
  });

  it.each([
    ["3600", 3600],
    ["3600s", 3600],
    ["90m", 5400],
    ["1h", 3600],
    ["1h30m", 5400],
    ["12h", 43200],
    ["", undefined],
    ["1.5h", undefined],
    ["-900", undefined],
    ["1d", undefined],
  ])("duration %j is %j seconds", (raw, seconds) => {
    expect(parseDuration(raw)).toBe(seconds);
  });
});

describe("environment", () => {
  it.each([
    [{}, "linux", true],
    [{ DISPLAY: ":0" }, "linux", false],
    [{ WAYLAND_DISPLAY: "wayland-0" }, "linux", false],
    [{ DISPLAY: ":0", GATEHOUSE_NO_BROWSER: "1" }, "linux", true],
    [{}, "darwin", false],
    [{ GATEHOUSE_NO_BROWSER: "1" }, "darwin", true],
  ] as const)("%j on %s: no browser = %s", (variables, platform, noBrowser) => {
    expect(readCliEnv(variables, platform).noBrowser).toBe(noBrowser);
  });

  it("GATEHOUSE_HOME and AWS_CONFIG_FILE move the files; empty values count as unset", () => {
    const env = readCliEnv({
      GATEHOUSE_HOME: "/tmp/gh",
      AWS_CONFIG_FILE: "/tmp/aws/config",
      GATEHOUSE_URL: "",
    });
    expect(env.home).toBe("/tmp/gh");
    expect(env.awsConfigFile).toBe("/tmp/aws/config");
    expect(env.portalUrl).toBeUndefined();
  });

  // A `~` left unexpanded (a systemd unit, a container's environment, a .env file) would make a
  // directory named "~" wherever credential_process happens to run.
  it.each([
    ["GATEHOUSE_HOME", "~/work/gatehouse", "home", "work/gatehouse"],
    ["GATEHOUSE_HOME", "~", "home", ""],
    ["AWS_CONFIG_FILE", "~/aws/config", "awsConfigFile", "aws/config"],
    ["AWS_SHARED_CREDENTIALS_FILE", "~/aws/creds", "awsCredentialsFile", "aws/creds"],
  ] as const)("a leading ~ in %s (%s) is the user's home directory", (name, value, key, rest) => {
    expect(readCliEnv({ [name]: value })[key]).toBe(path.join(os.homedir(), rest));
  });

  it("a ~ anywhere but at the start of GATEHOUSE_HOME is an ordinary character", () => {
    expect(readCliEnv({ GATEHOUSE_HOME: "/tmp/~x" }).home).toBe("/tmp/~x");
  });
});
