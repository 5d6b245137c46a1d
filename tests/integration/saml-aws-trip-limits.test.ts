// Where the AWS app trip stops: an assertion is held only while AWS itself would still take it
// (its own NotOnOrAfter and SessionNotOnOrAfter, without the clock skew the relay allows the IdP),
// and a trip whose assertion does not list the role it was started for ends on a notice instead of
// coming back to the request — which would start the same trip again, round and round.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoSamlProviderArn } from "@/dev/demo-world";
import { auditRowsFor, expectApiError, withoutAwsCalls } from "../support/portal-assertions";
import { roleIdOf, type PortalSession } from "../support/portal-client";
import {
  buildAwsSamlResponse,
  buildSamlResponse,
  type AwsSamlResponseOptions,
  encodePostBinding,
  getTestSigningKey,
} from "../support/saml-fixtures";
import {
  addressedToPortal,
  expectRelayRefused,
  expectSignedIn,
  passIdpLogin,
  postToAcs,
  postToRelay,
  registerFixtureIdp,
  SamlBrowser,
  signInWithDemoSaml,
} from "../support/saml-portal";
import { startTestStack, type TestStack } from "../support/stack";

const ACCOUNT_ID = "210987654321";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/FederatedReadOnly`;
const PROVIDER_ARN = demoSamlProviderArn(ACCOUNT_ID);

let stack: TestStack;
let roleId: string;

beforeAll(async () => {
  stack = await startTestStack({ saml: true });
  roleId = await roleIdOf(stack, "acme-production", "FederatedReadOnly");
  // An IdP whose AWS-targeted responses the test signs itself, so it can set any instant.
  await registerFixtureIdp(stack, {
    slug: "fixture-aws",
    keys: [getTestSigningKey("idp")],
    allowIdpInitiated: true,
  });
});

afterAll(async () => {
  await stack?.stop();
});

const issueCredentials = (session: PortalSession) =>
  session.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} });

async function claim(browser: SamlBrowser, relayed: { status: number; location: string | null }) {
  expect(relayed.status).toBe(303);
  const res = await browser.request(new URL(relayed.location ?? "", stack.portalUrl).href);
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get("location") };
}

/** A developer (granted FederatedReadOnly) signed in through the fixture IdP. */
async function fixtureDeveloper(nameId: string): Promise<SamlBrowser> {
  const browser = new SamlBrowser();
  const xml = buildSamlResponse({
    ...addressedToPortal(stack),
    nameId,
    attributes: { email: [nameId], groups: ["developers"] },
  });
  expectSignedIn(stack, await postToAcs(stack, browser, encodePostBinding(xml)));
  return browser;
}

/** Relays and claims a fixture AWS assertion about `nameId` with these instants: saml-ready. */
async function holdAssertion(
  browser: SamlBrowser,
  nameId: string,
  instants: { notOnOrAfter?: Date; sessionNotOnOrAfter?: Date },
): Promise<void> {
  const xml = buildAwsSamlResponse({
    nameId,
    roles: [{ roleArn: ROLE_ARN, principalArn: PROVIDER_ARN }],
    ...(instants.notOnOrAfter
      ? { notOnOrAfter: instants.notOnOrAfter, subjectNotOnOrAfter: instants.notOnOrAfter }
      : {}),
    ...(instants.sessionNotOnOrAfter ? { sessionNotOnOrAfter: instants.sessionNotOnOrAfter } : {}),
  });
  const claimed = await claim(browser, await postToRelay(stack, browser, encodePostBinding(xml)));
  expect(claimed.location).toBe(`${stack.portalUrl}/accounts?notice=saml-ready`);
}

describe("a held assertion is used only until AWS's own end of it, with no skew added", () => {
  it.each([
    ["its NotOnOrAfter", "dana@fixture.example", { notOnOrAfter: 60 }],
    ["its AuthnStatement SessionNotOnOrAfter", "erin@fixture.example", { sessionNotOnOrAfter: 60 }],
  ] as const)(
    "past %s (inside the relay's clock skew) it is not sent to STS: 409 saml_assertion_required with a new trip",
    async (_name, nameId, endsIn) => {
      const browser = await fixtureDeveloper(nameId);
      const at = (seconds: number | undefined) =>
        seconds === undefined ? undefined : new Date(Date.now() + seconds * 1000);
      await holdAssertion(browser, nameId, {
        ...("notOnOrAfter" in endsIn ? { notOnOrAfter: at(endsIn.notOnOrAfter) } : {}),
        ...("sessionNotOnOrAfter" in endsIn
          ? { sessionNotOnOrAfter: at(endsIn.sessionNotOnOrAfter) }
          : {}),
      });
      stack.portalClock.advance(90_000);
      try {
        const res = await withoutAwsCalls(stack, () => issueCredentials(browser.portal(stack)));
        await expectApiError(res, 409, "saml_assertion_required");
      } finally {
        stack.portalClock.reset();
      }
    },
  );

  it("an assertion past its NotOnOrAfter when it reaches the relay (inside the skew) is refused as expired, nothing held", async () => {
    const xml = buildAwsSamlResponse({
      nameId: "dana@fixture.example",
      roles: [{ roleArn: ROLE_ARN, principalArn: PROVIDER_ARN }],
      now: new Date(Date.now() - 60_000),
      notOnOrAfter: new Date(Date.now() - 10_000),
      subjectNotOnOrAfter: new Date(Date.now() - 10_000),
    });
    const before = await stack.db.samlAwsAssertion.count();
    const result = await postToRelay(stack, new SamlBrowser(), encodePostBinding(xml));
    await expectRelayRefused(stack, result, "expired", "saml-aws-expired");
    expect(await stack.db.samlAwsAssertion.count()).toBe(before);
  });
});

describe("a trip whose assertion does not list the role it was started for", () => {
  it("ends on a notice naming that (audited), not back at the request that would start the trip again", async () => {
    // The role's provider in Gatehouse differs from the one the IdP's AWS app pairs it with.
    const otherProvider = `arn:aws:iam::${ACCOUNT_ID}:saml-provider/another-idp`;
    await stack.db.role.update({ where: { id: roleId }, data: { samlProviderArn: otherProvider } });
    try {
      const { browser } = await signInWithDemoSaml(stack, "bob");
      const returnTo = `/accounts?credentials=${roleId}`;
      const asked = await browser
        .portal(stack)
        .request(`/api/roles/${roleId}/credentials`, { method: "POST", json: { returnTo } });
      const body = await expectApiError(asked, 409, "saml_assertion_required");
      const nextUrl = (body.error as { nextUrl?: string }).nextUrl ?? "";
      const start = await browser.request(`${stack.portalUrl}${nextUrl}`);
      const page = await browser.follow(start, `${stack.portalUrl}${nextUrl}`);
      const posted = await passIdpLogin(browser, page, "bob");
      const claimed = await claim(browser, await postToRelay(stack, browser, posted.samlResponse));

      const location = new URL(claimed.location ?? "", stack.portalUrl);
      expect(`${location.pathname}?notice=${location.searchParams.get("notice")}`).toBe(
        "/accounts?notice=saml-aws-role-not-listed",
      );
      const rows = await auditRowsFor(stack, location.searchParams.get("requestId"));
      expect(rows.map((r) => [r.action, r.outcome])).toEqual([["access.denied", "denied"]]);
      expect(String(rows[0]?.detailsJson)).toContain(otherProvider);
      expect(browser.jar.all().some((c) => c.name.startsWith("gatehouse.saml-aws-"))).toBe(false);

      const notice = await browser.portal(stack).request(`${location.pathname}${location.search}`);
      const html = (await notice.text()).replaceAll("&#x27;", "'");
      expect(html).toMatch(/does not list the role you asked for/);
    } finally {
      await stack.db.role.update({
        where: { id: roleId },
        data: { samlProviderArn: PROVIDER_ARN },
      });
    }
  });
});

describe("the relay refuses the SourceIdentity and session tags STS would refuse, naming them", () => {
  const SOURCE_IDENTITY = "https://aws.amazon.com/SAML/Attributes/SourceIdentity";
  const TRANSITIVE_KEYS = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys";
  const TAG = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:";
  const manyTags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, "x"]));

  const relay = (attributes: AwsSamlResponseOptions) =>
    postToRelay(stack, new SamlBrowser(), encodePostBinding(buildAwsSamlResponse(attributes)));
  const base = {
    nameId: "dana@fixture.example",
    roles: [{ roleArn: ROLE_ARN, principalArn: PROVIDER_ARN }],
  };

  const refused: Array<[string, Partial<AwsSamlResponseOptions>, RegExp]> = [
    ["a SourceIdentity with a space", { sourceIdentity: "dana smith" }, /SourceIdentity must be/],
    ["a 1-character SourceIdentity", { sourceIdentity: "d" }, /SourceIdentity must be/],
    [
      "two SourceIdentity values",
      { extraAttributes: { [SOURCE_IDENTITY]: ["dana", "erin"] } },
      /SourceIdentity must have at most one value/,
    ],
    [
      "a PrincipalTag with two values",
      { extraAttributes: { [`${TAG}team`]: ["a", "b"] } },
      /PrincipalTag:team must have exactly one value/,
    ],
    [
      "a PrincipalTag key with the reserved aws: prefix",
      { principalTags: { "aws:team": "a" } },
      /reserved prefix/,
    ],
    ["a PrincipalTag value of 257 characters", { principalTags: { team: "v".repeat(257) } }, /256/],
    ["51 PrincipalTags", { principalTags: manyTags }, /at most 50/],
    [
      "TransitiveTagKeys naming no PrincipalTag",
      { principalTags: { team: "a" }, extraAttributes: { [TRANSITIVE_KEYS]: ["project"] } },
      /TransitiveTagKeys names \\?"project\\?", which is not a PrincipalTag/,
    ],
  ];
  it.each(refused)("%s: invalid_aws_attribute, nothing held", async (_name, attributes, detail) => {
    const before = await stack.db.samlAwsAssertion.count();
    const result = await relay({ ...base, ...attributes });
    await expectRelayRefused(stack, result, "invalid_aws_attribute", "saml-aws-bad-attribute");
    expect(await stack.db.samlAwsAssertion.count()).toBe(before);
    const requestId = new URL(result.location ?? "", stack.portalUrl).searchParams.get("requestId");
    const [row] = await auditRowsFor(stack, requestId);
    expect(String(row?.detailsJson ?? "")).toMatch(detail);
  });

  it("a SourceIdentity, 50 PrincipalTags and TransitiveTagKeys naming one of them (any case) are held", async () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, "x"]));
    const result = await relay({
      ...base,
      sourceIdentity: "dana@fixture.example",
      principalTags: fifty,
      extraAttributes: { [TRANSITIVE_KEYS]: ["T7"] },
    });
    expect(result.status).toBe(303);
    expect(new URL(result.location ?? "", stack.portalUrl).pathname).toBe("/api/aws/saml/claim");
  });
});
