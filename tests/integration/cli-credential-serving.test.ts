// The rules of the gatehouse CLI's credential-serving commands (docs/CLI.md) that the AWS SDKs and
// CLI rely on, driven through the compiled CLI against the running portal and the STS stand-in:
// serve's loopback-only Host rule, the SDKs' refresh window, exec's nesting and stale-variable
// rules, a --duration over the role's cap refused at start, a damaged cache entry, an unknown
// role's suggestions and a sign-in that ended.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { v1 } from "../support/cli-auth";
import { CLI_BIN, runCli, runProcess } from "../support/cli-process";
import {
  cacheEntries,
  getWithHost,
  signedInTerminal as terminalFor,
  startServe,
} from "../support/cli-terminal";
import { startTestStack, type TestStack } from "../support/stack";

const AWS_CLI = "/usr/bin/aws";
const ROLE = "acme-staging/Developer";
const EXIT = { ok: 0, usage: 2, notSignedIn: 3, refused: 4 };

let stack: TestStack;
let env: Record<string, string | undefined>;
const homes: string[] = [];

const issuedCount = () => stack.db.auditEvent.count({ where: { action: "credentials.issued" } });

const signedInTerminal = () => terminalFor(stack, homes);

beforeAll(async () => {
  stack = await startTestStack();
  env = await signedInTerminal();
});
afterAll(async () => {
  await stack?.stop();
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

describe("serve", () => {
  let server: ChildProcessWithoutNullStreams;
  let vars: Record<string, string>;
  beforeAll(async () => {
    ({ child: server, vars } = await startServe(env, [ROLE]));
  });
  afterAll(() => {
    server?.kill("SIGTERM");
  });

  it.each([
    ["another name (DNS rebinding)", 403, "rebound.example:PORT"],
    ["a name ending in the loopback address", 403, "127.0.0.1.rebound.example:PORT"],
    ["another port", 403, "127.0.0.1:1"],
    ["127.0.0.1", 200, "127.0.0.1:PORT"],
    ["localhost", 200, "localhost:PORT"],
  ])(
    "only loopback names: a request with the right token and Host %s gets %i",
    async (_name, status, host) => {
      const port = Number(vars.GATEHOUSE_SERVE_PORT);
      const res = await getWithHost(port, "/", {
        host: host.replace("PORT", String(port)),
        authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN!,
      });
      expect(res.status).toBe(status);
      if (status !== 200) expect(res.body).not.toMatch(/ASIA|SecretAccessKey/);
    },
  );

  it("never hands out credentials within botocore's 15-minute refresh window: they are renewed", async () => {
    const first = JSON.parse((await runCli(["creds", ROLE], { env })).stdout) as {
      AccessKeyId: string;
    };
    const file = cacheEntries(env).find((f) =>
      fs.readFileSync(f, "utf8").includes(first.AccessKeyId),
    )!;
    const entry = JSON.parse(fs.readFileSync(file, "utf8")) as {
      credentials: { expiration: string };
    };
    // Outside the JavaScript SDK's 5 minutes, inside botocore's 15 (and its blocking 10).
    entry.credentials.expiration = new Date(Date.now() + 8 * 60_000).toISOString();
    fs.writeFileSync(file, JSON.stringify(entry), { mode: 0o600 });

    const res = await fetch(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI!, {
      headers: { Authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN! },
    });
    expect(res.status).toBe(200);
    const served = (await res.json()) as { AccessKeyId: string; Expiration: string };
    expect(served.AccessKeyId).not.toBe(first.AccessKeyId);
    expect(served.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(served.Expiration) - Date.now()).toBeGreaterThan(15 * 60_000);
    const again = JSON.parse((await runCli(["creds", ROLE], { env })).stdout) as {
      AccessKeyId: string;
    };
    expect(again.AccessKeyId).toBe(served.AccessKeyId);
  });
});

describe("serve --duration over the default role's cap is refused at start, before listening", () => {
  it.each([
    // bob's rule on acme-staging/Developer allows 4 hours (the role itself 12).
    [
      "over the access rule's limit",
      ["acme-staging/Developer", "--duration", "8h"],
      /acme-staging\/Developer allows for CLI credentials: at most 4h \(14400s\), your access rule's limit$/,
    ],
    [
      "named by alias, in other letter case",
      ["ACME-STG/developer", "--duration", "43200"],
      /acme-staging\/Developer allows .*at most 4h \(14400s\)/,
    ],
    [
      "over the role's own maximum",
      ["acme-sandbox/DataScience", "--duration", "3h"],
      /acme-sandbox\/DataScience allows .*at most 2h \(7200s\)/,
    ],
  ])(
    "%s: one line naming the limit, exit 2, no variables printed",
    async (_name, args, message) => {
      const issued = await issuedCount();
      const run = await runCli(["serve", ...args], { env });
      expect(run.code, run.stderr).toBe(EXIT.usage);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr.trim()).toMatch(message);
      expect(run.stdout).toBe("");
      expect(await issuedCount()).toBe(issued);
    },
  );

  it("a role the portal refuses stops serve at start with the portal's reason, no variables printed", async () => {
    const run = await runCli(["serve", "acme-staging/Developr"], { env });
    expect(run.code, run.stderr).toBe(EXIT.refused);
    expect(run.stderr).toContain("acme-staging/Developer?");
    expect(run.stdout).toBe("");
  });

  it("a portal that can't issue at start (AWS unavailable): serve warns, serves anyway, and answers once it can", async () => {
    const fresh = await signedInTerminal(); // an empty cache: nothing to fall back on
    stack.aws.setFault("default", { serverError: 503 });
    let started: Awaited<ReturnType<typeof startServe>>;
    try {
      started = await startServe(fresh, [ROLE]);
    } finally {
      stack.aws.clearFaults();
    }
    const { child, vars } = started;
    try {
      const stderr = await new Promise<string>((resolve) => {
        let text = "";
        child.stderr.on("data", (d: Buffer) => {
          text += d.toString();
          if (text.includes("serving credentials on")) resolve(text);
        });
      });
      expect(stderr).toMatch(
        /^gatehouse: warning: could not fetch acme-staging\/Developer at start: .*; serving anyway and trying again every minute\n/,
      );
      const res = await fetch(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI!, {
        headers: { Authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN! },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { AccountId: string }).AccountId).toBe("345678901234");
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("a duration within the cap starts as before", async () => {
    const { child, vars } = await startServe(env, ["acme-staging/Developer", "--duration", "4h"]);
    try {
      expect(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

describe("exec", () => {
  it.each([
    ["GATEHOUSE_SESSION", "acme-sandbox/Developer"],
    ["AWS_VAULT", "old-profile"],
  ])(
    "refuses to nest inside another session (%s set): exit 2, one line, nothing issued",
    async (name, value) => {
      const before = await issuedCount();
      const run = await runCli(["exec", ROLE, "--", "true"], { env: { ...env, [name]: value } });
      expect(run.code, run.stderr).toBe(EXIT.usage);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain(name);
      expect(await issuedCount()).toBe(before);
    },
  );

  it("refuses to nest: a gatehouse exec inside a gatehouse exec exits 2", async () => {
    const run = await runCli(
      ["exec", ROLE, "--", process.execPath, CLI_BIN, "exec", ROLE, "--", "true"],
      { env },
    );
    expect(run.code, run.stderr).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/already in a credential session for "acme-staging\/Developer"/);
  });

  it("clears stale AWS_DEFAULT_PROFILE, AWS_PROFILE and AWS_SECURITY_TOKEN: the real AWS CLI is the role", async () => {
    const run = await runCli(
      [
        "exec",
        ROLE,
        "--region",
        "us-east-1",
        "--",
        AWS_CLI,
        "sts",
        "get-caller-identity",
        "--endpoint-url",
        stack.aws.stsEndpoint,
        "--output",
        "json",
      ],
      {
        env: {
          ...env,
          AWS_DEFAULT_PROFILE: "left-over",
          AWS_PROFILE: "left-over",
          AWS_SECURITY_TOKEN: "stale-token",
        },
      },
    );
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect((JSON.parse(run.stdout) as { Arn: string }).Arn).toMatch(/assumed-role\/Developer\//);
    const seen = await runCli(
      [
        "exec",
        ROLE,
        "--",
        process.execPath,
        "-e",
        "process.stdout.write(JSON.stringify(process.env))",
      ],
      { env: { ...env, AWS_DEFAULT_PROFILE: "x", AWS_SECURITY_TOKEN: "stale-token" } },
    );
    const childEnv = JSON.parse(seen.stdout) as Record<string, string>;
    expect(childEnv.AWS_DEFAULT_PROFILE).toBeUndefined();
    expect(childEnv.AWS_SECURITY_TOKEN).toBeUndefined();
    expect(childEnv.GATEHOUSE_SESSION).toBe(ROLE);
  });
});

describe("exec passes signals on and the command's exit code back", () => {
  it.each([
    ["SIGTERM, handled by the command", 7, "SIGTERM" as const, "process.exit(7)"],
    ["SIGINT, not handled: 128+2", 130, "SIGINT" as const, ""],
  ])("%s: exit %i", async (_name, code, signal, onSignal) => {
    const program = `${onSignal ? `process.on("${signal}", () => ${onSignal});` : ""}
setInterval(() => undefined, 1000); console.log("ready");`;
    const child = spawn(
      process.execPath,
      [CLI_BIN, "exec", ROLE, "--", process.execPath, "-e", program],
      { env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()),
    );
    child.kill(signal);
    expect(await exited, stderr).toBe(code);
  });
});

describe("env", () => {
  it("unsets stale AWS_DEFAULT_PROFILE, AWS_PROFILE and AWS_SECURITY_TOKEN: the real AWS CLI in bash is the role", async () => {
    const exports = await runCli(["env", ROLE, "--shell", "bash", "--region", "us-east-1"], {
      env,
    });
    expect(exports.code, exports.stderr).toBe(EXIT.ok);
    const script = `${exports.stdout}
test -z "\${AWS_SECURITY_TOKEN+set}" || exit 90
${AWS_CLI} sts get-caller-identity --endpoint-url ${stack.aws.stsEndpoint} --output json`;
    const run = await runProcess("bash", ["-c", script], {
      env: {
        ...env,
        AWS_DEFAULT_PROFILE: "left-over",
        AWS_PROFILE: "left-over",
        AWS_SECURITY_TOKEN: "stale-token",
      },
    });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect((JSON.parse(run.stdout) as { Arn: string }).Arn).toMatch(/assumed-role\/Developer\//);
  });
});

describe("credential_process", () => {
  it.each([
    ["truncated", (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ["empty", () => ""],
    ["not credentials", () => JSON.stringify({ version: 1, credentials: { accessKeyId: 7 } })],
  ])(
    "a %s cache entry is a miss: new credentials, the entry rewritten 0600",
    async (_n, damage) => {
      const args = ["creds", "acme-sandbox/Developer", "--duration", "2000"];
      const first = await runCli(args, { env });
      expect(first.code, first.stderr).toBe(EXIT.ok);
      const key = (JSON.parse(first.stdout) as { AccessKeyId: string }).AccessKeyId;
      const file = cacheEntries(env).find((f) => fs.readFileSync(f, "utf8").includes(key))!;
      fs.writeFileSync(file, damage(fs.readFileSync(file, "utf8")));
      const second = await runCli(args, { env });
      expect(second.code, second.stderr).toBe(EXIT.ok);
      expect(JSON.parse(second.stdout)).toMatchObject({ Version: 1 });
      expect(second.stderr).toBe("");
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).toHaveProperty("credentials");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    },
  );

  it.each([
    ["a typo in the account", "acme-stagin/Developer", "acme-staging/Developer"],
    ["a typo in the role", "acme-staging/Developr", "acme-staging/Developer"],
    ["a letter swapped", "acme-stgaing/Developer", "acme-staging/Developer"],
  ])(
    "an unknown role (%s) suggests the close ones: exit 4, one line",
    async (_name, typed, close) => {
      const run = await runCli(["creds", typed], { env });
      expect(run.code, run.stderr).toBe(EXIT.refused);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain(`did you mean ${close}`);
    },
  );

  it("an unknown role nothing like any of yours gets no suggestion", async () => {
    const run = await runCli(["creds", "zzzzzzzz/Qqqqqq"], { env });
    expect(run.code).toBe(EXIT.refused);
    expect(run.stderr).not.toContain("did you mean");
  });
});

describe("a sign-in the portal no longer accepts", () => {
  it("serve answers at once with a clear message (not a hang), and the AWS CLI shows it", async () => {
    const ended = await signedInTerminal();
    // No default role: serve would have fetched it at start, and cached credentials are still
    // served until they are due for renewal.
    const { child, vars } = await startServe(ended, []);
    const uri = `http://127.0.0.1:${vars.GATEHOUSE_SERVE_PORT}/role/${ROLE}`;
    try {
      const config = JSON.parse(
        fs.readFileSync(path.join(ended.GATEHOUSE_HOME!, "config.json"), "utf8"),
      ) as { token: string };
      expect((await v1(stack, "/token", { method: "DELETE", token: config.token })).status).toBe(
        204,
      );
      const res = await fetch(uri, {
        headers: { Authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN! },
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(await res.text()).toContain("gatehouse login");
      const aws = await runProcess(
        AWS_CLI,
        ["sts", "get-caller-identity", "--endpoint-url", stack.aws.stsEndpoint],
        {
          env: {
            ...ended,
            AWS_DEFAULT_REGION: "us-east-1",
            AWS_CONTAINER_CREDENTIALS_FULL_URI: uri,
            AWS_CONTAINER_AUTHORIZATION_TOKEN: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN,
          },
        },
      );
      expect(aws.code).not.toBe(0);
      expect(aws.stderr).toContain("gatehouse login");
    } finally {
      child.kill("SIGTERM");
    }
  });
});
