/**
 * The AWS stand-in's STS actions, driven by the real @aws-sdk/client-sts: what it issues, and
 * every AssumeRole rule it enforces with AWS's error code and status.
 */
import { randomBytes } from "node:crypto";
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  type AssumeRoleCommandInput,
} from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  startAwsStandin,
  totpCode,
  worldFromDemo,
  type AwsStandin,
} from "@/dev/aws-standin/server";
import { demoAccounts, demoBroker } from "@/dev/demo-world";
import {
  createTestClock,
  keysOf,
  roleArnOf,
  stsClient,
  stsFailure,
  TEST_ACCOUNT,
  testBroker,
  testOutsider,
  testWorld,
  type Keys,
} from "@/tests/support/aws-standin";

const clock = createTestClock();
let standin: AwsStandin;

beforeAll(async () => {
  standin = await startAwsStandin({ world: testWorld(), now: clock.now });
});
afterEach(() => clock.reset());
afterAll(async () => {
  await standin.close();
});

function assume(keys: Keys, input: Partial<AssumeRoleCommandInput> = {}) {
  return stsClient(standin, keys).send(
    new AssumeRoleCommand({
      RoleArn: roleArnOf("Developer"),
      RoleSessionName: "alice@corp.example",
      ...input,
    }),
  );
}

describe("AssumeRole issues credentials", () => {
  it("returns an ASIA key, a 40-character secret and an expiry of now + DurationSeconds, echoing SourceIdentity", async () => {
    // The stand-in's clock stands still, so the call may take as long as a busy machine makes it.
    clock.freeze();
    const before = clock.now().getTime();
    const result = await assume(testBroker, {
      DurationSeconds: 7200,
      SourceIdentity: "alice-0001",
    });
    const c = result.Credentials;
    expect(c?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(c?.SecretAccessKey).toHaveLength(40);
    expect(c?.SessionToken?.length).toBeGreaterThan(200);
    const expiresIn = (c?.Expiration?.getTime() ?? 0) - before;
    expect(expiresIn).toBeGreaterThan(7200_000 - 2_000);
    expect(expiresIn).toBeLessThanOrEqual(7200_000 + 1_000);
    expect(c?.Expiration?.getUTCMilliseconds()).toBe(0);
    expect(result.SourceIdentity).toBe("alice-0001");
    expect(result.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Developer/alice@corp.example`,
    );
    expect(result.PackedPolicySize).toBeUndefined();
  });

  it("defaults DurationSeconds to one hour", async () => {
    const before = Date.now();
    const result = await assume(testBroker);
    const expiresIn = (result.Credentials?.Expiration?.getTime() ?? 0) - before;
    expect(Math.round(expiresIn / 1000 / 60)).toBe(60);
    expect(result.SourceIdentity).toBeUndefined();
  });

  it("derives AssumedRoleId from the role (stable) and the session name", async () => {
    const first = await assume(testBroker, { RoleSessionName: "first" });
    const second = await assume(testBroker, { RoleSessionName: "second" });
    const [roleIdA, sessionA] = first.AssumedRoleUser?.AssumedRoleId?.split(":") ?? [];
    const [roleIdB, sessionB] = second.AssumedRoleUser?.AssumedRoleId?.split(":") ?? [];
    expect(roleIdA).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(roleIdB).toBe(roleIdA);
    expect([sessionA, sessionB]).toEqual(["first", "second"]);
  });

  it("reports PackedPolicySize when tags or a session policy are passed", async () => {
    const result = await assume(testBroker, {
      Tags: [{ Key: "team", Value: "platform" }],
      Policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
      }),
    });
    expect(result.PackedPolicySize).toBeGreaterThan(0);
    expect(result.PackedPolicySize).toBeLessThanOrEqual(100);
  });
});

describe("GetCallerIdentity says who signed", () => {
  it("names the IAM user and its AIDA id for long-term keys", async () => {
    const identity = await stsClient(standin, testBroker).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Arn: testBroker.arn, Account: TEST_ACCOUNT });
    expect(identity.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it("names the assumed-role session for credentials AssumeRole issued", async () => {
    const assumed = await assume(testBroker, { RoleSessionName: "bob@corp.example" });
    const identity = await stsClient(standin, keysOf(assumed)).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity).toEqual(
      expect.objectContaining({
        Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Developer/bob@corp.example`,
        UserId: assumed.AssumedRoleUser?.AssumedRoleId,
        Account: TEST_ACCOUNT,
      }),
    );
  });
});

describe("GetSessionToken", () => {
  it("issues twelve-hour session credentials that still identify the IAM user", async () => {
    const before = Date.now();
    const result = await stsClient(standin, testBroker).send(new GetSessionTokenCommand({}));
    expect(result.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    const expiresIn = (result.Credentials?.Expiration?.getTime() ?? 0) - before;
    expect(Math.round(expiresIn / 3600_000)).toBe(12);
    const identity = await stsClient(standin, keysOf(result)).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Arn).toBe(testBroker.arn);
  });

  it("session credentials assume roles as the user, but AWS caps the role session at one hour as for role chaining", async () => {
    const session = await stsClient(standin, testBroker).send(
      new GetSessionTokenCommand({ DurationSeconds: 900 }),
    );
    const assumed = await assume(keysOf(session), { DurationSeconds: 3600 });
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const failure = await stsFailure(assume(keysOf(session), { DurationSeconds: 3601 }));
    expect(failure).toMatchObject({ name: "ValidationError", status: 400 });
    expect(failure.message).toBe(
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  });

  it("refuses callers on session credentials", async () => {
    const assumed = await assume(testBroker);
    const failure = await stsFailure(
      stsClient(standin, keysOf(assumed)).send(new GetSessionTokenCommand({})),
    );
    expect(failure).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(failure.message).toBe("Cannot call GetSessionToken with session credentials");
  });

  it("keeps DurationSeconds within 900–129600", async () => {
    for (const DurationSeconds of [899, 129601]) {
      const failure = await stsFailure(
        stsClient(standin, testBroker).send(new GetSessionTokenCommand({ DurationSeconds })),
      );
      expect(failure).toMatchObject({ name: "ValidationError", status: 400 });
    }
  });
});

describe("role chaining", () => {
  async function hopSession(input: Partial<AssumeRoleCommandInput> = {}): Promise<Keys> {
    return keysOf(
      await assume(testBroker, { RoleArn: roleArnOf("Hop"), RoleSessionName: "hop", ...input }),
    );
  }

  it("caps a chained session at one hour", async () => {
    const hop = await hopSession();
    const target = { RoleArn: roleArnOf("ChainTarget") };
    const failure = await stsFailure(assume(hop, { ...target, DurationSeconds: 3601 }));
    expect(failure).toMatchObject({ name: "ValidationError", status: 400 });
    expect(failure.message).toBe(
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
    const allowed = await assume(hop, { ...target, DurationSeconds: 3600 });
    expect(allowed.AssumedRoleUser?.Arn).toContain(":assumed-role/ChainTarget/");
  });

  // AWS knowledge center, "iam-role-chaining-limit": the one-hour cap applies to AssumeRole made
  // with any temporary credentials, GetSessionToken sessions (with or without MFA) included.
  const temporaryCallers: Array<{ caller: string; target: string; keys: () => Promise<Keys> }> = [
    { caller: "a role session", target: "ChainTarget", keys: () => hopSession() },
    {
      caller: "a GetSessionToken session",
      target: "Hop",
      keys: async () =>
        keysOf(await stsClient(standin, testBroker).send(new GetSessionTokenCommand({}))),
    },
  ];

  it.each(temporaryCallers)(
    "caps DurationSeconds at one hour for $caller",
    async ({ keys, target: role }) => {
      const temporary = await keys();
      const target = { RoleArn: roleArnOf(role) };
      for (const DurationSeconds of [3601, 43200]) {
        const failure = await stsFailure(assume(temporary, { ...target, DurationSeconds }));
        expect(failure).toMatchObject({ name: "ValidationError", status: 400 });
        expect(failure.message).toBe(
          "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        );
      }
      await expect(assume(temporary, { ...target, DurationSeconds: 3600 })).resolves.toBeDefined();
    },
  );

  it("trusts the calling role's ARN and carries the source identity along", async () => {
    const hop = await hopSession({ SourceIdentity: "alice-0001" });
    const chained = await assume(hop, { RoleArn: roleArnOf("ChainTarget") });
    expect(chained.SourceIdentity).toBe("alice-0001");
    const failure = await stsFailure(
      assume(hop, { RoleArn: roleArnOf("ChainTarget"), SourceIdentity: "mallory" }),
    );
    expect(failure).toMatchObject({ name: "AccessDenied", status: 403 });
  });
});

/**
 * The SDK names modeled errors after their Smithy shape, not the wire code: a `MalformedPolicyDocument`
 * on the wire surfaces as `MalformedPolicyDocumentException` (err.Code keeps the wire code).
 */
function sdkErrorName(code: string): string {
  const modeled: Record<string, string> = {
    MalformedPolicyDocument: "MalformedPolicyDocumentException",
    PackedPolicyTooLarge: "PackedPolicyTooLargeException",
  };
  return modeled[code] ?? code;
}

describe("AssumeRole refusals carry AWS's code and status", () => {
  const manyTags = (n: number, key = (i: number) => `key${i}`) =>
    Array.from({ length: n }, (_, i) => ({ Key: key(i), Value: "v" }));

  const cases: Array<{
    rule: string;
    input: Partial<AssumeRoleCommandInput>;
    code: string;
    status: number;
    caller?: Keys;
  }> = [
    {
      rule: "a role whose trust policy omits the caller",
      input: { RoleArn: roleArnOf("Untrusted") },
      code: "AccessDenied",
      status: 403,
    },
    {
      rule: "a caller no role trusts",
      input: {},
      code: "AccessDenied",
      status: 403,
      caller: testOutsider,
    },
    {
      rule: "an unknown role looks like an untrusting one",
      input: { RoleArn: roleArnOf("DoesNotExist") },
      code: "AccessDenied",
      status: 403,
    },
    {
      rule: "a role in an unknown account",
      input: { RoleArn: roleArnOf("Developer", "999999999999") },
      code: "AccessDenied",
      status: 403,
    },
    {
      rule: "a malformed role ARN (user, not role)",
      input: { RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:user/Developer` },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "a malformed role ARN (short account id)",
      input: { RoleArn: "arn:aws:iam::12345:role/Developer" },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "a malformed role ARN (region given)",
      input: { RoleArn: `arn:aws:iam:us-east-1:${TEST_ACCOUNT}:role/Developer` },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "a role ARN under 20 characters",
      input: { RoleArn: "arn:aws:iam::1:role" },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "RoleSessionName shorter than 2",
      input: { RoleSessionName: "a" },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "RoleSessionName longer than 64",
      input: { RoleSessionName: "a".repeat(65) },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "RoleSessionName with a space",
      input: { RoleSessionName: "alice smith" },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "RoleSessionName with a slash",
      input: { RoleSessionName: "alice/admin" },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "SourceIdentity with the reserved aws: prefix",
      input: { SourceIdentity: "aws:x" },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "SourceIdentity with a character outside [\\w+=,.@-]",
      input: { SourceIdentity: "alice#1" },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "SourceIdentity shorter than 2",
      input: { SourceIdentity: "a" },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "SourceIdentity on a role that does not allow sts:SetSourceIdentity",
      input: { RoleArn: roleArnOf("NoSourceIdentity"), SourceIdentity: "alice" },
      code: "AccessDenied",
      status: 403,
    },
    {
      rule: "DurationSeconds under 900",
      input: { DurationSeconds: 899 },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "DurationSeconds over 43200",
      input: { DurationSeconds: 43201 },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "DurationSeconds over the role's MaxSessionDuration",
      input: { RoleArn: roleArnOf("ReadOnly"), DurationSeconds: 3601 },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "more than 50 session tags",
      input: { Tags: manyTags(51) },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "a tag key with a character outside the tag pattern",
      input: { Tags: [{ Key: "team*", Value: "x" }] },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "a tag key longer than 128",
      input: { Tags: [{ Key: "k".repeat(129), Value: "x" }] },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "a tag value longer than 256",
      input: { Tags: [{ Key: "team", Value: "v".repeat(257) }] },
      code: "ValidationError",
      status: 400,
    },
    // AWS (and LocalStack's parity tests) answer InvalidParameterValue here, not ValidationError.
    {
      rule: "duplicate tag keys, compared case-insensitively",
      input: {
        Tags: [
          { Key: "Team", Value: "a" },
          { Key: "team", Value: "b" },
        ],
      },
      code: "InvalidParameterValue",
      status: 400,
    },
    {
      rule: "a tag key with the reserved aws: prefix",
      input: { Tags: [{ Key: "aws:team", Value: "a" }] },
      code: "InvalidParameterValue",
      status: 400,
    },
    {
      rule: "a tag key with the reserved prefix in capitals",
      input: { Tags: [{ Key: "AWS:team", Value: "a" }] },
      code: "InvalidParameterValue",
      status: 400,
    },
    {
      rule: "a tag value with the reserved aws: prefix",
      input: { Tags: [{ Key: "team", Value: "aws:platform" }] },
      code: "InvalidParameterValue",
      status: 400,
    },
    {
      rule: "a transitive tag key that is not among the tags",
      input: { Tags: [{ Key: "team", Value: "a" }], TransitiveTagKeys: ["project"] },
      code: "InvalidParameterValue",
      status: 400,
    },
    {
      rule: "session tags on a role that does not allow sts:TagSession",
      input: { RoleArn: roleArnOf("NoTagSession"), Tags: [{ Key: "team", Value: "a" }] },
      code: "AccessDenied",
      status: 403,
    },
    {
      rule: "tags whose packed size exceeds the limit",
      input: {
        Tags: manyTags(50, () => randomBytes(64).toString("hex")).map((t) => ({
          ...t,
          Value: randomBytes(128).toString("hex"),
        })),
      },
      code: "PackedPolicyTooLarge",
      status: 400,
    },
    {
      rule: "ExternalId shorter than 2",
      input: { ExternalId: "x" },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "ExternalId with a character outside its pattern",
      input: { ExternalId: "ext id" },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "a session policy with a character beyond Latin-1 (pattern [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+)",
      input: {
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "Tokyo",
              Effect: "Allow",
              Action: "s3:GetObject",
              Resource: "arn:aws:s3:::東京/*",
            },
          ],
        }),
      },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "a session policy longer than 2048 characters",
      input: {
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "s3:GetObject",
              Resource: `arn:aws:s3:::${"b".repeat(2048)}/*`,
            },
          ],
        }),
      },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "a session policy that is not JSON",
      input: { Policy: "{not json" },
      code: "MalformedPolicyDocument",
      status: 400,
    },
    {
      rule: "an MFA code the world cannot know",
      input: { SerialNumber: `arn:aws:iam::${TEST_ACCOUNT}:mfa/alice`, TokenCode: "123456" },
      code: "AccessDenied",
      status: 403,
    },
  ];

  it.each(cases)("refuses $rule ($code)", async ({ input, code, status, caller }) => {
    const failure = await stsFailure(assume(caller ?? testBroker, input));
    expect(failure).toMatchObject({ name: sdkErrorName(code), code, status });
  });

  it("names the caller and the role in AccessDenied, as AWS does", async () => {
    const failure = await stsFailure(assume(testBroker, { RoleArn: roleArnOf("Untrusted") }));
    expect(failure.message).toBe(
      `User: ${testBroker.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArnOf("Untrusted")}`,
    );
  });

  it("reports every violated constraint in one ValidationError", async () => {
    const failure = await stsFailure(
      assume(testBroker, { RoleSessionName: "a b", DurationSeconds: 10, SourceIdentity: "x" }),
    );
    expect(failure.name).toBe("ValidationError");
    expect(failure.message).toMatch(/^3 validation errors detected: /);
    expect(failure.message).toContain(
      "Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    expect(failure.message).toContain(
      "at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    expect(failure.message).toContain(
      "at 'sourceIdentity' failed to satisfy constraint: Member must have length greater than or equal to 2",
    );
  });

  it("says which limit a too-long DurationSeconds broke", async () => {
    const failure = await stsFailure(
      assume(testBroker, { RoleArn: roleArnOf("ReadOnly"), DurationSeconds: 7200 }),
    );
    expect(failure.message).toBe(
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
  });
});

describe("the demo world", () => {
  it("lets the demo broker assume exactly the roles that trust it, MFA-requiring ones only from an MFA session", async () => {
    const demo = await startAwsStandin({ world: worldFromDemo() });
    try {
      const broker = {
        accessKeyId: demoBroker.accessKeyId,
        secretAccessKey: demoBroker.secretAccessKey,
      };
      const device = demoBroker.mfaDevice;
      if (!device) throw new Error("the demo broker has no MFA device");
      const mfaSession = keysOf(
        await stsClient(demo, broker).send(
          new GetSessionTokenCommand({
            SerialNumber: device.serialNumber,
            TokenCode: totpCode(device.totpSecret, new Date()),
          }),
        ),
      );
      const assumeAs = (keys: Keys, roleArn: string) =>
        stsClient(demo, keys).send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: "demo",
            SourceIdentity: "demo",
          }),
        );
      let mfaRoles = 0;
      for (const account of demoAccounts) {
        for (const role of account.roles) {
          const arn = roleArnOf(role.name, account.id);
          if (!role.trustsBroker) {
            expect(await stsFailure(assumeAs(broker, arn))).toMatchObject({
              name: "AccessDenied",
              status: 403,
            });
          } else if (role.requiresBrokerMfa) {
            mfaRoles += 1;
            expect(await stsFailure(assumeAs(broker, arn))).toMatchObject({
              name: "AccessDenied",
              status: 403,
            });
            await expect(assumeAs(mfaSession, arn)).resolves.toBeDefined();
          } else {
            await expect(assumeAs(broker, arn)).resolves.toBeDefined();
          }
        }
      }
      expect(mfaRoles).toBeGreaterThan(0);
    } finally {
      await demo.close();
    }
  });
});
