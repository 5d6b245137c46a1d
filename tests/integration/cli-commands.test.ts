// The gatehouse CLI (compiled, cli/dist/gatehouse.mjs) against the running portal and the STS
// stand-in: every command, the credential cache, file permissions, exec's exit codes, `serve`
// through the SDK's container provider, and the real AWS CLI (Debian's awscli) with profiles
// written by setup-profiles and with serve.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromContainerMetadata, fromHttp } from "@aws-sdk/credential-providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide } from "../support/cli-auth";
import { CLI_BIN, runCli, runProcess } from "../support/cli-process";
import { holdRequestSlot } from "../support/held-request";
import { signIn, type PortalSession } from "../support/portal-client";
import { startReplica, startTestStack, type TestStack } from "../support/stack";

const AWS_CLI = "/usr/bin/aws";
const EXIT = { ok: 0, usage: 2, notSignedIn: 3, refused: 4, signInFailed: 6 };

let stack: TestStack;
let bob: PortalSession;
let home: string;
let env: Record<string, string | undefined>;

/** The environment of a terminal with nothing AWS in it, the portal named, no browser. */
function terminalEnv(
  gatehouseHome: string,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const clean: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith("AWS_") && !k.startsWith("GATEHOUSE_"),
    ),
  );
  return {
    ...clean,
    HOME: gatehouseHome,
    GATEHOUSE_HOME: path.join(gatehouseHome, ".gatehouse"),
    GATEHOUSE_URL: stack.portalUrl,
    GATEHOUSE_NO_BROWSER: "1",
    AWS_CONFIG_FILE: path.join(gatehouseHome, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(gatehouseHome, ".aws", "credentials"),
    ...extra,
  };
}

/** Starts `gatehouse login`, waits for its code, lets `approve` act on it, returns the run. */
async function login(
  e: Record<string, string | undefined>,
  args: string[],
  act: (userCode: string) => Promise<void>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI_BIN, "login", ...args], {
    env: e as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  let sawCode!: (code: string) => void;
  const codeShown = new Promise<string>((resolve) => (sawCode = resolve));
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    const m = /\b([BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4})\b/.exec(stderr);
    if (m) sawCode(m[1]!);
  });
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  const userCode = await Promise.race([
    codeShown,
    closed.then(() => {
      throw new Error(`login exited early: ${stderr}`);
    }),
  ]);
  await act(userCode);
  return { code: await closed, stdout, stderr };
}

function cacheFiles(): string[] {
  const dir = path.join(home, ".gatehouse", "cache");
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => path.join(dir, f))
    : [];
}

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

beforeAll(async () => {
  stack = await startTestStack({ extraEnv: { GATEHOUSE_DEVICE_POLL_INTERVAL_SECONDS: "1" } });
  bob = await signIn(stack, "bob");
  home = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-home-"));
  env = terminalEnv(home);
  const run = await login(
    env,
    ["--user", "bob@corp.example", "--device-name", "ci runner"],
    async (code) => {
      expect((await decide(bob, code, "approve")).status).toBe(200);
    },
  );
  expect(run.code, run.stderr).toBe(EXIT.ok);
});
afterAll(async () => {
  await stack?.stop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

describe("login, status, logout", () => {
  it("login keeps the token in a file only the user can read", () => {
    const dir = path.join(home, ".gatehouse");
    expect(modeOf(dir)).toBe(0o700);
    const config = path.join(dir, "config.json");
    expect(modeOf(config)).toBe(0o600);
    expect(fs.readFileSync(config, "utf8")).toMatch(/gh_cli_/);
  });

  it("status names the person and the portal", async () => {
    const run = await runCli(["status"], { env });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toContain("bob@corp.example");
    expect(run.stdout).toContain(stack.portalUrl);
  });

  it("a denied sign-in is reported as such (exit 6), and nothing is saved", async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-denied-"));
    const run = await login(terminalEnv(other), [], async (code) => {
      expect((await decide(bob, code, "deny")).status).toBe(200);
    });
    expect(run.code).toBe(EXIT.signInFailed);
    expect(run.stderr).toMatch(/denied/i);
    expect(fs.existsSync(path.join(other, ".gatehouse", "config.json"))).toBe(false);
    expect((await runCli(["status"], { env: terminalEnv(other) })).code).toBe(EXIT.notSignedIn);
  });

  it("a code that expires before approval is reported as such (exit 6)", async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-expired-"));
    const run = await login(terminalEnv(other), [], () => {
      stack.portalClock.advance(601_000);
      return Promise.resolve();
    });
    stack.portalClock.reset();
    expect(run.code).toBe(EXIT.signInFailed);
    expect(run.stderr).toMatch(/expired/i);
  });

  it("a sign-in approved from a browser session that ended before the CLI collected it says so, not 'denied' (exit 6), and nothing is saved", async () => {
    // The CLI polls a replica whose clock is past the approving session's end, while the approval
    // is made on the portal, where that session is live: no poll can collect a token in between.
    const approver = await signIn(stack, "bob");
    const bobUser = await stack.db.user.findFirstOrThrow({ where: { email: "bob@corp.example" } });
    const session = await stack.db.portalSession.findFirstOrThrow({
      where: { userId: bobUser.id },
      orderBy: { createdAt: "desc" },
    });
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-ended-"));
    const clockFile = path.join(other, "portal-clock");
    fs.writeFileSync(clockFile, String(session.expiresAt.getTime() - Date.now() + 60_000));
    const replica = await startReplica(stack, { GATEHOUSE_TEST_CLOCK_FILE: clockFile });
    try {
      const run = await login(
        terminalEnv(other, { GATEHOUSE_URL: replica.url }),
        [],
        async (code) => {
          expect((await decide(approver, code, "approve")).status).toBe(200);
        },
      );
      expect(run.code, run.stderr).toBe(EXIT.signInFailed);
      expect(run.stderr).toContain("the browser session that approved it has ended");
      expect(run.stderr).toContain("Run gatehouse login again");
      expect(run.stderr).not.toMatch(/denied/i);
      expect(fs.existsSync(path.join(other, ".gatehouse", "config.json"))).toBe(false);
    } finally {
      await replica.stop();
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it("login --user refuses a token for someone else", async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-user-"));
    // The portal refuses bob's approval of a sign-in meant for carol; carol's own approval works.
    const carol = await signIn(stack, "carol");
    const run = await login(terminalEnv(other), ["--user", "carol@corp.example"], async (code) => {
      expect((await decide(bob, code, "approve")).status).toBe(403);
      expect((await decide(carol, code, "approve")).status).toBe(200);
    });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    const status = await runCli(["status"], { env: terminalEnv(other) });
    expect(status.stdout).toContain("carol@corp.example");
  });
});

describe("roles and credentials", () => {
  it("ls prints the roles as a table, filters, and gives the API's JSON with --json", async () => {
    const table = await runCli(["ls"], { env });
    expect(table.code, table.stderr).toBe(EXIT.ok);
    for (const text of ["acme-staging", "345678901234", "Developer", "DataScience"])
      expect(table.stdout).toContain(text);
    const filtered = await runCli(["ls", "wiped", "--json"], { env });
    const json = JSON.parse(filtered.stdout) as
      Array<{ name: string }> | { accounts: Array<{ name: string }> };
    const accounts = Array.isArray(json) ? json : json.accounts;
    expect(accounts.map((a) => a.name)).toEqual(["acme-sandbox"]);
    expect((await runCli(["ls", "wiped"], { env })).stderr).toBe("");
  });

  it("ls says on stderr when its filter was not matched as typed, leaving the table on stdout as it is", async () => {
    const slip = await runCli(["ls", "stagng"], { env });
    expect(slip.code, slip.stderr).toBe(EXIT.ok);
    expect(slip.stdout).toContain("acme-staging");
    expect(slip.stdout).not.toContain("close spellings");
    expect(slip.stderr).toBe('Nothing matches "stagng" as typed; these are close spellings.\n');
    const pasted =
      "User: arn:aws:sts::456789012345:assumed-role/DataScience/bob is not authorized to perform: s3:GetObject";
    const fromError = await runCli(["ls", pasted, "--json"], { env });
    expect(fromError.code, fromError.stderr).toBe(EXIT.ok);
    const answer = JSON.parse(fromError.stdout) as {
      filterReadAs: string;
      accounts: Array<{ name: string; roles: Array<{ roleName: string }> }>;
    };
    expect(answer.filterReadAs).toBe("arns-in-text");
    expect(answer.accounts.map((a) => [a.name, a.roles.map((r) => r.roleName)])).toEqual([
      ["acme-sandbox", ["DataScience"]],
    ]);
    const table = await runCli(["ls", pasted], { env });
    expect(table.stderr).toBe(
      `These are the roles the ARNs in ${JSON.stringify(pasted)} name; its other words were set aside.\n`,
    );
  });

  it("creds prints credential_process JSON, caches it (0600), and a second call does not reach the portal", async () => {
    const before = await stack.db.auditEvent.count({ where: { action: "credentials.issued" } });
    const first = await runCli(["creds", "acme-staging/Developer"], { env });
    expect(first.code, first.stderr).toBe(EXIT.ok);
    const out = JSON.parse(first.stdout) as {
      Version: number;
      AccessKeyId: string;
      SecretAccessKey: string;
      SessionToken: string;
      Expiration: string;
    };
    expect(out).toMatchObject({ Version: 1, AccessKeyId: expect.stringMatching(/^ASIA/) });
    expect(Date.parse(out.Expiration)).toBeGreaterThan(Date.now());
    expect(first.stderr).not.toContain(out.SecretAccessKey);
    const second = await runCli(["creds", "acme-staging/Developer"], { env });
    expect(JSON.parse(second.stdout)).toEqual(out);
    expect(await stack.db.auditEvent.count({ where: { action: "credentials.issued" } })).toBe(
      before + 1,
    );
    const files = cacheFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(modeOf(file)).toBe(0o600);
    expect(modeOf(path.dirname(files[0]!))).toBe(0o700);
  });

  it("cached credentials within 5 minutes of expiry are renewed at the portal", async () => {
    const first = JSON.parse(
      (await runCli(["creds", "acme-sandbox/Developer"], { env })).stdout,
    ) as { AccessKeyId: string };
    const file = cacheFiles().find((f) => fs.readFileSync(f, "utf8").includes(first.AccessKeyId))!;
    const cached = JSON.parse(fs.readFileSync(file, "utf8")) as {
      credentials: { expiration: string };
    };
    cached.credentials.expiration = new Date(Date.now() + 4 * 60_000).toISOString();
    fs.writeFileSync(file, JSON.stringify(cached), { mode: 0o600 });
    const renewed = JSON.parse(
      (await runCli(["creds", "acme-sandbox/Developer"], { env })).stdout,
    ) as { AccessKeyId: string };
    expect(renewed.AccessKeyId).not.toBe(first.AccessKeyId);
  });

  it.each([
    [
      "a role that is not yours",
      ["creds", "acme-production/Administrator"],
      EXIT.refused,
      /no such role|no access/i,
    ],
    [
      "a role that does not exist",
      ["creds", "acme-nowhere/Developer"],
      EXIT.refused,
      /no such role|no access/i,
    ],
    ["a reference without account", ["creds", "Developer"], EXIT.usage, /account/i],
    [
      "a duration over the cap",
      ["creds", "acme-staging/Developer", "--duration", "43200"],
      EXIT.usage,
      /14400|longest|at most/i,
    ],
    ["an unknown option", ["creds", "acme-staging/Developer", "--bogus"], EXIT.usage, /bogus/],
    [
      "console for a CLI-only role",
      ["console", "acme-sandbox/DataScience", "--print"],
      EXIT.refused,
      /console/i,
    ],
  ])("%s: a clear message, the right exit code, no secret", async (_name, args, code, message) => {
    const run = await runCli(args, { env });
    expect(run.code, run.stderr).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toMatch(/gh_cli_|ASIA|SecretAccessKey/);
  });

  it("without a sign-in: exit 3 and 'gatehouse login'", async () => {
    const run = await runCli(["creds", "acme-staging/Developer"], {
      env: terminalEnv(fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-none-"))),
    });
    expect(run.code).toBe(EXIT.notSignedIn);
    expect(run.stderr).toContain("gatehouse login");
  });

  it("env: a real bash and a real fish read the exports", async () => {
    const bash = await runCli(["env", "acme-staging/Developer", "--shell", "bash"], { env });
    expect(bash.code, bash.stderr).toBe(EXIT.ok);
    const inBash = await runProcess(
      "bash",
      ["-c", `${bash.stdout}\nprintf '%s %s' "$AWS_ACCESS_KEY_ID" "$AWS_REGION"`],
      { env },
    );
    expect(inBash.stdout).toMatch(/^ASIA\S+ eu-west-1$/);
    const fish = await runCli(["env", "acme-staging/Developer", "--shell", "fish"], { env });
    const inFish = await runProcess("fish", ["-c", `${fish.stdout}\necho $AWS_ACCESS_KEY_ID`], {
      env,
    });
    expect(inFish.stdout.trim()).toMatch(/^ASIA/);
  });

  it.each([0, 1, 42])(
    "exec passes the command's exit code %s through, with the credentials set",
    async (code) => {
      const run = await runCli(
        [
          "exec",
          "acme-staging/Developer",
          "--",
          process.execPath,
          "-e",
          `if (!process.env.AWS_SESSION_TOKEN || process.env.AWS_PROFILE) process.exit(99); process.exit(${code})`,
        ],
        { env: { ...env, AWS_PROFILE: "something-else" } },
      );
      expect(run.code, run.stderr).toBe(code);
    },
  );

  it("exec without a command is a usage error", async () => {
    expect((await runCli(["exec", "acme-staging/Developer"], { env })).code).toBe(EXIT.usage);
  });

  it("console --print prints the one-time sign-in URL for the region and destination", async () => {
    const run = await runCli(
      [
        "console",
        "acme-production/ReadOnly",
        "--region",
        "eu-central-1",
        "--destination",
        "ec2",
        "--print",
      ],
      { env },
    );
    expect(run.code, run.stderr).toBe(EXIT.ok);
    const url = new URL(run.stdout.trim());
    expect(url.toString().startsWith(stack.aws.federationEndpoint)).toBe(true);
    expect(decodeURIComponent(url.searchParams.get("Destination") ?? "")).toContain("eu-central-1");
  });

  it("whoami asks STS who the credentials in the environment are", async () => {
    const creds = JSON.parse(
      (await runCli(["creds", "acme-staging/Developer"], { env })).stdout,
    ) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const run = await runCli(["whoami"], {
      env: {
        ...env,
        AWS_ACCESS_KEY_ID: creds.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey,
        AWS_SESSION_TOKEN: creds.SessionToken,
        AWS_REGION: "us-east-1",
        AWS_ENDPOINT_URL_STS: stack.aws.stsEndpoint,
      },
    });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/arn:aws:sts::345678901234:assumed-role\/Developer\//);
  });
});

describe("AWS config profiles", () => {
  const UNRELATED =
    "# my own settings\n[default]\nregion = eu-north-1\n\n[profile mine]\nregion = ap-south-1\noutput = json\n";

  it("setup-profiles: --dry-run shows the diff and writes nothing; then writes only its profiles; --remove takes only them away", async () => {
    const config = env.AWS_CONFIG_FILE!;
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(config, UNRELATED, { mode: 0o644 });
    const dry = await runCli(["setup-profiles", "--dry-run", "--region", "us-east-1"], { env });
    expect(dry.code, dry.stderr).toBe(EXIT.ok);
    expect(dry.stdout + dry.stderr).toMatch(/^\+\[profile .*acme-staging.*Developer\]/m);
    expect(fs.readFileSync(config, "utf8")).toBe(UNRELATED);

    const real = await runCli(["setup-profiles", "--region", "us-east-1"], { env });
    expect(real.code, real.stderr).toBe(EXIT.ok);
    const written = fs.readFileSync(config, "utf8");
    expect(written.startsWith(UNRELATED)).toBe(true);
    expect(written).toMatch(/credential_process = .*creds (acme-staging|345678901234)\/Developer/);
    expect(written).not.toMatch(/acme-production\/Administrator/);
    expect(modeOf(config)).toBe(0o644);

    const again = await runCli(["setup-profiles", "--region", "us-east-1"], { env });
    expect(again.code).toBe(EXIT.ok);
    expect(fs.readFileSync(config, "utf8")).toBe(written);

    const removed = await runCli(["setup-profiles", "--remove"], { env });
    expect(removed.code, removed.stderr).toBe(EXIT.ok);
    expect(fs.readFileSync(config, "utf8")).toBe(UNRELATED);
  });

  it("the real AWS CLI gets the assumed role through a profile's credential_process", async () => {
    const real = await runCli(["setup-profiles", "--region", "us-east-1"], { env });
    expect(real.code, real.stderr).toBe(EXIT.ok);
    const profile = /\[profile ([^\]]*acme-staging[^\]]*Developer)\]/.exec(
      fs.readFileSync(env.AWS_CONFIG_FILE!, "utf8"),
    )![1]!;
    const run = await runProcess(
      AWS_CLI,
      [
        "sts",
        "get-caller-identity",
        "--profile",
        profile,
        "--endpoint-url",
        stack.aws.stsEndpoint,
        "--output",
        "json",
      ],
      { env },
    );
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { Arn: string }).Arn).toMatch(
      /^arn:aws:sts::345678901234:assumed-role\/Developer\//,
    );
    // And whoami --profile reads the same profile through the JS SDK.
    const whoami = await runCli(["whoami", "--profile", profile], {
      env: { ...env, AWS_ENDPOINT_URL_STS: stack.aws.stsEndpoint },
    });
    expect(whoami.code, whoami.stderr).toBe(EXIT.ok);
    expect(whoami.stdout).toContain("assumed-role/Developer/");
    // A typo in the profile name: refused before AWS is asked, naming the profile meant.
    const typo = await runCli(["whoami", "--profile", profile.slice(0, -1)], {
      env: { ...env, AWS_ENDPOINT_URL_STS: stack.aws.stsEndpoint },
    });
    expect(typo.code).toBe(EXIT.usage);
    expect(typo.stderr.trim().split("\n")).toHaveLength(1);
    expect(typo.stderr).toContain(`; did you mean ${profile}?`);
  });

  it("setup-profiles warns of a same-named profile with static keys in the credentials file, which the real AWS CLI and the JS SDK use instead", async () => {
    const real = await runCli(["setup-profiles", "--region", "us-east-1"], { env });
    expect(real.code, real.stderr).toBe(EXIT.ok);
    const profile = /\[profile ([^\]]*acme-staging[^\]]*Developer)\]/.exec(
      fs.readFileSync(env.AWS_CONFIG_FILE!, "utf8"),
    )![1]!;
    const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE!;
    const keys = `[${profile}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n`;
    fs.writeFileSync(credentialsFile, keys, { mode: 0o600 });
    const stsEnv = { ...env, AWS_ENDPOINT_URL_STS: stack.aws.stsEndpoint };
    try {
      const aws = await runProcess(
        AWS_CLI,
        ["sts", "get-caller-identity", "--profile", profile, "--output", "json"],
        { env: stsEnv },
      );
      expect(aws.code).not.toBe(0);
      expect(aws.stdout + aws.stderr).not.toContain("assumed-role/Developer");
      const whoami = await runCli(["whoami", "--profile", profile], { env: stsEnv });
      expect(whoami.code).toBe(EXIT.refused);

      for (const args of [["--dry-run"], []]) {
        const run = await runCli(["setup-profiles", "--region", "us-east-1", ...args], { env });
        expect(run.code, run.stderr).toBe(EXIT.ok);
        expect(run.stderr).toContain(
          `gatehouse: warning: profile ${profile} is also in ${credentialsFile}, with aws_access_key_id;`,
        );
        expect(run.stderr).not.toContain("wJalrXUtnFEMI");
        expect(fs.readFileSync(credentialsFile, "utf8")).toBe(keys);
      }
    } finally {
      fs.rmSync(credentialsFile, { force: true });
    }
    // What the warning says to do: without that section the profile is gatehouse's again.
    const after = await runCli(["whoami", "--profile", profile], { env: stsEnv });
    expect(after.code, after.stderr).toBe(EXIT.ok);
    expect(after.stdout).toContain("assumed-role/Developer/");
  });
});

describe("serve: the container credential endpoint", () => {
  let server: ChildProcessWithoutNullStreams;
  let vars: Record<string, string>;

  beforeAll(async () => {
    server = spawn(
      process.execPath,
      [CLI_BIN, "serve", "acme-staging/Developer", "--region", "us-east-1"],
      { env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] },
    );
    let out = "";
    vars = await new Promise((resolve, reject) => {
      server.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const found = Object.fromEntries(
          [...out.matchAll(/^(?:export )?([A-Z_]+)=(\S+)$/gm)].map((m) => [
            m[1]!,
            m[2]!.replace(/^["']|["']$/g, ""),
          ]),
        );
        if (found.AWS_CONTAINER_CREDENTIALS_FULL_URI && found.AWS_CONTAINER_AUTHORIZATION_TOKEN)
          resolve(found);
      });
      server.on("close", (code) => reject(new Error(`serve exited ${code}`)));
    });
  });
  afterAll(() => {
    server?.kill("SIGTERM");
  });

  it("listens on 127.0.0.1 only", () => {
    expect(new URL(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI!).hostname).toBe("127.0.0.1");
  });

  it.each([
    ["no token", undefined, 401],
    ["a wrong token", "not-the-token", 403],
  ])("refuses a request with %s", async (_name, token, status) => {
    const res = await fetch(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI!, {
      headers: token ? { Authorization: token } : {},
    });
    expect(res.status).toBe(status);
    expect(await res.text()).not.toMatch(/ASIA/);
  });

  // The providers wait 1 s for an answer by default. serve fetched the default role at start, so
  // the SDK's ask is answered from the cache, never a portal and STS round trip (which took 1.2 s
  // on a busy machine): proved by counting issuances, not by timing. The 30 s is a hang guard.
  it.each([
    ["fromContainerMetadata", () => fromContainerMetadata({ timeout: 30_000 })],
    ["fromHttp", () => fromHttp({ timeout: 30_000 })],
  ])(
    "the SDK's %s provider gets working credentials, from what serve fetched at start",
    async (_name, provider) => {
      const issuedBefore = await stack.db.auditEvent.count({
        where: { action: "credentials.issued" },
      });
      const saved = { ...process.env };
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = vars.AWS_CONTAINER_CREDENTIALS_FULL_URI;
      process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = vars.AWS_CONTAINER_AUTHORIZATION_TOKEN;
      try {
        const credentials = await provider()();
        const sts = new STSClient({
          region: "us-east-1",
          endpoint: stack.aws.stsEndpoint,
          credentials,
        });
        const identity = await sts.send(new GetCallerIdentityCommand({}));
        expect(identity.Arn).toMatch(/^arn:aws:sts::345678901234:assumed-role\/Developer\//);
      } finally {
        process.env = saved;
      }
      expect(await stack.db.auditEvent.count({ where: { action: "credentials.issued" } })).toBe(
        issuedBefore,
      );
    },
  );

  it("the real AWS CLI gets the assumed role from it", async () => {
    const run = await runProcess(
      AWS_CLI,
      ["sts", "get-caller-identity", "--endpoint-url", stack.aws.stsEndpoint, "--output", "json"],
      {
        env: {
          ...terminalEnv(home),
          AWS_DEFAULT_REGION: "us-east-1",
          AWS_CONTAINER_CREDENTIALS_FULL_URI: vars.AWS_CONTAINER_CREDENTIALS_FULL_URI,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN,
        },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { Arn: string }).Arn).toMatch(/assumed-role\/Developer\//);
  });
});

describe("command-line rules against the real portal", () => {
  it.each([
    [
      "before exec",
      ["--portal", "PORTAL", "exec", "acme-staging/Developer", "--", "echo", "hello"],
    ],
    [
      "as --portal=<url> before exec",
      ["--portal=PORTAL", "exec", "acme-staging/Developer", "--", "echo", "hello"],
    ],
    [
      "after exec's role",
      ["exec", "acme-staging/Developer", "--portal", "PORTAL", "--", "echo", "hello"],
    ],
  ])(
    "a global --portal %s picks the portal and never reaches the command's arguments",
    async (_name, args) => {
      // No GATEHOUSE_URL: only the flag can name the portal.
      const run = await runCli(
        args.map((arg) => arg.replace("PORTAL", stack.portalUrl)),
        { env: { ...env, GATEHOUSE_URL: undefined } },
      );
      expect(run.code, run.stderr).toBe(EXIT.ok);
      expect(run.stdout).toBe("hello\n");
    },
  );

  it("env unsets AWS_PROFILE in a real bash and a real fish (the JS SDK would prefer the profile)", async () => {
    const profiled = { ...env, AWS_PROFILE: "someone-else" };
    const bash = await runCli(["env", "acme-staging/Developer", "--shell", "bash"], { env });
    expect(bash.code, bash.stderr).toBe(EXIT.ok);
    const inBash = await runProcess(
      "bash",
      ["-c", `${bash.stdout}\nprintf '%s|%s' "\${AWS_PROFILE-unset}" "$AWS_ACCESS_KEY_ID"`],
      { env: profiled },
    );
    expect(inBash.stdout).toMatch(/^unset\|ASIA/);
    const fish = await runCli(["env", "acme-staging/Developer", "--shell", "fish"], { env });
    const inFish = await runProcess(
      "fish",
      ["-c", `${fish.stdout}\nset -q AWS_PROFILE; and echo set; or echo unset`],
      { env: profiled },
    );
    expect(inFish.stdout.trim()).toBe("unset");
  });

  it("single-flight: 12 parallel credential_process calls on a cold cache issue credentials once", async () => {
    const issued = () => stack.db.auditEvent.count({ where: { action: "credentials.issued" } });
    const before = await issued();
    // A duration no other test asks for: a cold cache entry of its own.
    const args = ["creds", "acme-staging/Developer", "--duration", "1700"];
    // Without the lock every one of them would issue (60 gave 51 issuances); 12 prove it without
    // starting so many processes at once that the portal's STS call itself runs out of time.
    const runs = await Promise.all(Array.from({ length: 12 }, () => runCli(args, { env })));
    for (const run of runs) expect(run.code, run.stderr).toBe(EXIT.ok);
    const keys = new Set(
      runs.map((run) => (JSON.parse(run.stdout) as { AccessKeyId: string }).AccessKeyId),
    );
    expect(keys.size).toBe(1);
    expect(await issued()).toBe(before + 1);
    const dir = path.join(home, ".gatehouse", "cache");
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".lock"))).toEqual([]);
  }, 120_000);

  it("single-flight when the portal fails: parallel credential_process calls waiting on a failing issuance fail with its error, one attempt in all", async () => {
    const failed = () => stack.db.auditEvent.count({ where: { action: "credentials.failed" } });
    const before = await failed();
    // STS answers 503 after a delay, so the portal's issuance fails (503 aws_unavailable, audited
    // credentials.failed) while the others are still waiting on the first caller's lock.
    stack.aws.setFault("default", { serverError: 503, latencyMs: 1_500 });
    try {
      // A duration no other test asks for: a cold cache entry of its own.
      const args = ["creds", "acme-staging/Developer", "--duration", "1750"];
      const runs = await Promise.all(Array.from({ length: 8 }, () => runCli(args, { env })));
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(5);
        expect(run.stdout).toBe("");
        expect(run.stderr.trim().split("\n")).toHaveLength(1);
      }
      // One message, with the one request id the administrator finds in the audit log.
      expect(new Set(runs.map((run) => run.stderr)).size).toBe(1);
      expect(runs[0]!.stderr).toMatch(/^gatehouse: .*\(request id [^)]+\)\n$/);
      expect(await failed()).toBe(before + 1);
    } finally {
      stack.aws.clearFaults();
    }
    // The portal is back: the next call asks again instead of repeating the old failure.
    const again = await runCli(["creds", "acme-staging/Developer", "--duration", "1750"], { env });
    expect(again.code, again.stderr).toBe(EXIT.ok);
    expect(JSON.parse(again.stdout)).toMatchObject({ Version: 1 });
  }, 120_000);

  it.each(["SIGINT", "SIGTERM"] as const)(
    "a credential_process ended by %s while it asks the portal leaves no lock behind (the next run would wait on it)",
    async (signal) => {
      const dir = path.join(home, ".gatehouse", "cache");
      const locks = () =>
        fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".lock")) : [];
      expect(locks()).toEqual([]);
      // STS answers slowly, so the CLI is still holding its lock when the signal comes.
      stack.aws.setFault("default", { latencyMs: 5_000 });
      try {
        const child = spawn(
          process.execPath,
          [
            CLI_BIN,
            "creds",
            "acme-staging/Developer",
            "--duration",
            `${signal === "SIGINT" ? 1760 : 1770}`,
          ],
          { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] },
        );
        const closed = new Promise<NodeJS.Signals | null>((resolve) =>
          child.on("close", (_code, sig) => resolve(sig)),
        );
        for (let i = 0; i < 400 && locks().length === 0; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(locks()).toHaveLength(1);
        child.kill(signal);
        // Ended by the signal as before, not turned into an exit code.
        expect(await closed).toBe(signal);
        expect(locks()).toEqual([]);
      } finally {
        stack.aws.clearFaults();
      }
    },
  );

  it("a role id is accepted where <account>/<role> is (the ambiguous-role advice can be followed)", async () => {
    const ls = await runCli(["ls", "--json"], { env });
    const answer = JSON.parse(ls.stdout) as {
      accounts: Array<{ name: string; roles: Array<{ roleId: string; roleName: string }> }>;
    };
    const roleId = answer.accounts
      .find((a) => a.name === "acme-staging")
      ?.roles.find((r) => r.roleName === "Developer")?.roleId;
    expect(roleId).toBeDefined();
    const run = await runCli(["creds", roleId!], { env });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(JSON.parse(run.stdout)).toMatchObject({ AccessKeyId: expect.stringMatching(/^ASIA/) });
  });

  it("a role reached through the IdP's AWS app says only the web page can issue it, with no browser link", async () => {
    const ls = await runCli(["ls", "--json"], { env });
    const answer = JSON.parse(ls.stdout) as {
      accounts: Array<{
        accountId: string;
        roles: Array<{ roleName: string; viaSamlApp?: boolean; allowCli: boolean }>;
      }>;
    };
    const federated = answer.accounts.flatMap((a) =>
      a.roles.filter((r) => r.viaSamlApp && r.allowCli).map((r) => `${a.accountId}/${r.roleName}`),
    )[0];
    expect(federated, "the test stack grants bob a role through the IdP's AWS app").toBeDefined();
    const run = await runCli(["creds", federated!], { env });
    expect(run.code).toBe(EXIT.refused);
    expect(run.stderr).toContain("only the web page can issue this role");
    expect(run.stderr).not.toMatch(/saml\/start|in the browser at/);
  });

  it.each([["a full disk (/dev/full)", "/dev/full", 1, /cannot write to stdout: ENOSPC/]])(
    "a write error on stdout is reported on stderr, exit non-zero: %s",
    async (_name, target, code, message) => {
      const run = await runProcess(
        "bash",
        [
          "-c",
          `exec "$0" "$1" creds acme-staging/Developer > ${target}`,
          process.execPath,
          CLI_BIN,
        ],
        { env },
      );
      expect(run.code).toBe(code);
      expect(run.stderr).toMatch(message);
    },
  );

  it("a closed pipe stays quiet, exit 0", async () => {
    const run = await runProcess(
      "bash",
      ["-c", `set -o pipefail; "$0" "$1" ls | head -c 1 >/dev/null`, process.execPath, CLI_BIN],
      { env },
    );
    expect(run.stderr).toBe("");
  });

  it.each([
    ["an opener that fails", 3, false],
    ["an opener that succeeds", 0, true],
  ])(
    "console with %s: opened = %s; otherwise the URL is printed with the warning",
    async (_name, status, opened) => {
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-opener-"));
      fs.writeFileSync(path.join(bin, "xdg-open"), `#!/bin/sh\nexit ${status}\n`, { mode: 0o755 });
      const run = await runCli(["console", "acme-staging/Developer"], {
        env: {
          ...env,
          GATEHOUSE_NO_BROWSER: undefined,
          DISPLAY: ":0",
          PATH: `${bin}:${process.env.PATH}`,
        },
      });
      expect(run.code, run.stderr).toBe(EXIT.ok);
      if (opened) {
        expect(run.stderr).toMatch(/Opened the AWS console/);
        expect(run.stdout).toBe("");
      } else {
        expect(run.stderr).toMatch(/the browser could not be opened/);
        expect(run.stderr).toMatch(/works once, for anyone who has it/);
        expect(run.stdout).toMatch(/^https?:\/\//);
      }
    },
  );

  it.each([
    ["a file that is not executable (126)", 0o644, 126],
    ["a file that does not exist (127)", undefined, 127],
  ])("exec of %s exits as a shell would", async (_name, mode, code) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-exec-"));
    const file = path.join(dir, "tool");
    if (mode !== undefined) fs.writeFileSync(file, "#!/bin/sh\nexit 0\n", { mode });
    const run = await runCli(["exec", "acme-staging/Developer", "--", file], { env });
    expect(run.code).toBe(code);
  });

  it("login revokes the token it was given when the sign-in cannot be saved", async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-unsaved-"));
    const otherEnv = terminalEnv(other);
    // config.json a non-empty directory: the home passes the check, the save then fails.
    fs.mkdirSync(path.join(other, ".gatehouse", "config.json", "x"), {
      recursive: true,
      mode: 0o700,
    });
    fs.chmodSync(path.join(other, ".gatehouse"), 0o700);
    const before = new Set(
      (await stack.db.cliToken.findMany({ select: { id: true } })).map((t) => t.id),
    );
    const run = await login(otherEnv, [], async (code) => {
      expect((await decide(bob, code, "approve")).status).toBe(200);
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/could not be saved .*config\.json.*the new token was revoked/);
    // No valid token is left behind: the one issued for this login is revoked at the portal.
    const issued = (
      await stack.db.cliToken.findMany({ select: { id: true, revokedAt: true } })
    ).filter((t) => !before.has(t.id));
    expect(issued).toHaveLength(1);
    expect(issued[0]?.revokedAt).not.toBeNull();
  });

  it.each([["a GATEHOUSE_HOME every user may write to", 0o777]])(
    "login refuses %s before showing a code",
    async (_name, mode) => {
      const other = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-shared-"));
      fs.chmodSync(other, mode);
      const run = await runCli(["login"], {
        env: { ...terminalEnv(other), GATEHOUSE_HOME: other },
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/cannot save a sign-in in .*writable by every user/);
      expect(run.stderr).not.toMatch(/To sign in/);
    },
  );
});

describe("several portals (docs/CLI.md 'Several portals')", () => {
  it("signing in to a second portal keeps the sign-in to the first: both portals' commands work, and logout signs out of one only", async () => {
    // A second portal: another address, so another sign-in as far as the CLI knows (the CLI
    // knows a portal only by its address; this one's other name serves the same database).
    const second = { url: stack.portalUrl.replace("//localhost:", "//127.0.0.1:") };
    expect(second.url).not.toBe(stack.portalUrl);
    const twoHome = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-two-portals-"));
    const twoEnv = terminalEnv(twoHome, { GATEHOUSE_URL: undefined });
    for (const portal of [stack.portalUrl, second.url]) {
      const run = await login(
        twoEnv,
        ["--portal", portal, "--user", "bob@corp.example"],
        async (code) => {
          expect((await decide(bob, code, "approve")).status).toBe(200);
        },
      );
      expect(run.code, run.stderr).toBe(EXIT.ok);
    }
    for (const portal of [stack.portalUrl, second.url]) {
      const creds = await runCli(["creds", "acme-staging/Developer", "--portal", portal], {
        env: twoEnv,
      });
      expect(creds.code, `${portal}: ${creds.stderr}`).toBe(EXIT.ok);
    }
    const kept = path.join(twoHome, ".gatehouse", "portals");
    expect(modeOf(kept)).toBe(0o700);
    expect(fs.readdirSync(kept).map((f) => modeOf(path.join(kept, f)))).toEqual([0o600]);
    // Without --portal: the one logged in to last.
    const status = await runCli(["status"], { env: twoEnv });
    expect(status.code, status.stderr).toBe(EXIT.ok);
    expect(status.stdout).toContain(`Portal:        ${second.url}\n`);

    const out = await runCli(["logout", "--portal", stack.portalUrl], { env: twoEnv });
    expect(out.code, out.stderr).toBe(EXIT.ok);
    expect((await runCli(["ls", "--portal", stack.portalUrl], { env: twoEnv })).code).toBe(
      EXIT.notSignedIn,
    );
    const still = await runCli(["ls", "--portal", second.url], { env: twoEnv });
    expect(still.code, still.stderr).toBe(EXIT.ok);
  });
});

describe("a replica shedding load (docs/CLI.md, docs/OPERATIONS.md 'Overload')", () => {
  it("creds waits out a 503 overloaded and gets its credentials once the replica has room: one issuance, audited once", async () => {
    const replica = await startReplica(stack, { GATEHOUSE_MAX_CONCURRENT_REQUESTS: "1" });
    let held: http.ClientRequest | undefined;
    try {
      const replicaHome = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-cli-busy-"));
      const replicaEnv = terminalEnv(replicaHome, { GATEHOUSE_URL: replica.url });
      const signedIn = await login(replicaEnv, ["--user", "bob@corp.example"], async (code) => {
        expect((await decide(bob, code, "approve")).status).toBe(200);
      });
      expect(signedIn.code, signedIn.stderr).toBe(EXIT.ok);

      // One request whose body never ends fills the bound of 1.
      held = await holdRequestSlot(replica.url);
      await until(async () => (await fetch(`${replica.url}/accounts`)).status === 503);
      const issued = () => stack.db.auditEvent.count({ where: { action: "credentials.issued" } });
      const before = await issued();

      const run = runCli(["creds", "acme-staging/Developer"], { env: replicaEnv });
      const credentialAnswers = () =>
        replica
          .output()
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .map((line) => JSON.parse(line) as { message?: string; path?: string; status?: number })
          .filter((line) => line.message === "request" && line.path === "/api/v1/credentials")
          .map((line) => line.status);
      // Room again as soon as the CLI has been turned away once: it tries again after Retry-After.
      await until(() => Promise.resolve(credentialAnswers().includes(503)));
      held.destroy();

      const done = await run;
      expect(done.code, done.stderr).toBe(EXIT.ok);
      expect(JSON.parse(done.stdout)).toMatchObject({
        AccessKeyId: expect.stringMatching(/^ASIA/),
      });
      expect(done.stderr).not.toMatch(/busy|gatehouse:/i);
      expect(credentialAnswers()).toEqual([503, 200]);
      expect(await issued()).toBe(before + 1);
    } finally {
      held?.destroy();
      await replica.stop();
    }
  });
});

/** Polls `check` every 10 ms until it holds (the test's own timeout bounds it). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("logout", () => {
  it("revokes the token at the portal, forgets it and the cache; the next command says to log in", async () => {
    const tokenBefore = fs.readFileSync(path.join(home, ".gatehouse", "config.json"), "utf8");
    const run = await runCli(["logout"], { env });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(cacheFiles()).toEqual([]);
    const token = /gh_cli_[A-Za-z0-9_-]{43}/.exec(tokenBefore)![0];
    const me = await fetch(`${stack.portalUrl}/api/v1/me`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(401);
    const after = await runCli(["ls"], { env });
    expect(after.code).toBe(EXIT.notSignedIn);
    expect(after.stderr).toContain("gatehouse login");
  });
});
