import { describe, expect, it } from "vitest";

import { parseCommand, parseDuration } from "@/cli/gatehouse/args";
import { readCliEnv } from "@/cli/gatehouse/cli-env";
import type { CliContext } from "@/cli/gatehouse/context";
import { EXIT, UsageError } from "@/cli/gatehouse/exit-codes";
import { COMMANDS, runCli } from "@/cli/gatehouse/main";

/** A context whose output is captured and whose network always fails loudly. */
function captureContext(variables: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    env: readCliEnv({ GATEHOUSE_HOME: "/nonexistent/gatehouse-test-home", ...variables }, "linux"),
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    now: () => new Date("2026-11-26T12:00:00Z"),
    fetch: () => Promise.reject(new Error("no network in unit tests")),
    program: ["/usr/bin/node", "/opt/gatehouse/cli/dist/gatehouse.mjs"],
  };
  return { ctx, out, err, stdout: () => out.join(""), stderr: () => err.join("") };
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
});
