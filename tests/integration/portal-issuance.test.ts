// Issuance for a granted role, end to end: the portal assumes the role at the STS stand-in with
// parameters it chose itself (docs/INVARIANTS.md invariant 1), the credentials work with the real AWS SDK,
// the console link lands in the right account/role/region, each issuance is audited with the
// AccessKeyId (invariant 2), and no secret reaches the database or the log (invariant 3).
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_DEFAULT_REGION } from "@/dev/demo-world";
import {
  assumeRoleCalls,
  issuanceOutcomeRows,
  dumpDatabase,
  expectSecretsNowhere,
  parseDetails,
  resetStsCalls,
  storedUser,
} from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

interface CredentialsBody {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  durationSeconds: number;
  region: string;
  profileName: string;
  account: { accountId: string; name: string };
  roleName: string;
  formats: Record<string, string>;
}

interface ConsoleBody {
  signinUrl: string;
  expiresAt: string;
  region: string;
}

const STAGING = { account: "acme-staging", accountId: "345678901234", role: "Developer" } as const;
const SANDBOX = { account: "acme-sandbox", accountId: "456789012345", role: "Developer" } as const;

let stack: TestStack;
let bob: PortalSession;
let bobUser: { id: string; roleSessionName: string };
let stagingDeveloper: string;
/** Every secret this file saw issued, for the final "nowhere at rest" scan. */
const issuedSecrets: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  bob = await signIn(stack, "bob");
  bobUser = await storedUser(stack, "bob");
  stagingDeveloper = await roleIdOf(stack, STAGING.account, STAGING.role);
});
afterAll(async () => {
  await stack?.stop();
});

async function issueCredentials(
  roleId: string,
  json?: unknown,
  query = "",
): Promise<{ res: Response; body: CredentialsBody; startedAt: number }> {
  const startedAt = Date.now();
  const res = await bob.request(`/api/roles/${roleId}/credentials${query}`, {
    method: "POST",
    ...(json !== undefined ? { json } : {}),
  });
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
  const body = JSON.parse(text) as CredentialsBody;
  issuedSecrets.push(body.secretAccessKey, body.sessionToken);
  return { res, body, startedAt };
}

async function issueConsole(
  roleId: string,
  json?: unknown,
): Promise<{ res: Response; body: ConsoleBody }> {
  const res = await bob.request(`/api/roles/${roleId}/console`, {
    method: "POST",
    ...(json !== undefined ? { json } : {}),
  });
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
  const body = JSON.parse(text) as ConsoleBody;
  const token = new URL(body.signinUrl).searchParams.get("SigninToken");
  expect(token).toBeTruthy();
  issuedSecrets.push(token!);
  return { res, body };
}

function expectExpirationNear(expiration: string, startedAt: number, seconds: number): void {
  const at = Date.parse(expiration);
  expect(Number.isNaN(at)).toBe(false);
  // The stand-in issues whole seconds; allow for that and the request's own time.
  expect(at).toBeGreaterThanOrEqual(startedAt + seconds * 1000 - 2000);
  expect(at).toBeLessThanOrEqual(Date.now() + seconds * 1000 + 2000);
}

describe("CLI credentials for a granted role", () => {
  it("are temporary (ASIA…), last the chosen duration up to the rule's cap (staging: 14,400 s) and are never cached", async () => {
    await resetStsCalls(stack);
    const { res, body, startedAt } = await issueCredentials(stagingDeveloper, {
      region: "eu-west-1",
      durationSeconds: 14_400,
    });
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(body.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(body.secretAccessKey.length).toBeGreaterThanOrEqual(40);
    expect(body.sessionToken.length).toBeGreaterThan(100);
    expect(body.durationSeconds).toBe(14_400);
    expectExpirationNear(body.expiration, startedAt, 14_400);
    expect(body.account).toEqual({ accountId: STAGING.accountId, name: STAGING.account });
    expect(body.roleName).toBe(STAGING.role);
    expect(Object.keys(body.formats).sort()).toEqual([
      "bash",
      "cmd",
      "credential-process",
      "credentials-file",
      "fish",
      "powershell",
    ]);
    const process = JSON.parse(body.formats["credential-process"]!) as Record<string, unknown>;
    expect(process).toMatchObject({
      Version: 1,
      AccessKeyId: body.accessKeyId,
      SecretAccessKey: body.secretAccessKey,
      SessionToken: body.sessionToken,
    });
  });

  it("without a chosen duration last one hour, as STS's own default (staging allows four)", async () => {
    await resetStsCalls(stack);
    const { body, startedAt } = await issueCredentials(stagingDeveloper);
    expect(body.durationSeconds).toBe(3_600);
    expectExpirationNear(body.expiration, startedAt, 3_600);
    expect((await assumeRoleCalls(stack)).map((c) => c.durationSeconds)).toEqual([3_600]);
  });

  it("are capped by the role's MaxSessionDuration when the rule allows more (sandbox: 3,600 s)", async () => {
    const sandboxDeveloper = await roleIdOf(stack, SANDBOX.account, SANDBOX.role);
    const refused = await bob.request(`/api/roles/${sandboxDeveloper}/credentials`, {
      method: "POST",
      json: { durationSeconds: 3_601 },
    });
    expect(refused.status).toBe(400);
    await resetStsCalls(stack);
    const { body, startedAt } = await issueCredentials(sandboxDeveloper, {
      durationSeconds: 3_600,
    });
    expect(body.durationSeconds).toBe(3_600);
    expectExpirationNear(body.expiration, startedAt, 3_600);
    const [call] = await assumeRoleCalls(stack);
    expect(call).toMatchObject({
      roleArn: `arn:aws:iam::${SANDBOX.accountId}:role/${SANDBOX.role}`,
      durationSeconds: 3_600,
      errorCode: null,
    });
  });

  it("work against STS through the real AWS SDK as the assumed role, named by the user's RoleSessionName", async () => {
    const { body } = await issueCredentials(stagingDeveloper);
    const client = new STSClient({
      region: "us-east-1",
      endpoint: stack.aws.stsEndpoint,
      credentials: {
        accessKeyId: body.accessKeyId,
        secretAccessKey: body.secretAccessKey,
        sessionToken: body.sessionToken,
      },
    });
    try {
      const identity = await client.send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toBe(STAGING.accountId);
      expect(identity.Arn).toBe(
        `arn:aws:sts::${STAGING.accountId}:assumed-role/${STAGING.role}/${bobUser.roleSessionName}`,
      );
    } finally {
      client.destroy();
    }
  });

  it("the server chooses role ARN, RoleSessionName, SourceIdentity and duration: the STS call carries the user's stored values", async () => {
    await resetStsCalls(stack);
    await issueCredentials(stagingDeveloper);
    const calls = await assumeRoleCalls(stack);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      roleArn: `arn:aws:iam::${STAGING.accountId}:role/${STAGING.role}`,
      roleSessionName: bobUser.roleSessionName,
      sourceIdentity: bobUser.id,
      durationSeconds: 3_600,
      errorCode: null,
    });
  });

  it("query parameters naming another role, session name or duration are ignored", async () => {
    await resetStsCalls(stack);
    const query =
      "?" +
      new URLSearchParams({
        roleArn: "arn:aws:iam::210987654321:role/Administrator",
        roleSessionName: "alice",
        sourceIdentity: "alice",
        durationSeconds: "43200",
        region: "us-west-2",
      }).toString();
    const { body } = await issueCredentials(stagingDeveloper, undefined, query);
    expect(body.region).toBe(DEMO_DEFAULT_REGION);
    const calls = await assumeRoleCalls(stack);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      roleArn: `arn:aws:iam::${STAGING.accountId}:role/${STAGING.role}`,
      roleSessionName: bobUser.roleSessionName,
      sourceIdentity: bobUser.id,
      durationSeconds: 3_600,
    });
  });

  it("without a body the region is the configured default (eu-west-1), also in the shell exports", async () => {
    const { body } = await issueCredentials(stagingDeveloper);
    expect(body.region).toBe("eu-west-1");
    expect(body.formats.bash).toContain("export AWS_REGION='eu-west-1'");
  });

  it("a chosen region is echoed and exported", async () => {
    const { body } = await issueCredentials(stagingDeveloper, { region: "ap-southeast-2" });
    expect(body.region).toBe("ap-southeast-2");
    expect(body.formats.bash).toContain("export AWS_REGION='ap-southeast-2'");
  });

  it("is audited as credentials.issued with the AccessKeyId, the server-chosen parameters and no secret", async () => {
    const { res, body } = await issueCredentials(stagingDeveloper, { region: "eu-west-1" });
    const rows = await issuanceOutcomeRows(stack, res.headers.get("x-request-id"));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      action: "credentials.issued",
      outcome: "success",
      actorUserId: bobUser.id,
      awsAccountId: STAGING.accountId,
      roleArn: `arn:aws:iam::${STAGING.accountId}:role/${STAGING.role}`,
      roleSessionName: bobUser.roleSessionName,
      sourceIdentity: bobUser.id,
      durationSeconds: 3_600,
      accessKeyId: body.accessKeyId,
    });
    expect(parseDetails(row.detailsJson)).toMatchObject({ region: "eu-west-1" });
    const rowText = JSON.stringify(row);
    expect(rowText).not.toContain(body.secretAccessKey);
    expect(rowText).not.toContain(body.sessionToken);
  });
});

describe("console sign-in for a granted role", () => {
  it("is a federation login URL at the configured endpoint, issued by the portal, to a regional console destination, never cached", async () => {
    const { res, body } = await issueConsole(stagingDeveloper, { region: "eu-west-1" });
    expect(res.headers.get("cache-control")).toContain("no-store");
    const url = new URL(body.signinUrl);
    expect(`${url.origin}${url.pathname}`).toBe(stack.aws.federationEndpoint);
    expect(url.searchParams.get("Action")).toBe("login");
    expect(url.searchParams.get("Issuer")).toBe(stack.portalUrl);
    const destination = url.searchParams.get("Destination") ?? "";
    expect(destination.startsWith("https://eu-west-1.console.aws.amazon.com/")).toBe(true);
    expect(body.region).toBe("eu-west-1");
    expect(Number.isNaN(Date.parse(body.expiresAt))).toBe(false);
  });

  it("lands in the role's account as the user's session, in the chosen region", async () => {
    const { body } = await issueConsole(stagingDeveloper, { region: "us-east-2" });
    expect(new URL(body.signinUrl).searchParams.get("Destination")).toMatch(
      /^https:\/\/us-east-2\.console\.aws\.amazon\.com\//,
    );
    const page = await fetch(body.signinUrl, { redirect: "manual" });
    const html = await page.text();
    expect(page.status, html.slice(0, 300)).toBe(200);
    const field = (testId: string) =>
      new RegExp(`data-testid="${testId}">([^<]*)<`).exec(html)?.[1];
    expect(field("console-account")).toBe(STAGING.accountId);
    expect(field("console-role")).toBe(STAGING.role);
    expect(field("console-session")).toBe(bobUser.roleSessionName);
    expect(field("console-source-identity")).toBe(bobUser.id);
    expect(field("console-region")).toBe("us-east-2");
  });

  it("without a body the console opens in the configured default region (eu-west-1)", async () => {
    const { body } = await issueConsole(stagingDeveloper);
    expect(body.region).toBe("eu-west-1");
    expect(new URL(body.signinUrl).searchParams.get("Destination")).toMatch(
      /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\//,
    );
    const html = await (await fetch(body.signinUrl)).text();
    expect(html).toContain('data-testid="console-region">eu-west-1<');
  });

  it("the server chooses what is assumed for the console too", async () => {
    await resetStsCalls(stack);
    await issueConsole(stagingDeveloper);
    const calls = await assumeRoleCalls(stack);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      roleArn: `arn:aws:iam::${STAGING.accountId}:role/${STAGING.role}`,
      roleSessionName: bobUser.roleSessionName,
      sourceIdentity: bobUser.id,
      durationSeconds: 3_600,
      errorCode: null,
    });
  });

  it("is audited as console.issued with the AccessKeyId of the session and without the sign-in token", async () => {
    await resetStsCalls(stack);
    const { res, body } = await issueConsole(stagingDeveloper);
    const rows = await issuanceOutcomeRows(stack, res.headers.get("x-request-id"));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      action: "console.issued",
      outcome: "success",
      actorUserId: bobUser.id,
      awsAccountId: STAGING.accountId,
      roleSessionName: bobUser.roleSessionName,
      sourceIdentity: bobUser.id,
    });
    expect(row.accessKeyId).toMatch(/^ASIA/);
    // The audited key is the one the console session was minted from.
    const fed = (await (
      await fetch(`${stack.aws.url}/__standin/federation-calls`)
    ).json()) as Array<{ action: string; accessKeyId: string }>;
    expect(fed.filter((c) => c.action === "getSigninToken").map((c) => c.accessKeyId)).toEqual([
      row.accessKeyId,
    ]);
    expect(JSON.stringify(row)).not.toContain(
      new URL(body.signinUrl).searchParams.get("SigninToken")!,
    );
  });
});

describe("secrets stay secret", () => {
  it("no secret key, session token or sign-in token is stored in any table or printed to the portal's log", async () => {
    const { body } = await issueCredentials(stagingDeveloper);
    await issueConsole(stagingDeveloper);
    // The scan reads what it should: the AccessKeyId (not a secret) is in the audit table.
    const dump = await dumpDatabase(stack);
    expect(dump.get("AuditEvent")).toContain(body.accessKeyId);
    // Every secret issued in this file, not just the ones above.
    expect(issuedSecrets.length).toBeGreaterThanOrEqual(3);
    await expectSecretsNowhere(stack, issuedSecrets);
  });
});
