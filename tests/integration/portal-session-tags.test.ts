// Identity carried to AWS, over HTTP against the STS stand-in: session tags computed from the
// IdP's claims (OIDC id_token, SAML attributes) through GATEHOUSE_SESSION_TAGS reach AssumeRole;
// a role that doesn't trust sts:TagSession fails with AWS's AccessDenied surfaced; tags AWS would
// refuse, and session policies that are not valid, fail closed before any STS call with a reason
// in the audit log; a valid rule policy is sent (minified) as Policy and the credentials work; AWS's
// PackedPolicyTooLarge becomes a readable message.
import { randomBytes } from "node:crypto";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandinWorld } from "@/dev/aws-standin/server";
import { packedPolicyPercent } from "@/dev/aws-standin/sts-assume-role";
import { demoAwsWorld } from "@/dev/demo-saml";
import {
  assumeRoleCalls,
  auditRowsFor,
  issuanceOutcomeRows,
  expectApiError,
  parseDetails,
  resetStsCalls,
  storedUser,
  withoutAwsCalls,
} from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { buildSamlResponse, encodePostBinding, getTestSigningKey } from "../support/saml-fixtures";
import {
  addressedToPortal,
  expectSignedIn,
  postToAcs,
  registerFixtureIdp,
  SamlBrowser,
} from "../support/saml-portal";
import { startTestStack, type TestStack } from "../support/stack";

/** Tag key → claim (OIDC) or attribute (SAML). `department` etc. only come from the SAML IdP. */
const TAG_MAPPING = {
  Email: "email",
  Username: "preferred_username",
  DisplayName: "name",
  Team: "groups",
  Department: "department",
  Project: "project",
  CostCenter: "cost_center",
  Manager: "manager",
} as const;
const SESSION_TAGS_SETTING = Object.entries(TAG_MAPPING)
  .map(([tag, claim]) => `${tag}=${claim}`)
  .join(",");

const FIXTURE_SLUG = "fixture-tags";
const SANDBOX = "456789012345";

let stack: TestStack;
let bob: PortalSession;

/** The demo world, but acme-sandbox/DataScience's trust policy does not allow sts:TagSession. */
function worldWithoutTagSessionOnDataScience(): StandinWorld {
  const world = demoAwsWorld();
  const account = world.accounts.find((a) => a.id === SANDBOX);
  const role = account?.roles.find((r) => r.name === "DataScience");
  if (!role) throw new Error("the demo world has no acme-sandbox/DataScience");
  role.allowsTagSession = false;
  return world;
}

beforeAll(async () => {
  getTestSigningKey("idp");
  stack = await startTestStack({
    world: worldWithoutTagSessionOnDataScience(),
    extraEnv: { GATEHOUSE_SESSION_TAGS: SESSION_TAGS_SETTING },
  });
  // An IdP whose responses the test signs itself: it can assert any attribute value.
  await registerFixtureIdp(stack, {
    slug: FIXTURE_SLUG,
    keys: [getTestSigningKey("idp")],
    allowIdpInitiated: true,
  });
  bob = await signIn(stack, "bob");
});
afterAll(async () => stack?.stop());

/** Signs in through the fixture SAML IdP with these attributes (one browser per call). */
async function signInWithAttributes(
  email: string,
  attributes: Record<string, string[]>,
): Promise<PortalSession> {
  const browser = new SamlBrowser();
  const xml = buildSamlResponse({
    ...addressedToPortal(stack),
    nameId: email,
    attributes: { email: [email], ...attributes },
  });
  expectSignedIn(stack, await postToAcs(stack, browser, encodePostBinding(xml)));
  return browser.portal(stack);
}

async function latestSessionOf(userId: string) {
  return stack.db.portalSession.findFirstOrThrow({
    where: { userId },
    orderBy: { createdAt: "desc" },
  });
}

/** Sets (or clears) the session policy of every rule granting this role. */
async function setRulePolicy(roleId: string, policy: string | null): Promise<void> {
  await stack.db.accessRule.updateMany({ where: { roleId }, data: { sessionPolicy: policy } });
}

function randomText(chars: number): string {
  return randomBytes(chars).toString("base64url").slice(0, chars);
}

describe("session tags from the IdP's claims", () => {
  it("the id_token's claims become the sign-in's tags, audited by key only", async () => {
    const user = await storedUser(stack, "bob");
    const session = await latestSessionOf(user.id);
    expect(JSON.parse(session.sessionTagsJson)).toEqual({
      Email: "bob@corp.example",
      Username: "bob",
      DisplayName: "Bob Builder",
      Team: "developers",
    });
    const audit = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "auth.sign-in", actorUserId: user.id },
      orderBy: { createdAt: "desc" },
    });
    const details = parseDetails(audit.detailsJson);
    expect(details.sessionTagKeys).toBe("Email,Username,DisplayName,Team");
    expect(audit.detailsJson).not.toContain("Bob Builder");
  });

  it("the tags reach AssumeRole (the stand-in records their keys), and AWS reports PackedPolicySize", async () => {
    const sandboxDeveloper = await roleIdOf(stack, "acme-sandbox", "Developer");
    await resetStsCalls(stack);
    const res = await bob.request(`/api/roles/${sandboxDeveloper}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const calls = await assumeRoleCalls(stack);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      roleArn: `arn:aws:iam::${SANDBOX}:role/Developer`,
      tagKeys: ["Email", "Username", "DisplayName", "Team"],
      hasPolicy: false,
      errorCode: null,
    });
    expect(calls[0]?.packedPolicySize).toBeGreaterThan(0);
    expect(calls[0]?.packedPolicySize).toBeLessThanOrEqual(100);
    expect(calls[0]).not.toHaveProperty("policyLength");
  });

  it("a claim with several values is left out of the tags, and the sign-in audit says which and why", async () => {
    await signIn(stack, "alice"); // alice is in two groups: Team can't hold both
    const alice = await storedUser(stack, "alice");
    const session = await latestSessionOf(alice.id);
    expect(Object.keys(JSON.parse(session.sessionTagsJson) as object)).toEqual([
      "Email",
      "Username",
      "DisplayName",
    ]);
    const audit = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "auth.sign-in", actorUserId: alice.id },
      orderBy: { createdAt: "desc" },
    });
    expect(String(parseDetails(audit.detailsJson).sessionTagProblems)).toMatch(
      /claim "groups" for tag Team has 2 values/,
    );
  });

  it("a role whose trust policy doesn't allow sts:TagSession: AWS's AccessDenied is surfaced, audited with AWS's reason", async () => {
    const dataScience = await roleIdOf(stack, "acme-sandbox", "DataScience");
    await resetStsCalls(stack);
    const res = await bob.request(`/api/roles/${dataScience}/credentials`, {
      method: "POST",
      json: {},
    });
    const body = await expectApiError(res, 502, "aws_refused");
    expect(body.error.awsErrorCode).toBe("AccessDenied");
    expect(body.error.message).toContain("sts:TagSession");
    const calls = await assumeRoleCalls(stack);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      errorCode: "AccessDenied",
      tagKeys: ["Email", "Username", "DisplayName", "Team"],
    });
    const [row] = await issuanceOutcomeRows(stack, res.headers.get("x-request-id"));
    expect(row).toMatchObject({ action: "credentials.failed", outcome: "error" });
    const details = parseDetails(row!.detailsJson);
    expect(details.awsErrorCode).toBe("AccessDenied");
    expect(String(details.reason)).toMatch(/not authorized to perform: sts:TagSession/);
  });
});

describe("tags AWS would refuse fail closed before any STS call", () => {
  const CASES = [
    {
      rule: "a tag value longer than 256 characters",
      attributes: { department: ["D".repeat(300)] },
      message: /value of tag "Department" is 300 characters; AWS allows at most 256/,
    },
    {
      rule: "a tag value with characters AWS does not allow",
      attributes: { department: ["R&D <platform>"] },
      message: /value of tag "Department" has characters AWS does not allow/,
    },
  ];
  it.each(CASES)("$rule: 403 naming the tag and the limit, audited, no STS call", async (c) => {
    const email = `tags-${randomText(8)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "x")}@corp.example`;
    const user = await signInWithAttributes(email, { groups: ["developers"], ...c.attributes });
    const readOnly = await roleIdOf(stack, "acme-production", "ReadOnly");
    const res = await withoutAwsCalls(stack, () =>
      user.request(`/api/roles/${readOnly}/credentials`, { method: "POST", json: {} }),
    );
    const body = await expectApiError(res, 403, "forbidden");
    expect(body.error.message).toMatch(c.message);
    expect(body.error.message).toMatch(/No credentials were issued/);
    const [row] = await auditRowsFor(stack, res.headers.get("x-request-id"));
    expect(row).toMatchObject({ action: "credentials.failed", outcome: "error" });
    expect(String(parseDetails(row!.detailsJson).reason)).toMatch(c.message);
  });
});

describe("session policies of access rules", () => {
  it("a rule's policy is sent minified as Policy, AWS reports PackedPolicySize, and the credentials work", async () => {
    const stagingDeveloper = await roleIdOf(stack, "acme-staging", "Developer");
    const doc = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadLogs",
          Effect: "Allow",
          Action: ["logs:Get*", "logs:Describe*"],
          Resource: "*",
        },
      ],
    };
    const stored = JSON.stringify(doc, null, 2);
    await setRulePolicy(stagingDeveloper, stored);
    try {
      await resetStsCalls(stack);
      const res = await bob.request(`/api/roles/${stagingDeveloper}/credentials`, {
        method: "POST",
        json: {},
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const { accessKeyId, secretAccessKey, sessionToken } = (await res.json()) as {
        accessKeyId: string;
        secretAccessKey: string;
        sessionToken: string;
      };
      const [call] = await assumeRoleCalls(stack);
      expect(call).toMatchObject({ hasPolicy: true, errorCode: null });
      expect(call?.policyLength).toBe(JSON.stringify(doc).length);
      expect(call?.policyLength).toBeLessThan(stored.length);
      expect(call?.packedPolicySize).toBeGreaterThan(0);
      expect(call?.packedPolicySize).toBeLessThanOrEqual(100);

      const sts = new STSClient({
        region: "us-east-1",
        endpoint: stack.aws.stsEndpoint,
        credentials: { accessKeyId, secretAccessKey, sessionToken },
      });
      const me = await sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toMatch(/^arn:aws:sts::345678901234:assumed-role\/Developer\//);
    } finally {
      await setRulePolicy(stagingDeveloper, null);
    }
  });

  const MALFORMED = [
    { rule: "not JSON", policy: '{"Version": "2012-10-17", ', reason: /not valid JSON/ },
    {
      rule: "a Principal (session policies are identity policies)",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" },
      }),
      reason: /Statement\[0\]\.Principal is not allowed/,
    },
    {
      rule: "an unknown Version",
      policy: JSON.stringify({
        Version: "2020-01-01",
        Statement: { Effect: "Allow", Action: "s3:*", Resource: "*" },
      }),
      reason: /Version must be "2012-10-17"/,
    },
    {
      rule: "longer than AWS's 2,048 characters minified",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: {
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::bucket-${i}-padding/*`),
        },
      }),
      reason: /characters minified; AWS allows at most 2048/,
    },
  ];
  it.each(MALFORMED)(
    "a stored policy that is $rule fails closed: 403, the reason in the audit log, no STS call",
    async (c) => {
      const stagingAdmin = await roleIdOf(stack, "acme-staging", "Administrator");
      await setRulePolicy(stagingAdmin, c.policy);
      try {
        const alice = await signIn(stack, "alice");
        const res = await withoutAwsCalls(stack, () =>
          alice.request(`/api/roles/${stagingAdmin}/credentials`, { method: "POST", json: {} }),
        );
        const raw = await res.clone().text();
        const body = await expectApiError(res, 403, "forbidden");
        expect(body.error.message).toMatch(/session policy .* is not valid/);
        expect(raw).not.toContain("s3:");
        const [row] = await auditRowsFor(stack, res.headers.get("x-request-id"));
        expect(row).toMatchObject({ action: "credentials.failed", outcome: "error" });
        expect(String(parseDetails(row!.detailsJson).reason)).toMatch(c.reason);
      } finally {
        await setRulePolicy(stagingAdmin, null);
      }
    },
  );

  it("AWS's PackedPolicyTooLarge (a near-limit policy plus long tags) becomes a readable message", async () => {
    // Random resource names compress badly, like real ones do for AWS's packer.
    const resources: string[] = [];
    const policyWith = (list: string[]) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: list },
      });
    while (policyWith([...resources, `arn:aws:s3:::${randomText(40)}/*`]).length <= 2048)
      resources.push(`arn:aws:s3:::${randomText(40)}/*`);
    const policy = policyWith(resources);
    const tagValues = {
      department: [randomText(256)],
      project: [randomText(256)],
      cost_center: [randomText(256)],
      manager: [randomText(256)],
    };
    const email = "packed@corp.example";
    const tags = [
      { key: "Email", value: email },
      { key: "Team", value: "gatehouse-admins" },
      { key: "Department", value: tagValues.department[0]! },
      { key: "Project", value: tagValues.project[0]! },
      { key: "CostCenter", value: tagValues.cost_center[0]! },
      { key: "Manager", value: tagValues.manager[0]! },
    ];
    // Each alone fits AWS's packed budget; together they don't.
    expect(packedPolicyPercent(policy, [], [])).toBeLessThanOrEqual(100);
    expect(packedPolicyPercent(undefined, [], tags)).toBeLessThanOrEqual(100);
    expect(packedPolicyPercent(policy, [], tags)).toBeGreaterThan(100);

    const productionAdmin = await roleIdOf(stack, "acme-production", "Administrator");
    await setRulePolicy(productionAdmin, policy);
    try {
      const user = await signInWithAttributes(email, {
        groups: ["gatehouse-admins"],
        ...tagValues,
      });
      await resetStsCalls(stack);
      const res = await user.request(`/api/roles/${productionAdmin}/credentials`, {
        method: "POST",
        json: {},
      });
      const body = await expectApiError(res, 502, "aws_refused");
      expect(body.error.awsErrorCode).toBe("PackedPolicyTooLarge");
      expect(body.error.message).toMatch(/session tags and session policy are too large/);
      const calls = await assumeRoleCalls(stack);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        errorCode: "PackedPolicyTooLarge",
        hasPolicy: true,
        policyLength: policy.length,
        tagKeys: ["Email", "Team", "Department", "Project", "CostCenter", "Manager"],
      });
      expect(calls[0]?.packedPolicySize).toBeGreaterThan(100);
      const [row] = await issuanceOutcomeRows(stack, res.headers.get("x-request-id"));
      expect(row).toMatchObject({ action: "credentials.failed", outcome: "error" });
      expect(parseDetails(row!.detailsJson).awsErrorCode).toBe("PackedPolicyTooLarge");
    } finally {
      await setRulePolicy(productionAdmin, null);
    }
  });
});

describe("a RoleSessionName AWS would refuse fails before any STS call", () => {
  // The portal chooses session names that fit; a damaged user row must still fail closed, audited.
  it.each([
    { rule: "a RoleSessionName with a space", name: "bob builder" },
    { rule: "a RoleSessionName shorter than 2", name: "b" },
    { rule: "a RoleSessionName longer than 64", name: "b".repeat(65) },
    { rule: "a RoleSessionName with a slash", name: "bob/admin" },
  ])("refuses $rule", async ({ name }) => {
    const user = await storedUser(stack, "bob");
    await stack.db.user.update({ where: { id: user.id }, data: { roleSessionName: name } });
    try {
      const readOnly = await roleIdOf(stack, "acme-production", "ReadOnly");
      const res = await withoutAwsCalls(stack, () =>
        bob.request(`/api/roles/${readOnly}/credentials`, { method: "POST", json: {} }),
      );
      const body = await expectApiError(res, 403, "forbidden");
      expect(body.error.message).toMatch(
        /the RoleSessionName is \d+ characters?; AWS takes 2 to 64/,
      );
      if (name.length > 2) expect(body.error.message).not.toContain(name);
      const [row] = await auditRowsFor(stack, res.headers.get("x-request-id"));
      expect(row).toMatchObject({ action: "credentials.failed", outcome: "error" });
      expect(String(parseDetails(row!.detailsJson).reason)).toMatch(/RoleSessionName/);
    } finally {
      await stack.db.user.update({
        where: { id: user.id },
        data: { roleSessionName: user.roleSessionName },
      });
    }
  });
});
