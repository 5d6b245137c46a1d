// What a caller may choose when issuing: the session length (inside the grant's, the role's and
// role chaining's caps), the console destination (AWS console hosts of the region's partition
// only) and the CLI profile name. Every refusal is a 400 naming the field, made before any STS or
// federation call; every accepted choice reaches AWS (the stand-in) and the response.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assumeRoleCalls,
  auditRowsFor,
  issuanceOutcomeRows,
  expectApiError,
  parseDetails,
  resetStsCalls,
  withoutAwsCalls,
} from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { demoBroker } from "@/dev/demo-world";
import { chainedBrokerEnv, chainedWorld } from "../support/chained-broker";
import { startTestStack, type TestStack } from "../support/stack";

interface ConsoleBody {
  signinUrl: string;
  signinUrlNotice: string;
  expiresAt: string;
  linkExpiresAt: string;
  region: string;
  destinationUrl: string;
  durationSeconds: number;
}

interface CredentialsBody {
  accessKeyId: string;
  expiration: string;
  durationSeconds: number;
  region: string;
  profileName: string;
  formats: Record<string, string>;
}

/** Rule cap 14,400 s, role MaxSessionDuration 43,200 s. */
const STAGING = { account: "acme-staging", role: "Developer", ruleCap: 14_400 } as const;
/** Rule cap 43,200 s, role MaxSessionDuration 3,600 s. */
const SANDBOX = { account: "acme-sandbox", role: "Developer", roleMax: 3_600 } as const;

type Output = "console" | "credentials";

async function post(
  session: PortalSession,
  roleId: string,
  output: Output,
  json: unknown,
): Promise<Response> {
  return session.request(`/api/roles/${roleId}/${output}`, { method: "POST", json });
}

async function ok<T>(res: Response): Promise<T> {
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
  expect(res.headers.get("cache-control")).toContain("no-store");
  return JSON.parse(text) as T;
}

/** A validation refusal: 400, the named field among the issues, no AWS call, no audit row. */
async function expectRefused(
  stack: TestStack,
  send: () => Promise<Response>,
  field: string,
  says?: RegExp,
): Promise<void> {
  const res = await withoutAwsCalls(stack, send);
  const body = await expectApiError(res, 400, "validation_error");
  const issues = (body.error.issues ?? []) as Array<{ path: string; message: string }>;
  const issue = issues.find((i) => i.path === field);
  expect(issue, JSON.stringify(issues)).toBeDefined();
  if (says) expect(issue!.message).toMatch(says);
  // Bad input is not an access decision: nothing is recorded for it.
  expect(await auditRowsFor(stack, res.headers.get("x-request-id"))).toEqual([]);
}

/**
 * `iso` is `ms` after some moment between `startedAt` and `endedAt` (this machine's clock, read
 * around the request), give or take the stand-in's whole seconds: a busy machine may take long
 * between the two, and the bounds never assume it doesn't.
 */
function expectAfterRequest(iso: string, startedAt: number, endedAt: number, ms: number): void {
  const at = Date.parse(iso);
  expect(Number.isNaN(at)).toBe(false);
  const said = `${iso} vs ${new Date(startedAt + ms).toISOString()}..${new Date(endedAt + ms).toISOString()}`;
  expect(at, said).toBeGreaterThanOrEqual(startedAt + ms - 1000);
  expect(at, said).toBeLessThanOrEqual(endedAt + ms + 1000);
}

function landingField(html: string, testId: string): string | undefined {
  return new RegExp(`data-testid="${testId}">([^<]*)<`).exec(html)?.[1];
}

describe("with a broker on long-term keys", () => {
  let stack: TestStack;
  let bob: PortalSession;
  let staging: string;
  let sandbox: string;
  /** How far the AWS stand-in's clock runs ahead of the test's (moved instead of waiting). */
  let awsAheadMs = 0;

  beforeAll(async () => {
    stack = await startTestStack({ awsNow: () => new Date(Date.now() + awsAheadMs) });
    bob = await signIn(stack, "bob");
    staging = await roleIdOf(stack, STAGING.account, STAGING.role);
    sandbox = await roleIdOf(stack, SANDBOX.account, SANDBOX.role);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const DURATION_REFUSALS: Array<{
    rule: string;
    role: () => string;
    durationSeconds: unknown;
    says?: RegExp;
  }> = [
    {
      rule: "below AWS's 900-second floor",
      role: () => staging,
      durationSeconds: 899,
      says: /at least 15 min \(900 s\)/,
    },
    {
      rule: "above the access rule's cap (staging Developer: 14,400 s)",
      role: () => staging,
      durationSeconds: STAGING.ruleCap + 1,
      says: /access rule/,
    },
    {
      rule: "above the role's MaxSessionDuration (sandbox Developer: 3,600 s)",
      role: () => sandbox,
      durationSeconds: SANDBOX.roleMax + 1,
      says: /MaxSessionDuration/,
    },
    { rule: "not a whole number of seconds", role: () => staging, durationSeconds: 1800.5 },
    { rule: "a number written as text", role: () => staging, durationSeconds: "3600" },
    { rule: "negative", role: () => staging, durationSeconds: -3600 },
  ];

  describe.each(["console", "credentials"] as const)(
    "durationSeconds for %s is refused",
    (output) => {
      it.each(DURATION_REFUSALS)("when $rule", async ({ role, durationSeconds, says }) => {
        await expectRefused(
          stack,
          () => post(bob, role(), output, { durationSeconds }),
          "durationSeconds",
          says,
        );
      });
    },
  );

  it("credentials: a chosen duration reaches AssumeRole, the response, Expiration and the audit record", async () => {
    await resetStsCalls(stack);
    const startedAt = Date.now();
    const res = await post(bob, staging, "credentials", { durationSeconds: 1800 });
    const body = await ok<CredentialsBody>(res);
    const endedAt = Date.now();
    expect(body.durationSeconds).toBe(1800);
    expectAfterRequest(body.expiration, startedAt, endedAt, 1800_000);
    const process = JSON.parse(body.formats["credential-process"]!) as { Expiration: string };
    expectAfterRequest(process.Expiration, startedAt, endedAt, 1800_000);
    expect((await assumeRoleCalls(stack)).map((c) => c.durationSeconds)).toEqual([1800]);
    const [row] = await issuanceOutcomeRows(stack, res.headers.get("x-request-id"));
    expect(row).toMatchObject({ action: "credentials.issued", durationSeconds: 1800 });
  });

  it.each([
    { edge: "AWS's floor", seconds: 900 },
    { edge: "the rule's cap", seconds: STAGING.ruleCap },
  ])("the bounds are inclusive: $edge ($seconds s) is issued", async ({ seconds }) => {
    await resetStsCalls(stack);
    const body = await ok<CredentialsBody>(
      await post(bob, staging, "credentials", { durationSeconds: seconds }),
    );
    expect(body.durationSeconds).toBe(seconds);
    expect((await assumeRoleCalls(stack)).map((c) => c.durationSeconds)).toEqual([seconds]);
  });

  it("console: a chosen duration reaches AssumeRole and getSigninToken's SessionDuration (the console session outlives the credentials by the delay before login)", async () => {
    await resetStsCalls(stack);
    const startedAt = Date.now();
    const res = await post(bob, staging, "console", { durationSeconds: 7200 });
    const body = await ok<ConsoleBody>(res);
    expect(body.durationSeconds).toBe(7200);
    expectAfterRequest(body.expiresAt, startedAt, Date.now(), 7200_000);
    // The broker has IAM user keys: the console's AssumeRole is signed with the long-term key
    // itself, not its GetSessionToken session, so it may carry DurationSeconds (AWS's console rule,
    // docs/AWS.md "Console sign-in").
    const [call] = await assumeRoleCalls(stack);
    expect(call).toMatchObject({ durationSeconds: 7200, callerArn: demoBroker.arn });
    expect(call!.accessKeyId).toBe(demoBroker.accessKeyId);
    // With SessionDuration the stand-in (like AWS) starts the console session at login; without,
    // it ends with the credentials. Logging in a minute later on AWS's clock tells the two apart.
    awsAheadMs = 60_000;
    try {
      const loginAt = Date.now() + awsAheadMs;
      const html = await (await fetch(body.signinUrl)).text();
      const ends = Date.parse(landingField(html, "console-session-expires") ?? "");
      expect(ends).toBeGreaterThanOrEqual(loginAt + 7200_000 - 1000);
      expect(ends).toBeGreaterThan(Date.parse(body.expiresAt) + 50_000);
    } finally {
      awsAheadMs = 0;
    }
  });

  it("console: the sign-in URL is declared a bearer secret, never cached, and its link expiry is ~15 minutes", async () => {
    const startedAt = Date.now();
    const res = await post(bob, staging, "console", {});
    const body = await ok<ConsoleBody>(res);
    const endedAt = Date.now();
    expect(res.headers.get("pragma")).toBe("no-cache");
    expect(body.signinUrlNotice).toMatch(/bearer secret/i);
    expectAfterRequest(body.linkExpiresAt, startedAt, endedAt, 15 * 60_000);
  });

  it("console: the sign-in URL works once from a different, cookie-less client (a separate browser profile)", async () => {
    const body = await ok<ConsoleBody>(
      await post(bob, staging, "console", { region: "eu-central-1" }),
    );
    // Plain fetch: none of bob's portal cookies, no Origin — only the URL.
    const first = await fetch(body.signinUrl, { redirect: "manual" });
    const html = await first.text();
    expect(first.status, html.slice(0, 200)).toBe(200);
    expect(landingField(html, "console-account")).toBe("345678901234");
    expect(landingField(html, "console-region")).toBe("eu-central-1");
    const again = await fetch(body.signinUrl, { redirect: "manual" });
    expect(again.status).toBeGreaterThanOrEqual(400);
  });

  const DESTINATIONS_ACCEPTED: Array<{ form: string; destination: string; lands: RegExp }> = [
    {
      form: "a service id",
      destination: "ec2",
      lands: /^https:\/\/eu-central-1\.console\.aws\.amazon\.com\/ec2\//,
    },
    {
      form: "a console path",
      destination: "/cloudwatch/home#alarmsV2:",
      lands: /^https:\/\/eu-central-1\.console\.aws\.amazon\.com\/cloudwatch\/home.*#alarmsV2:$/,
    },
    {
      form: "a console URL of the same partition",
      destination: "https://eu-central-1.console.aws.amazon.com/s3/buckets?region=eu-central-1",
      lands:
        /^https:\/\/eu-central-1\.console\.aws\.amazon\.com\/s3\/buckets\?region=eu-central-1$/,
    },
  ];

  it.each(DESTINATIONS_ACCEPTED)(
    "a destination given as $form lands in the federation login's Destination, the response and the audit record",
    async ({ destination, lands }) => {
      const res = await post(bob, staging, "console", { region: "eu-central-1", destination });
      const body = await ok<ConsoleBody>(res);
      expect(body.destinationUrl).toMatch(lands);
      expect(new URL(body.signinUrl).searchParams.get("Destination")).toBe(body.destinationUrl);
      const [row] = await issuanceOutcomeRows(stack, res.headers.get("x-request-id"));
      expect(parseDetails(row!.detailsJson)).toMatchObject({
        region: "eu-central-1",
        destination: body.destinationUrl,
      });
      const html = await (await fetch(body.signinUrl)).text();
      expect(landingField(html, "console-destination")).toBe(body.destinationUrl);
    },
  );

  const DESTINATIONS_REFUSED: Array<{ rule: string; destination: string; problem: RegExp }> = [
    {
      rule: "another site's URL",
      destination: "https://evil.example/",
      problem: /'evil\.example' is not an AWS console host/,
    },
    {
      rule: "a scheme-relative URL",
      destination: "//evil.example/ec2",
      problem: /a scheme-relative URL \('\/\/host\/…'\) is not allowed/,
    },
    {
      rule: "a javascript: URL",
      destination: "javascript:alert(1)",
      problem: /'javascript:' URLs are not allowed/,
    },
    {
      rule: "a plain-http console URL",
      destination: "http://eu-central-1.console.aws.amazon.com/",
      problem: /'http:' URLs are not allowed/,
    },
    {
      rule: "another partition's console host",
      destination: "https://console.amazonaws-us-gov.com/ec2/home",
      problem: /console URL of the aws-us-gov partition, but the chosen region is in aws/,
    },
    {
      rule: "a look-alike host",
      destination: "https://eu-central-1.console.aws.amazon.com.evil.example/",
      problem: /is not an AWS console host/,
    },
    {
      rule: "an unknown service id",
      destination: "not-a-service",
      problem: /unknown service 'not-a-service'/,
    },
    {
      rule: "a path with '..' segments",
      destination: "/ec2/../iam/home",
      problem: /must not contain '\.' or '\.\.' segments/,
    },
  ];

  it.each(DESTINATIONS_REFUSED)(
    "a destination that is $rule is refused",
    async ({ destination }) => {
      await expectRefused(
        stack,
        () => post(bob, staging, "console", { region: "eu-central-1", destination }),
        "destination",
      );
    },
  );

  it.each(DESTINATIONS_REFUSED)(
    "the refusal of a destination that is $rule says what is wrong and what is accepted",
    async ({ destination, problem }) => {
      const res = await post(bob, staging, "console", { region: "eu-central-1", destination });
      const { error } = await expectApiError(res, 400, "validation_error");
      expect(error.message).toMatch(/^This console destination is not allowed: /);
      expect(error.message).toMatch(problem);
      expect(error.message).toContain(
        "Accepted: a service such as ec2 or s3, a console path starting with / (like /ec2/home#Instances:), or an https:// URL on console.aws.amazon.com or <region>.console.aws.amazon.com",
      );
    },
  );

  it.each(["eu-west-9", "us-east-3", "us-gov-north-1"])(
    "console: a region code that names no AWS region (%s) is refused before STS, naming the region: its console host does not exist",
    async (region) => {
      await expectRefused(
        stack,
        () => post(bob, staging, "console", { region }),
        "region",
        new RegExp(`^${region} is not a region of AWS (\\(commercial\\)|GovCloud \\(US\\))`),
      );
    },
  );

  it.each(["eu-west-9", "us-east-3", "us-gov-north-1"])(
    "credentials: a region code that names no AWS region (%s) is refused before STS, naming the region: no AWS tool could reach it, so the exports would set a region that cannot work",
    async (region) => {
      await expectRefused(
        stack,
        () => post(bob, staging, "credentials", { region }),
        "region",
        new RegExp(`^${region} is not a region of AWS (\\(commercial\\)|GovCloud \\(US\\))`),
      );
    },
  );

  const UNKNOWN_FIELDS: Array<{ output: Output; body: Record<string, unknown> }> = [
    { output: "console", body: { roleArn: "arn:aws:iam::210987654321:role/Administrator" } },
    { output: "console", body: { profileName: "dev" } },
    { output: "credentials", body: { destination: "ec2" } },
    { output: "credentials", body: { roleSessionName: "alice" } },
  ];

  it.each(UNKNOWN_FIELDS)(
    "$output: a body field it does not define is refused, not ignored ($body)",
    async ({ output, body }) => {
      const res = await withoutAwsCalls(stack, () => post(bob, staging, output, body));
      await expectApiError(res, 400, "validation_error");
    },
  );

  it.each([
    { rule: "a space", profileName: "my profile" },
    { rule: "INI brackets", profileName: "[default]" },
    { rule: "a line break", profileName: "dev\n[evil]" },
    { rule: "empty", profileName: "" },
    { rule: "longer than 64 characters", profileName: "p".repeat(65) },
  ])("credentials: a profile name with $rule is refused", async ({ profileName }) => {
    await expectRefused(
      stack,
      () => post(bob, staging, "credentials", { profileName }),
      "profileName",
    );
  });

  it("credentials: a chosen profile name and region are used in every format", async () => {
    const body = await ok<CredentialsBody>(
      await post(bob, staging, "credentials", { profileName: "staging-dev", region: "ap-south-1" }),
    );
    expect(body.profileName).toBe("staging-dev");
    expect(body.formats["credentials-file"]).toContain("[staging-dev]");
    expect(body.formats.bash).toContain("export AWS_REGION='ap-south-1'");
  });

  it.each([
    { rule: "an absolute URL", returnTo: "https://evil.example/" },
    { rule: "a scheme-relative URL", returnTo: "//evil.example/" },
  ])("returnTo that is $rule is refused", async ({ returnTo }) => {
    await expectRefused(stack, () => post(bob, staging, "console", { returnTo }), "returnTo");
  });

  it("returnTo that is a portal path is accepted", async () => {
    await ok<ConsoleBody>(
      await post(bob, staging, "console", {
        returnTo: "/console?account=acme-staging&role=Developer",
      }),
    );
  });
});

describe("with a role-chained broker", () => {
  let stack: TestStack;
  let bob: PortalSession;
  let staging: string;

  beforeAll(async () => {
    stack = await startTestStack({
      world: chainedWorld(),
      envFromAws: chainedBrokerEnv,
    });
    bob = await signIn(stack, "bob");
    staging = await roleIdOf(stack, STAGING.account, STAGING.role);
    // One issuance first, so the broker's identity (GetCallerIdentity) is known and cached.
    await ok<CredentialsBody>(await post(bob, staging, "credentials", {}));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(["console", "credentials"] as const)(
    "%s: a duration above one hour is refused, saying role chaining caps it",
    async (output) => {
      await expectRefused(
        stack,
        () => post(bob, staging, output, { durationSeconds: 3601 }),
        "durationSeconds",
        /chain/i,
      );
    },
  );

  it("console: DurationSeconds is left out (AWS's console rule: no long-term key signs it), and SessionDuration makes the console session the chosen 30 minutes, not the credentials' hour", async () => {
    await resetStsCalls(stack);
    const startedAt = Date.now();
    const body = await ok<ConsoleBody>(
      await post(bob, staging, "console", { durationSeconds: 1800 }),
    );
    expect(body.durationSeconds).toBe(1800);
    expectAfterRequest(body.expiresAt, startedAt, Date.now(), 1800_000);
    expect((await assumeRoleCalls(stack)).map((c) => c.durationSeconds)).toEqual([undefined]);
    const loginAt = Date.now();
    const html = await (await fetch(body.signinUrl)).text();
    const loggedInAt = Date.now();
    expect(landingField(html, "console-account"), html.slice(0, 300)).toBe("345678901234");
    const ends = landingField(html, "console-session-expires") ?? "";
    expectAfterRequest(ends, loginAt, loggedInAt, 1800_000);
  });
});
