/**
 * The AWS stand-in's wire behaviour: SigV4 verification, clock skew, expiry, Query-protocol
 * routing, robustness against garbage, and the call log tests rely on.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startAwsStandin, type AwsStandin, type StsCallRecord } from "@/dev/aws-standin/server";
import {
  createTestClock,
  keysOf,
  rawStsRequest,
  roleArnOf,
  stsClient,
  stsFailure,
  testBroker,
  testWorld,
  type Keys,
} from "@/tests/support/aws-standin";

const clock = createTestClock();
let isClockBroken = false;
let standin: AwsStandin;

beforeAll(async () => {
  const now = () => {
    if (isClockBroken) throw new Error("clock exploded (test fault)");
    return clock.now();
  };
  standin = await startAwsStandin({ world: testWorld(), now });
});
afterEach(() => {
  clock.reset();
  isClockBroken = false;
});
afterAll(async () => {
  await standin.close();
});

async function assumeDeveloper(input: { DurationSeconds?: number } = {}): Promise<Keys> {
  const result = await stsClient(standin, testBroker).send(
    new AssumeRoleCommand({ RoleArn: roleArnOf("Developer"), RoleSessionName: "alice", ...input }),
  );
  return keysOf(result);
}

function whoAmI(keys: Keys, options: { maxAttempts?: number; systemClockOffset?: number } = {}) {
  return stsClient(standin, keys, options).send(new GetCallerIdentityCommand({}));
}

async function calls(): Promise<StsCallRecord[]> {
  return (await (await fetch(`${standin.url}/__standin/calls`)).json()) as StsCallRecord[];
}

async function resetCalls(): Promise<void> {
  await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
}

const CALLER_IDENTITY = "Action=GetCallerIdentity&Version=2011-06-15";

describe("SigV4 verification", () => {
  const cases: Array<{
    rule: string;
    keys: () => Promise<Keys> | Keys;
    code: string;
    status: number;
  }> = [
    {
      rule: "a signature made with the wrong secret",
      keys: () => ({ ...testBroker, secretAccessKey: "x".repeat(40) }),
      code: "SignatureDoesNotMatch",
      status: 403,
    },
    {
      rule: "an unknown access key id",
      keys: () => ({ accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "s".repeat(40) }),
      code: "InvalidClientTokenId",
      status: 403,
    },
    {
      rule: "a session token sent with long-term keys",
      keys: () => ({ ...testBroker, sessionToken: "stray" }),
      code: "InvalidClientTokenId",
      status: 403,
    },
    {
      rule: "issued keys without their session token",
      keys: async () => ({ ...(await assumeDeveloper()), sessionToken: undefined }),
      code: "InvalidClientTokenId",
      status: 403,
    },
    {
      rule: "issued keys with another session token",
      keys: async () => ({ ...(await assumeDeveloper()), sessionToken: "forged" }),
      code: "InvalidClientTokenId",
      status: 403,
    },
  ];

  it.each(cases)("refuses $rule ($code)", async ({ keys, code, status }) => {
    expect(await stsFailure(whoAmI(await keys()))).toMatchObject({ name: code, status });
  });

  it("refuses issued credentials once they expire (ExpiredToken)", async () => {
    // Stopped, so the second left before expiry is one of the stand-in's, not of a busy machine.
    clock.freeze();
    const keys = await assumeDeveloper({ DurationSeconds: 900 });
    clock.advance(899_000);
    await expect(whoAmI(keys, { systemClockOffset: clock.offsetMs })).resolves.toBeDefined();
    clock.advance(1_000);
    // The client signs on the stand-in's clock, so expiry, not skew, is what fails.
    const failure = await stsFailure(whoAmI(keys, { systemClockOffset: clock.offsetMs }));
    expect(failure).toMatchObject({ name: "ExpiredToken", status: 403 });
    expect(failure.message).toBe("The security token included in the request is expired");
  });

  const rawCases: Array<{
    rule: string;
    send: () => Promise<{ status: number; code: string | undefined }>;
    code: string;
    status: number;
  }> = [
    {
      rule: "a request without Authorization",
      send: () => rawStsRequest(standin, CALLER_IDENTITY, { keys: null }),
      code: "MissingAuthenticationToken",
      status: 403,
    },
    {
      rule: "a malformed Authorization header",
      send: () =>
        rawStsRequest(standin, CALLER_IDENTITY, {
          keys: null,
          headers: { authorization: "AWS4-HMAC-SHA256 Credential=x" },
        }),
      code: "IncompleteSignature",
      status: 400,
    },
    {
      rule: "a non-SigV4 Authorization header",
      send: () =>
        rawStsRequest(standin, CALLER_IDENTITY, {
          keys: null,
          headers: { authorization: "Bearer abc" },
        }),
      code: "IncompleteSignature",
      status: 400,
    },
    {
      rule: "a credential scoped to another service",
      send: () => rawStsRequest(standin, CALLER_IDENTITY, { service: "iam" }),
      code: "SignatureDoesNotMatch",
      status: 403,
    },
    {
      rule: "a credential scoped to a made-up region",
      send: () => rawStsRequest(standin, CALLER_IDENTITY, { region: "mars" }),
      code: "SignatureDoesNotMatch",
      status: 403,
    },
    {
      rule: "a body changed after signing",
      send: () =>
        rawStsRequest(standin, CALLER_IDENTITY, {
          tamper: () => "Action=GetSessionToken&Version=2011-06-15",
        }),
      code: "SignatureDoesNotMatch",
      status: 403,
    },
  ];

  it.each(rawCases)("refuses $rule ($code)", async ({ send, code, status }) => {
    expect(await send()).toMatchObject({ code, status });
  });

  it("refuses a raw request scoped to another region than the endpoint serves", async () => {
    expect(await rawStsRequest(standin, CALLER_IDENTITY, { region: "eu-west-1" })).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
    });
  });
});

describe("clock skew", () => {
  it("answers a request signed more than 5 minutes off with SignatureDoesNotMatch 'Signature expired'", async () => {
    clock.advance(60 * 60 * 1000);
    const failure = await stsFailure(whoAmI(testBroker, { maxAttempts: 1 }));
    expect(failure).toMatchObject({ name: "SignatureDoesNotMatch", status: 403 });
    expect(failure.message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
    // The SDK read the stand-in's Date header and corrected its clock for the next attempt.
    expect(failure.clockSkewCorrected).toBe(true);
  });

  it("lets the SDK recover with exactly one retry, because the Date header carries the stand-in's clock", async () => {
    clock.advance(60 * 60 * 1000);
    await resetCalls();
    const identity = await whoAmI(testBroker, { maxAttempts: 3 });
    expect(identity.$metadata.attempts).toBe(2);
    expect((await calls()).map((c) => c.errorCode)).toEqual(["SignatureDoesNotMatch", null]);
  });

  it("answers a request signed in the future with 'Signature not yet current'", async () => {
    clock.advance(-10 * 60 * 1000);
    const failure = await stsFailure(whoAmI(testBroker, { maxAttempts: 1 }));
    expect(failure).toMatchObject({ name: "SignatureDoesNotMatch", status: 403 });
    expect(failure.message).toMatch(/^Signature not yet current: /);
  });
});

describe("Query protocol routing", () => {
  const cases = [
    { rule: "no Action", body: "Version=2011-06-15", code: "MissingAction", status: 400 },
    {
      rule: "an unknown Action",
      body: "Action=AssumeRoleWithMagic&Version=2011-06-15",
      code: "InvalidAction",
      status: 400,
    },
    { rule: "no Version", body: "Action=GetCallerIdentity", code: "InvalidAction", status: 400 },
    {
      rule: "an unsupported Version",
      body: "Action=GetCallerIdentity&Version=2010-01-01",
      code: "InvalidAction",
      status: 400,
    },
    {
      rule: "a non-form body",
      body: '{"Action":"GetCallerIdentity"}',
      code: "MissingAction",
      status: 400,
      contentType: "application/json",
    },
  ];

  it.each(cases)("refuses $rule ($code)", async ({ body, code, status, contentType }) => {
    expect(await rawStsRequest(standin, body, { contentType })).toMatchObject({ code, status });
  });

  it("names the operation and version in InvalidAction, as AWS does", async () => {
    const response = await rawStsRequest(standin, "Action=GetCallerIdentity");
    expect(response.body).toContain(
      "<Message>Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED</Message>",
    );
  });

  it("answers in AWS's XML shapes with text/xml and an x-amzn-RequestId header", async () => {
    const ok = await rawStsRequest(standin, CALLER_IDENTITY);
    const requestId = ok.headers.get("x-amzn-requestid");
    expect(ok.headers.get("content-type")).toBe("text/xml");
    expect(ok.body).toMatch(
      /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/,
    );
    expect(ok.body).toContain(
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`,
    );

    const failed = await rawStsRequest(standin, CALLER_IDENTITY, { keys: null });
    const failedId = failed.headers.get("x-amzn-requestid");
    expect(failed.body).toBe(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
        `<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error>` +
        `<RequestId>${failedId}</RequestId></ErrorResponse>`,
    );
  });

  it("escapes caller input echoed in error messages so the SDK still parses them", async () => {
    const failure = await stsFailure(
      stsClient(standin, testBroker).send(
        new AssumeRoleCommand({
          RoleArn: roleArnOf("Developer"),
          RoleSessionName: "<x>&]]>'\u0001",
        }),
      ),
    );
    expect(failure.name).toBe("ValidationError");
    // A control character cannot travel in XML at all: it arrives as U+FFFD.
    expect(failure.message).toContain("Value '<x>&]]>'\uFFFD' at 'roleSessionName'");
  });
});

describe("robustness", () => {
  it("survives garbage and keeps serving", async () => {
    const garbage = [
      () =>
        fetch(standin.stsEndpoint, {
          method: "POST",
          body: Buffer.from([0, 1, 2, 255, 254, 0x3c]),
        }),
      () =>
        fetch(standin.stsEndpoint, {
          method: "POST",
          headers: { "content-type": "text/xml" },
          body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        }),
      () =>
        fetch(standin.stsEndpoint, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "%%%&&&==Action=%ZZ",
        }),
      () =>
        fetch(`${standin.stsEndpoint}?Action=GetCallerIdentity&Version=2011-06-15`, {
          method: "PUT",
          body: "x",
        }),
      () => fetch(`${standin.url}/nowhere`),
    ];
    for (const send of garbage) {
      const response = await send();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      await response.text();
    }
    await expect(whoAmI(testBroker)).resolves.toMatchObject({ Arn: testBroker.arn });
  });

  it("refuses a body over 64 KiB with RequestEntityTooLarge 413 and keeps serving", async () => {
    const response = await fetch(standin.stsEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `Action=GetCallerIdentity&Version=2011-06-15&Pad=${"x".repeat(2 * 1024 * 1024)}`,
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("<Code>RequestEntityTooLarge</Code>");
    await expect(whoAmI(testBroker)).resolves.toMatchObject({ Arn: testBroker.arn });
  });

  it("turns an internal exception into InternalFailure 500 and keeps serving", async () => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      isClockBroken = true;
      const response = await rawStsRequest(standin, CALLER_IDENTITY);
      expect(response).toMatchObject({ status: 500, code: "InternalFailure" });
      expect(response.body).toContain("<Type>Receiver</Type>");
    } finally {
      quiet.mockRestore();
    }
    isClockBroken = false;
    await expect(whoAmI(testBroker)).resolves.toMatchObject({ Arn: testBroker.arn });
  });
});

describe("call log (/__standin/calls)", () => {
  it("records every STS call with identifiers and outcome, and never a secret", async () => {
    await resetCalls();
    const assumed = await stsClient(standin, testBroker).send(
      new AssumeRoleCommand({
        RoleArn: roleArnOf("Developer"),
        RoleSessionName: "alice",
        SourceIdentity: "alice-0001",
        DurationSeconds: 900,
      }),
    );
    const keys = keysOf(assumed);
    await whoAmI(keys);
    await stsFailure(whoAmI({ ...testBroker, secretAccessKey: "wrong".repeat(8) }));

    const log = await calls();
    expect(log).toEqual([
      expect.objectContaining({
        action: "AssumeRole",
        callerArn: testBroker.arn,
        roleArn: roleArnOf("Developer"),
        roleSessionName: "alice",
        sourceIdentity: "alice-0001",
        durationSeconds: 900,
        errorCode: null,
      }),
      expect.objectContaining({
        action: "GetCallerIdentity",
        callerArn: assumed.AssumedRoleUser?.Arn,
        errorCode: null,
      }),
      expect.objectContaining({
        action: "GetCallerIdentity",
        callerArn: null,
        errorCode: "SignatureDoesNotMatch",
      }),
    ]);
    for (const entry of log) expect(Date.parse(entry.at)).not.toBeNaN();
    const serialized = JSON.stringify(log);
    for (const secret of [
      testBroker.secretAccessKey,
      keys.secretAccessKey,
      keys.sessionToken ?? "?",
    ]) {
      expect(serialized).not.toContain(secret);
    }
  });

  it("empties on reset, so a test can prove that no STS call was made", async () => {
    await whoAmI(testBroker);
    await resetCalls();
    expect(await calls()).toEqual([]);
  });
});
