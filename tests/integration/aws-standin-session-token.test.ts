/**
 * GetSessionToken and MFA as AWS does them, driven by the real @aws-sdk/client-sts: duration
 * bounds, MFA codes on the stand-in's controlled clock, session-credential callers refused, and
 * roles whose trust policy requires aws:MultiFactorAuthPresent.
 */
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  type AssumeRoleCommandInput,
  type GetSessionTokenCommandInput,
} from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAwsStandin, type AwsStandin, type StsCallRecord } from "@/dev/aws-standin/server";
import {
  centerInTotpStep,
  createTestClock,
  keysOf,
  mfaCodeAt,
  roleArnOf,
  stsClient,
  stsFailure,
  testBroker,
  testBrokerMfa,
  testOutsider,
  testOutsiderMfa,
  testWorld,
  type Keys,
} from "@/tests/support/aws-standin";

const INVALID_MFA = "MultiFactorAuthentication failed with invalid MFA one time pass code.";
const clock = createTestClock();
let standin: AwsStandin;

beforeAll(async () => {
  standin = await startAwsStandin({ world: testWorld(), now: clock.now });
});
beforeEach(() => centerInTotpStep(clock));
afterEach(() => clock.reset());
afterAll(async () => {
  await standin.close();
});

function sessionToken(keys: Keys, input: GetSessionTokenCommandInput = {}) {
  return stsClient(standin, keys).send(new GetSessionTokenCommand(input));
}

function assume(keys: Keys, input: Partial<AssumeRoleCommandInput> = {}) {
  return stsClient(standin, keys).send(
    new AssumeRoleCommand({
      RoleArn: roleArnOf("Developer"),
      RoleSessionName: "alice@corp.example",
      ...input,
    }),
  );
}

async function mfaSession(): Promise<Keys> {
  return keysOf(
    await sessionToken(testBroker, {
      SerialNumber: testBrokerMfa.serialNumber,
      TokenCode: mfaCodeAt(testBrokerMfa, clock),
    }),
  );
}

describe("GetSessionToken duration", () => {
  it.each([
    { rule: "defaults to 43,200 s", duration: undefined, expected: 43200 },
    { rule: "accepts the 900 s minimum", duration: 900, expected: 900 },
    { rule: "accepts 12 h", duration: 43200, expected: 43200 },
    { rule: "accepts the 129,600 s (36 h) maximum", duration: 129600, expected: 129600 },
  ])("$rule", async ({ duration, expected }) => {
    // The stand-in's clock stands still, so the call may take as long as a busy machine makes it.
    clock.freeze();
    const issuedAt = Math.floor(clock.now().getTime() / 1000) * 1000;
    const result = await sessionToken(testBroker, { DurationSeconds: duration });
    const expiresInMs = (result.Credentials?.Expiration?.getTime() ?? 0) - issuedAt;
    expect(Math.abs(expiresInMs - expected * 1000)).toBeLessThanOrEqual(1000);
  });

  it.each([
    { duration: 899, constraint: "Member must have value greater than or equal to 900" },
    { duration: 129601, constraint: "Member must have value less than or equal to 129600" },
  ])("refuses $duration s with AWS's ValidationError wording", async ({ duration, constraint }) => {
    const failure = await stsFailure(sessionToken(testBroker, { DurationSeconds: duration }));
    expect(failure).toMatchObject({ name: "ValidationError", status: 400 });
    expect(failure.message).toBe(
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: ${constraint}`,
    );
  });
});

describe("GetSessionToken with MFA", () => {
  const cases: Array<{
    rule: string;
    input: () => GetSessionTokenCommandInput;
    caller?: Keys;
    outcome: "mfa-session" | { name: string; status: number; message?: string };
  }> = [
    {
      rule: "the current code of the caller's device",
      input: () => ({
        SerialNumber: testBrokerMfa.serialNumber,
        TokenCode: mfaCodeAt(testBrokerMfa, clock),
      }),
      outcome: "mfa-session",
    },
    {
      rule: "the previous step's code (one step of drift)",
      input: () => ({
        SerialNumber: testBrokerMfa.serialNumber,
        TokenCode: mfaCodeAt(testBrokerMfa, clock, -1),
      }),
      outcome: "mfa-session",
    },
    {
      rule: "the next step's code (one step of drift)",
      input: () => ({
        SerialNumber: testBrokerMfa.serialNumber,
        TokenCode: mfaCodeAt(testBrokerMfa, clock, 1),
      }),
      outcome: "mfa-session",
    },
    {
      rule: "a code two steps old",
      input: () => ({
        SerialNumber: testBrokerMfa.serialNumber,
        TokenCode: mfaCodeAt(testBrokerMfa, clock, -2),
      }),
      outcome: { name: "AccessDenied", status: 403, message: INVALID_MFA },
    },
    {
      rule: "a code two steps ahead",
      input: () => ({
        SerialNumber: testBrokerMfa.serialNumber,
        TokenCode: mfaCodeAt(testBrokerMfa, clock, 2),
      }),
      outcome: { name: "AccessDenied", status: 403, message: INVALID_MFA },
    },
    {
      rule: "a wrong code",
      input: () => ({
        SerialNumber: testBrokerMfa.serialNumber,
        TokenCode: String((Number(mfaCodeAt(testBrokerMfa, clock)) + 1) % 1_000_000).padStart(
          6,
          "0",
        ),
      }),
      outcome: { name: "AccessDenied", status: 403, message: INVALID_MFA },
    },
    {
      rule: "another user's device with that device's right code",
      input: () => ({
        SerialNumber: testOutsiderMfa.serialNumber,
        TokenCode: mfaCodeAt(testOutsiderMfa, clock),
      }),
      outcome: { name: "AccessDenied", status: 403, message: INVALID_MFA },
    },
    {
      rule: "an unknown serial with the device's right code",
      input: () => ({
        SerialNumber: "arn:aws:iam::111111111111:mfa/nobody",
        TokenCode: mfaCodeAt(testBrokerMfa, clock),
      }),
      outcome: { name: "AccessDenied", status: 403, message: INVALID_MFA },
    },
    {
      rule: "SerialNumber without TokenCode",
      input: () => ({ SerialNumber: testBrokerMfa.serialNumber }),
      outcome: { name: "ValidationError", status: 400 },
    },
    {
      rule: "TokenCode without SerialNumber",
      input: () => ({ TokenCode: mfaCodeAt(testBrokerMfa, clock) }),
      outcome: { name: "ValidationError", status: 400 },
    },
    {
      rule: "a five-digit code",
      input: () => ({ SerialNumber: testBrokerMfa.serialNumber, TokenCode: "12345" }),
      outcome: { name: "ValidationError", status: 400 },
    },
    {
      rule: "a code with a letter",
      input: () => ({ SerialNumber: testBrokerMfa.serialNumber, TokenCode: "12345a" }),
      outcome: { name: "ValidationError", status: 400 },
    },
    {
      rule: "the outsider's own device and code (its own user)",
      caller: testOutsider,
      input: () => ({
        SerialNumber: testOutsiderMfa.serialNumber,
        TokenCode: mfaCodeAt(testOutsiderMfa, clock),
      }),
      outcome: "mfa-session",
    },
  ];

  it.each(cases)("$rule", async ({ input, caller, outcome }) => {
    const call = sessionToken(caller ?? testBroker, input());
    if (outcome === "mfa-session") {
      const keys = keysOf(await call);
      // MFA-authenticated: the MFA-requiring role now trusts the session.
      const assumed = await assume(keys, { RoleArn: roleArnOf("BreakGlass") }).catch(
        (error: Error) => error,
      );
      if (caller === testOutsider) {
        // The outsider's MFA session is MFA-authenticated, but no role trusts the outsider.
        expect(assumed).toMatchObject({ name: "AccessDenied" });
      } else {
        expect(assumed).not.toBeInstanceOf(Error);
      }
      return;
    }
    const failure = await stsFailure(call);
    expect(failure).toMatchObject({ name: outcome.name, status: outcome.status });
    if (outcome.message) expect(failure.message).toBe(outcome.message);
  });

  it("records the serial number, never the code", async () => {
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    const code = mfaCodeAt(testBrokerMfa, clock);
    await sessionToken(testBroker, { SerialNumber: testBrokerMfa.serialNumber, TokenCode: code });
    const text = await (await fetch(`${standin.url}/__standin/calls`)).text();
    const [record] = JSON.parse(text) as StsCallRecord[];
    expect(record).toMatchObject({
      action: "GetSessionToken",
      serialNumber: testBrokerMfa.serialNumber,
      errorCode: null,
    });
    expect(text).not.toContain(code);
  });

  it("accepts a reused code unless the stand-in rejects reuse, as AWS does", async () => {
    const strict = await startAwsStandin({
      world: testWorld(),
      now: clock.now,
      rejectReusedMfaCodes: true,
    });
    try {
      const input = {
        SerialNumber: testBrokerMfa.serialNumber,
        TokenCode: mfaCodeAt(testBrokerMfa, clock),
      };
      const send = () => stsClient(strict, testBroker).send(new GetSessionTokenCommand(input));
      await expect(send()).resolves.toBeDefined();
      const failure = await stsFailure(send());
      expect(failure).toMatchObject({ name: "AccessDenied", status: 403, message: INVALID_MFA });
      // The next step's code is a new code.
      clock.advance(30_000);
      const next = { ...input, TokenCode: mfaCodeAt(testBrokerMfa, clock) };
      await expect(
        stsClient(strict, testBroker).send(new GetSessionTokenCommand(next)),
      ).resolves.toBeDefined();
    } finally {
      await strict.close();
    }
    // The default stand-in accepts the same code twice.
    const code = mfaCodeAt(testBrokerMfa, clock);
    for (let i = 0; i < 2; i += 1) {
      await expect(
        sessionToken(testBroker, { SerialNumber: testBrokerMfa.serialNumber, TokenCode: code }),
      ).resolves.toBeDefined();
    }
  });
});

describe("GetSessionToken refuses callers on session credentials", () => {
  it.each([
    ["AssumeRole credentials", async () => keysOf(await assume(testBroker))],
    ["GetSessionToken credentials", async () => keysOf(await sessionToken(testBroker))],
    ["MFA GetSessionToken credentials", mfaSession],
  ])("%s", async (_kind, sessionKeys) => {
    const failure = await stsFailure(sessionToken(await sessionKeys()));
    expect(failure).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(failure.message).toBe("Cannot call GetSessionToken with session credentials");
  });
});

describe("GetSessionToken credentials act as the IAM user", () => {
  it("GetCallerIdentity names the IAM user", async () => {
    const identity = await stsClient(standin, await mfaSession()).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Arn).toBe(testBroker.arn);
    expect(identity.UserId).toMatch(/^AIDA/);
  });

  // AWS knowledge center, "iam-role-chaining-limit": AssumeRole from GetSessionToken credentials
  // is limited to one hour, like role chaining, though the session still acts as the user.
  it("AssumeRole from them is capped at one hour, as role chaining", async () => {
    const session = keysOf(await sessionToken(testBroker));
    clock.freeze();
    const issuedAt = Math.floor(clock.now().getTime() / 1000) * 1000;
    const assumed = await assume(session, { RoleArn: roleArnOf("Hop"), DurationSeconds: 3600 });
    const expiresInMs = (assumed.Credentials?.Expiration?.getTime() ?? 0) - issuedAt;
    expect(Math.abs(expiresInMs - 3600_000)).toBeLessThanOrEqual(1000);
    for (const DurationSeconds of [3601, 43200]) {
      const capped = await stsFailure(
        assume(session, { RoleArn: roleArnOf("Hop"), DurationSeconds }),
      );
      expect(capped).toMatchObject({ name: "ValidationError", status: 400 });
      expect(capped.message).toBe(
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
      );
    }
  });
});

describe("a role whose trust policy requires MFA", () => {
  const breakGlass = roleArnOf("BreakGlass");
  const refusal = `User: ${testBroker.arn} is not authorized to perform: sts:AssumeRole on resource: ${breakGlass}`;

  it.each([
    ["long-term keys", () => Promise.resolve<Keys>(testBroker)],
    ["a GetSessionToken session without MFA", async () => keysOf(await sessionToken(testBroker))],
  ])("refuses %s with AWS's AccessDenied", async (_kind, keys) => {
    const failure = await stsFailure(assume(await keys(), { RoleArn: breakGlass }));
    expect(failure).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(failure.message).toBe(refusal);
  });

  it("allows an MFA session for up to one hour (role chaining), reported as the user's session", async () => {
    const session = await mfaSession();
    const assumed = await assume(session, {
      RoleArn: breakGlass,
      DurationSeconds: 3600,
      SourceIdentity: "alice-0001",
    });
    expect(assumed.AssumedRoleUser?.Arn).toContain(":assumed-role/BreakGlass/alice@corp.example");
    const capped = await stsFailure(
      assume(session, { RoleArn: breakGlass, DurationSeconds: 43200 }),
    );
    expect(capped).toMatchObject({ name: "ValidationError", status: 400 });
    expect(capped.message).toBe(
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  });

  it("allows AssumeRole that carries the caller's SerialNumber and a current TokenCode, for the role's 12 hours", async () => {
    const assumed = await assume(testBroker, {
      RoleArn: breakGlass,
      SerialNumber: testBrokerMfa.serialNumber,
      TokenCode: mfaCodeAt(testBrokerMfa, clock),
      DurationSeconds: 43200,
    });
    expect(assumed.AssumedRoleUser?.Arn).toContain(":assumed-role/BreakGlass/");
  });

  it.each([
    {
      rule: "a wrong code",
      input: () => ({
        SerialNumber: testBrokerMfa.serialNumber,
        TokenCode: mfaCodeAt(testBrokerMfa, clock, 2),
      }),
      name: "AccessDenied",
      message: INVALID_MFA,
    },
    {
      rule: "another user's device",
      input: () => ({
        SerialNumber: testOutsiderMfa.serialNumber,
        TokenCode: mfaCodeAt(testOutsiderMfa, clock),
      }),
      name: "AccessDenied",
      message: INVALID_MFA,
    },
    {
      rule: "a serial without a code",
      input: () => ({ SerialNumber: testBrokerMfa.serialNumber }),
      name: "ValidationError",
      message: undefined,
    },
  ])("refuses AssumeRole with $rule", async ({ input, name, message }) => {
    const failure = await stsFailure(assume(testBroker, { RoleArn: breakGlass, ...input() }));
    expect(failure.name).toBe(name);
    if (message) expect(failure.message).toBe(message);
  });

  it("a role session assumed with MFA carries MFA into role chaining; one without does not", async () => {
    const hop = (mfa: Partial<AssumeRoleCommandInput>) =>
      assume(testBroker, { RoleArn: roleArnOf("Hop"), RoleSessionName: "hop", ...mfa });
    const withMfa = keysOf(
      await hop({
        SerialNumber: testBrokerMfa.serialNumber,
        TokenCode: mfaCodeAt(testBrokerMfa, clock),
      }),
    );
    const withoutMfa = keysOf(await hop({}));
    const target = { RoleArn: roleArnOf("ChainedBreakGlass") };
    const chained = await assume(withMfa, target);
    expect(chained.AssumedRoleUser?.Arn).toContain(":assumed-role/ChainedBreakGlass/");
    const failure = await stsFailure(assume(withoutMfa, target));
    expect(failure).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(failure.message).toBe(
      `User: arn:aws:sts::111111111111:assumed-role/Hop/hop is not authorized to perform: sts:AssumeRole on resource: ${roleArnOf("ChainedBreakGlass")}`,
    );
  });
});
