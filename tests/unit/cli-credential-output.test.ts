import { execFileSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { IssuedCredentials } from "@/cli/gatehouse/api-types";
import { credentialProcessJson } from "@/cli/gatehouse/credentials";
import { commandEnvironment, exitCodeOf } from "@/cli/gatehouse/commands/exec";
import { shellFormat } from "@/cli/gatehouse/commands/env";
import { credentialHandler, isLoopbackHost, roleForPath } from "@/cli/gatehouse/commands/serve";
import { CliError, EXIT } from "@/cli/gatehouse/exit-codes";
import { isOpenableUrl } from "@/cli/gatehouse/open-browser";
import {
  credentialProcessCommand,
  profileNameFor,
  quoteCommandWord,
} from "@/cli/gatehouse/profile-names";

const creds: IssuedCredentials = {
  accessKeyId: "ASIAEXAMPLE123456789",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY=",
  sessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc/def==",
  expiration: "2026-11-26T12:39:10.123Z",
  durationSeconds: 3600,
  region: "eu-west-1",
  account: { accountId: "123456789012", name: "acme" },
  roleName: "Developer",
};

describe("credential_process output", () => {
  it("is exactly {Version: 1, AccessKeyId, SecretAccessKey, SessionToken, Expiration} with whole-second UTC", () => {
    const parsed = JSON.parse(credentialProcessJson(creds)) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      "Version",
      "AccessKeyId",
      "SecretAccessKey",
      "SessionToken",
      "Expiration",
    ]);
    expect(parsed).toEqual({
      Version: 1,
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      SessionToken: creds.sessionToken,
      Expiration: "2026-11-26T12:39:10Z",
    });
  });

  it.each([
    ["accessKeyId", { accessKeyId: "not-a-key" }],
    ["secretAccessKey", { secretAccessKey: "with space" }],
    ["sessionToken", { sessionToken: "line\nbreak" }],
  ])("refuses an unsafe %s without echoing it", (field, change) => {
    expect(() => credentialProcessJson({ ...creds, ...change })).toThrow(new RegExp(`^${field} `));
  });
});

describe("gatehouse exec", () => {
  it("sets the six AWS variables and the session, unsets competing AWS_* variables, keeping the rest", () => {
    const env = commandEnvironment(
      {
        PATH: "/bin",
        AWS_PROFILE: "other",
        AWS_DEFAULT_PROFILE: "other",
        AWS_SECURITY_TOKEN: "stale",
        AWS_CONTAINER_AUTHORIZATION_TOKEN: "outer-serve",
        AWS_REGION: "us-east-1",
        AWS_CONFIG_FILE: "/c",
      },
      creds,
      "acme/Developer",
    );
    expect(env).toEqual({
      PATH: "/bin",
      AWS_CONFIG_FILE: "/c",
      GATEHOUSE_SESSION: "acme/Developer",
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_SESSION_TOKEN: creds.sessionToken,
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
      AWS_CREDENTIAL_EXPIRATION: "2026-11-26T12:39:10Z",
    });
  });

  it.each([
    [0, null, 0],
    [3, null, 3],
    [null, "SIGINT", 130],
    [null, "SIGTERM", 143],
    [null, "SIGKILL", 137],
  ] as const)("exit %j / signal %j → %i", (code, signal, expected) => {
    expect(exitCodeOf(code, signal)).toBe(expected);
  });
});

describe("gatehouse env picks the shell syntax", () => {
  it.each([
    [undefined, "/bin/bash", "linux", "bash"],
    [undefined, "/usr/bin/zsh", "darwin", "bash"],
    [undefined, "/usr/local/bin/fish", "linux", "fish"],
    [undefined, "/usr/bin/pwsh", "linux", "powershell"],
    [undefined, "/bin/tcsh", "linux", "bash"],
    [undefined, undefined, "win32", "powershell"],
    ["fish", "/bin/bash", "linux", "fish"],
    ["cmd", "/bin/bash", "linux", "cmd"],
    ["zsh", undefined, "linux", "bash"],
  ] as const)("--shell %j with SHELL=%j on %s → %s", (flag, shell, platform, format) => {
    expect(shellFormat(flag, { shell, platform })).toBe(format);
  });
});

describe("setup-profiles names and command lines", () => {
  it.each([
    ["", "acme staging", "Developer", "acme-staging.Developer"],
    ["gh-", "Ácme prod", "Admin", "gh-Acme-prod.Admin"],
    ["", "a.b", "Role+With=Chars", "a-b.Role-With-Chars"],
    ["", "x".repeat(80), "ReadOnly", `${"x".repeat(55)}.ReadOnly`],
    ["", "!!!", "Developer", undefined],
  ])("prefix %j, account %j, role %j → %j", (prefix, account, role, name) => {
    expect(profileNameFor(prefix, account, role)).toBe(name);
  });

  const awkward = [
    "/usr/bin/node",
    "/Users/Jane Doe/.nvm/versions/node/v20/bin/node",
    "/home/o'brien/gatehouse/cli/dist/gatehouse.mjs",
    "/opt/my #1 tools/gatehouse.mjs",
    '/opt/a;b $HOME `x` \\ "q"/gatehouse.mjs',
  ];

  it("sh and Python's shlex (the JS SDK and the AWS CLI) read the same words", () => {
    const line = awkward.map((word) => quoteCommandWord(word, "linux")).join(" ");
    const viaSh = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" })
      .split("\0")
      .slice(0, -1);
    expect(viaSh).toEqual(awkward);
    const viaShlex = execFileSync(
      "python3",
      ["-c", "import shlex,sys,json; print(json.dumps(shlex.split(sys.argv[1])))", line],
      {
        encoding: "utf8",
      },
    );
    expect(JSON.parse(viaShlex)).toEqual(awkward);
  });

  it("never leaves '#' or ';' after whitespace, where the JS SDK's INI reader starts a comment", () => {
    for (const word of awkward) expect(quoteCommandWord(word, "linux")).not.toMatch(/\s[#;]/);
  });

  it("leaves plain words unquoted", () => {
    expect(
      credentialProcessCommand(
        ["/usr/bin/node", "/opt/g/gatehouse.mjs"],
        "123456789012/Developer",
        "https://p.example",
        "eu-west-1",
        "linux",
      ),
    ).toBe(
      "/usr/bin/node /opt/g/gatehouse.mjs creds 123456789012/Developer --portal https://p.example --region eu-west-1",
    );
  });
});

describe("gatehouse serve", () => {
  const TOKEN = "local-token-123";
  let base = "";
  let server: http.Server;
  beforeAll(async () => {
    server = http.createServer(
      credentialHandler(
        TOKEN,
        "acme/Developer",
        (role) =>
          role === "acme/Developer" || role === "123456789012/Admin"
            ? Promise.resolve(creds)
            : Promise.reject(new CliError("No such role", EXIT.refused)),
        () => undefined,
        () => (server.address() as AddressInfo).port,
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ["no Authorization header", 401, "GET", "/", undefined],
    ["a wrong token", 403, "GET", "/", "nope"],
    ["a token differing in length", 403, "GET", "/", `${TOKEN}x`],
    ["a method other than GET", 405, "POST", "/", TOKEN],
    ["an unknown path", 404, "GET", "/credentials", TOKEN],
    ["a role path with an extra segment", 404, "GET", "/role/a/b/c", TOKEN],
    ["a role it may not have", 403, "GET", "/role/nope/nope", TOKEN],
  ])("answers %s with %i", async (_name, status, method, pathname, authorization) => {
    const res = await fetch(`${base}${pathname}`, {
      method,
      headers: authorization ? { authorization } : {},
    });
    expect(res.status).toBe(status);
    expect(await res.text()).not.toContain(creds.secretAccessKey);
  });

  it.each(["/", "/role/123456789012/Admin"])(
    "GET %s answers the container provider's JSON",
    async (pathname) => {
      const res = await fetch(`${base}${pathname}`, { headers: { authorization: TOKEN } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        AccessKeyId: creds.accessKeyId,
        SecretAccessKey: creds.secretAccessKey,
        Token: creds.sessionToken,
        Expiration: "2026-11-26T12:39:10Z",
        AccountId: "123456789012",
      });
    },
  );

  it.each([
    ["127.0.0.1:PORT", true],
    ["localhost:PORT", true],
    ["LOCALHOST:PORT", true],
    ["127.0.0.1:1", false],
    ["127.0.0.1", false],
    ["evil.example:PORT", false],
    ["127.0.0.1.evil.example:PORT", false],
    ["[::1]:PORT", false],
    [undefined, false],
  ])("serve accepts Host %j (DNS rebinding): %s", (host, ok) => {
    expect(isLoopbackHost(host?.replace("PORT", "9911"), 9911)).toBe(ok);
  });

  it.each([
    ["/", "d/r", "d/r"],
    ["/", undefined, undefined],
    ["/role/acme%20staging/Dev", undefined, "acme staging/Dev"],
    ["/role/a%2Fb/c", undefined, undefined],
    ["/role/%E0%A4%A/c", undefined, undefined],
  ])("path %j with default %j is role %j", (pathname, fallback, role) => {
    expect(roleForPath(pathname, fallback)).toBe(role);
  });
});

describe("what the CLI hands to the system's URL opener", () => {
  it.each([
    ["https://signin.aws.amazon.com/federation?Action=login", true],
    ["http://127.0.0.1:3200/federation", true],
    ["http://localhost:3000/device?code=BCDF-GHJK", true],
    ["http://gatehouse.example.com/device", false],
    ["file:///etc/passwd", false],
    ["javascript:alert(1)", false],
    ["ms-settings:", false],
    ["not a url", false],
  ])("%s: %s", (url, allowed) => {
    expect(isOpenableUrl(url)).toBe(allowed);
  });
});
