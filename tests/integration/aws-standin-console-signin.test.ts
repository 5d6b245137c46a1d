/**
 * The documented rule for console sign-in from a custom identity broker (IAM User Guide, "Enable
 * custom identity broker access to the AWS console"): an AssumeRole call that carries
 * DurationSeconds must be made with an IAM user's long-term credentials, or the federation
 * endpoint's getSigninToken fails for the credentials it returned. Credentials come from the real
 * @aws-sdk/client-sts; the federation endpoint is called as a broker calls it.
 */
import {
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  GetSessionTokenCommand,
  STSClient,
  type AssumeRoleCommandInput,
} from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  startAwsStandin,
  withSamlProvider,
  type AwsStandin,
  type FederationCallRecord,
} from "@/dev/aws-standin/server";
import {
  buildAwsSamlResponse,
  encodePostBinding,
  FIXTURE_IDP_ENTITY_ID,
  getTestSigningKey,
} from "@/tests/support/saml-fixtures";
import {
  centerInTotpStep,
  createTestClock,
  idpMetadata,
  keysOf,
  mfaCodeAt,
  roleArnOf,
  stsClient,
  TEST_ACCOUNT,
  testBroker,
  testBrokerMfa,
  testWorld,
  type Keys,
} from "@/tests/support/aws-standin";

const PROVIDER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/CorpIdP`;
const clock = createTestClock();
let standin: AwsStandin;

beforeAll(async () => {
  const world = withSamlProvider(testWorld(), {
    arn: PROVIDER_ARN,
    metadataXml: idpMetadata(FIXTURE_IDP_ENTITY_ID, [getTestSigningKey("idp")]),
  });
  standin = await startAwsStandin({ world, now: clock.now });
});
afterEach(() => clock.reset());
afterAll(async () => {
  await standin.close();
});

/** How the caller of AssumeRole got its own credentials. */
const callers = {
  "long-term IAM user keys": () => Promise.resolve(testBroker),
  "a GetSessionToken session": async () =>
    keysOf(await stsClient(standin, testBroker).send(new GetSessionTokenCommand({}))),
  "an MFA session": async () => {
    centerInTotpStep(clock);
    const input = {
      SerialNumber: testBrokerMfa.serialNumber,
      TokenCode: mfaCodeAt(testBrokerMfa, clock),
    };
    return keysOf(await stsClient(standin, testBroker).send(new GetSessionTokenCommand(input)));
  },
  "role credentials (role chaining)": async () =>
    keysOf(await assumeAs(testBroker, { RoleArn: roleArnOf("Hop"), RoleSessionName: "hop" })),
} satisfies Record<string, () => Promise<Keys>>;
type Caller = keyof typeof callers;

function assumeAs(keys: Keys, input: Partial<AssumeRoleCommandInput> = {}) {
  return stsClient(standin, keys).send(
    new AssumeRoleCommand({
      RoleArn: roleArnOf("ChainTarget"),
      RoleSessionName: "alice",
      ...input,
    }),
  );
}

/** Role credentials for a console session: ChainTarget, which trusts the broker and Hop. */
async function consoleCredentials(caller: Caller, durationSeconds?: number): Promise<Keys> {
  const keys = await callers[caller]();
  const role = caller === "role credentials (role chaining)" ? "ChainTarget" : "Developer";
  return keysOf(
    await assumeAs(keys, {
      RoleArn: roleArnOf(role),
      ...(durationSeconds !== undefined ? { DurationSeconds: durationSeconds } : {}),
    }),
  );
}

interface SigninReply {
  status: number;
  contentType: string | null;
  body: string;
  errorCode: string | null;
}

async function getSigninToken(keys: Keys, sessionDuration?: number): Promise<SigninReply> {
  const params = new URLSearchParams({
    Action: "getSigninToken",
    Session: JSON.stringify({
      sessionId: keys.accessKeyId,
      sessionKey: keys.secretAccessKey,
      sessionToken: keys.sessionToken,
    }),
  });
  if (sessionDuration !== undefined) params.set("SessionDuration", String(sessionDuration));
  const response = await fetch(`${standin.federationEndpoint}?${params.toString()}`);
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: await response.text(),
    errorCode: response.headers.get("x-standin-error-code"),
  };
}

function expectToken(reply: SigninReply): void {
  expect(reply).toMatchObject({ status: 200, contentType: "application/json", errorCode: null });
  expect((JSON.parse(reply.body) as { SigninToken?: string }).SigninToken).toMatch(/^[\w-]{100,}$/);
}

const ALL_CALLERS = Object.keys(callers) as Caller[];
const SESSION_CALLERS = ALL_CALLERS.filter((caller) => caller !== "long-term IAM user keys");

describe("DurationSeconds on AssumeRole needs long-term IAM user keys for console sign-in", () => {
  it.each(SESSION_CALLERS)(
    "refuses getSigninToken for credentials an AssumeRole with DurationSeconds issued to %s",
    async (caller) => {
      const reply = await getSigninToken(await consoleCredentials(caller, 900));
      expect(reply).toMatchObject({
        status: 400,
        contentType: "text/plain; charset=utf-8",
        errorCode: "DurationSecondsNeedsLongTermKeys",
      });
      // AWS answers a refused getSigninToken with a short body that is not JSON.
      expect(() => JSON.parse(reply.body) as unknown).toThrow(SyntaxError);
      expect(reply.body.length).toBeLessThan(300);
    },
  );

  it.each(ALL_CALLERS)(
    "issues a sign-in token for credentials an AssumeRole without DurationSeconds issued to %s",
    async (caller) => {
      expectToken(await getSigninToken(await consoleCredentials(caller)));
    },
  );

  it("issues a sign-in token when long-term IAM user keys sent DurationSeconds", async () => {
    expectToken(await getSigninToken(await consoleCredentials("long-term IAM user keys", 7200)));
  });

  it("refuses whatever SessionDuration is asked for", async () => {
    const keys = await consoleCredentials("a GetSessionToken session", 3600);
    for (const duration of [undefined, 900, 3600]) {
      expect((await getSigninToken(keys, duration)).errorCode).toBe(
        "DurationSecondsNeedsLongTermKeys",
      );
    }
  });

  it("records the refusal in the federation call log, without secrets", async () => {
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    const keys = await consoleCredentials("an MFA session", 900);
    await getSigninToken(keys);
    const log = (await (
      await fetch(`${standin.url}/__standin/federation-calls`)
    ).json()) as FederationCallRecord[];
    expect(log.map((c) => [c.action, c.accessKeyId, c.errorCode])).toEqual([
      ["getSigninToken", keys.accessKeyId, "DurationSecondsNeedsLongTermKeys"],
    ]);
    expect(JSON.stringify(log)).not.toContain(keys.secretAccessKey);
  });
});

describe("SessionDuration rules stay as they were", () => {
  const cases: Array<{
    rule: string;
    caller: Caller;
    durationSeconds?: number;
    sessionDuration: number;
    error: string | null;
  }> = [
    {
      rule: "long-term keys with DurationSeconds allow SessionDuration up to 43200",
      caller: "long-term IAM user keys",
      durationSeconds: 3600,
      sessionDuration: 43200,
      error: null,
    },
    {
      rule: "long-term keys with DurationSeconds still refuse SessionDuration over 43200",
      caller: "long-term IAM user keys",
      durationSeconds: 3600,
      sessionDuration: 43201,
      error: "InvalidSessionDuration",
    },
    {
      rule: "a session's credentials without DurationSeconds allow SessionDuration 43200",
      caller: "a GetSessionToken session",
      sessionDuration: 43200,
      error: null,
    },
    {
      rule: "role-chained credentials without DurationSeconds allow SessionDuration 3600",
      caller: "role credentials (role chaining)",
      sessionDuration: 3600,
      error: null,
    },
    {
      rule: "role-chained credentials without DurationSeconds refuse SessionDuration 3601",
      caller: "role credentials (role chaining)",
      sessionDuration: 3601,
      error: "InvalidSessionDuration",
    },
  ];

  it.each(cases)("$rule", async ({ caller, durationSeconds, sessionDuration, error }) => {
    const reply = await getSigninToken(
      await consoleCredentials(caller, durationSeconds),
      sessionDuration,
    );
    if (error === null) expectToken(reply);
    else expect(reply).toMatchObject({ status: 400, errorCode: error });
  });
});

describe("AssumeRoleWithSAML is not held to the rule", () => {
  it("issues a sign-in token for SAML credentials requested with DurationSeconds", async () => {
    const xml = buildAwsSamlResponse({
      now: clock.now(),
      roles: [{ roleArn: roleArnOf("Developer"), principalArn: PROVIDER_ARN }],
    });
    const result = await new STSClient({
      endpoint: standin.stsEndpoint,
      region: "us-east-1",
      maxAttempts: 1,
    }).send(
      new AssumeRoleWithSAMLCommand({
        RoleArn: roleArnOf("Developer"),
        PrincipalArn: PROVIDER_ARN,
        SAMLAssertion: encodePostBinding(xml),
        DurationSeconds: 1800,
      }),
    );
    expectToken(await getSigninToken(keysOf(result), 3600));
  });
});
