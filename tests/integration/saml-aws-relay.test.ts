// AssumeRoleWithSAML through the running portal: a SAML-signed-in user asks for a SAML-federated
// role, is sent to the demo IdP's AWS app, whose AWS-targeted assertion the portal's relay holds
// (encrypted) for that user's session; then CLI credentials and the console work as for broker
// roles, against the AWS stand-in's STS, with the real AWS SDK. And what the relay refuses:
// portal-targeted assertions, another user's assertion, OIDC sessions, replays, reused tickets.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoSamlProviderArn } from "@/dev/demo-world";
import { CookieJar } from "../support/cookie-jar";
import {
  auditRowsFor,
  expectApiError,
  expectSecretsNowhere,
  resetStsCalls,
  stsCalls,
  withoutAwsCalls,
  type ApiErrorBody,
} from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import {
  AWS_ATTRIBUTES,
  AWS_SAML_AUDIENCE,
  AWS_SIGNIN_SAML_URL,
  buildAwsSamlResponse,
  encodePostBinding,
  getTestSigningKey,
} from "../support/saml-fixtures";
import {
  attributeValueIn,
  expectRelayRefused,
  passIdpLogin,
  portalSamlTargets,
  postToRelay,
  registerFixtureIdp,
  SamlBrowser,
  signInWithDemoSaml,
  type AutoPost,
} from "../support/saml-portal";
import { startTestStack, type TestStack } from "../support/stack";

const FEDERATED = {
  account: "acme-production",
  accountId: "210987654321",
  role: "FederatedReadOnly",
} as const;
const ROLE_ARN = `arn:aws:iam::${FEDERATED.accountId}:role/${FEDERATED.role}`;
const PROVIDER_ARN = demoSamlProviderArn(FEDERATED.accountId);

interface CredentialsBody {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

let stack: TestStack;
let federatedRoleId: string;

beforeAll(async () => {
  stack = await startTestStack({ saml: true });
  federatedRoleId = await roleIdOf(stack, FEDERATED.account, FEDERATED.role);
});

afterAll(async () => {
  await stack?.stop();
});

function samlIdp() {
  if (!stack.samlIdp) throw new Error("the stack was started without the demo SAML IdP");
  return stack.samlIdp;
}

const issue = (
  session: PortalSession,
  output: "credentials" | "console",
  json: Record<string, unknown> = {},
) => session.request(`/api/roles/${federatedRoleId}/${output}`, { method: "POST", json });

/**
 * The 409 for a SAML-federated role without a held assertion, and the URL it says to follow: the
 * AWS app trip for this role, coming back to `returnTo` (the accounts page when none was given).
 */
async function expectAssertionRequired(res: Response, returnTo = "/accounts"): Promise<string> {
  const body = await expectApiError(res, 409, "saml_assertion_required");
  const { nextUrl } = body.error as ApiErrorBody["error"] & { nextUrl?: string };
  expect(nextUrl).toBe(
    `/api/aws/saml/start?roleId=${federatedRoleId}&returnTo=${encodeURIComponent(returnTo)}`,
  );
  return nextUrl!;
}

/** The IdP's AWS app, started from the IdP (as AWS apps are), signed in as `username` if need be. */
async function awsAppAssertion(browser: SamlBrowser, username: string): Promise<AutoPost> {
  const posted = await passIdpLogin(
    browser,
    await browser.get(`${samlIdp().url}/saml/start/aws`),
    username,
  );
  expect(posted.action).toBe(portalSamlTargets(stack).relayUrl);
  return posted;
}

/** POSTs an AWS assertion to the relay and returns the claim URL it redirects to. */
async function relayToClaim(browser: SamlBrowser, samlResponse: string): Promise<string> {
  const relayed = await postToRelay(stack, browser, samlResponse);
  expect(relayed.status, relayed.location ?? "").toBe(303);
  const claim = new URL(relayed.location ?? "", stack.portalUrl);
  expect(`${claim.origin}${claim.pathname}`).toBe(`${stack.portalUrl}/api/aws/saml/claim`);
  expect(claim.searchParams.get("ticket")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return claim.href;
}

async function getClaim(browser: SamlBrowser, claimUrl: string) {
  const res = await browser.request(claimUrl);
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get("location") };
}

describe("AssumeRoleWithSAML through the portal, for bob signed in with SAML", () => {
  let bob: SamlBrowser;
  let nextUrl: string;
  let awsAssertion: AutoPost;
  let claimUrl: string;
  let credentials: CredentialsBody;

  it("without a held assertion, credentials and console answer 409 saml_assertion_required with nextUrl, no STS call", async () => {
    ({ browser: bob } = await signInWithDemoSaml(stack, "bob"));
    nextUrl = await expectAssertionRequired(
      await withoutAwsCalls(stack, () => issue(bob.portal(stack), "credentials")),
    );
    await expectAssertionRequired(
      await withoutAwsCalls(stack, () => issue(bob.portal(stack), "console")),
    );
  });

  it("nextUrl leads to the IdP's AWS app (already signed in there), which posts to the relay; the claim binds it: saml-ready", async () => {
    const start = await bob.request(`${stack.portalUrl}${nextUrl}`);
    expect(start.status).toBe(303);
    expect(start.headers.get("location")).toBe(`${samlIdp().url}/saml/start/aws`);
    const page = await bob.follow(start, `${stack.portalUrl}${nextUrl}`);
    // The IdP session from the sign-in is reused: the auto-post form comes without a login page.
    expect(page.body).toContain('id="saml-post"');
    awsAssertion = await passIdpLogin(bob, page, "bob");
    expect(awsAssertion.action).toBe(portalSamlTargets(stack).relayUrl);
    expect(awsAssertion.xml).toContain(`<saml:Audience>${AWS_SAML_AUDIENCE}</saml:Audience>`);
    expect(awsAssertion.xml).toContain(`Destination="${AWS_SIGNIN_SAML_URL}"`);

    claimUrl = await relayToClaim(bob, awsAssertion.samlResponse);
    const claim = await getClaim(bob, claimUrl);
    expect(claim.status).toBe(303);
    expect(claim.location).toBe(`${stack.portalUrl}/accounts?notice=saml-ready`);

    const held = await stack.db.samlAwsAssertion.findMany({
      where: { userKey: "bob@corp.example" },
    });
    expect(held).toHaveLength(1);
    expect(held[0]?.sessionId).not.toBeNull();
    expect(held[0]?.claimTicketHash).toBeNull();
    expect(JSON.parse(held[0]?.rolesJson ?? "[]")).toEqual([
      { roleArn: ROLE_ARN, principalArn: PROVIDER_ARN },
    ]);
  });

  it("then CLI credentials (200) and the console (200) come from AssumeRoleWithSAML with the role and provider, audited", async () => {
    await resetStsCalls(stack);
    const res = await issue(bob.portal(stack), "credentials");
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(200);
    credentials = JSON.parse(text) as CredentialsBody;
    expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    const consoleRes = await issue(bob.portal(stack), "console");
    const consoleText = await consoleRes.text();
    expect(consoleRes.status, consoleText.slice(0, 300)).toBe(200);
    expect(
      new URL((JSON.parse(consoleText) as { signinUrl: string }).signinUrl).searchParams.get(
        "SigninToken",
      ),
    ).toBeTruthy();

    const sessionName = attributeValueIn(awsAssertion.xml, AWS_ATTRIBUTES.roleSessionName);
    expect(sessionName).toBe("bob@corp.example");
    const calls = await stsCalls(stack);
    expect(calls.map((c) => c.action)).toEqual(["AssumeRoleWithSAML", "AssumeRoleWithSAML"]);
    for (const call of calls) {
      expect(call).toMatchObject({
        roleArn: ROLE_ARN,
        principalArn: PROVIDER_ARN,
        roleSessionName: sessionName,
        errorCode: null,
      });
    }

    const [issued] = (await auditRowsFor(stack, res.headers.get("x-request-id"))).filter(
      (r) => r.action === "credentials.issued",
    );
    expect(issued).toMatchObject({
      outcome: "success",
      awsAccountId: FEDERATED.accountId,
      roleArn: ROLE_ARN,
      roleSessionName: sessionName,
      accessKeyId: credentials.accessKeyId,
    });
    const consoleRows = await auditRowsFor(stack, consoleRes.headers.get("x-request-id"));
    expect(consoleRows.map((r) => r.action)).toContain("console.issued");
  });

  it("GetCallerIdentity with those credentials (real SDK) is assumed-role/FederatedReadOnly/<RoleSessionName from the assertion>", async () => {
    const client = new STSClient({
      region: "us-east-1",
      endpoint: stack.aws.stsEndpoint,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken,
      },
    });
    try {
      const identity = await client.send(new GetCallerIdentityCommand({}));
      const sessionName = attributeValueIn(awsAssertion.xml, AWS_ATTRIBUTES.roleSessionName);
      expect(identity.Account).toBe(FEDERATED.accountId);
      expect(identity.Arn).toBe(
        `arn:aws:sts::${FEDERATED.accountId}:assumed-role/${FEDERATED.role}/${sessionName}`,
      );
    } finally {
      client.destroy();
    }
  });

  it("the held assertion is stored encrypted: neither the SAMLResponse nor the NameID is readable at rest or in the log", async () => {
    const held = await stack.db.samlAwsAssertion.findMany({
      where: { userKey: "bob@corp.example" },
    });
    expect(held).toHaveLength(1);
    const sealed = held[0]?.encryptedResponse ?? "";
    expect(sealed).toMatch(/^[\w-]+\.[\w-]+\.[\w-]{100,}$/);
    const response = awsAssertion.samlResponse;
    expect(sealed).not.toContain(response.slice(0, 64));
    expect(sealed).not.toContain("bob@corp.example");
    expect(sealed).not.toContain(Buffer.from("bob@corp.example").toString("base64").slice(0, 20));
    const cipherBytes = Buffer.concat(sealed.split(".").map((p) => Buffer.from(p, "base64url")));
    expect(cipherBytes.toString("latin1")).not.toMatch(/saml|bob@corp/);
    // The whole database and the portal's log: not the response, nor any long piece of it.
    await expectSecretsNowhere(stack, [
      response,
      response.slice(0, 200),
      response.slice(Math.floor(response.length / 2), Math.floor(response.length / 2) + 200),
    ]);
  });

  it("the same AWS assertion posted to the relay again is refused: replayed_assertion", async () => {
    const before = await stack.db.samlAwsAssertion.count();
    const replayed = await postToRelay(stack, new SamlBrowser(), awsAssertion.samlResponse);
    await expectRelayRefused(stack, replayed, "replayed_assertion", "saml-aws-replayed");
    expect(await stack.db.samlAwsAssertion.count()).toBe(before);
  });

  it("a claim ticket is redeemable once: the second redemption is refused", async () => {
    const again = await getClaim(bob, claimUrl);
    await expectRelayRefused(stack, again, "unknown_in_response_to", "saml-aws-ticket-spent");
  });
});

describe("what the relay refuses", () => {
  it("a portal-targeted assertion (the IdP's sign-in response) posted to the relay: portal_targeted_assertion", async () => {
    const browser = new SamlBrowser();
    const signInResponse = await passIdpLogin(
      browser,
      await browser.get(`${samlIdp().url}/saml/start/gatehouse`),
      "bob",
    );
    expect(signInResponse.action).toBe(portalSamlTargets(stack).acsUrl);
    const before = await stack.db.samlAwsAssertion.count();
    const result = await postToRelay(stack, browser, signInResponse.samlResponse);
    await expectRelayRefused(stack, result, "portal_targeted_assertion");
    expect(await stack.db.samlAwsAssertion.count()).toBe(before);
  });

  it("alice's AWS assertion claimed by bob's session: identity_mismatch, and bob gets nothing from it", async () => {
    const { browser: bob } = await signInWithDemoSaml(stack, "bob");
    const alice = new SamlBrowser();
    const aliceAssertion = await awsAppAssertion(alice, "alice");
    expect(attributeValueIn(aliceAssertion.xml, AWS_ATTRIBUTES.role)).toBeDefined();
    const aliceClaim = await relayToClaim(alice, aliceAssertion.samlResponse);

    await expectRelayRefused(
      stack,
      await getClaim(bob, aliceClaim),
      "identity_mismatch",
      "saml-aws-other-identity",
    );
    // The refused assertion is gone, not parked for a later claim.
    expect(
      await stack.db.samlAwsAssertion.count({ where: { userKey: "alice@corp.example" } }),
    ).toBe(0);
    await expectAssertionRequired(
      await withoutAwsCalls(stack, () => issue(bob.portal(stack), "credentials")),
    );
  });

  it("bob signed in with OIDC can't use the SAML role: nextUrl sends him back with notice saml-sign-in-needed and a button to sign in with the SAML IdP that comes back to the trip", async () => {
    const oidcBob = await signIn(stack, "bob");
    const returnTo = "/console?account=210987654321&role=FederatedReadOnly&region=eu-west-1";
    const next = await expectAssertionRequired(
      await withoutAwsCalls(stack, () => issue(oidcBob, "console", { returnTo })),
      returnTo,
    );
    const start = await oidcBob.request(next);
    expect(start.status).toBe(303);
    const location = new URL(start.headers.get("location") ?? "", stack.portalUrl);
    expect(`${location.origin}${location.pathname}`).toBe(`${stack.portalUrl}/accounts`);
    expect(location.searchParams.get("notice")).toBe("saml-sign-in-needed");
    expect(location.searchParams.get("continue")).toBe(next);

    const page = await oidcBob.request(`${location.pathname}${location.search}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    const button =
      /<a href="([^"]+)"[^>]*data-testid="saml-sign-in-choice"[^>]*>Sign in with <!-- -->([^<]+)<\/a>/.exec(
        html,
      );
    expect(button, "a Sign in with … button").not.toBeNull();
    expect(button![2]).toBe("Corp Identity (demo)");
    expect(button![1]!.replaceAll("&amp;", "&")).toBe(
      `/api/auth/saml/corp-saml/login?returnTo=${encodeURIComponent(next)}`,
    );
  });

  it("…nor claim an AWS assertion the SAML IdP issued for bob: identity_mismatch (another identity)", async () => {
    const oidcBob = await signIn(stack, "bob");
    const browser = new SamlBrowser(oidcBob.jar);
    const assertion = await awsAppAssertion(browser, "bob");
    const claim = await relayToClaim(browser, assertion.samlResponse);
    await expectRelayRefused(
      stack,
      await getClaim(browser, claim),
      "identity_mismatch",
      "saml-aws-other-identity",
    );
    await expectAssertionRequired(
      await withoutAwsCalls(stack, () => issue(oidcBob, "credentials")),
    );
  });

  it("an oversized POST to the relay (a 1 MiB SAMLResponse) is refused and audited: message_too_large", async () => {
    const result = await postToRelay(stack, new SamlBrowser(), "PD94".repeat(256 * 1024));
    await expectRelayRefused(stack, result, "message_too_large");
  });

  it("a claim without a portal session is sent to sign-in, and the ticket stays with its owner", async () => {
    const bobBrowser = (await signInWithDemoSaml(stack, "bob")).browser;
    const claim = await relayToClaim(
      bobBrowser,
      (await awsAppAssertion(bobBrowser, "bob")).samlResponse,
    );
    const anonymous = await getClaim(new SamlBrowser(new CookieJar()), claim);
    expect(anonymous.status).toBe(303);
    expect(anonymous.location?.startsWith(`${stack.portalUrl}/signin?`)).toBe(true);
    const owner = await getClaim(bobBrowser, claim);
    expect(owner.location).toBe(`${stack.portalUrl}/accounts?notice=saml-ready`);
  });
});

describe("the AWS app trip comes back where the user was going", () => {
  /** A fresh SAML sign-in for bob (no assertion held yet) and the trip's nextUrl for `returnTo`. */
  async function startTrip(returnTo: string | undefined) {
    const { browser } = await signInWithDemoSaml(stack, "bob");
    const res = await issue(browser.portal(stack), "credentials", returnTo ? { returnTo } : {});
    const next = await expectAssertionRequired(res, returnTo ?? "/accounts");
    return { browser, next };
  }

  /** Follows nextUrl through the IdP's AWS app and the relay; returns where the claim sends the browser. */
  async function completeTrip(browser: SamlBrowser, startUrl: string) {
    const start = await browser.request(`${stack.portalUrl}${startUrl}`);
    expect(start.status).toBe(303);
    const kept = browser.jar.all().find((c) => c.name === "gatehouse.saml-aws-return");
    const page = await browser.follow(start, `${stack.portalUrl}${startUrl}`);
    const assertion = await passIdpLogin(browser, page, "bob");
    const claim = await getClaim(browser, await relayToClaim(browser, assertion.samlResponse));
    expect(claim.status).toBe(303);
    return { kept, location: claim.location };
  }

  it.each([
    [
      "the console deep link",
      "/console?account=210987654321&role=FederatedReadOnly&region=eu-west-1",
    ],
    ["the credentials dialog", `/accounts?credentials=placeholder`],
  ])(
    "returnTo (%s) is kept in an HttpOnly cookie for the trip, and the claim continues there",
    async (_name, given) => {
      const returnTo = given.replace("placeholder", federatedRoleId);
      const { browser, next } = await startTrip(returnTo);
      const { kept, location } = await completeTrip(browser, next);
      expect(kept).toMatchObject({ httpOnly: true, path: "/api/aws/saml/" });
      expect(decodeURIComponent(kept?.value ?? "")).toBe(returnTo);
      expect(location).toBe(`${stack.portalUrl}${returnTo}`);
      // The cookie is spent: nothing else continues there by accident.
      expect(browser.jar.all().some((c) => c.name === "gatehouse.saml-aws-return")).toBe(false);
      // …and the assertion is held: the credentials the user asked for are now issued.
      expect((await issue(browser.portal(stack), "credentials")).status).toBe(200);
    },
  );

  it.each([
    ["another site", "https://evil.example/"],
    ["a scheme-relative URL", "//evil.example/accounts"],
    ["a backslash path", "/\\evil.example"],
    ["a javascript: URL", "javascript:alert(1)"],
  ])(
    "a returnTo that is not a path on this portal (%s) is refused by the API: 400",
    async (_n, returnTo) => {
      const { browser } = await signInWithDemoSaml(stack, "bob");
      await expectApiError(
        await withoutAwsCalls(stack, () =>
          issue(browser.portal(stack), "credentials", { returnTo }),
        ),
        400,
        "validation_error",
      );
    },
  );

  it.each([
    ["another site", "https://evil.example/"],
    ["a scheme-relative URL", "//evil.example/accounts"],
  ])(
    "the start route keeps only portal paths: returnTo = %s comes back to the accounts page",
    async (_n, hostile) => {
      const { browser } = await signInWithDemoSaml(stack, "bob");
      const startUrl = `/api/aws/saml/start?roleId=${federatedRoleId}&returnTo=${encodeURIComponent(hostile)}`;
      const { kept, location } = await completeTrip(browser, startUrl);
      expect(decodeURIComponent(kept?.value ?? "")).toBe("/accounts");
      expect(location).toBe(`${stack.portalUrl}/accounts?notice=saml-ready`);
    },
  );

  it("a tampered return cookie (not a portal path) is ignored by the claim: the accounts page", async () => {
    const { browser, next } = await startTrip("/accounts?credentials=x");
    const start = await browser.request(`${stack.portalUrl}${next}`);
    browser.jar.store(
      `${stack.portalUrl}/api/aws/saml/`,
      "gatehouse.saml-aws-return=%2F%2Fevil.example; Path=/api/aws/saml/; HttpOnly",
    );
    const page = await browser.follow(start, `${stack.portalUrl}${next}`);
    const assertion = await passIdpLogin(browser, page, "bob");
    const claim = await getClaim(browser, await relayToClaim(browser, assertion.samlResponse));
    expect(claim.location).toBe(`${stack.portalUrl}/accounts?notice=saml-ready`);
  });
});

describe("HEAD on the AWS app trip starts and redeems nothing", () => {
  it("HEAD /api/aws/saml/start: 204 with no return cookie and no redirect to the IdP's AWS app", async () => {
    const { browser } = await signInWithDemoSaml(stack, "bob");
    const res = await browser.request(
      `${stack.portalUrl}/api/aws/saml/start?roleId=${federatedRoleId}&returnTo=%2Faccounts%3Fcredentials%3Dx`,
      { method: "HEAD" },
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("location")).toBeNull();
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(browser.jar.all().some((c) => c.name === "gatehouse.saml-aws-return")).toBe(false);
  });

  it("HEAD on a claim URL redeems nothing: the GET that follows still binds the assertion (saml-ready)", async () => {
    const { browser } = await signInWithDemoSaml(stack, "bob");
    const claimUrl = await relayToClaim(
      browser,
      (await awsAppAssertion(browser, "bob")).samlResponse,
    );
    const head = await browser.request(claimUrl, { method: "HEAD" });
    expect(head.status).toBe(204);
    expect(head.headers.get("location")).toBeNull();
    const claim = await getClaim(browser, claimUrl);
    expect(claim.location).toBe(`${stack.portalUrl}/accounts?notice=saml-ready`);
  });
});

describe("a held assertion is used only while AWS still accepts it", () => {
  it("an assertion issued more than 5 minutes ago (AWS's redemption window) is not sent to STS: 409 saml_assertion_required with nextUrl", async () => {
    const { browser } = await signInWithDemoSaml(stack, "bob");
    const claimUrl = await relayToClaim(
      browser,
      (await awsAppAssertion(browser, "bob")).samlResponse,
    );
    expect((await getClaim(browser, claimUrl)).location).toBe(
      `${stack.portalUrl}/accounts?notice=saml-ready`,
    );
    stack.portalClock.advance(5 * 60 * 1000 + 5_000);
    try {
      await expectAssertionRequired(
        await withoutAwsCalls(stack, () => issue(browser.portal(stack), "credentials")),
      );
    } finally {
      stack.portalClock.reset();
    }
  });
});

describe("a refused AWS app trip says what went wrong and what to do", () => {
  it.each([
    [
      "saml-aws-replayed",
      /already used, and each one works once\. Ask for the console or CLI credentials again/,
    ],
    [
      "saml-aws-ticket-spent",
      /already used or has expired \(it works once, for two minutes\)\. Ask for the console/,
    ],
    ["saml-aws-expired", /expired before it reached Gatehouse\. Ask for the console/],
    [
      "saml-aws-other-identity",
      /for a different person than the one signed in to Gatehouse.*Sign in to both as the same person/,
    ],
    [
      "saml-aws-no-roles",
      /lists no AWS role Gatehouse can use\. An administrator must assign you roles/,
    ],
    [
      "saml-failed",
      /could not be accepted\. Try again; if it keeps failing, give your administrator the request id/,
    ],
  ])("the accounts page explains notice %s", async (notice, text) => {
    const { browser } = await signInWithDemoSaml(stack, "bob");
    const page = await browser
      .portal(stack)
      .request(`/accounts?notice=${notice}&requestId=req-12345678`);
    const html = (await page.text()).replaceAll("&#x27;", "'");
    expect(page.status).toBe(200);
    const shown = /data-testid="notice"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? "";
    expect(shown).toMatch(text);
    expect(shown).toContain("req-12345678");
  });
});

describe("the relay refuses AWS attributes STS would refuse, naming them", () => {
  it.each([
    [
      "no RoleSessionName",
      { roleSessionName: null },
      /RoleSessionName must have exactly one value/,
    ],
    ["a 1-character RoleSessionName", { roleSessionName: "b" }, /RoleSessionName must be 2-64/],
    [
      "a RoleSessionName with a space",
      { roleSessionName: "bob smith" },
      /RoleSessionName must be 2-64/,
    ],
    [
      "a 65-character RoleSessionName",
      { roleSessionName: "b".repeat(65) },
      /RoleSessionName must be 2-64/,
    ],
    [
      "SessionDuration 100",
      { sessionDuration: 100 },
      /SessionDuration must be one integer from 900 to 43200/,
    ],
    ["SessionDuration 99999", { sessionDuration: 99999 }, /SessionDuration must be one integer/],
    ["SessionDuration 1h", { sessionDuration: "1h" }, /SessionDuration must be one integer/],
  ] as const)("%s: invalid_aws_attribute, nothing held", async (_name, attributes, detail) => {
    await registerFixtureIdp(stack, {
      slug: "fixture-aws",
      keys: [getTestSigningKey("idp")],
      allowIdpInitiated: true,
    });
    const xml = buildAwsSamlResponse({
      now: new Date(),
      nameId: "bob@corp.example",
      roles: [{ roleArn: ROLE_ARN, principalArn: PROVIDER_ARN }],
      ...attributes,
    });
    const before = await stack.db.samlAwsAssertion.count();
    const result = await postToRelay(stack, new SamlBrowser(), encodePostBinding(xml));
    await expectRelayRefused(stack, result, "invalid_aws_attribute", "saml-aws-bad-attribute");
    expect(await stack.db.samlAwsAssertion.count()).toBe(before);
    const requestId = new URL(result.location ?? "", stack.portalUrl).searchParams.get("requestId");
    const [row] = await auditRowsFor(stack, requestId);
    expect(String(row?.detailsJson ?? "")).toMatch(detail);
  });
});

describe("a SAML-assumed role's records name the session name and source identity AWS gives it", () => {
  it("credentials.authorized names the assertion's RoleSessionName and SourceIdentity, as credentials.issued does, never the portal's own", async () => {
    const { browser } = await signInWithDemoSaml(stack, "bob");
    // The portal's own session name for bob differs from the one his IdP asserts to AWS.
    const identities = await stack.db.user.findMany({ where: { email: "bob@corp.example" } });
    for (const [i, user] of identities.entries())
      await stack.db.user.update({
        where: { id: user.id },
        data: { roleSessionName: `bob-as-the-portal-names-him-${i}` },
      });
    try {
      const assertion = await awsAppAssertion(browser, "bob");
      const asserted = attributeValueIn(assertion.xml, AWS_ATTRIBUTES.roleSessionName);
      expect(asserted).toBe("bob@corp.example");
      const assertedSource = attributeValueIn(assertion.xml, AWS_ATTRIBUTES.sourceIdentity);
      expect(assertedSource).toMatch(/^[\w+=,.@-]{2,64}$/);
      await getClaim(browser, await relayToClaim(browser, assertion.samlResponse));
      const res = await issue(browser.portal(stack), "credentials");
      expect(res.status, await res.clone().text()).toBe(200);
      const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
      expect(rows.map((r) => [r.action, r.roleSessionName, r.sourceIdentity])).toEqual([
        ["credentials.authorized", asserted, assertedSource],
        ["credentials.issued", asserted, assertedSource],
      ]);
    } finally {
      for (const user of identities)
        await stack.db.user.update({
          where: { id: user.id },
          data: { roleSessionName: user.roleSessionName },
        });
    }
  });
});
