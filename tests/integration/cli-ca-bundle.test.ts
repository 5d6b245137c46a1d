// The gatehouse CLI with AWS_CA_BUNDLE (docs/CLI.md "Proxies"): the compiled CLI against the
// portal and the STS stand-in behind TLS whose certificate no built-in authority issued, trusted
// only through the bundle (NODE_EXTRA_CA_CERTS unset), directly and through a CONNECT proxy; a
// bundle that can't be used is exit 2 naming the variable, and an untrusted certificate says what
// to set.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli-process";
import { signedInFor, signedInTerminal } from "../support/cli-terminal";
import { startConnectProxy, type ConnectProxy } from "../support/connect-proxy";
import { startTestStack, type TestStack } from "../support/stack";
import { makeCertificate, startTlsFront, type TlsCertificate } from "../support/tls-front";

const EXIT = { ok: 0, usage: 2, unavailable: 5 };
const ROLE = "acme-staging/Developer";
const PORTAL_NAME = "portal.gatehouse.test";

let stack: TestStack;
let certificate: TlsCertificate;
let proxy: ConnectProxy;
const closers: Array<() => Promise<void>> = [];
const homes: string[] = [];
/** Signed in to the portal at https://localhost:<front>, reached directly. */
let direct: Record<string, string | undefined>;
/** Signed in to the portal at https://portal.gatehouse.test:<front>, reached through the proxy. */
let proxied: Record<string, string | undefined>;
let httpsSts: string;
let scratch: string;

/** A terminal's environment with only the trust and proxy settings given (the runner's cleared). */
function withTrust(
  base: Record<string, string | undefined>,
  settings: Record<string, string>,
): Record<string, string | undefined> {
  const cleared = Object.fromEntries(
    ["NODE_EXTRA_CA_CERTS", "AWS_CA_BUNDLE", "http_proxy", "https_proxy", "no_proxy"]
      .flatMap((name) => [name, name.toUpperCase()])
      .map((name) => [name, undefined]),
  );
  return { ...base, ...cleared, ...settings };
}

beforeAll(async () => {
  stack = await startTestStack();
  certificate = makeCertificate(["localhost", PORTAL_NAME]);
  const portalFront = await startTlsFront(certificate, stack.portalUrl);
  const stsFront = await startTlsFront(certificate, stack.aws.stsEndpoint);
  proxy = await startConnectProxy({ hosts: { [PORTAL_NAME]: "127.0.0.1" } });
  closers.push(
    () => portalFront.close(),
    () => stsFront.close(),
    () => proxy.close(),
  );
  httpsSts = `https://localhost:${stsFront.port}`;
  direct = signedInFor(
    await signedInTerminal(stack, homes),
    `https://localhost:${portalFront.port}`,
  );
  proxied = signedInFor(
    await signedInTerminal(stack, homes),
    `https://${PORTAL_NAME}:${portalFront.port}`,
  );
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-ca-bundle-"));
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await stack?.stop();
  certificate?.remove();
  for (const dir of [...homes, scratch]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("AWS_CA_BUNDLE is the authorities the CLI trusts for https://", () => {
  it("ls and creds reach a portal whose certificate only the bundle vouches for", async () => {
    const env = withTrust(direct, { AWS_CA_BUNDLE: certificate.caFile });
    const ls = await runCli(["ls", "--json"], { env });
    expect(ls.code, ls.stderr).toBe(EXIT.ok);
    expect(ls.stdout).toContain("acme-staging");
    const creds = await runCli(["creds", ROLE], { env });
    expect(creds.code, creds.stderr).toBe(EXIT.ok);
    expect(JSON.parse(creds.stdout)).toMatchObject({ Version: 1 });
  });

  it("without it, the untrusted certificate is exit 5 saying what to set", async () => {
    const run = await runCli(["ls"], { env: withTrust(direct, {}) });
    expect(run.code).toBe(EXIT.unavailable);
    expect(run.stderr).toContain("cannot reach the portal at https://localhost:");
    expect(run.stderr).toContain("point AWS_CA_BUNDLE or NODE_EXTRA_CA_CERTS at");
  });

  it("whoami's call to STS over https trusts the bundle too", async () => {
    const creds = JSON.parse(
      (
        await runCli(["creds", ROLE], {
          env: withTrust(direct, { AWS_CA_BUNDLE: certificate.caFile }),
        })
      ).stdout,
    ) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const aws = {
      AWS_ACCESS_KEY_ID: creds.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey,
      AWS_SESSION_TOKEN: creds.SessionToken,
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_STS: httpsSts,
    };
    const trusted = await runCli(["whoami", "--json"], {
      env: withTrust({ ...direct, ...aws }, { AWS_CA_BUNDLE: certificate.caFile }),
    });
    expect(trusted.code, trusted.stderr).toBe(EXIT.ok);
    expect(trusted.stdout).toMatch(/assumed-role\/Developer\//);
    const untrusted = await runCli(["whoami"], { env: withTrust({ ...direct, ...aws }, {}) });
    expect(untrusted.code).not.toBe(EXIT.ok);
  });

  it("through a CONNECT proxy, the tunnel's TLS trusts the bundle", async () => {
    const before = proxy.tunnels.length;
    const run = await runCli(["creds", ROLE], {
      env: withTrust(proxied, { AWS_CA_BUNDLE: certificate.caFile, HTTPS_PROXY: proxy.url }),
    });
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(proxy.tunnels.slice(before)).toContain(new URL(proxied.GATEHOUSE_URL!).host);
  });
});

describe("a bundle the CLI can't use is exit 2 naming AWS_CA_BUNDLE, before anything is sent", () => {
  it.each([
    [
      "a file that does not exist",
      () => path.join(scratch, "missing.pem"),
      /cannot be read \(ENOENT\)/,
    ],
    ["a directory", () => scratch, /cannot be read \(EISDIR\)/],
    [
      "a file with no PEM certificate",
      () => {
        const file = path.join(scratch, "not-pem.txt");
        fs.writeFileSync(file, "MIIB...just base64, no armour\n");
        return file;
      },
      /holds no PEM certificate/,
    ],
    [
      "a private key, not a certificate",
      () => {
        const file = path.join(scratch, "key.pem");
        fs.writeFileSync(file, certificate.key);
        return file;
      },
      /holds no PEM certificate/,
    ],
  ])("%s", async (_rule, bundle, reason) => {
    const file = bundle();
    // Not `creds`: a cached credential is answered without a request, so without reading the
    // bundle (a credential_process starts often; docs/CLI.md "Benchmark").
    for (const command of [["ls"], ["status"], ["whoami"]]) {
      const before = proxy.tunnels.length;
      const env =
        command[0] === "whoami"
          ? withTrust(
              {
                ...direct,
                AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
                AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                AWS_REGION: "us-east-1",
                AWS_ENDPOINT_URL_STS: httpsSts,
              },
              { AWS_CA_BUNDLE: file },
            )
          : withTrust(direct, { AWS_CA_BUNDLE: file });
      const run = await runCli(command, { env });
      expect(run.code, `${command.join(" ")}: ${run.stderr}`).toBe(EXIT.usage);
      expect(run.stderr).toContain(`AWS_CA_BUNDLE names ${JSON.stringify(file)}`);
      expect(run.stderr).toMatch(reason);
      expect(proxy.tunnels.length).toBe(before);
    }
  });
});
