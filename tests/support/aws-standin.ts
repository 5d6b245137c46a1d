/**
 * Shared fixtures for the AWS stand-in's own tests: a small world with one role per rule, a
 * controllable clock, SDK clients pointed at the stand-in, and a raw SigV4 request helper for
 * what the SDK will not send (no Version, unknown actions, tampered bodies).
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { STSClient } from "@aws-sdk/client-sts";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsStandin, StandinWorld } from "@/dev/aws-standin/server";
import { totpCode } from "@/dev/aws-standin/totp";

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

export function roleArnOf(name: string, account = TEST_ACCOUNT): string {
  return `arn:aws:iam::${account}:role/${name}`;
}

/** One role per rule under test; names say what is special about each. */
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

/** A clock that runs in real time plus an offset tests move, so SigV4 still works. */
export interface TestClock {
  now: () => Date;
  readonly offsetMs: number;
  advance(ms: number): void;
  reset(): void;
}

export function createTestClock(): TestClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    get offsetMs() {
      return offsetMs;
    },
    advance: (ms) => {
      offsetMs += ms;
    },
    reset: () => {
      offsetMs = 0;
    },
  };
}

/**
 * An unmodified STSClient pointed at the stand-in. A fresh client per use matters: the SDK adopts
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
    retryStrategy?: RecordingRetryStrategy;
  } = {},
): STSClient {
  const endpoint = standin.stsEndpoints[options.endpointName ?? "default"];
  if (endpoint === undefined) throw new Error(`no STS endpoint ${options.endpointName}`);
  return new STSClient({
    endpoint,
    region: "us-east-1",
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
}

/**
 * POSTs a raw body to the stand-in's STS endpoint, SigV4-signed like the SDK would (or unsigned
 * when `keys` is null). `tamper` may change the body after signing.
 */
export async function rawStsRequest(
  standin: AwsStandin,
  body: string,
  options: {
    keys?: Keys | null;
    region?: string;
    service?: string;
    contentType?: string;
    headers?: Record<string, string>;
    tamper?: (signedBody: string) => string;
  } = {},
): Promise<RawResponse> {
  const url = new URL(standin.stsEndpoint);
  let headers: Record<string, string> = {
    host: url.host,
    "content-type": options.contentType ?? "application/x-www-form-urlencoded; charset=utf-8",
    ...options.headers,
  };
  const keys = options.keys === undefined ? testBroker : options.keys;
  if (keys !== null) {
    const signer = new SignatureV4({
      credentials: keys,
      region: options.region ?? "us-east-1",
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
  // fetch sets Host itself (to the same value that was signed).
  const sendable = { ...headers };
  delete sendable.host;
  const response = await fetch(standin.stsEndpoint, {
    method: "POST",
    headers: sendable,
    body: options.tamper ? options.tamper(body) : body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text,
    code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1],
  };
}
