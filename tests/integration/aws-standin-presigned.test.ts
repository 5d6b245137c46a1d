/**
 * Query-string (presigned) SigV4 for GetCallerIdentity, as Vault's and EKS's AWS auth send it:
 * `GET /?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=…&X-Amz-Signature=…`.
 * Requests are presigned with `SignatureV4.presign` from @smithy/signature-v4, the SDK's own
 * signer, and checked like header signatures: scope, key, time window, signature.
 */
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAwsStandin, type AwsStandin, type StsCallRecord } from "@/dev/aws-standin/server";
import {
  createTestClock,
  keysOf,
  roleArnOf,
  sendRaw,
  stsClient,
  TEST_ACCOUNT,
  testBroker,
  testWorld,
  type Keys,
  type RawResponse,
} from "@/tests/support/aws-standin";

const clock = createTestClock();
let standin: AwsStandin;

beforeAll(async () => {
  standin = await startAwsStandin({
    world: testWorld(),
    now: clock.now,
    stsEndpointNames: ["eu-west-1"],
  });
});
afterEach(() => clock.reset());
afterAll(async () => {
  await standin.close();
});

interface PresignOptions {
  keys?: Keys;
  endpointName?: string;
  region?: string;
  service?: string;
  expiresIn?: number;
  /** Default: the stand-in's now. */
  signingDate?: Date;
  /** The Host to sign and send (default the endpoint's own). */
  host?: string;
  /** More headers to sign and send, e.g. EKS's `x-k8s-aws-id`. */
  signedHeaders?: Record<string, string>;
  /** Sign `UNSIGNED-PAYLOAD` as the payload hash, as botocore's presigner does. */
  unsignedPayload?: boolean;
}

/** A presigned GetCallerIdentity URL for one of the stand-in's endpoints, and the Host it signed. */
async function presign(options: PresignOptions = {}): Promise<{ url: URL; host: string }> {
  const endpointName = options.endpointName ?? "default";
  const endpoint = new URL(standin.stsEndpoints[endpointName] ?? "");
  const host = options.host ?? endpoint.host;
  const headers: Record<string, string> = { host, ...options.signedHeaders };
  if (options.unsignedPayload) headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
  const signer = new SignatureV4({
    credentials: options.keys ?? testBroker,
    region: options.region ?? standin.stsEndpointRegions[endpointName] ?? "",
    service: options.service ?? "sts",
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: "GET",
      protocol: "http:",
      hostname: endpoint.hostname,
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers,
    }),
    {
      signingDate: options.signingDate ?? clock.now(),
      expiresIn: options.expiresIn ?? 60,
      ...(options.unsignedPayload
        ? {
            unhoistableHeaders: new Set(["x-amz-content-sha256"]),
            unsignableHeaders: new Set(["x-amz-content-sha256"]),
          }
        : {}),
    },
  );
  const url = new URL("/", endpoint);
  for (const [name, value] of Object.entries(presigned.query ?? {})) {
    for (const item of [value ?? []].flat()) url.searchParams.append(name, item);
  }
  return { url, host };
}

/** Sends a presigned URL as Vault and EKS do: a GET with the signed headers, nothing else. */
function send(
  presigned: { url: URL; host: string },
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return sendRaw(presigned.url.href, {
    method: "GET",
    headers: { host: presigned.host, ...headers },
  });
}

/** The URL with one query parameter set (or removed, with null) after signing. */
function edited(presigned: { url: URL; host: string }, name: string, value: string | null) {
  const url = new URL(presigned.url);
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return { url, host: presigned.host };
}

async function lastCall(): Promise<StsCallRecord | undefined> {
  const calls = (await (await fetch(`${standin.url}/__standin/calls`)).json()) as StsCallRecord[];
  return calls.at(-1);
}

describe("a presigned GetCallerIdentity is answered like a signed one", () => {
  it("names the IAM user for long-term keys, and the call log says the signature came in the query", async () => {
    const response = await send(await presign());
    expect(response.status).toBe(200);
    expect(response.body).toContain(`<Arn>${testBroker.arn}</Arn>`);
    expect(response.body).toContain(`<Account>${TEST_ACCOUNT}</Account>`);
    expect(await lastCall()).toMatchObject({
      action: "GetCallerIdentity",
      sigv4: "query",
      callerArn: testBroker.arn,
      errorCode: null,
    });
  });

  it("names the assumed role for temporary credentials carried with X-Amz-Security-Token", async () => {
    const assumed = await stsClient(standin, testBroker).send(
      new AssumeRoleCommand({ RoleArn: roleArnOf("Developer"), RoleSessionName: "vault-login" }),
    );
    const presigned = await presign({ keys: keysOf(assumed) });
    expect(presigned.url.searchParams.get("X-Amz-Security-Token")).toBe(
      assumed.Credentials?.SessionToken,
    );
    const response = await send(presigned);
    expect(response.status).toBe(200);
    expect(response.body).toContain(`<Arn>${assumed.AssumedRoleUser?.Arn}</Arn>`);
  });

  const accepted: Array<{
    rule: string;
    options: PresignOptions;
    headers?: Record<string, string>;
  }> = [
    { rule: "botocore's UNSIGNED-PAYLOAD payload hash", options: { unsignedPayload: true } },
    {
      rule: "EKS's signed x-k8s-aws-id header, sent along",
      options: { signedHeaders: { "x-k8s-aws-id": "prod-cluster" } },
      headers: { "x-k8s-aws-id": "prod-cluster" },
    },
    { rule: "an X-Amz-Expires of a week", options: { expiresIn: 604_800 } },
    {
      rule: "a request still inside its X-Amz-Expires",
      options: { expiresIn: 900, signingDate: new Date(Date.now() - 600_000) },
    },
    {
      rule: "an AWS host name, signed for its region",
      options: { host: "sts.eu-west-1.amazonaws.com", region: "eu-west-1" },
    },
    {
      rule: "a request to the eu-west-1 endpoint, signed for eu-west-1",
      options: { endpointName: "eu-west-1" },
    },
  ];

  it.each(accepted)("accepts $rule", async ({ options, headers }) => {
    const response = await send(await presign(options), headers);
    expect(response).toMatchObject({ status: 200, code: undefined });
  });
});

describe("presigned requests are refused with AWS's codes", () => {
  const refusals: Array<{
    rule: string;
    request: () => Promise<{ url: URL; host: string }>;
    headers?: Record<string, string>;
    code: string;
    status: number;
    message?: RegExp;
  }> = [
    {
      rule: "a signature made with the wrong secret",
      request: () => presign({ keys: { ...testBroker, secretAccessKey: "x".repeat(40) } }),
      code: "SignatureDoesNotMatch",
      status: 403,
      message: /^The request signature we calculated does not match/,
    },
    {
      rule: "a parameter added after signing",
      request: async () => edited(await presign(), "DurationSeconds", "900"),
      code: "SignatureDoesNotMatch",
      status: 403,
    },
    {
      rule: "X-Amz-Expires changed after signing",
      request: async () => edited(await presign({ expiresIn: 60 }), "X-Amz-Expires", "3600"),
      code: "SignatureDoesNotMatch",
      status: 403,
    },
    {
      rule: "a signed header that is not sent",
      request: () => presign({ signedHeaders: { "x-k8s-aws-id": "prod-cluster" } }),
      code: "SignatureDoesNotMatch",
      status: 403,
    },
    {
      rule: "a request past X-Amz-Date + X-Amz-Expires",
      request: () => presign({ expiresIn: 60, signingDate: new Date(Date.now() - 61_000) }),
      code: "SignatureDoesNotMatch",
      status: 403,
      message:
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 60 sec\.\)$/,
    },
    {
      rule: "a request signed more than 5 minutes ahead",
      request: () => presign({ signingDate: new Date(Date.now() + 6 * 60_000) }),
      code: "SignatureDoesNotMatch",
      status: 403,
      message: /^Signature not yet current: /,
    },
    {
      rule: "a scope naming another region than the endpoint's",
      request: () => presign({ region: "eu-west-1" }),
      code: "SignatureDoesNotMatch",
      status: 403,
      message: /^Credential should be scoped to a valid region, not 'eu-west-1'\. $/,
    },
    {
      rule: "a scope naming another region than the AWS host's",
      request: () => presign({ host: "sts.eu-west-1.amazonaws.com", region: "us-east-1" }),
      code: "SignatureDoesNotMatch",
      status: 403,
      message: /not 'us-east-1'/,
    },
    {
      rule: "a scope naming another service",
      request: () => presign({ service: "iam" }),
      code: "SignatureDoesNotMatch",
      status: 403,
    },
    {
      rule: "an unknown access key id",
      request: () =>
        presign({ keys: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "s".repeat(40) } }),
      code: "InvalidClientTokenId",
      status: 403,
    },
    {
      rule: "temporary credentials without X-Amz-Security-Token",
      request: async () => {
        const assumed = await stsClient(standin, testBroker).send(
          new AssumeRoleCommand({ RoleArn: roleArnOf("Developer"), RoleSessionName: "eks" }),
        );
        return presign({ keys: { ...keysOf(assumed), sessionToken: undefined } });
      },
      code: "InvalidClientTokenId",
      status: 403,
    },
    ...[
      ["X-Amz-Expires of 0", "0"],
      ["X-Amz-Expires over a week", "604801"],
      ["X-Amz-Expires that is no number", "1e3"],
    ].map(([rule = "", value = ""]) => ({
      rule: `an ${rule}`,
      request: async () => edited(await presign(), "X-Amz-Expires", value),
      code: "IncompleteSignature",
      status: 400,
      message: /^X-Amz-Expires must be a whole number of seconds from 1 to 604800/,
    })),
    ...["X-Amz-Signature", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires"].map((name) => ({
      rule: `no ${name}`,
      request: async () => edited(await presign(), name, null),
      code: "IncompleteSignature",
      status: 400,
      message: new RegExp(`^AWS query-string parameters must include '${name}'`),
    })),
    {
      rule: "another algorithm",
      request: async () => edited(await presign(), "X-Amz-Algorithm", "AWS4-HMAC-SHA1"),
      code: "IncompleteSignature",
      status: 400,
    },
    {
      rule: "a malformed X-Amz-Credential",
      request: async () => edited(await presign(), "X-Amz-Credential", "AKIATESTBROKER000001/x"),
      code: "IncompleteSignature",
      status: 400,
    },
    {
      rule: "both query-string and Authorization-header authentication",
      request: () => presign(),
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=y" },
      code: "IncompleteSignature",
      status: 400,
      message: /^Only one auth mechanism allowed/,
    },
  ];

  it.each(refusals)(
    "refuses $rule ($code)",
    async ({ request, headers, code, status, message }) => {
      const response = await send(await request(), headers);
      expect(response).toMatchObject({ status, code });
      if (message) expect(response.message).toMatch(message);
    },
  );

  it("refuses temporary credentials once they expire, however long the URL is valid (ExpiredToken)", async () => {
    const assumed = await stsClient(standin, testBroker).send(
      new AssumeRoleCommand({
        RoleArn: roleArnOf("Developer"),
        RoleSessionName: "eks",
        DurationSeconds: 900,
      }),
    );
    clock.advance(901_000);
    const response = await send(await presign({ keys: keysOf(assumed), expiresIn: 3600 }));
    expect(response).toMatchObject({ status: 403, code: "ExpiredToken" });
  });
});
