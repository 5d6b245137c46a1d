// The broker's own credentials against the AWS stand-in with the real @aws-sdk/client-sts: long-term
// IAM user keys are exchanged once via GetSessionToken (single flight, refreshed 5 minutes before
// expiry) and sign everything else up to an hour; AWS treats AssumeRole from any temporary
// credentials (that session, the MFA session) as role chaining, so a longer session is signed with
// the long-term key, and MFA roles and brokers without long-term keys are capped at one hour;
// an admin's MFA unlock opens MFA-gated roles until locked.
import { httpStatusOf } from "@/lib/http/errors";
import { AssumeRoleCommand, GetSessionTokenCommand } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAwsStandin, type AwsStandin, type StsCallRecord } from "@/dev/aws-standin/server";
import { totpCode } from "@/dev/aws-standin/totp";
import { createStsBroker } from "@/lib/aws/sts-broker";
import type { FailoverClock } from "@/lib/aws/sts-retry-policy";
import type { AppConfig } from "@/lib/config";
import { brokerAwsConfig, endpointsSetting } from "../support/broker-config";
import { AppError } from "@/lib/errors";
import {
  keysOf,
  roleArnOf,
  stsClient,
  TEST_ACCOUNT,
  testBroker,
  testWorldWithBrokerMfa,
} from "../support/aws-standin";

const MFA_SERIAL = `arn:aws:iam::${TEST_ACCOUNT}:mfa/test-broker`;
const MFA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

let standin: AwsStandin;

beforeAll(async () => {
  const world = testWorldWithBrokerMfa({ serialNumber: MFA_SERIAL, totpSecret: MFA_SECRET });
  world.accounts[0]!.roles.push({
    name: "LongBreakGlass",
    maxSessionDurationSeconds: 43_200,
    trustedPrincipalArns: [testBroker.arn],
    allowsSourceIdentity: true,
    allowsTagSession: true,
    requiresMfa: true,
  });
  standin = await startAwsStandin({ world, stsEndpointNames: ["sts-a", "sts-b"] });
});
afterAll(async () => {
  await standin?.close();
});
beforeEach(async () => {
  await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
});

function awsConfig(overrides: Partial<AppConfig["aws"]> = {}): AppConfig["aws"] {
  return {
    ...brokerAwsConfig({
      AWS_REGION: "us-east-1",
      GATEHOUSE_STS_ENDPOINTS: endpointsSetting([
        standin.stsEndpoints["sts-a"]!,
        standin.stsEndpoints["sts-b"]!,
      ]),
      GATEHOUSE_FEDERATION_ENDPOINT: standin.federationEndpoint,
      GATEHOUSE_BROKER_ACCESS_KEY_ID: testBroker.accessKeyId,
      GATEHOUSE_BROKER_SECRET_ACCESS_KEY: testBroker.secretAccessKey,
    }),
    stsAttemptsPerEndpoint: 2,
    stsTimeoutMs: 2000,
    stsBackoffBaseMs: 20,
    brokerUsesSessionToken: true,
    brokerSessionSeconds: 43_200,
    brokerMfaSerial: MFA_SERIAL,
    ...overrides,
  };
}

/** The broker's clock only: AWS (the stand-in) keeps real time. */
function movableClock(): FailoverClock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: () => Math.random(),
    advance: (ms) => {
      offset += ms;
    },
  };
}

async function calls(action?: string): Promise<StsCallRecord[]> {
  const all = (await (await fetch(`${standin.url}/__standin/calls`)).json()) as StsCallRecord[];
  return action ? all.filter((c) => c.action === action) : all;
}

const request = (roleName: string, durationSeconds = 3600) => ({
  roleArn: roleArnOf(roleName),
  roleSessionName: "alice",
  sourceIdentity: "user-alice",
  durationSeconds,
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => new Error("expected a failure"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** A 6-digit code that is not valid now (nor one step either side). */
function wrongCode(): string {
  const valid = new Set(
    [-30_000, 0, 30_000].map((d) => totpCode(MFA_SECRET, new Date(Date.now() + d))),
  );
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, "0");
    if (!valid.has(candidate)) return candidate;
  }
}

describe("GetSessionToken exchange of long-term keys", () => {
  it("one exchange serves many concurrent AssumeRoles; the long-term key signs nothing else", async () => {
    // A generous per-attempt timeout: twenty at once on a busy machine must not time out and be
    // retried, which would add calls this test counts.
    const broker = createStsBroker(awsConfig({ stsTimeoutMs: 30_000 }));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => broker.assumeRole(request("Developer"))),
    );
    expect(results).toHaveLength(20);
    const all = await calls();
    const exchanges = all.filter((c) => c.action === "GetSessionToken");
    expect(exchanges).toHaveLength(1);
    expect(all.filter((c) => c.action === "GetCallerIdentity")).toHaveLength(1);
    const signedByLongTermKey = all.filter((c) => c.accessKeyId === testBroker.accessKeyId);
    expect(signedByLongTermKey.map((c) => c.action)).toEqual(["GetSessionToken"]);
    const assumeRoles = all.filter((c) => c.action === "AssumeRole");
    expect(assumeRoles).toHaveLength(20);
    const sessionKeys = new Set(assumeRoles.map((c) => c.accessKeyId));
    expect(sessionKeys.size).toBe(1);
    expect([...sessionKeys][0]).toMatch(/^ASIA/);
    // GetSessionToken credentials still act as the IAM user.
    expect(new Set(assumeRoles.map((c) => c.callerArn))).toEqual(new Set([testBroker.arn]));
    const status = await broker.getStatus();
    expect(status.credentialSource).toBe("explicit IAM user keys");
    expect(status.session).toMatchObject({ isUsed: true, accessKeyId: [...sessionKeys][0] });
  });

  it("asks for the configured DurationSeconds", async () => {
    const broker = createStsBroker(awsConfig({ brokerSessionSeconds: 3600 }));
    await broker.getBrokerIdentity();
    const [exchange] = await calls("GetSessionToken");
    expect(exchange!.durationSeconds).toBe(3600);
    const status = await broker.getStatus();
    const left = status.session.expiresAt!.getTime() - Date.now();
    expect(left).toBeGreaterThan(3500_000);
    expect(left).toBeLessThanOrEqual(3600_000);
  });

  it("the session is reused until 5 minutes before it expires, then exchanged anew", async () => {
    const clock = movableClock();
    const broker = createStsBroker(awsConfig(), { clock });
    await broker.assumeRole(request("Developer"));
    const expiresAt = (await broker.getStatus()).session.expiresAt!.getTime();
    clock.advance(expiresAt - Date.now() - 6 * 60_000); // 6 min before expiry
    await broker.assumeRole(request("Developer"));
    expect(await calls("GetSessionToken")).toHaveLength(1);
    clock.advance(2 * 60_000); // 4 min before expiry
    await broker.assumeRole(request("Developer"));
    const exchanges = await calls("GetSessionToken");
    expect(exchanges).toHaveLength(2);
    const assumeRoles = await calls("AssumeRole");
    expect(new Set(assumeRoles.map((c) => c.accessKeyId)).size).toBe(2);
  });

  // AWS caps AssumeRole from GetSessionToken credentials at one hour, as role chaining: a longer
  // session is signed with the long-term key itself (docs/AWS.md "Session length").
  it("a session longer than an hour is signed with the long-term key: AWS caps the exchanged session's at one hour", async () => {
    const broker = createStsBroker(awsConfig());
    await broker.assumeRole(request("Developer", 3600));
    const assumed = await broker.assumeRole(request("Developer", 43_200));
    expect(assumed.isRoleChained).toBe(false);
    expect(assumed.durationSeconds).toBe(43_200);
    const left = assumed.credentials.expiration.getTime() - Date.now();
    expect(left).toBeGreaterThan(43_100_000);
    const [hour, long] = await calls("AssumeRole");
    expect(hour).toMatchObject({ durationSeconds: 3600, errorCode: null });
    expect(hour!.accessKeyId).not.toBe(testBroker.accessKeyId);
    expect(long).toMatchObject({
      durationSeconds: 43_200,
      errorCode: null,
      accessKeyId: testBroker.accessKeyId,
    });
    expect(await broker.capsAtOneHour({})).toBe(false);
    const identity = await broker.getBrokerIdentity();
    expect(identity).toMatchObject({
      arn: testBroker.arn,
      isAssumedRole: false,
      usesSessionToken: true,
      credentialSource: "explicit IAM user keys",
    });
  });

  it("turned off, the long-term key signs AssumeRole itself", async () => {
    const broker = createStsBroker(awsConfig({ brokerUsesSessionToken: false }));
    await broker.assumeRole(request("Developer"));
    expect(await calls("GetSessionToken")).toHaveLength(0);
    expect((await calls("AssumeRole"))[0]!.accessKeyId).toBe(testBroker.accessKeyId);
    expect((await broker.getStatus()).session).toMatchObject({ isUsed: false });
  });

  it("explicit session credentials are used as they are (AWS refuses GetSessionToken with them)", async () => {
    const sts = stsClient(standin, testBroker);
    const keys = keysOf(await sts.send(new GetSessionTokenCommand({ DurationSeconds: 3600 })));
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    const broker = createStsBroker(
      awsConfig({ brokerCredentials: { ...keys, sessionToken: keys.sessionToken } }),
    );
    // Temporary credentials: AWS caps the session at one hour, so the broker asks for no more.
    const assumed = await broker.assumeRole(request("Developer", 43_200));
    expect(assumed).toMatchObject({ durationSeconds: 3600, isRoleChained: true });
    expect(await calls("GetSessionToken")).toHaveLength(0);
    expect((await calls("AssumeRole"))[0]).toMatchObject({
      accessKeyId: keys.accessKeyId,
      durationSeconds: 3600,
      errorCode: null,
    });
    const status = await broker.getStatus();
    expect(status.credentialSource).toBe("explicit session credentials");
    expect(status.roleChaining).toMatchObject({ isRoleChained: true });
    expect(status.roleChaining.explanation).toContain("capped at 1 hour");
    expect(status.mfa).toMatchObject({ isAvailable: false, state: "locked" });
  });
});

describe("MFA unlock for roles whose trust policy requires MFA", () => {
  it("a role requiring broker MFA is refused while locked, without calling AWS", async () => {
    const broker = createStsBroker(awsConfig());
    const error = await failure(
      broker.assumeRole({ ...request("BreakGlass"), requiresBrokerMfa: true }),
    );
    expect(error.code).toBe("broker_locked");
    expect(httpStatusOf(error)).toBe(409);
    expect(await calls("AssumeRole")).toHaveLength(0);
  });

  const malformed: Array<[string, string]> = [
    ["five digits", "12345"],
    ["seven digits", "1234567"],
    ["letters", "12a456"],
    ["empty", ""],
  ];
  for (const [name, code] of malformed) {
    it(`a malformed code (${name}) is a validation error and never reaches AWS`, async () => {
      const broker = createStsBroker(awsConfig());
      const error = await failure(broker.unlockWithMfa(code));
      expect(error.code).toBe("validation_error");
      expect(await calls("GetSessionToken")).toHaveLength(0);
    });
  }

  it("a wrong code is refused by AWS and the broker stays locked", async () => {
    const broker = createStsBroker(awsConfig());
    const error = await failure(broker.unlockWithMfa(wrongCode()));
    expect(error.code).toBe("aws_refused");
    expect(error.awsErrorCode).toBe("AccessDenied");
    expect(broker.getMfaStatus().state).toBe("locked");
    const [attempt] = await calls("GetSessionToken");
    expect(attempt).toMatchObject({ serialNumber: MFA_SERIAL, errorCode: "AccessDenied" });
  });

  it("the right code unlocks: the MFA role is issued with the MFA session, until lock()", async () => {
    const broker = createStsBroker(awsConfig());
    const status = await broker.unlockWithMfa(totpCode(MFA_SECRET, new Date()));
    expect(status.state).toBe("unlocked");
    expect(status.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 11 * 3600_000);

    const assumed = await broker.assumeRole({ ...request("BreakGlass"), requiresBrokerMfa: true });
    expect(assumed.assumedRoleArn).toContain(":assumed-role/BreakGlass/");
    // Ordinary roles keep using the ordinary session, not the MFA one.
    await broker.assumeRole(request("Developer"));
    const [breakGlass, developer] = await calls("AssumeRole");
    const exchanges = await calls("GetSessionToken");
    expect(exchanges.map((c) => c.serialNumber ?? null)).toEqual([MFA_SERIAL, null]);
    expect(breakGlass!.errorCode).toBeNull();
    expect(breakGlass!.accessKeyId).not.toBe(developer!.accessKeyId);

    await broker.lock();
    expect(broker.getMfaStatus()).toMatchObject({ state: "locked", expiresAt: null });
    const error = await failure(
      broker.assumeRole({ ...request("BreakGlass"), requiresBrokerMfa: true }),
    );
    expect(error.code).toBe("broker_locked");
  });

  it("a session from the MFA session is capped at one hour (AWS: role chaining), never sent longer", async () => {
    const broker = createStsBroker(awsConfig());
    await broker.unlockWithMfa(totpCode(MFA_SECRET, new Date()));
    const mfaRole = { ...request("LongBreakGlass", 43_200), requiresBrokerMfa: true };
    expect(await broker.capsAtOneHour(mfaRole)).toBe(true);
    const assumed = await broker.assumeRole(mfaRole);
    expect(assumed).toMatchObject({ durationSeconds: 3600, isRoleChained: true });
    const [call] = await calls("AssumeRole");
    expect(call).toMatchObject({ durationSeconds: 3600, errorCode: null });
    expect(call!.accessKeyId).not.toBe(testBroker.accessKeyId);
  });

  it("without the MFA session AWS itself refuses the MFA role (the gate is real)", async () => {
    const broker = createStsBroker(awsConfig());
    const error = await failure(broker.assumeRole(request("BreakGlass")));
    expect(error.awsErrorCode).toBe("AccessDenied");
  });

  it("an unlocked MFA session is dropped 5 minutes before it expires", async () => {
    const clock = movableClock();
    const broker = createStsBroker(awsConfig({ brokerSessionSeconds: 900 }), { clock });
    await broker.unlockWithMfa(totpCode(MFA_SECRET, new Date()));
    expect(broker.getMfaStatus().state).toBe("unlocked");
    clock.advance(11 * 60_000);
    expect(broker.getMfaStatus().state).toBe("locked");
    const error = await failure(
      broker.assumeRole({ ...request("BreakGlass"), requiresBrokerMfa: true }),
    );
    expect(error.code).toBe("broker_locked");
  });

  it("the unlock's shown expiry is when MFA roles start being refused, not AWS's later one", async () => {
    const clock = movableClock();
    const broker = createStsBroker(awsConfig({ brokerSessionSeconds: 900 }), { clock });
    const { expiresAt } = await broker.unlockWithMfa(totpCode(MFA_SECRET, new Date()));
    clock.advance(expiresAt!.getTime() - clock.now() - 1000);
    expect(broker.getMfaStatus()).toMatchObject({ state: "unlocked", expiresAt });
    await broker.assumeRole({ ...request("BreakGlass"), requiresBrokerMfa: true });
    clock.advance(1000);
    expect(broker.getMfaStatus()).toMatchObject({ state: "locked", expiresAt: null });
  });

  it("a device of another account than the broker's is refused by name, before any code is spent", async () => {
    const foreign = `arn:aws:iam::222222222222:mfa/test-broker`;
    const broker = createStsBroker(awsConfig({ brokerMfaSerial: foreign }));
    // What the admin sees on the Broker page, where the identity is read.
    const { mfa } = await broker.getStatus();
    expect(mfa).toMatchObject({ isAvailable: false, state: "locked" });
    expect(mfa.unavailableReason).toContain("222222222222");
    const error = await failure(broker.unlockWithMfa(totpCode(MFA_SECRET, new Date())));
    expect(error.code).toBe("validation_error");
    expect(error.publicMessage).toContain("GATEHOUSE_BROKER_MFA_SERIAL");
    expect(error.publicMessage).toContain("222222222222");
    expect(error.publicMessage).toContain(TEST_ACCOUNT);
    const unlocks = (await calls("GetSessionToken")).filter((c) => c.serialNumber !== undefined);
    expect(unlocks).toEqual([]);
  });

  it("unlock is unavailable without a configured MFA device", async () => {
    const broker = createStsBroker(awsConfig({ brokerMfaSerial: undefined }));
    expect(broker.getMfaStatus()).toMatchObject({ isAvailable: false });
    const error = await failure(broker.unlockWithMfa("123456"));
    expect(error.code).toBe("validation_error");
    expect(await calls("GetSessionToken")).toHaveLength(0);
  });
});

describe("a broker on role credentials (role chaining)", () => {
  it("is detected from GetCallerIdentity and caps every session at one hour", async () => {
    const sts = stsClient(standin, testBroker);
    const hop = keysOf(
      await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArnOf("Hop"),
          RoleSessionName: "gatehouse-broker",
          DurationSeconds: 43_200,
        }),
      ),
    );
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    const broker = createStsBroker(
      awsConfig({ brokerCredentials: { ...hop, sessionToken: hop.sessionToken } }),
    );
    const assumed = await broker.assumeRole(request("ChainTarget", 43_200));
    expect(assumed.isRoleChained).toBe(true);
    expect(assumed.durationSeconds).toBe(3600);
    expect((await calls("AssumeRole"))[0]!.durationSeconds).toBe(3600);
    const status = await broker.getStatus();
    expect(status.identity?.isAssumedRole).toBe(true);
    expect(status.roleChaining.isRoleChained).toBe(true);
    expect(status.roleChaining.explanation).toContain("capped at 1 hour");
    expect(status.session.isUsed).toBe(false);
  });
});

describe("a broker on the default chain's temporary credentials", () => {
  const VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] as const;
  let saved: Array<[string, string | undefined]> = [];
  beforeEach(() => {
    saved = VARIABLES.map((name) => [name, process.env[name]]);
  });
  afterEach(() => {
    for (const [name, value] of saved)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });

  /** The broker's credentials as the SDK's default chain finds them: in the environment. */
  function inEnvironment(keys: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  }) {
    process.env.AWS_ACCESS_KEY_ID = keys.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = keys.secretAccessKey;
    if (keys.sessionToken) process.env.AWS_SESSION_TOKEN = keys.sessionToken;
    else delete process.env.AWS_SESSION_TOKEN;
  }

  it("a GetSessionToken session (the IAM user's ARN, with a session token) caps every session at one hour", async () => {
    const sts = stsClient(standin, testBroker);
    const session = keysOf(await sts.send(new GetSessionTokenCommand({ DurationSeconds: 3600 })));
    inEnvironment(session);
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    const broker = createStsBroker(
      awsConfig({ brokerCredentials: undefined, brokerMfaSerial: undefined }),
    );
    expect(await broker.capsAtOneHour({ requiresBrokerMfa: false })).toBe(true);
    const assumed = await broker.assumeRole(request("Developer", 43_200));
    expect(assumed).toMatchObject({ durationSeconds: 3600, isRoleChained: true });
    expect((await calls("AssumeRole"))[0]).toMatchObject({
      durationSeconds: 3600,
      errorCode: null,
    });
    const status = await broker.getStatus();
    expect(status.identity?.arn).toBe(testBroker.arn);
    expect(status.roleChaining.isRoleChained).toBe(true);
    expect(status.roleChaining.explanation).toContain("capped at 1 hour");
  });

  it("an IAM user's long-term keys are not capped", async () => {
    inEnvironment(testBroker);
    const broker = createStsBroker(
      awsConfig({ brokerCredentials: undefined, brokerMfaSerial: undefined }),
    );
    expect(await broker.capsAtOneHour({ requiresBrokerMfa: false })).toBe(false);
    const assumed = await broker.assumeRole(request("Developer", 43_200));
    expect(assumed).toMatchObject({ durationSeconds: 43_200, isRoleChained: false });
    expect((await broker.getStatus()).roleChaining.isRoleChained).toBe(false);
  });
});
