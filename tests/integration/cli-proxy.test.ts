// The gatehouse CLI behind a corporate proxy (docs/CLI.md "Proxies"): the compiled CLI with
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY set, against the running portal and the STS stand-in behind
// TLS (trusted through NODE_EXTRA_CA_CERTS) and a real CONNECT proxy that counts what it carries.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide } from "../support/cli-auth";
import { CLI_BIN, runCli } from "../support/cli-process";
import { signedInFor, signedInTerminal } from "../support/cli-terminal";
import { startConnectProxy, type ConnectProxy } from "../support/connect-proxy";
import { signIn } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";
import { makeCertificate, startTlsFront, type TlsCertificate } from "../support/tls-front";

const EXIT = { ok: 0, usage: 2, unavailable: 5 };
const ROLE = "acme-staging/Developer";
const PORTAL_NAME = "portal.gatehouse.test";
const STS_NAME = "sts.gatehouse.test";
const USER = "alice";
const PASSWORD = "p@ss:w0rd/42";

let stack: TestStack;
let certificate: TlsCertificate;
let proxy: ConnectProxy;
let authProxy: ConnectProxy;
const closers: Array<() => Promise<void>> = [];
const homes: string[] = [];
/** A signed-in terminal for the portal at https://portal.gatehouse.test:<port>, no proxy yet. */
let terminal: Record<string, string | undefined>;
/** The same, signed in to the portal at http://localhost:<port>. */
let loopbackTerminal: Record<string, string | undefined>;
let httpsPortal: string;
let httpsSts: string;
let httpSts: string;

const NO_PROXY_VARIABLES = ["http_proxy", "https_proxy", "no_proxy"].flatMap((name) => [
  name,
  name.toUpperCase(),
]);

/** `base` with only the proxy variables given (the runner's own ones cleared). */
function withProxy(
  base: Record<string, string | undefined>,
  variables: Record<string, string>,
): Record<string, string | undefined> {
  const cleared = Object.fromEntries(NO_PROXY_VARIABLES.map((name) => [name, undefined]));
  return { ...base, ...cleared, NODE_EXTRA_CA_CERTS: certificate.caFile, ...variables };
}

function authUrl(p: ConnectProxy, user: string, password: string): string {
  const url = new URL(p.url);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return url.href;
}

beforeAll(async () => {
  stack = await startTestStack();
  certificate = makeCertificate([PORTAL_NAME, STS_NAME]);
  const portalFront = await startTlsFront(certificate, stack.portalUrl);
  const stsFront = await startTlsFront(certificate, stack.aws.stsEndpoint);
  closers.push(
    () => portalFront.close(),
    () => stsFront.close(),
  );
  httpsPortal = `https://${PORTAL_NAME}:${portalFront.port}`;
  httpsSts = `https://${STS_NAME}:${stsFront.port}`;
  httpSts = `http://${STS_NAME}:${new URL(stack.aws.stsEndpoint).port}`;
  // The proxies resolve the test names to this machine, as a corporate proxy resolves real ones.
  const hosts = { [PORTAL_NAME]: "127.0.0.1", [STS_NAME]: "127.0.0.1" };
  proxy = await startConnectProxy({ hosts });
  authProxy = await startConnectProxy({ hosts, credentials: { user: USER, password: PASSWORD } });
  closers.push(
    () => proxy.close(),
    () => authProxy.close(),
  );

  loopbackTerminal = await signedInTerminal(stack, homes);
  terminal = signedInFor(await signedInTerminal(stack, homes), httpsPortal);
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await stack?.stop();
  certificate?.remove();
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

describe("through the proxy", () => {
  it("HTTPS_PROXY: ls and creds reach the portal through a CONNECT tunnel", async () => {
    const before = proxy.tunnels.length;
    const env = withProxy(terminal, { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
    const ls = await runCli(["ls", "--json"], { env });
    expect(ls.code, ls.stderr).toBe(EXIT.ok);
    expect(ls.stdout).toContain("acme-staging");
    const creds = await runCli(["creds", ROLE], { env });
    expect(creds.code, creds.stderr).toBe(EXIT.ok);
    expect(JSON.parse(creds.stdout)).toMatchObject({ Version: 1 });
    const opened = proxy.tunnels.slice(before);
    expect(opened.length).toBeGreaterThanOrEqual(2);
    expect(new Set(opened)).toEqual(new Set([new URL(httpsPortal).host]));
  });

  it("lower-case https_proxy and no_proxy are read too; a no_proxy for another name changes nothing", async () => {
    const before = proxy.tunnels.length;
    const env = withProxy(terminal, {
      https_proxy: proxy.url,
      no_proxy: "localhost,.corp.internal",
    });
    const run = await runCli(["status"], { env });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(proxy.tunnels.length).toBeGreaterThan(before);
  });

  it("whoami's STS call goes through HTTPS_PROXY (https) and HTTP_PROXY (http)", async () => {
    const creds = JSON.parse(
      (await runCli(["creds", ROLE], { env: withProxy(terminal, { HTTPS_PROXY: proxy.url }) }))
        .stdout,
    ) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const aws = {
      AWS_ACCESS_KEY_ID: creds.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey,
      AWS_SESSION_TOKEN: creds.SessionToken,
      AWS_REGION: "us-east-1",
    };
    const tunnels = proxy.tunnels.length;
    const https = await runCli(["whoami", "--json"], {
      env: withProxy(
        { ...terminal, ...aws, AWS_ENDPOINT_URL_STS: httpsSts },
        { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url },
      ),
    });
    expect(https.code, https.stderr).toBe(EXIT.ok);
    expect(https.stdout).toMatch(/assumed-role\/Developer\//);
    expect(proxy.tunnels.slice(tunnels)).toEqual([new URL(httpsSts).host]);

    const forwarded = proxy.forwarded.length;
    const http = await runCli(["whoami"], {
      env: withProxy(
        { ...terminal, ...aws, AWS_ENDPOINT_URL_STS: httpSts },
        { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url },
      ),
    });
    expect(http.code, http.stderr).toBe(EXIT.ok);
    expect(http.stdout).toMatch(/assumed-role\/Developer\//);
    expect(proxy.forwarded.slice(forwarded)).toEqual([`POST ${httpSts}/`]);
  });

  it("login's device flow goes through the proxy", async () => {
    const before = proxy.tunnels.length;
    const bob = await signIn(stack, "bob");
    const child = spawn(process.execPath, [CLI_BIN, "login"], {
      env: withProxy(terminal, { HTTPS_PROXY: proxy.url }) as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    const userCode = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const m = /\b([BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4})\b/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      void closed.then(() => reject(new Error(`login exited early: ${stderr}`)));
    });
    expect((await decide(bob, userCode, "approve")).status).toBe(200);
    expect(await closed, stderr).toBe(EXIT.ok);
    // Starting the flow, polling and the revocation of the token it replaced.
    expect(proxy.tunnels.length - before).toBeGreaterThanOrEqual(2);
  });
});

describe("around the proxy", () => {
  it.each([
    ["a leading-dot domain", ".gatehouse.test"],
    ["a domain suffix", "gatehouse.test"],
    ["the host name among others", `localhost, ${PORTAL_NAME}`],
    ["the host and its port", `${PORTAL_NAME}:PORT`],
    ["*", "*"],
  ])(
    "NO_PROXY naming %s: the CLI connects directly, the proxy carries nothing",
    async (_, rule) => {
      const before = proxy.tunnels.length;
      const noProxy = rule.replace("PORT", new URL(httpsPortal).port);
      const run = await runCli(["ls"], {
        env: withProxy(terminal, { HTTPS_PROXY: proxy.url, NO_PROXY: noProxy }),
      });
      // Directly, the test name does not resolve: only the proxy knows it.
      expect(run.code, run.stderr).toBe(EXIT.unavailable);
      expect(run.stderr).toMatch(
        new RegExp(
          `cannot reach the portal at ${httpsPortal.replace(/\./g, "\\.")}: (ENOTFOUND|EAI_AGAIN)`,
        ),
      );
      expect(proxy.tunnels.length).toBe(before);
    },
  );

  it("a portal on this machine (http://localhost) is reached directly, without NO_PROXY", async () => {
    const before = proxy.tunnels.length + proxy.forwarded.length;
    const run = await runCli(["ls"], {
      env: withProxy(loopbackTerminal, { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }),
    });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(proxy.tunnels.length + proxy.forwarded.length).toBe(before);
  });
});

describe("a proxy that requires a password", () => {
  it("works with user:password in the URL (Proxy-Authorization: Basic)", async () => {
    const before = authProxy.tunnels.length;
    const run = await runCli(["ls"], {
      env: withProxy(terminal, { HTTPS_PROXY: authUrl(authProxy, USER, PASSWORD) }),
    });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(authProxy.tunnels.length).toBe(before + 1);
  });

  it.each([
    [
      "without a user name and password",
      () => authProxy.url,
      /answered HTTP 407 when asked for portal\.gatehouse\.test:\d+: it wants a user name and password; put them in HTTPS_PROXY/,
    ],
    [
      "with the wrong password",
      () => authUrl(authProxy, USER, "wrong-secret"),
      /the proxy http:\/\/alice:\*\*\*\*@127\.0\.0\.1:\d+ \(HTTPS_PROXY\) answered HTTP 407 .*: it refused the user name and password in HTTPS_PROXY/,
    ],
  ])("fails %s: exit 5, one line naming the proxy and the variable", async (_, url, message) => {
    const run = await runCli(["ls"], { env: withProxy(terminal, { HTTPS_PROXY: url() }) });
    expect(run.code, run.stderr).toBe(EXIT.unavailable);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain("wrong-secret");
  });
});

describe("a proxy that is not there", () => {
  it("exit 5, one line naming the proxy (not the portal) and the variable", async () => {
    const gone = await startConnectProxy();
    await gone.close();
    const run = await runCli(["ls"], { env: withProxy(terminal, { https_proxy: gone.url }) });
    expect(run.code, run.stderr).toBe(EXIT.unavailable);
    expect(run.stderr).toBe(
      `gatehouse: cannot reach the proxy ${gone.url} (https_proxy): ECONNREFUSED\n`,
    );
  });
});

describe("a proxy URL that is not usable", () => {
  it.each([
    [
      "a port that is not a number",
      "HTTPS_PROXY",
      "http://alice:s3cret@proxy.corp:notaport",
      "alice:****@proxy.corp",
    ],
    [
      "no scheme and a bad port",
      "https_proxy",
      "alice:s3cret@proxy.corp:99999",
      "alice:****@proxy.corp",
    ],
    ["no host", "HTTP_PROXY", "http://alice:s3cret@:3128", "alice:****@:3128"],
    ["socks", "HTTPS_PROXY", "socks5://alice:s3cret@proxy.corp:1080", "only http:// and https://"],
  ])("%s: exit 2 naming the variable, the password masked", async (_, name, value, shown) => {
    for (const command of [["ls"], ["whoami"]]) {
      const run = await runCli(command, {
        env: withProxy(
          {
            ...terminal,
            AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
            AWS_SECRET_ACCESS_KEY: "x",
            AWS_REGION: "us-east-1",
          },
          { [name]: value },
        ),
      });
      expect(run.code, run.stderr).toBe(EXIT.usage);
      expect(run.stderr).toMatch(new RegExp(`^gatehouse: ${name} is not a usable proxy URL`));
      expect(run.stderr).toContain(shown);
      expect(run.stderr).not.toMatch(/s3c/);
    }
  });
});
