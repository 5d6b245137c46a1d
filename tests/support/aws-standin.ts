/**
 * Shared fixtures for the AWS stand-in's own tests: a small world with one role per rule, a
 * controllable clock, SDK clients pointed at the stand-in, and a raw SigV4 request helper for
 * what the SDK will not send (no Version, unknown actions, tampered bodies).
 */
import http from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { STSClient } from "@aws-sdk/client-sts";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsStandin, StandinPartition, StandinWorld } from "@/dev/aws-standin/server";
import { totpCode } from "@/dev/aws-standin/totp";
import { escapeXml, type TestSigningKey } from "@/tests/support/saml-fixtures";

export const TEST_ACCOUNT = "111111111111";

export const testBroker = {
  accessKeyId: "AKIATESTBROKER000001",
  secretAccessKey: "test/broker+Secret=NotValidAnywhere00001",
  arn: `arn:aws:iam::${TEST_ACCOUNT}:user/test-broker`,
  account: TEST_ACCOUNT,
};

/** The test broker's virtual MFA device (tests compute its codes with totpCode). */
export const testBrokerMfa = {
  serialNumber: `arn:aws:iam::${TEST_ACCOUNT}:mfa/test-broker`,
  totpSecret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
};

/** The outsider's own MFA device: a real serial, but not the broker's. */
export const testOutsiderMfa = {
  serialNumber: `arn:aws:iam::${TEST_ACCOUNT}:mfa/outsider`,
  totpSecret: "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
};

/** A second IAM user that no role trusts. */
export const testOutsider = {
  accessKeyId: "AKIATESTOUTSIDER0002",
  secretAccessKey: "test/outsider+Secret=NotValidAnywhere002",
  arn: `arn:aws:iam::${TEST_ACCOUNT}:user/outsider`,
  account: TEST_ACCOUNT,
};

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function roleArnOf(
  name: string,
  account = TEST_ACCOUNT,
  partition: StandinPartition = "aws",
): string {
  return `arn:${partition}:iam::${account}:role/${name}`;
}

/** One role per rule under test; names say what is special about each. */
/**
 * The test world whose broker has an MFA device, with a one-hour BreakGlass role that trusts only
 * the broker and requires MFA (replacing the shared world's BreakGlass).
 */
export function testWorldWithBrokerMfa(device: {
  serialNumber: string;
  totpSecret: string;
}): StandinWorld {
  const world = testWorld();
  world.principals = world.principals.map((p) =>
    p.arn === testBroker.arn ? { ...p, mfaDevice: device } : p,
  );
  world.accounts[0]!.roles = world.accounts[0]!.roles.filter((r) => r.name !== "BreakGlass");
  world.accounts[0]!.roles.push({
    name: "BreakGlass",
    maxSessionDurationSeconds: 3600,
    trustedPrincipalArns: [testBroker.arn],
    allowsSourceIdentity: true,
    allowsTagSession: true,
    requiresMfa: true,
  });
  return world;
}

export function testWorld(): StandinWorld {
  const trustsBroker = {
    trustedPrincipalArns: [testBroker.arn],
    allowsSourceIdentity: true,
    allowsTagSession: true,
  };
  return {
    principals: [
      { ...testBroker, mfaDevice: testBrokerMfa },
      { ...testOutsider, mfaDevice: testOutsiderMfa },
    ],
    accounts: [
      {
        id: TEST_ACCOUNT,
        roles: [
          { name: "Developer", maxSessionDurationSeconds: 43200, ...trustsBroker },
          { name: "ReadOnly", maxSessionDurationSeconds: 3600, ...trustsBroker },
          {
            name: "NoSourceIdentity",
            maxSessionDurationSeconds: 3600,
            ...trustsBroker,
            allowsSourceIdentity: false,
          },
          {
            name: "NoTagSession",
            maxSessionDurationSeconds: 3600,
            ...trustsBroker,
            allowsTagSession: false,
          },
          {
            name: "Untrusted",
            maxSessionDurationSeconds: 3600,
            ...trustsBroker,
            trustedPrincipalArns: [],
          },
          // Trust policy condition aws:MultiFactorAuthPresent=true.
          {
            name: "BreakGlass",
            maxSessionDurationSeconds: 43200,
            ...trustsBroker,
            requiresMfa: true,
          },
          // Role chaining: the broker assumes Hop, and Hop's sessions may assume ChainTarget.
          { name: "Hop", maxSessionDurationSeconds: 43200, ...trustsBroker },
          {
            name: "ChainTarget",
            maxSessionDurationSeconds: 43200,
            ...trustsBroker,
            trustedPrincipalArns: [roleArnOf("Hop")],
          },
          // Trusts Hop's sessions, and only those that are MFA-authenticated.
          {
            name: "ChainedBreakGlass",
            maxSessionDurationSeconds: 3600,
            ...trustsBroker,
            trustedPrincipalArns: [roleArnOf("Hop")],
            requiresMfa: true,
          },
        ],
      },
    ],
  };
}

/** An AWS GovCloud (US) account and its broker user (keys work only on aws-us-gov endpoints). */
export const GOV_ACCOUNT = "222222222222";
export const govBroker = {
  accessKeyId: "AKIATESTGOVBROKER003",
  secretAccessKey: "test/gov+Secret=NotValidAnywhere00000003",
  arn: `arn:aws-us-gov:iam::${GOV_ACCOUNT}:user/gov-broker`,
  account: GOV_ACCOUNT,
};
export const govBrokerMfa = {
  serialNumber: `arn:aws-us-gov:iam::${GOV_ACCOUNT}:mfa/gov-broker`,
  totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
};

/** An AWS China account and its broker user (keys work only on aws-cn endpoints). */
export const CN_ACCOUNT = "333333333333";
export const cnBroker = {
  accessKeyId: "AKIATESTCNBROKER0004",
  secretAccessKey: "test/cn+Secret=NotValidAnywhere000000004",
  arn: `arn:aws-cn:iam::${CN_ACCOUNT}:user/cn-broker`,
  account: CN_ACCOUNT,
};

/**
 * testWorld plus a GovCloud and a China account, each with its own broker and roles: Developer
 * (trusts that broker), BreakGlass (also needs MFA), RootTrusted (trusts the account root in its
 * partition) and CommercialRoot (trusts the commercial ARN of that root: never matches).
 */
export function multiPartitionWorld(): StandinWorld {
  const world = testWorld();
  const rolesTrusting = (broker: string, root: string, commercialRoot: string) => {
    const base = { allowsSourceIdentity: true, allowsTagSession: true };
    return [
      {
        name: "Developer",
        maxSessionDurationSeconds: 43200,
        trustedPrincipalArns: [broker],
        ...base,
      },
      {
        name: "BreakGlass",
        maxSessionDurationSeconds: 3600,
        trustedPrincipalArns: [broker],
        requiresMfa: true,
        ...base,
      },
      {
        name: "RootTrusted",
        maxSessionDurationSeconds: 3600,
        trustedPrincipalArns: [root],
        ...base,
      },
      {
        name: "CommercialRoot",
        maxSessionDurationSeconds: 3600,
        trustedPrincipalArns: [commercialRoot],
        ...base,
      },
    ];
  };
  return {
    ...world,
    principals: [...world.principals, { ...govBroker, mfaDevice: govBrokerMfa }, cnBroker],
    accounts: [
      ...world.accounts,
      {
        id: GOV_ACCOUNT,
        partition: "aws-us-gov",
        roles: rolesTrusting(
          govBroker.arn,
          `arn:aws-us-gov:iam::${GOV_ACCOUNT}:root`,
          `arn:aws:iam::${GOV_ACCOUNT}:root`,
        ),
      },
      {
        id: CN_ACCOUNT,
        partition: "aws-cn",
        roles: rolesTrusting(
          cnBroker.arn,
          `arn:aws-cn:iam::${CN_ACCOUNT}:root`,
          `arn:aws:iam::${CN_ACCOUNT}:root`,
        ),
      },
    ],
  };
}

/** The broker whose keys work in a region's partition. */
export function brokerFor(region: string): Keys {
  if (region.startsWith("us-gov-")) return govBroker;
  if (region.startsWith("cn-")) return cnBroker;
  return testBroker;
}

/**
 * A clock that runs in real time plus an offset tests move, so SigV4 still works. `freeze()`
 * stops it (until `reset()`): then only `advance` moves it, so a test about an expiry measured in
 * seconds does not depend on how fast the machine is.
 */
export interface TestClock {
  now: () => Date;
  readonly offsetMs: number;
  advance(ms: number): void;
  freeze(): void;
  reset(): void;
}

export function createTestClock(): TestClock {
  let offsetMs = 0;
  let frozenAt: number | null = null;
  return {
    now: () => new Date((frozenAt ?? Date.now()) + offsetMs),
    get offsetMs() {
      return offsetMs;
    },
    advance: (ms) => {
      offsetMs += ms;
    },
    freeze: () => {
      frozenAt = Date.now();
    },
    reset: () => {
      offsetMs = 0;
      frozenAt = null;
    },
  };
}

/**
 * An unmodified STSClient pointed at the stand-in, signing for the region the endpoint serves
 * (or `region`, to prove what another scope gets). A fresh client per use matters: the SDK adopts
 * the server's clock from every response's Date header, so a shared client would carry one test's
 * clock offset into the next.
 */
export function stsClient(
  standin: AwsStandin,
  credentials: Keys,
  options: {
    maxAttempts?: number;
    systemClockOffset?: number;
    /** A name from AwsStandin.stsEndpoints; default "default". */
    endpointName?: string;
    /** The region to sign for; default the endpoint's (AwsStandin.stsEndpointRegions). */
    region?: string;
    retryStrategy?: RecordingRetryStrategy;
  } = {},
): STSClient {
  const name = options.endpointName ?? "default";
  const endpoint = standin.stsEndpoints[name];
  const region = options.region ?? standin.stsEndpointRegions[name];
  if (endpoint === undefined || region === undefined) throw new Error(`no STS endpoint ${name}`);
  return new STSClient({
    endpoint,
    region,
    credentials,
    maxAttempts: options.maxAttempts ?? 1,
    systemClockOffset: options.systemClockOffset,
    ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : {}),
  });
}

/** How the SDK's retry middleware classified an error (its RetryErrorInfo.errorType). */
export type SdkErrorType = "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR";

/**
 * A retry strategy (the SDK's RetryStrategyV2 shape) that retries like the standard one (only
 * THROTTLING and TRANSIENT errors, up to `maxAttempts`) but without backoff delays, and records
 * the SDK's own classification of every failed attempt.
 */
export interface RecordingRetryStrategy {
  errorTypes: SdkErrorType[];
  acquireInitialRetryToken(scope: string): Promise<RetryTokenLike>;
  refreshRetryTokenForRetry(
    token: RetryTokenLike,
    info: { errorType: SdkErrorType; error?: unknown },
  ): Promise<RetryTokenLike>;
  recordSuccess(token: RetryTokenLike): void;
}

interface RetryTokenLike {
  getRetryCount(): number;
  getRetryDelay(): number;
}

export function recordingRetryStrategy(maxAttempts: number): RecordingRetryStrategy {
  const token = (retries: number): RetryTokenLike => ({
    getRetryCount: () => retries,
    getRetryDelay: () => 0,
  });
  const errorTypes: SdkErrorType[] = [];
  return {
    errorTypes,
    acquireInitialRetryToken: () => Promise.resolve(token(0)),
    refreshRetryTokenForRetry: (previous, info) => {
      errorTypes.push(info.errorType);
      const retries = previous.getRetryCount() + 1;
      const isRetryable = info.errorType === "THROTTLING" || info.errorType === "TRANSIENT";
      // Rejecting ends the retries; the SDK then throws the attempt's own error.
      if (!isRetryable || retries >= maxAttempts) return Promise.reject(new Error("no retry"));
      return Promise.resolve(token(retries));
    },
    recordSuccess: () => undefined,
  };
}

/**
 * Moves the clock to the middle of a 30-second TOTP step, so codes computed for "now ± k steps"
 * cannot straddle a step boundary while a test runs (SigV4 tolerates the offset).
 */
export function centerInTotpStep(clock: TestClock): void {
  const intoStep = clock.now().getTime() % 30_000;
  clock.advance(15_000 - intoStep);
}

/** The device's code `steps` 30-second steps away from the clock's now. */
export function mfaCodeAt(
  device: { totpSecret: string },
  clock: { now: () => Date },
  steps = 0,
): string {
  return totpCode(device.totpSecret, new Date(clock.now().getTime() + steps * 30_000));
}

/** The parts of an SDK error tests assert on. */
export interface StsFailure {
  name: string;
  code: unknown;
  status: number | undefined;
  message: string;
  clockSkewCorrected: unknown;
}

/** Awaits a call that must fail and returns its code and status (throws if it succeeded). */
export async function stsFailure(call: Promise<unknown>): Promise<StsFailure> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & {
      Code?: unknown;
      $metadata?: { httpStatusCode?: number; clockSkewCorrected?: unknown };
    };
    return {
      name: e.name,
      code: e.Code,
      status: e.$metadata?.httpStatusCode,
      message: e.message,
      clockSkewCorrected: e.$metadata?.clockSkewCorrected,
    };
  }
  throw new Error("expected the STS call to fail, but it succeeded");
}

/** Credentials from an STS result, in the SDK's input shape. */
export function keysOf(result: {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string };
}): Keys {
  const c = result.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
    throw new Error("no credentials in result");
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
  /** `<Code>` of an ErrorResponse, if any. */
  code: string | undefined;
  /** `<Message>` of an ErrorResponse, XML entities decoded, if any. */
  message: string | undefined;
}

/**
 * POSTs a raw body to one of the stand-in's STS endpoints, SigV4-signed like the SDK would (or
 * unsigned when `keys` is null), for the endpoint's region unless `region` says otherwise.
 * `tamper` may change the body after signing; `host` sends (and signs) another Host header, e.g.
 * an AWS host name, to a local listener.
 */
export async function rawStsRequest(
  standin: AwsStandin,
  body: string,
  options: {
    keys?: Keys | null;
    endpointName?: string;
    region?: string;
    service?: string;
    host?: string;
    contentType?: string;
    headers?: Record<string, string>;
    tamper?: (signedBody: string) => string;
  } = {},
): Promise<RawResponse> {
  const name = options.endpointName ?? "default";
  const url = new URL(standin.stsEndpoints[name] ?? standin.stsEndpoint);
  let headers: Record<string, string> = {
    host: options.host ?? url.host,
    "content-type": options.contentType ?? "application/x-www-form-urlencoded; charset=utf-8",
    ...options.headers,
  };
  const keys = options.keys === undefined ? testBroker : options.keys;
  if (keys !== null) {
    const signer = new SignatureV4({
      credentials: keys,
      region: options.region ?? standin.stsEndpointRegions[name] ?? "us-east-1",
      service: options.service ?? "sts",
      sha256: Sha256,
    });
    const request = new HttpRequest({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      path: "/",
      headers,
      body,
    });
    headers = (await signer.sign(request)).headers;
  }
  return sendRaw(url.href, {
    method: "POST",
    headers,
    body: options.tamper ? options.tamper(body) : body,
  });
}

/**
 * Sends a request with exactly these headers (Host included: fetch would not let a test send an
 * AWS host name to a local listener) and reads the whole answer.
 */
export function sendRaw(
  url: string,
  request: { method: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) {
      headers["content-length"] = String(Buffer.byteLength(request.body));
    }
    const outgoing = http.request(
      url,
      { method: request.method, headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const headers = new Headers();
          for (const [key, value] of Object.entries(response.headers)) {
            for (const item of [value ?? []].flat()) headers.append(key, item);
          }
          resolve({
            status: response.statusCode ?? 0,
            headers,
            body: text,
            code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1],
            message: xmlText(/<Message>([^<]*)<\/Message>/.exec(text)?.[1]),
          });
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(request.body);
  });
}

function xmlText(escaped: string | undefined): string | undefined {
  const entities: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };
  return escaped?.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => entities[name] ?? "");
}

/** IdP metadata as an IdP publishes it, for registering a SAML provider (the fixtures have none). */
export function idpMetadata(entityId: string, keys: TestSigningKey[]): string {
  const keyDescriptors = keys
    .map(
      (key) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>` +
        `<ds:X509Certificate>${key.certificateBase64}</ds:X509Certificate>` +
        `</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escapeXml(entityId)}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keyDescriptors}` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.corp.example/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}
