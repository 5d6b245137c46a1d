import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { STSClient } from "@aws-sdk/client-sts";
import { afterAll, describe, expect, it } from "vitest";

import { credentialProcessConfig } from "@/components/credential-process-config";
import { formatCredentials, type TemporaryCredentials } from "@/lib/aws/credential-formats";

/**
 * The CLI credentials dialog tells people to save the credential_process download as
 * ~/.aws/<file> and paste a profile into ~/.aws/config. Done exactly as it says, the real AWS
 * clients must read the credentials back: botocore (the AWS CLI) runs the command without a shell,
 * the JavaScript SDK through one.
 */

const home = mkdtempSync(path.join(tmpdir(), "gatehouse-credential-process-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

// The SDKs refuse expired credential_process output, so this expiry is real time.
const creds: TemporaryCredentials = {
  accessKeyId: "ASIAEXAMPLE123456789",
  secretAccessKey: "wJalr+XUtn/FEMI=K7MDENG+bPx/RfiCYEXAMPLE=",
  sessionToken: "IQoJ+b3Jp/Z2lu=X2Vj+EJr//////////w==",
  expiration: new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000),
};
const profile = "acme-staging-Developer";
const fileName = `${profile}.json`;
mkdirSync(path.join(home, ".aws"));
writeFileSync(
  path.join(home, ".aws", fileName),
  formatCredentials(creds, { profileName: profile })["credential-process"],
);
writeFileSync(
  path.join(home, ".aws", "config"),
  credentialProcessConfig({ profile, fileName, region: "eu-west-1", isWindows: false }) + "\n",
);
// Only HOME and PATH: where the files are is found the way it is on a laptop.
const env = {
  HOME: home,
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  AWS_EC2_METADATA_DISABLED: "true",
} as unknown as NodeJS.ProcessEnv;

describe("the credential_process profile the dialog suggests works as pasted", () => {
  // Debian's AWS CLI (/usr/bin/aws, installed by .ci/run): `configure export-credentials` resolves
  // the profile through botocore, which runs credential_process without a shell.
  it("the AWS CLI runs it (no shell) and reads the credentials", () => {
    const stdout = execFileSync(
      "/usr/bin/aws",
      ["configure", "export-credentials", "--profile", profile, "--format", "process"],
      { env, encoding: "utf8" },
    );
    const exported = JSON.parse(stdout) as Record<string, unknown>;
    expect([exported.AccessKeyId, exported.SecretAccessKey, exported.SessionToken]).toStrictEqual([
      creds.accessKeyId,
      creds.secretAccessKey,
      creds.sessionToken,
    ]);
  });

  it("the AWS SDK for JavaScript runs it (through a shell) and reads the credentials", async () => {
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) {
      if (name.startsWith("AWS_")) delete process.env[name];
    }
    Object.assign(process.env, env);
    try {
      const client = new STSClient({ profile });
      const resolved = await client.config.credentials();
      client.destroy();
      expect(resolved).toMatchObject({
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        sessionToken: creds.sessionToken,
      });
    } finally {
      process.env = saved;
    }
  });
});
