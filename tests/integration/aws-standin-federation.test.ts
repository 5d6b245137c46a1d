/**
 * The AWS stand-in's console federation endpoint: sign-in tokens only for credentials it issued,
 * single use and short-lived, and logins only onto allowlisted console hosts.
 */
import { AssumeRoleCommand, GetSessionTokenCommand } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  startAwsStandin,
  type AwsStandin,
  type FederationCallRecord,
} from "@/dev/aws-standin/server";
import {
  CN_ACCOUNT,
  cnBroker,
  createTestClock,
  GOV_ACCOUNT,
  govBroker,
  keysOf,
  multiPartitionWorld,
  roleArnOf,
  stsClient,
  TEST_ACCOUNT,
  testBroker,
  type Keys,
} from "@/tests/support/aws-standin";

const clock = createTestClock();
let standin: AwsStandin;

const ISSUER = "http://localhost:3000/accounts";
const CONSOLE_EC2 = "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1";

beforeAll(async () => {
  standin = await startAwsStandin({
    world: multiPartitionWorld(),
    now: clock.now,
    stsEndpointNames: ["us-gov-west-1", "cn-north-1"],
  });
});
afterEach(() => clock.reset());
afterAll(async () => {
  await standin.close();
});

async function assumed(
  role = "Developer",
  keys: Keys = testBroker,
  sessionName = "alice@corp.example",
): Promise<Keys> {
  const result = await stsClient(standin, keys).send(
    new AssumeRoleCommand({
      RoleArn: roleArnOf(role),
      RoleSessionName: sessionName,
      SourceIdentity: "alice-0001",
    }),
  );
  return keysOf(result);
}

/** Developer credentials from the STS endpoint of a partition (each broker's keys work only there). */
async function assumedIn(partition: "aws" | "aws-us-gov" | "aws-cn"): Promise<Keys> {
  const [endpointName, keys, account] =
    partition === "aws-us-gov"
      ? ["us-gov-west-1", govBroker, GOV_ACCOUNT]
      : partition === "aws-cn"
        ? ["cn-north-1", cnBroker, CN_ACCOUNT]
        : ["default", testBroker, TEST_ACCOUNT];
  const result = await stsClient(standin, keys, { endpointName }).send(
    new AssumeRoleCommand({
      RoleArn: roleArnOf("Developer", account, partition),
      RoleSessionName: "alice@corp.example",
    }),
  );
  return keysOf(result);
}

function sessionJson(keys: Keys): string {
  return JSON.stringify({
    sessionId: keys.accessKeyId,
    sessionKey: keys.secretAccessKey,
    sessionToken: keys.sessionToken,
  });
}

interface FederationReply {
  status: number;
  headers: Headers;
  body: string;
}

async function federation(params: Record<string, string>): Promise<FederationReply> {
  const response = await fetch(
    `${standin.federationEndpoint}?${new URLSearchParams(params).toString()}`,
  );
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/**
 * getSigninToken as a broker calls it. Only a success is JSON; a refusal is a short plain-text
 * 400, as AWS answers, with the stand-in's failure code in `x-standin-error-code`.
 */
async function getSigninToken(
  keys: Keys,
  sessionDuration?: string,
): Promise<FederationReply & { token?: string; error?: string }> {
  const params: Record<string, string> = { Action: "getSigninToken", Session: sessionJson(keys) };
  if (sessionDuration !== undefined) params.SessionDuration = sessionDuration;
  const reply = await federation(params);
  if (reply.status !== 200) {
    expect(reply.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    return {
      ...reply,
      token: undefined,
      error: reply.headers.get("x-standin-error-code") ?? undefined,
    };
  }
  const json = JSON.parse(reply.body) as { SigninToken?: string };
  return { ...reply, token: json.SigninToken };
}

function login(
  token: string,
  destination = CONSOLE_EC2,
  issuer = ISSUER,
): Promise<FederationReply> {
  return federation({
    Action: "login",
    Issuer: issuer,
    Destination: destination,
    SigninToken: token,
  });
}

async function freshToken(): Promise<string> {
  const { token } = await getSigninToken(await assumed());
  if (!token) throw new Error("no sign-in token");
  return token;
}

/** Text of the element with this data-testid. */
function testId(html: string, id: string): string | undefined {
  return new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

function errorCode(html: string): string | undefined {
  return /data-testid="federation-error" data-error-code="([^"]*)"/.exec(html)?.[1];
}

describe("console sign-in happy path", () => {
  it("trades issued credentials for a token and the token for a console page naming account, role, session and region", async () => {
    const signin = await getSigninToken(await assumed(), "3600");
    expect(signin.status).toBe(200);
    expect(signin.headers.get("cache-control")).toBe("no-store");
    expect(signin.token).toMatch(/^[\w-]{100,}$/);

    const page = await login(signin.token ?? "");
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.body).toContain("<title>AWS Management Console (Gatehouse stand-in)</title>");
    expect(testId(page.body, "console-account")).toBe(TEST_ACCOUNT);
    expect(testId(page.body, "console-role")).toBe("Developer");
    expect(testId(page.body, "console-session")).toBe("alice@corp.example");
    expect(testId(page.body, "console-region")).toBe("eu-west-1");
    expect(testId(page.body, "console-destination")).toBe(CONSOLE_EC2);
    expect(testId(page.body, "console-issuer")).toBe(ISSUER);
  });

  const regions = [
    { destination: "https://console.aws.amazon.com/", region: "us-east-1" },
    {
      destination: "https://console.aws.amazon.com/s3/home?region=ap-southeast-2",
      region: "ap-southeast-2",
    },
    {
      destination: "https://eu-central-1.console.aws.amazon.com/cloudwatch/home",
      region: "eu-central-1",
    },
  ];
  const otherPartitions = [
    {
      partition: "aws-us-gov",
      destination: "https://console.amazonaws-us-gov.com/",
      region: "us-gov-west-1",
    },
    {
      partition: "aws-us-gov",
      destination: "https://us-gov-east-1.console.amazonaws-us-gov.com/ec2/home",
      region: "us-gov-east-1",
    },
    { partition: "aws-cn", destination: "https://console.amazonaws.cn/", region: "cn-north-1" },
    {
      partition: "aws-cn",
      destination: "https://cn-northwest-1.console.amazonaws.cn/ec2/home",
      region: "cn-northwest-1",
    },
  ] as const;

  it.each(regions)("lands $destination in $region", async ({ destination, region }) => {
    const page = await login(await freshToken(), destination);
    expect(page.status).toBe(200);
    expect(testId(page.body, "console-region")).toBe(region);
  });

  it.each(otherPartitions)(
    "lands $partition credentials on $destination in $region",
    async ({ partition, destination, region }) => {
      const { token } = await getSigninToken(await assumedIn(partition));
      const page = await login(token ?? "", destination);
      expect(page.status, page.body.slice(0, 300)).toBe(200);
      expect(testId(page.body, "console-region")).toBe(region);
    },
  );

  it("accepts SessionDuration up to 3600 for role-chained credentials", async () => {
    const chained = await assumed("ChainTarget", await assumed("Hop"));
    expect((await getSigninToken(chained, "3600")).status).toBe(200);
  });
});

describe("getSigninToken refusals", () => {
  const cases: Array<{
    rule: string;
    keys: () => Keys | Promise<Keys>;
    duration?: string;
    error: string;
  }> = [
    {
      rule: "credentials the stand-in never issued",
      keys: () => ({
        accessKeyId: "ASIAUNKNOWN000000000",
        secretAccessKey: "s".repeat(40),
        sessionToken: "t",
      }),
      error: "InvalidCredentials",
    },
    {
      rule: "a wrong secret for an issued key",
      keys: async () => ({ ...(await assumed()), secretAccessKey: "s".repeat(40) }),
      error: "InvalidCredentials",
    },
    {
      rule: "a wrong session token for an issued key",
      keys: async () => ({ ...(await assumed()), sessionToken: "forged" }),
      error: "InvalidCredentials",
    },
    {
      rule: "the broker's long-term keys",
      keys: () => ({ ...testBroker, sessionToken: "" }),
      error: "InvalidCredentials",
    },
    {
      rule: "GetSessionToken credentials",
      keys: async () =>
        keysOf(await stsClient(standin, testBroker).send(new GetSessionTokenCommand({}))),
      error: "UnsupportedCredentials",
    },
    {
      rule: "SessionDuration under 900",
      keys: () => assumed(),
      duration: "899",
      error: "InvalidSessionDuration",
    },
    {
      rule: "SessionDuration over 43200",
      keys: () => assumed(),
      duration: "43201",
      error: "InvalidSessionDuration",
    },
    {
      rule: "a non-numeric SessionDuration",
      keys: () => assumed(),
      duration: "1e4",
      error: "InvalidSessionDuration",
    },
    {
      rule: "SessionDuration over 3600 for role-chained credentials",
      keys: async () => assumed("ChainTarget", await assumed("Hop")),
      duration: "3601",
      error: "InvalidSessionDuration",
    },
  ];

  it.each(cases)("refuses $rule ($error)", async ({ keys, duration, error }) => {
    const reply = await getSigninToken(await keys(), duration);
    expect(reply).toMatchObject({ status: 400, error, token: undefined });
    expect(reply.headers.get("cache-control")).toBe("no-store");
  });

  it("refuses expired credentials", async () => {
    const keys = await assumed();
    clock.advance(3600_000);
    expect(await getSigninToken(keys)).toMatchObject({ status: 400, error: "ExpiredCredentials" });
  });

  const malformed: Array<{ rule: string; params: Record<string, string>; error: string }> = [
    { rule: "no Session", params: { Action: "getSigninToken" }, error: "MissingParameter" },
    {
      rule: "a Session that is not JSON",
      params: { Action: "getSigninToken", Session: "{nope" },
      error: "MalformedSession",
    },
    {
      rule: "a Session missing sessionToken",
      params: { Action: "getSigninToken", Session: '{"sessionId":"a","sessionKey":"b"}' },
      error: "MalformedSession",
    },
    {
      rule: "a Session that is JSON null",
      params: { Action: "getSigninToken", Session: "null" },
      error: "MalformedSession",
    },
  ];

  it.each(malformed)("refuses $rule ($error)", async ({ params, error }) => {
    const reply = await federation(params);
    expect(reply.status).toBe(400);
    expect(reply.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(reply.headers.get("x-standin-error-code")).toBe(error);
  });
});

describe("login refusals", () => {
  it("spends a sign-in token once", async () => {
    const token = await freshToken();
    expect((await login(token)).status).toBe(200);
    const again = await login(token);
    expect(again.status).toBe(400);
    expect(errorCode(again.body)).toBe("SigninTokenUsed");
  });

  it("lets a sign-in token expire after 15 minutes", async () => {
    const token = await freshToken();
    clock.advance(15 * 60 * 1000 + 1000);
    const page = await login(token);
    expect(page.status).toBe(400);
    expect(errorCode(page.body)).toBe("SigninTokenExpired");
  });

  it("refuses a token it never issued", async () => {
    const page = await login("not-a-token");
    expect(page.status).toBe(400);
    expect(errorCode(page.body)).toBe("InvalidSigninToken");
  });

  const destinations = [
    "https://evil.example/",
    "https://console.aws.amazon.com.evil.example/",
    "https://evilconsole.aws.amazon.com/",
    "https://notaregion.console.aws.amazon.com/",
    "https://a.eu-west-1.console.aws.amazon.com/",
    "https://console.aws.amazon.com@evil.example/",
    "https://user:pass@console.aws.amazon.com/",
    "https://console.aws.amazon.com:8443/",
    "https://console.aws.amazon.com./",
    "http://console.aws.amazon.com/",
    "javascript:alert(document.domain)//console.aws.amazon.com",
    "data:text/html,<script>alert(1)</script>",
    "//console.aws.amazon.com/",
    "/console",
    "https://signin.aws.amazon.com/federation",
    "https://evil.example/?next=https://console.aws.amazon.com/",
    // A region's console host exists only under its own partition's console host.
    "https://eu-west-1.console.amazonaws-us-gov.com/ec2/home",
    "https://us-gov-west-1.console.aws.amazon.com/ec2/home",
    "https://cn-north-1.console.aws.amazon.com/ec2/home",
  ];

  it.each(destinations)("refuses Destination %s and keeps the token", async (destination) => {
    const token = await freshToken();
    const page = await login(token, destination);
    expect(page.status).toBe(400);
    expect(errorCode(page.body)).toBe("InvalidDestination");
    expect(page.body).toContain('data-testid="federation-error"');
    expect(page.body).not.toContain(destination);
    expect((await login(token)).status).toBe(200);
  });

  it.each([
    "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1",
    "https://us-gov-west-1.console.amazonaws-us-gov.com/ec2/home",
    "https://console.amazonaws.cn/ec2/home?region=cn-north-1",
    "https://cn-northwest-1.console.amazonaws.cn/ec2/home",
  ])(
    "a console session lives in the credentials' own partition: commercial credentials are refused Destination %s, and the token kept",
    async (destination) => {
      const token = await freshToken();
      const page = await login(token, destination);
      expect(page.status).toBe(400);
      expect(errorCode(page.body)).toBe("DestinationInOtherPartition");
      expect((await login(token)).status).toBe(200);
    },
  );

  const malformed: Array<{ rule: string; params: Record<string, string>; error: string }> = [
    { rule: "no Action", params: {}, error: "InvalidAction" },
    { rule: "an unknown Action", params: { Action: "logout" }, error: "InvalidAction" },
    {
      rule: "no SigninToken",
      params: { Action: "login", Destination: CONSOLE_EC2, Issuer: ISSUER },
      error: "MissingParameter",
    },
    {
      rule: "no Destination",
      params: { Action: "login", SigninToken: "x", Issuer: ISSUER },
      error: "MissingParameter",
    },
    {
      rule: "no Issuer",
      params: { Action: "login", SigninToken: "x", Destination: CONSOLE_EC2 },
      error: "MissingParameter",
    },
    {
      rule: "a javascript: Issuer",
      params: {
        Action: "login",
        SigninToken: "x",
        Destination: CONSOLE_EC2,
        Issuer: "javascript:alert(1)",
      },
      error: "InvalidIssuer",
    },
    {
      rule: "a relative Issuer",
      params: { Action: "login", SigninToken: "x", Destination: CONSOLE_EC2, Issuer: "/portal" },
      error: "InvalidIssuer",
    },
  ];

  it.each(malformed)("refuses $rule ($error) with an error page", async ({ params, error }) => {
    const page = await federation(params);
    expect(page.status).toBe(400);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(errorCode(page.body)).toBe(error);
  });
});

describe("federation call log", () => {
  it("records actions and outcomes without tokens or secrets", async () => {
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    const keys = await assumed();
    const { token } = await getSigninToken(keys);
    await login(token ?? "");
    await login(token ?? "");
    const log = (await (
      await fetch(`${standin.url}/__standin/federation-calls`)
    ).json()) as FederationCallRecord[];
    expect(log.map((c) => [c.action, c.accessKeyId, c.errorCode])).toEqual([
      ["getSigninToken", keys.accessKeyId, null],
      ["login", keys.accessKeyId, null],
      ["login", keys.accessKeyId, "SigninTokenUsed"],
    ]);
    const serialized = JSON.stringify(log);
    for (const secret of [keys.secretAccessKey, keys.sessionToken ?? "?", token ?? "?"]) {
      expect(serialized).not.toContain(secret);
    }
  });
});
