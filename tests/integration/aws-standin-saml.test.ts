/**
 * The AWS stand-in's AssumeRoleWithSAML, driven by the real @aws-sdk/client-sts (unsigned, as it
 * sends this call when it has no credentials) with assertions from tests/support/saml-fixtures:
 * what it issues, every rule it enforces with AWS's error code, SAML providers registered at
 * runtime, and robustness against garbage.
 */
import { createHash } from "node:crypto";
import {
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  GetCallerIdentityCommand,
  STSClient,
  type AssumeRoleWithSAMLCommandInput,
} from "@aws-sdk/client-sts";
import { IdentityProvider } from "samlify";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  startAwsStandin,
  withSamlProvider,
  withSamlTrust,
  type AwsStandin,
  type StsCallRecord,
} from "@/dev/aws-standin/server";
import { AWS_SAML_ATTRIBUTES } from "@/dev/aws-standin/saml-claims";
import {
  createTestClock,
  idpMetadata,
  keysOf,
  rawStsRequest,
  roleArnOf,
  stsClient,
  stsFailure,
  TEST_ACCOUNT,
  testBroker,
  testWorld,
} from "@/tests/support/aws-standin";
import {
  ALGORITHMS,
  AWS_SIGNIN_SAML_URL,
  billionLaughs,
  buildAwsSamlResponse,
  deeplyNested,
  duplicateSignedInfo,
  encodePostBinding,
  externalEntity,
  extraRootElement,
  FIXTURE_ACS_URL,
  FIXTURE_IDP_ENTITY_ID,
  FIXTURE_SP_ENTITY_ID,
  getTestSigningKey,
  commentInNameId,
  STATUS,
  stripSignature,
  tamperText,
  wrapSignedAssertion,
  type AwsSamlResponseOptions,
  type WrapPlacement,
} from "@/tests/support/saml-fixtures";

const PROVIDER_NAME = "CorpIdP";
const PROVIDER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/${PROVIDER_NAME}`;
/** A second, registered IdP that no role trusts. */
const PARTNER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/PartnerIdP`;
const PARTNER_ENTITY_ID = "https://partner.example/saml/metadata";
/** Trusted by Developer from the start, registered only while running. */
const LATE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/LateIdP`;
const DIRECT_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/DirectIdP`;
const SIGNIN_SAML_EU = "https://eu-west-1.signin.aws.amazon.com/saml";

const clock = createTestClock();
let standin: AwsStandin;

beforeAll(async () => {
  const idpKeys = [getTestSigningKey("idp"), getTestSigningKey("idp-next")];
  let world = withSamlProvider(
    testWorld(),
    { arn: PROVIDER_ARN, metadataXml: idpMetadata(FIXTURE_IDP_ENTITY_ID, idpKeys) },
    (role) => role.name !== "Untrusted",
  );
  world = withSamlProvider(
    world,
    {
      arn: PARTNER_ARN,
      metadataXml: idpMetadata(PARTNER_ENTITY_ID, [getTestSigningKey("partner")]),
    },
    () => false,
  );
  world = withSamlTrust(world, LATE_ARN, (role) => role.name === "Developer");
  world = withSamlTrust(world, DIRECT_ARN, (role) => role.name === "Developer");
  // Developer's sessions may assume ChainTarget: a chain started from a SAML session.
  world.accounts[0]?.roles
    .find((role) => role.name === "ChainTarget")
    ?.trustedPrincipalArns.push(roleArnOf("Developer"));
  standin = await startAwsStandin({ world, now: clock.now });
});
afterEach(() => clock.reset());
afterAll(async () => {
  await standin.close();
});

const secondsFromNow = (seconds: number) => new Date(clock.now().getTime() + seconds * 1000);

/** A Response addressed to AWS granting Developer through PROVIDER_ARN, at the stand-in's now. */
function awsResponse(opts: Partial<AwsSamlResponseOptions> = {}): string {
  return buildAwsSamlResponse({
    now: clock.now(),
    roles: [{ roleArn: roleArnOf("Developer"), principalArn: PROVIDER_ARN }],
    ...opts,
  });
}

/** A client with no credentials at all: the SDK sends AssumeRoleWithSAML unsigned (noAuth). */
function anonymousClient(): STSClient {
  return new STSClient({ endpoint: standin.stsEndpoint, region: "us-east-1", maxAttempts: 1 });
}

function assumeWithSaml(xml: string, input: Partial<AssumeRoleWithSAMLCommandInput> = {}) {
  return anonymousClient().send(
    new AssumeRoleWithSAMLCommand({
      RoleArn: roleArnOf("Developer"),
      PrincipalArn: PROVIDER_ARN,
      SAMLAssertion: encodePostBinding(xml),
      ...input,
    }),
  );
}

function samlForm(samlAssertion: string, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    Action: "AssumeRoleWithSAML",
    Version: "2011-06-15",
    RoleArn: roleArnOf("Developer"),
    PrincipalArn: PROVIDER_ARN,
    SAMLAssertion: samlAssertion,
    ...extra,
  }).toString();
}

async function calls(): Promise<StsCallRecord[]> {
  return (await (await fetch(`${standin.url}/__standin/calls`)).json()) as StsCallRecord[];
}

function lifetimeSeconds(expiration: Date | undefined): number {
  return Math.round(((expiration?.getTime() ?? 0) - clock.now().getTime()) / 1000);
}

describe("AssumeRoleWithSAML issues credentials", () => {
  it("answers an unsigned SDK call with AWS's result shape, and the credentials work", async () => {
    const result = await assumeWithSaml(awsResponse({ sourceIdentity: "alice-0001" }));

    const c = result.Credentials;
    expect(c?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c?.SecretAccessKey).toHaveLength(40);
    expect(lifetimeSeconds(c?.Expiration)).toBeGreaterThanOrEqual(3599);
    expect(lifetimeSeconds(c?.Expiration)).toBeLessThanOrEqual(3600);
    const arn = `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/Developer/alice@corp.example`;
    expect(result.AssumedRoleUser?.Arn).toBe(arn);
    expect(result.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:alice@corp\.example$/);
    expect(result).toMatchObject({
      Subject: "alice@corp.example",
      SubjectType: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
      Issuer: FIXTURE_IDP_ENTITY_ID,
      Audience: AWS_SIGNIN_SAML_URL,
      SourceIdentity: "alice-0001",
      NameQualifier: createHash("sha1")
        .update(`${FIXTURE_IDP_ENTITY_ID}${TEST_ACCOUNT}/${PROVIDER_NAME}`)
        .digest("base64"),
    });
    expect(result.PackedPolicySize).toBeUndefined();

    const identity = await stsClient(standin, keysOf(result)).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity).toMatchObject({
      Arn: arn,
      UserId: result.AssumedRoleUser?.AssumedRoleId,
      Account: TEST_ACCOUNT,
    });
  });

  it("records the call without a caller and without the assertion", async () => {
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    const xml = awsResponse({ sourceIdentity: "alice-0001", sessionDuration: 1800 });
    await assumeWithSaml(xml);
    const log = await calls();
    expect(log).toEqual([
      expect.objectContaining({
        action: "AssumeRoleWithSAML",
        callerArn: null,
        accessKeyId: null,
        roleArn: roleArnOf("Developer"),
        principalArn: PROVIDER_ARN,
        roleSessionName: "alice@corp.example",
        sourceIdentity: "alice-0001",
        durationSeconds: 1800,
        errorCode: null,
      }),
    ]);
    const text = JSON.stringify(log);
    expect(text).not.toContain(encodePostBinding(xml).slice(0, 40));
    expect(text).not.toMatch(/SAMLAssertion|Signature/);
  });

  it.each([
    { order: "role_arn,provider_arn", providerFirst: false },
    { order: "provider_arn,role_arn", providerFirst: true },
  ])("accepts a Role attribute value written $order", async ({ providerFirst }) => {
    const result = await assumeWithSaml(awsResponse({ providerFirst }));
    expect(result.AssumedRoleUser?.Arn).toContain(":assumed-role/Developer/");
  });

  it("finds the requested pair among several Role values", async () => {
    const result = await assumeWithSaml(
      awsResponse({
        roles: [
          { roleArn: roleArnOf("ReadOnly"), principalArn: PROVIDER_ARN },
          `${PROVIDER_ARN}, ${roleArnOf("Developer")}`,
        ],
      }),
    );
    expect(result.AssumedRoleUser?.Arn).toContain(":assumed-role/Developer/");
  });

  it.each([
    { format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", type: "persistent" },
    { format: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient", type: "transient" },
    { format: null, type: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified" },
  ])("reports SubjectType $type for NameID Format $format", async ({ format, type }) => {
    const result = await assumeWithSaml(
      awsResponse({ nameId: "6f1c2a8e-a11ce", nameIdFormat: format, roleSessionName: "alice" }),
    );
    expect(result).toMatchObject({ Subject: "6f1c2a8e-a11ce", SubjectType: type });
  });

  it.each([
    { rule: "a regional sign-in Recipient", opts: { recipient: SIGNIN_SAML_EU } },
    { rule: "the sign-in URL as audience", opts: { audiences: [AWS_SIGNIN_SAML_URL] } },
    {
      rule: "a signed Response around an unsigned Assertion",
      opts: { signAssertion: false, signResponse: true },
    },
    { rule: "both Response and Assertion signed", opts: { signResponse: true } },
    {
      rule: "the IdP's rollover certificate",
      opts: { signAssertion: { key: getTestSigningKey("idp-next") } },
    },
    {
      rule: "RSA-SHA512 with SHA-512 digests",
      opts: {
        signAssertion: {
          signatureAlgorithm: ALGORITHMS.rsaSha512,
          digestAlgorithm: ALGORITHMS.sha512,
        },
      },
    },
  ] satisfies Array<{ rule: string; opts: Partial<AwsSamlResponseOptions> }>)(
    "accepts $rule",
    async ({ opts }) => {
      const result = await assumeWithSaml(awsResponse(opts));
      expect(result.Credentials?.AccessKeyId).toMatch(/^ASIA/);
      expect(result.Audience).toBe(opts.recipient ?? AWS_SIGNIN_SAML_URL);
    },
  );

  it("tolerates an IdP clock up to a minute ahead (IssueInstant, NotBefore)", async () => {
    const result = await assumeWithSaml(awsResponse({ now: secondsFromNow(45) }));
    expect(result.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it("reads NameID whole across a comment (never truncates at it)", async () => {
    const signed = awsResponse({
      nameId: "alice@corp.example.evil.example",
      roleSessionName: "alice",
    });
    const xml = commentInNameId(signed);
    expect(xml).toContain("alice@corp.example<!---->.evil.example");
    const result = await assumeWithSaml(xml);
    expect(result.Subject).toBe("alice@corp.example.evil.example");
  });

  const durations: Array<{
    rule: string;
    opts: () => Partial<AwsSamlResponseOptions>;
    input?: Partial<AssumeRoleWithSAMLCommandInput>;
    seconds: number;
  }> = [
    { rule: "defaults to one hour", opts: () => ({}), seconds: 3600 },
    {
      rule: "caps the default hour by SessionDuration",
      opts: () => ({ sessionDuration: 1800 }),
      seconds: 1800,
    },
    {
      rule: "grants DurationSeconds up to SessionDuration",
      opts: () => ({ sessionDuration: 43200 }),
      input: { DurationSeconds: 7200 },
      seconds: 7200,
    },
    {
      rule: "grants DurationSeconds up to the role maximum when there is no SessionDuration",
      opts: () => ({ sessionNotOnOrAfter: null }),
      input: { DurationSeconds: 43200 },
      seconds: 43200,
    },
    {
      rule: "ends the session at SessionNotOnOrAfter when that is sooner",
      opts: () => ({ sessionNotOnOrAfter: secondsFromNow(1200) }),
      input: { DurationSeconds: 7200 },
      seconds: 1200,
    },
  ];

  it.each(durations)("session duration: $rule", async ({ opts, input, seconds }) => {
    const result = await assumeWithSaml(awsResponse(opts()), input);
    const granted = lifetimeSeconds(result.Credentials?.Expiration);
    expect(Math.abs(granted - seconds)).toBeLessThanOrEqual(1);
  });

  it("turns PrincipalTag attributes into session tags (PackedPolicySize reported)", async () => {
    const result = await assumeWithSaml(awsResponse({ principalTags: { team: "platform" } }));
    expect(result.PackedPolicySize).toBeGreaterThan(0);
    expect(result.PackedPolicySize).toBeLessThanOrEqual(100);
  });

  it("a SAML session passes the tags its TransitiveTagKeys attribute names along a role chain", async () => {
    const result = await assumeWithSaml(
      awsResponse({
        principalTags: { team: "platform", project: "gatehouse" },
        extraAttributes: { [AWS_SAML_ATTRIBUTES.transitiveTagKeys]: ["team"] },
      }),
    );
    const chain = stsClient(standin, keysOf(result));
    const target = { RoleArn: roleArnOf("ChainTarget"), RoleSessionName: "chained" };
    await chain.send(new AssumeRoleCommand({ ...target, Tags: [{ Key: "project", Value: "x" }] }));
    expect((await calls()).at(-1)?.inheritedTagKeys).toEqual(["team"]);
    const failure = await stsFailure(
      chain.send(new AssumeRoleCommand({ ...target, Tags: [{ Key: "team", Value: "other" }] })),
    );
    expect(failure).toMatchObject({ code: "InvalidParameterValue", status: 400 });
  });

  it("accepts the same call sent as a raw unsigned form", async () => {
    const response = await rawStsRequest(standin, samlForm(encodePostBinding(awsResponse())), {
      keys: null,
    });
    expect(response.status).toBe(200);
    expect(response.body).toContain("<AssumeRoleWithSAMLResult>");
    expect(response.body).toContain("<NameQualifier>");
  });

  it("accepts a SigV4-signed call, and checks that signature like any other", async () => {
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    const form = samlForm(encodePostBinding(awsResponse()));
    const signed = await rawStsRequest(standin, form, { keys: testBroker });
    expect(signed.status).toBe(200);
    expect((await calls())[0]).toMatchObject({ callerArn: testBroker.arn, errorCode: null });

    const forged = await rawStsRequest(standin, form, {
      keys: { ...testBroker, secretAccessKey: "x".repeat(40) },
    });
    expect(forged).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("lets the credentials sign in to the console with a SessionDuration", async () => {
    const keys = keysOf(await assumeWithSaml(awsResponse()));
    const session = JSON.stringify({
      sessionId: keys.accessKeyId,
      sessionKey: keys.secretAccessKey,
      sessionToken: keys.sessionToken,
    });
    const response = await fetch(
      `${standin.federationEndpoint}?Action=getSigninToken&SessionDuration=43200&Session=${encodeURIComponent(session)}`,
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { SigninToken?: string }).SigninToken).toBeTruthy();
  });
});

describe("AssumeRoleWithSAML refusals carry AWS's code and status", () => {
  const ago = (seconds: number) => secondsFromNow(-seconds);
  const developer = (principalArn = PROVIDER_ARN) => ({
    roleArn: roleArnOf("Developer"),
    principalArn,
  });

  const cases: Array<{
    rule: string;
    xml: () => string;
    input?: Partial<AssumeRoleWithSAMLCommandInput>;
    code: string;
    status: number;
    message?: string | RegExp;
  }> = [
    // Time
    {
      rule: "expired: past Conditions NotOnOrAfter",
      xml: () => awsResponse({ notOnOrAfter: ago(1) }),
      code: "ExpiredTokenException",
      status: 400,
    },
    {
      rule: "expired: past SubjectConfirmationData NotOnOrAfter",
      xml: () => awsResponse({ subjectNotOnOrAfter: ago(1) }),
      code: "ExpiredTokenException",
      status: 400,
    },
    {
      rule: "expired: past AuthnStatement SessionNotOnOrAfter",
      xml: () => awsResponse({ sessionNotOnOrAfter: ago(1) }),
      code: "ExpiredTokenException",
      status: 400,
    },
    {
      rule: "expired: issued more than 5 minutes ago, whatever NotOnOrAfter says",
      xml: () =>
        awsResponse({
          issueInstant: ago(301),
          notOnOrAfter: secondsFromNow(600),
          subjectNotOnOrAfter: secondsFromNow(600),
        }),
      code: "ExpiredTokenException",
      status: 400,
      message: "Token must be redeemed within 5 minutes of issuance",
    },
    {
      rule: "not yet valid: Conditions NotBefore more than a minute ahead",
      xml: () => awsResponse({ notBefore: secondsFromNow(120) }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "not yet valid: IssueInstant more than a minute ahead",
      xml: () => awsResponse({ issueInstant: secondsFromNow(120) }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    // Signature
    {
      rule: "bad signature: NameID changed after signing",
      xml: () =>
        tamperText(
          awsResponse(),
          "alice@corp.example</saml:NameID>",
          "bob@corp.example</saml:NameID>",
        ),
      code: "InvalidIdentityToken",
      status: 400,
      message: /^Response signature invalid/,
    },
    {
      rule: "bad signature: Role attribute changed after signing",
      xml: () => tamperText(awsResponse(), roleArnOf("Developer"), roleArnOf("ReadOnly")),
      input: { RoleArn: roleArnOf("ReadOnly") },
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "other key: re-signed by a key the provider does not list, its certificate in KeyInfo",
      xml: () => awsResponse({ signAssertion: { key: getTestSigningKey("attacker") } }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "unsigned: neither Response nor Assertion signed",
      xml: () => awsResponse({ signAssertion: false }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "signature stripped from the Assertion",
      xml: () => stripSignature(awsResponse()),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "an RSA-SHA1 / SHA-1 signature",
      xml: () =>
        awsResponse({
          signAssertion: {
            signatureAlgorithm: ALGORITHMS.rsaSha1,
            digestAlgorithm: ALGORITHMS.sha1,
          },
        }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "two SignedInfo in the signature",
      xml: () => duplicateSignedInfo(awsResponse()),
      code: "InvalidIdentityToken",
      status: 400,
    },
    ...(
      [
        "extensions",
        "advice",
        "object",
        "subject-confirmation-data",
        "sibling-before",
        "sibling-after",
        "parent",
      ] satisfies WrapPlacement[]
    ).map((placement) => ({
      rule: `wrapping: the signed assertion moved to ${placement}, an attacker's in its place`,
      xml: () =>
        wrapSignedAssertion(
          awsResponse({ roles: [{ roleArn: roleArnOf("ReadOnly"), principalArn: PROVIDER_ARN }] }),
          placement,
        ),
      code: "InvalidIdentityToken",
      status: 400,
    })),
    // Issuer, status, addressing
    {
      rule: "an Issuer that is not the provider's entityID",
      xml: () => awsResponse({ issuer: "https://evil.example/saml/metadata" }),
      code: "InvalidIdentityToken",
      status: 400,
      message: "Issuer not present in specified provider",
    },
    {
      rule: "a Response whose status is not Success",
      xml: () => awsResponse({ statusCode: STATUS.responder }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "wrong Recipient: the portal's ACS",
      xml: () => awsResponse({ recipient: FIXTURE_ACS_URL }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "wrong Recipient: a look-alike of the sign-in host",
      xml: () => awsResponse({ recipient: "https://signin.aws.amazon.com.evil.example/saml" }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "wrong Audience: the portal's entity ID",
      xml: () => awsResponse({ audiences: [FIXTURE_SP_ENTITY_ID] }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "a portal-targeted assertion (portal audience, Recipient and Destination)",
      xml: () =>
        awsResponse({
          audiences: [FIXTURE_SP_ENTITY_ID],
          recipient: FIXTURE_ACS_URL,
          destination: FIXTURE_ACS_URL,
        }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "an encrypted assertion (not supported by the stand-in)",
      xml: () => awsResponse({ encryptedAssertion: { keyTransport: ALGORITHMS.rsaOaep } }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    // Provider and role
    {
      rule: "an unknown provider",
      xml: () =>
        awsResponse({ roles: [developer(`arn:aws:iam::${TEST_ACCOUNT}:saml-provider/Nobody`)] }),
      input: { PrincipalArn: `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/Nobody` },
      code: "InvalidIdentityToken",
      status: 400,
      message: "Specified provider doesn't exist",
    },
    {
      rule: "a PrincipalArn that is not a SAML provider",
      xml: () => awsResponse(),
      input: { PrincipalArn: roleArnOf("ReadOnly") },
      code: "ValidationError",
      status: 400,
      message: "Principal ARN is invalid",
    },
    {
      rule: "a RoleArn that is not a role",
      xml: () => awsResponse(),
      input: { RoleArn: PROVIDER_ARN },
      code: "ValidationError",
      status: 400,
      message: "Request ARN is invalid",
    },
    {
      rule: "the role is not in the Role attribute",
      xml: () =>
        awsResponse({ roles: [{ roleArn: roleArnOf("ReadOnly"), principalArn: PROVIDER_ARN }] }),
      code: "AccessDenied",
      status: 403,
      message: "Not authorized to perform sts:AssumeRoleWithSAML",
    },
    {
      rule: "the Role attribute pairs the role with another provider",
      xml: () => awsResponse({ roles: [developer(PARTNER_ARN)] }),
      code: "AccessDenied",
      status: 403,
    },
    {
      rule: "the role does not trust the provider",
      xml: () =>
        awsResponse({ roles: [{ roleArn: roleArnOf("Untrusted"), principalArn: PROVIDER_ARN }] }),
      input: { RoleArn: roleArnOf("Untrusted") },
      code: "AccessDenied",
      status: 403,
    },
    {
      rule: "another registered IdP's own assertion, for a role that only trusts ours",
      xml: () =>
        awsResponse({
          issuer: PARTNER_ENTITY_ID,
          roles: [developer(PARTNER_ARN)],
          signAssertion: { key: getTestSigningKey("partner") },
        }),
      input: { PrincipalArn: PARTNER_ARN },
      code: "AccessDenied",
      status: 403,
    },
    {
      rule: "a role that does not exist",
      xml: () =>
        awsResponse({ roles: [{ roleArn: roleArnOf("Ghost"), principalArn: PROVIDER_ARN }] }),
      input: { RoleArn: roleArnOf("Ghost") },
      code: "AccessDenied",
      status: 403,
    },
    // AWS attributes
    {
      rule: "no RoleSessionName attribute",
      xml: () => awsResponse({ roleSessionName: null }),
      code: "InvalidIdentityToken",
      status: 400,
      message: "RoleSessionName is required in AuthnResponse",
    },
    {
      rule: "a RoleSessionName outside [\\w+=,.@-]{2,64}",
      xml: () => awsResponse({ roleSessionName: "alice smith" }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "a SessionDuration outside 900–43200",
      xml: () => awsResponse({ sessionDuration: 600 }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "a SourceIdentity with the reserved aws: prefix",
      xml: () => awsResponse({ sourceIdentity: "aws:alice" }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "a SourceIdentity for a role without sts:SetSourceIdentity",
      xml: () =>
        awsResponse({
          sourceIdentity: "alice-0001",
          roles: [{ roleArn: roleArnOf("NoSourceIdentity"), principalArn: PROVIDER_ARN }],
        }),
      input: { RoleArn: roleArnOf("NoSourceIdentity") },
      code: "AccessDenied",
      status: 403,
    },
    {
      rule: "a TransitiveTagKeys attribute naming no PrincipalTag of the assertion",
      xml: () =>
        awsResponse({
          principalTags: { team: "platform" },
          extraAttributes: { [AWS_SAML_ATTRIBUTES.transitiveTagKeys]: ["project"] },
        }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "PrincipalTag attributes for a role without sts:TagSession",
      xml: () =>
        awsResponse({
          principalTags: { team: "platform" },
          roles: [{ roleArn: roleArnOf("NoTagSession"), principalArn: PROVIDER_ARN }],
        }),
      input: { RoleArn: roleArnOf("NoTagSession") },
      code: "AccessDenied",
      status: 403,
    },
    // Duration and parameters
    {
      rule: "DurationSeconds above the asserted SessionDuration",
      xml: () => awsResponse({ sessionDuration: 3600 }),
      input: { DurationSeconds: 7200 },
      code: "ValidationError",
      status: 400,
      message: "The requested DurationSeconds exceeds the SessionDuration in the SAML assertion.",
    },
    {
      rule: "DurationSeconds above the role's MaxSessionDuration",
      xml: () =>
        awsResponse({ roles: [{ roleArn: roleArnOf("ReadOnly"), principalArn: PROVIDER_ARN }] }),
      input: { RoleArn: roleArnOf("ReadOnly"), DurationSeconds: 7200 },
      code: "ValidationError",
      status: 400,
      message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    },
    {
      rule: "DurationSeconds below 900",
      xml: () => awsResponse(),
      input: { DurationSeconds: 600 },
      code: "ValidationError",
      status: 400,
    },
    {
      rule: "a session policy with a character beyond Latin-1",
      xml: () => awsResponse(),
      input: {
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::東京/*" }],
        }),
      },
      code: "ValidationError",
      status: 400,
      message:
        /Member must satisfy regular expression pattern: \[\\u0009\\u000A\\u000D\\u0020-\\u00FF\]\+/,
    },
    {
      rule: "a PrincipalTag key with the reserved aws: prefix",
      xml: () => awsResponse({ principalTags: { "aws:team": "platform" } }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "a PrincipalTag value with the reserved aws: prefix",
      xml: () => awsResponse({ principalTags: { team: "aws:platform" } }),
      code: "InvalidIdentityToken",
      status: 400,
    },
    {
      rule: "a session policy that is not JSON",
      xml: () => awsResponse(),
      input: { Policy: "{not json" },
      code: "MalformedPolicyDocument",
      status: 400,
    },
  ];

  it.each(cases)("refuses $rule ($code)", async ({ xml, input, code, status, message }) => {
    const failure = await stsFailure(assumeWithSaml(xml(), input));
    expect(failure).toMatchObject({ code, status });
    if (message !== undefined) expect(failure.message).toMatch(message);
  });
});

describe("SAML providers", () => {
  it("registers a provider over HTTP while running, which roles trusting its ARN then accept", async () => {
    const xml = awsResponse({
      roles: [{ roleArn: roleArnOf("Developer"), principalArn: LATE_ARN }],
    });
    const before = await stsFailure(assumeWithSaml(xml, { PrincipalArn: LATE_ARN }));
    expect(before).toMatchObject({
      code: "InvalidIdentityToken",
      message: "Specified provider doesn't exist",
    });

    const metadataXml = idpMetadata(FIXTURE_IDP_ENTITY_ID, [getTestSigningKey("idp")]);
    const registered = await fetch(`${standin.url}/__standin/saml-providers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ arn: LATE_ARN, metadataXml }),
    });
    expect(registered.status).toBe(200);
    expect(await registered.json()).toEqual({
      arn: LATE_ARN,
      entityId: FIXTURE_IDP_ENTITY_ID,
      certificateCount: 1,
    });
    const listed = (await (
      await fetch(`${standin.url}/__standin/saml-providers`)
    ).json()) as Array<{ arn: string }>;
    expect(listed.map((p) => p.arn)).toEqual(
      expect.arrayContaining([PROVIDER_ARN, PARTNER_ARN, LATE_ARN]),
    );

    const result = await assumeWithSaml(xml, { PrincipalArn: LATE_ARN });
    expect(result.NameQualifier).toBe(
      createHash("sha1").update(`${FIXTURE_IDP_ENTITY_ID}${TEST_ACCOUNT}/LateIdP`).digest("base64"),
    );
  });

  it("registers a provider through the AwsStandin object, from samlify-generated metadata", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    let metadataXml: string;
    try {
      metadataXml = IdentityProvider({
        entityID: FIXTURE_IDP_ENTITY_ID,
        signingCert: getTestSigningKey("idp").certificatePem,
        singleSignOnService: [
          {
            Binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
            Location: "https://idp.corp.example/sso",
          },
        ],
      }).getMetadata();
    } finally {
      warn.mockRestore();
    }
    expect(standin.registerSamlProvider(DIRECT_ARN, metadataXml)).toEqual({
      arn: DIRECT_ARN,
      entityId: FIXTURE_IDP_ENTITY_ID,
      certificateCount: 1,
    });
    const xml = awsResponse({
      roles: [{ roleArn: roleArnOf("Developer"), principalArn: DIRECT_ARN }],
    });
    const result = await assumeWithSaml(xml, { PrincipalArn: DIRECT_ARN });
    expect(result.AssumedRoleUser?.Arn).toContain(":assumed-role/Developer/");
  });

  it.each([
    {
      rule: "a DOCTYPE",
      metadata: () =>
        `<!DOCTYPE x []>${idpMetadata("https://x.example", [getTestSigningKey("idp")])}`,
    },
    { rule: "no signing certificate", metadata: () => idpMetadata("https://x.example", []) },
    { rule: "no entityID", metadata: () => idpMetadata("", [getTestSigningKey("idp")]) },
    { rule: "not metadata at all", metadata: () => "<html/>" },
  ])("refuses metadata with $rule: TypeError, 400 over HTTP", async ({ metadata }) => {
    expect(() => standin.registerSamlProvider(LATE_ARN, metadata())).toThrow(TypeError);
    const response = await fetch(`${standin.url}/__standin/saml-providers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ arn: LATE_ARN, metadataXml: metadata() }),
    });
    expect(response.status).toBe(400);
  });

  it("refuses a malformed provider ARN", () => {
    const metadataXml = idpMetadata(FIXTURE_IDP_ENTITY_ID, [getTestSigningKey("idp")]);
    expect(() =>
      standin.registerSamlProvider("arn:aws:iam::1:saml-provider/x", metadataXml),
    ).toThrow(TypeError);
  });

  it.each([
    {
      rule: "a provider with malformed metadata",
      world: () => withSamlProvider(testWorld(), { arn: PROVIDER_ARN, metadataXml: "<x/>" }),
    },
    {
      rule: "a role trusting a provider of another account",
      world: () =>
        withSamlTrust(testWorld(), "arn:aws:iam::222222222222:saml-provider/X", () => true),
    },
  ])("refuses to start with $rule", async ({ world }) => {
    await expect(startAwsStandin({ world: world() })).rejects.toThrow(TypeError);
  });
});

describe("garbage in SAMLAssertion leaves the server serving", () => {
  const good = () => encodePostBinding(awsResponse());
  const cases: Array<{ rule: string; value: () => string; code: string }> = [
    { rule: "not base64", value: () => "!!!! not base64 !!!!", code: "InvalidIdentityToken" },
    {
      rule: "base64 of text that is not XML",
      value: () => encodePostBinding("hello, world"),
      code: "InvalidIdentityToken",
    },
    {
      rule: "base64 of bytes that are not UTF-8",
      value: () => Buffer.from([0xff, 0xfe, 0x00, 0x3c]).toString("base64"),
      code: "InvalidIdentityToken",
    },
    {
      rule: "a DOCTYPE with an external entity (XXE)",
      value: () => encodePostBinding(externalEntity(awsResponse())),
      code: "InvalidIdentityToken",
    },
    {
      rule: "billion laughs",
      value: () => encodePostBinding(billionLaughs(awsResponse())),
      code: "InvalidIdentityToken",
    },
    {
      rule: "5,000 nested elements",
      value: () => encodePostBinding(deeplyNested(awsResponse(), 5000)),
      code: "InvalidIdentityToken",
    },
    {
      rule: "a second root element",
      value: () => encodePostBinding(extraRootElement(awsResponse())),
      code: "InvalidIdentityToken",
    },
    {
      rule: "a value over AWS's 100,000-character limit",
      value: () => "A".repeat(100_004),
      code: "ValidationError",
    },
    { rule: "an empty value", value: () => "", code: "ValidationError" },
  ];

  it.each(cases)("answers $rule with $code", async ({ value, code }) => {
    const response = await rawStsRequest(standin, samlForm(value()), { keys: null });
    expect(response).toMatchObject({ status: 400, code });
    expect(response.body).not.toContain("root:");
  });

  it("refuses a 1 MiB body with 413, then still serves a good assertion", async () => {
    const response = await fetch(standin.stsEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: samlForm("A".repeat(1024 * 1024)),
    });
    expect(response.status).toBe(413);
    await response.text();
    const after = await rawStsRequest(standin, samlForm(good()), { keys: null });
    expect(after.status).toBe(200);
  });
});
