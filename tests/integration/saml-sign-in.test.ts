// SAML sign-in on the running portal: its SP metadata, SP- and IdP-initiated sign-in through the
// demo SAML IdP's login page (plain fetch and a cookie jar playing the browser), InResponseTo
// bound to the browser that started sign-in, certificate rollover, the user key (IdP entityID,
// NameID), the session's lifetime (never past SessionNotOnOrAfter nor the portal's cap) and
// sign-out. Fixture-signed responses (tests/support/saml-fixtures) cover what the demo IdP can't
// be made to send.
import { DOMParser } from "@xmldom/xmldom";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CookieJar } from "../support/cookie-jar";
import { parseDetails } from "../support/portal-assertions";
import { roleIdOf, sessionFor, signIn, signOut } from "../support/portal-client";
import {
  buildSamlResponse,
  encodePostBinding,
  FIXTURE_IDP_ENTITY_ID,
  getTestSigningKey,
  type SamlResponseOptions,
} from "../support/saml-fixtures";
import {
  addressedToPortal,
  auditRowsOf,
  expectSignedIn,
  expectSignInRefused,
  demoUser,
  passIdpLogin,
  portalSamlTargets,
  postToAcs,
  registerFixtureIdp,
  roleIdsGrantedToGroups,
  roleIdsOnAccountsPage,
  SamlBrowser,
  SESSION_COOKIE,
  signInWithDemoSaml,
  startSpLogin,
} from "../support/saml-portal";
import { startTestStack, type TestStack } from "../support/stack";

const DEMO_SLUG = "corp-saml";
const FIXTURE_SLUG = "fixture-rollover";
/** GATEHOUSE_SESSION_MAX_AGE_SECONDS's default: the portal's own cap on any session. */
const PORTAL_SESSION_CAP_SECONDS = 8 * 60 * 60;

const NS = {
  md: "urn:oasis:names:tc:SAML:2.0:metadata",
  ds: "http://www.w3.org/2000/09/xmldsig#",
} as const;
const SAML2_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
const HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

let stack: TestStack;
let staging: string;

beforeAll(async () => {
  for (const label of ["idp", "idp-next", "attacker"]) getTestSigningKey(label);
  stack = await startTestStack({ saml: true });
  // A second IdP, signing with fixture keys, mid-rollover: both its certificates are configured.
  await registerFixtureIdp(stack, {
    slug: FIXTURE_SLUG,
    keys: [getTestSigningKey("idp"), getTestSigningKey("idp-next")],
  });
  staging = await roleIdOf(stack, "acme-staging", "Developer");
});

afterEach(() => {
  // A test that moved the portal's clock leaves it as it found it, pass or fail.
  stack?.portalClock.reset();
});
afterAll(async () => {
  await stack?.stop();
});

function samlIdp() {
  if (!stack.samlIdp) throw new Error("the stack was started without the demo SAML IdP");
  return stack.samlIdp;
}

/** A fixture response for a fresh AuthnRequest of `browser` at the fixture IdP, posted to the ACS. */
async function postFixtureResponse(browser: SamlBrowser, overrides: SamlResponseOptions = {}) {
  const { requestId } = await startSpLogin(stack, browser, FIXTURE_SLUG);
  const xml = buildSamlResponse({
    ...addressedToPortal(stack),
    inResponseTo: requestId,
    ...overrides,
  });
  return postToAcs(stack, browser, encodePostBinding(xml));
}

/** The portal session a successful ACS request opened (from its auth.sign-in audit row). */
async function sessionOpenedBy(requestId: string | null) {
  const [row] = await auditRowsOf(stack, requestId ?? "");
  expect(row?.action).toBe("auth.sign-in");
  const { sessionExpiresAt } = parseDetails(row?.detailsJson ?? "{}");
  const sessions = await stack.db.portalSession.findMany({
    where: { userId: row?.actorUserId ?? "", expiresAt: new Date(String(sessionExpiresAt)) },
  });
  expect(sessions).toHaveLength(1);
  return { audit: row!, session: sessions[0]! };
}

// --- SP metadata ------------------------------------------------------------------------------

function parseStrict(xml: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: {
      warning: (m) => errors.push(m),
      error: (m) => errors.push(m),
      fatalError: (m) => errors.push(m),
    },
  }).parseFromString(xml, "text/xml");
  expect(errors, "the metadata is well-formed XML").toEqual([]);
  return doc;
}

function childElementsOf(el: Element): Element[] {
  return Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1);
}

function isUri(value: string | null): boolean {
  if (value === null || value === "" || /\s/.test(value)) return false;
  return value.startsWith("urn:") || URL.canParse(value);
}

const isXsBoolean = (value: string | null) => value === null || /^(true|false|1|0)$/.test(value);

/**
 * The element's children, as local names, must follow `sequence` (a regex over "name," tokens)
 * and all be in the metadata namespace, except ds:Signature.
 */
function expectChildSequence(el: Element, sequence: RegExp): void {
  const children = childElementsOf(el);
  for (const child of children) {
    expect([NS.md, NS.ds], `${child.localName} in ${el.localName}`).toContain(child.namespaceURI);
  }
  const names = children.map((c) => `${c.localName},`).join("");
  expect(names, `children of ${el.localName}`).toMatch(sequence);
}

/** Unqualified attributes must be among those the schema declares (others need a namespace). */
function expectOnlyAttributes(el: Element, allowed: string[]): void {
  for (const attribute of Array.from(el.attributes)) {
    if (attribute.name.startsWith("xmlns")) continue;
    if (attribute.namespaceURI === null)
      expect(allowed, `${el.localName}@${attribute.name}`).toContain(attribute.name);
  }
}

/**
 * The rules of the OASIS SAML 2.0 metadata schema (saml-schema-metadata-2.0.xsd) for every element
 * the portal's SP metadata uses: content models in order, required and typed attributes
 * (entityIDType ≤ 1024 characters, anyURI, unsignedShort, boolean), and the SAML 2.0 protocol in
 * protocolSupportEnumeration. Checked by hand because that XSD is not available offline here
 * (@authenio/samlify-node-xmllint ships only the protocol, assertion, xmldsig and xenc schemas).
 */
function expectSchemaValidSpMetadata(doc: Document): void {
  const entity = doc.documentElement;
  expect([entity.namespaceURI, entity.localName]).toEqual([NS.md, "EntityDescriptor"]);
  expectOnlyAttributes(entity, ["entityID", "validUntil", "cacheDuration", "ID"]);
  const entityId = entity.getAttribute("entityID");
  expect(isUri(entityId) && entityId!.length <= 1024).toBe(true);
  expectChildSequence(
    entity,
    /^(Signature,)?(Extensions,)?((RoleDescriptor|IDPSSODescriptor|SPSSODescriptor|AuthnAuthorityDescriptor|AttributeAuthorityDescriptor|PDPDescriptor),)+(Organization,)?(ContactPerson,)*(AdditionalMetadataLocation,)*$/,
  );

  for (const sp of Array.from(doc.getElementsByTagNameNS(NS.md, "SPSSODescriptor"))) {
    expectOnlyAttributes(sp, [
      "ID",
      "validUntil",
      "cacheDuration",
      "protocolSupportEnumeration",
      "errorURL",
      "AuthnRequestsSigned",
      "WantAssertionsSigned",
    ]);
    const protocols = (sp.getAttribute("protocolSupportEnumeration") ?? "").split(/\s+/);
    expect(protocols).toContain(SAML2_PROTOCOL);
    expect(protocols.every(isUri)).toBe(true);
    expect(isXsBoolean(sp.getAttribute("AuthnRequestsSigned"))).toBe(true);
    expect(isXsBoolean(sp.getAttribute("WantAssertionsSigned"))).toBe(true);
    expectChildSequence(
      sp,
      /^(Signature,)?(Extensions,)?(KeyDescriptor,)*(Organization,)?(ContactPerson,)*(ArtifactResolutionService,)*(SingleLogoutService,)*(ManageNameIDService,)*(NameIDFormat,)*(AssertionConsumerService,)+(AttributeConsumingService,)*$/,
    );
    for (const format of Array.from(sp.getElementsByTagNameNS(NS.md, "NameIDFormat"))) {
      expect(isUri(format.textContent)).toBe(true);
    }
    const indexes = new Set<string>();
    for (const acs of Array.from(sp.getElementsByTagNameNS(NS.md, "AssertionConsumerService"))) {
      expectOnlyAttributes(acs, ["Binding", "Location", "ResponseLocation", "index", "isDefault"]);
      expect(isUri(acs.getAttribute("Binding"))).toBe(true);
      expect(isUri(acs.getAttribute("Location"))).toBe(true);
      const index = acs.getAttribute("index") ?? "";
      expect(index).toMatch(/^\d{1,5}$/);
      expect(Number(index)).toBeLessThanOrEqual(65_535);
      indexes.add(index);
      expect(isXsBoolean(acs.getAttribute("isDefault"))).toBe(true);
    }
    expect(indexes.size, "ACS indexes are unique").toBe(
      sp.getElementsByTagNameNS(NS.md, "AssertionConsumerService").length,
    );
  }
}

describe("SP metadata", () => {
  it("is well-formed SAML 2.0 metadata that follows the metadata schema's rules", async () => {
    const res = await fetch(`${stack.portalUrl}/api/auth/saml/metadata`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/samlmetadata\+xml/);
    const xml = await res.text();
    expect(xml).not.toMatch(/<!DOCTYPE|<!ENTITY/);
    expectSchemaValidSpMetadata(parseStrict(xml));
  });

  it("names entityID = <portal>/api/auth/saml/metadata, one HTTP-POST ACS at /api/auth/saml/acs, WantAssertionsSigned", async () => {
    const doc = parseStrict(await (await fetch(portalSamlTargets(stack).audience)).text());
    expect(doc.documentElement?.getAttribute("entityID")).toBe(portalSamlTargets(stack).audience);
    const sps = Array.from(doc.getElementsByTagNameNS(NS.md, "SPSSODescriptor"));
    expect(sps).toHaveLength(1);
    expect(sps[0]?.getAttribute("WantAssertionsSigned")).toBe("true");
    const acs = Array.from(doc.getElementsByTagNameNS(NS.md, "AssertionConsumerService")).map(
      (e) => [e.getAttribute("Binding"), e.getAttribute("Location")],
    );
    // Only the sign-in ACS: the AWS relay is the ACS of the IdP's AWS app, never of the portal.
    expect(acs).toEqual([[HTTP_POST, portalSamlTargets(stack).acsUrl]]);
  });

  it("the AuthnRequest the portal sends names the portal as Issuer and its ACS, for HTTP-POST", async () => {
    const login = await startSpLogin(stack, new SamlBrowser(), DEMO_SLUG);
    const { audience, acsUrl } = portalSamlTargets(stack);
    expect(login.authnRequestXml).toContain(`<saml:Issuer>${audience}</saml:Issuer>`);
    expect(login.authnRequestXml).toContain(`AssertionConsumerServiceURL="${acsUrl}"`);
    expect(login.authnRequestXml).toContain(`ProtocolBinding="${HTTP_POST}"`);
    expect(login.idpUrl.startsWith(`${samlIdp().ssoUrl}?`)).toBe(true);
  });
});

describe("SP-initiated sign-in through the demo SAML IdP", () => {
  it("bob signs in on the IdP's login page and lands on /accounts with his roles", async () => {
    const { browser, login, posted, result } = await signInWithDemoSaml(stack, "bob");
    expect(posted.xml).toContain(`InResponseTo="${login.requestId}"`);
    const cookie = result.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=lax/i);
    expect(cookie).toMatch(/; Path=\//);

    const accounts = await browser.get(`${stack.portalUrl}/accounts`);
    expect(accounts.res.status).toBe(200);
    const listed = roleIdsOnAccountsPage(accounts.body);
    expect(listed).toEqual(await roleIdsGrantedToGroups(stack, demoUser("bob").groups));
    // The rule granting DataScience names the OIDC bob's user row: another identity, not this one.
    expect(listed).not.toContain(await roleIdOf(stack, "acme-sandbox", "DataScience"));

    const { audit, session } = await sessionOpenedBy(result.requestId);
    expect(session.method).toBe("saml");
    expect(parseDetails(audit.detailsJson)).toMatchObject({
      method: "saml",
      idp: DEMO_SLUG,
      idpInitiated: false,
    });
    const user = await stack.db.user.findUniqueOrThrow({ where: { id: audit.actorUserId ?? "" } });
    expect(user).toMatchObject({ issuer: samlIdp().entityId, subject: "bob@corp.example" });
    expect(JSON.parse(user.groupsJson)).toEqual(["developers"]);

    // The SAML session is an ordinary portal session: it issues credentials.
    const res = await browser.portal(stack).request(`/api/roles/${staging}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accessKeyId: string }).accessKeyId).toMatch(/^ASIA/);
  });

  it("returnTo is followed only as a same-site path", async () => {
    const inside = await signInWithDemoSaml(stack, "carol", { returnTo: "/accounts?tab=all" });
    expect(inside.result.location).toBe(`${stack.portalUrl}/accounts?tab=all`);
    const browser = new SamlBrowser();
    const login = await startSpLogin(stack, browser, DEMO_SLUG, "//evil.example/phish");
    const posted = await passIdpLogin(browser, await browser.get(login.idpUrl), "carol");
    expectSignedIn(stack, await postToAcs(stack, browser, posted.samlResponse));
  });
});

describe("InResponseTo is bound to the browser that started sign-in", () => {
  it("the response is refused from another browser, accepted once from its own, then refused as reused", async () => {
    const browser = new SamlBrowser();
    const login = await startSpLogin(stack, browser, DEMO_SLUG);
    const posted = await passIdpLogin(browser, await browser.get(login.idpUrl), "carol");
    expect(posted.xml).toContain(`InResponseTo="${login.requestId}"`);

    // A browser with no binding cookie at all…
    await expectSignInRefused(
      stack,
      await postToAcs(stack, new SamlBrowser(), posted.samlResponse),
      "unknown_in_response_to",
    );
    // …and one that started a sign-in of its own (so it has a binding cookie, just not this one).
    const attacker = new SamlBrowser();
    await startSpLogin(stack, attacker, DEMO_SLUG);
    await expectSignInRefused(
      stack,
      await postToAcs(stack, attacker, posted.samlResponse),
      "unknown_in_response_to",
    );
    expect(attacker.sessionCookie(stack)).toBeUndefined();

    expectSignedIn(stack, await postToAcs(stack, browser, posted.samlResponse));
    await expectSignInRefused(
      stack,
      await postToAcs(stack, browser, posted.samlResponse),
      "reused_in_response_to",
    );
  });
});

describe("IdP-initiated sign-in", () => {
  it("works from the IdP (GET /saml/start/gatehouse) while the IdP row allows it", async () => {
    const browser = new SamlBrowser();
    const posted = await passIdpLogin(
      browser,
      await browser.get(`${samlIdp().url}/saml/start/gatehouse`),
      "alice",
    );
    expect(posted.action).toBe(portalSamlTargets(stack).acsUrl);
    expect(posted.xml).not.toContain("InResponseTo=");
    const result = await postToAcs(stack, browser, posted.samlResponse);
    expectSignedIn(stack, result);
    const { audit } = await sessionOpenedBy(result.requestId);
    expect(parseDetails(audit.detailsJson)).toMatchObject({ idp: DEMO_SLUG, idpInitiated: true });
  });

  it("is refused (unsolicited_not_allowed) when the IdP row has allowIdpInitiated=false", async () => {
    await stack.db.samlIdentityProvider.update({
      where: { slug: DEMO_SLUG },
      data: { allowIdpInitiated: false },
    });
    try {
      const browser = new SamlBrowser();
      const posted = await passIdpLogin(
        browser,
        await browser.get(`${samlIdp().url}/saml/start/gatehouse`),
        "alice",
      );
      await expectSignInRefused(
        stack,
        await postToAcs(stack, browser, posted.samlResponse),
        "unsolicited_not_allowed",
      );
      expect(browser.sessionCookie(stack)).toBeUndefined();
    } finally {
      await stack.db.samlIdentityProvider.update({
        where: { slug: DEMO_SLUG },
        data: { allowIdpInitiated: true },
      });
    }
  });
});

describe("certificate rollover", () => {
  it.each(["idp", "idp-next"])(
    "with two certificates configured, a response signed by either verifies (%s)",
    async (label) => {
      const result = await postFixtureResponse(new SamlBrowser(), {
        nameId: `rollover-${label}@corp.example`,
        signAssertion: { key: getTestSigningKey(label) },
      });
      expectSignedIn(stack, result);
    },
  );

  it("a response signed by a third key (its certificate in KeyInfo) is refused: signature_invalid", async () => {
    const result = await postFixtureResponse(new SamlBrowser(), {
      signAssertion: { key: getTestSigningKey("attacker"), includeKeyInfo: true },
    });
    await expectSignInRefused(stack, result, "signature_invalid");
  });
});

describe("the user key is (IdP entityID, NameID)", () => {
  it("the same email from two IdPs (and from OIDC) is three different users, with their own access", async () => {
    const demo = await signInWithDemoSaml(stack, "bob");
    const fixtureBrowser = new SamlBrowser();
    const fixture = await postFixtureResponse(fixtureBrowser, {
      nameId: "bob@corp.example",
      attributes: { email: ["bob@corp.example"], groups: ["everyone"] },
    });
    expectSignedIn(stack, fixture);
    await signIn(stack, "bob");

    const users = await stack.db.user.findMany({ where: { email: "bob@corp.example" } });
    const keys = users.map((u) => `${u.issuer} ${u.subject}`).sort();
    expect(keys).toEqual(
      [
        `${samlIdp().entityId} bob@corp.example`,
        `${FIXTURE_IDP_ENTITY_ID} bob@corp.example`,
        `${stack.idp.issuer} 0b0b0b0b-7e57-4b0b-8b0b-b0b000000002`,
      ].sort(),
    );
    expect(new Set(users.map((u) => u.id)).size).toBe(3);
    expect(new Set(users.map((u) => u.roleSessionName)).size).toBe(3);

    const { audit: demoAudit } = await sessionOpenedBy(demo.result.requestId);
    const { audit: fixtureAudit } = await sessionOpenedBy(fixture.requestId);
    expect(demoAudit.actorUserId).not.toBe(fixtureAudit.actorUserId);
    // The fixture IdP's bob is not in "developers": none of the demo bob's roles.
    const page = await fixtureBrowser.get(`${stack.portalUrl}/accounts`);
    expect(page.res.status).toBe(200);
    expect(roleIdsOnAccountsPage(page.body)).toEqual([]);
  });
});

describe("session lifetime", () => {
  it("never outlives SessionNotOnOrAfter (10 minutes from now)", async () => {
    const sessionEnd = new Date(Math.floor(Date.now() / 1000) * 1000 + 10 * 60_000);
    const result = await postFixtureResponse(new SamlBrowser(), {
      nameId: "ten-minutes@corp.example",
      sessionNotOnOrAfter: sessionEnd,
    });
    expectSignedIn(stack, result);
    const { session } = await sessionOpenedBy(result.requestId);
    expect(session.expiresAt.getTime()).toBeLessThanOrEqual(sessionEnd.getTime());
    expect(session.expiresAt.getTime()).toBeGreaterThan(sessionEnd.getTime() - 2_000);
    const cookie = result.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    const expires = Date.parse(/Expires=([^;]+)/i.exec(cookie)?.[1] ?? "");
    expect(expires).toBeLessThanOrEqual(sessionEnd.getTime());
  });

  it("never outlives the portal's own cap when the IdP allows longer (48 hours)", async () => {
    const startedAt = Date.now();
    const result = await postFixtureResponse(new SamlBrowser(), {
      nameId: "two-days@corp.example",
      sessionNotOnOrAfter: new Date(startedAt + 48 * 3600_000),
    });
    expectSignedIn(stack, result);
    const { session } = await sessionOpenedBy(result.requestId);
    expect(session.expiresAt.getTime()).toBeLessThanOrEqual(
      Date.now() + PORTAL_SESSION_CAP_SECONDS * 1000,
    );
    expect(session.expiresAt.getTime()).toBeGreaterThanOrEqual(
      startedAt + PORTAL_SESSION_CAP_SECONDS * 1000 - 2_000,
    );
  });

  it("ends at SessionNotOnOrAfter on the server: a copied cookie stops working when it passes", async () => {
    // An hour ahead: the portal's clock is then moved past it instead of waiting.
    const sessionEnd = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3600_000);
    const browser = new SamlBrowser();
    const result = await postFixtureResponse(browser, {
      nameId: "short-lived@corp.example",
      sessionNotOnOrAfter: sessionEnd,
    });
    expectSignedIn(stack, result);
    const copied = browser.sessionCookie(stack);
    expect(copied).toBeTruthy();
    const before = await browser.request(`${stack.portalUrl}/accounts`);
    expect(before.status).toBe(200);
    await before.arrayBuffer();
    expect(Date.now(), "signed in and served before the session's end").toBeLessThan(
      sessionEnd.getTime(),
    );

    stack.portalClock.advance(sessionEnd.getTime() - Date.now() + 1_000);
    // A jar that keeps the cookie past its Expires, as a thief would.
    const thief = new CookieJar();
    thief.store(stack.portalUrl, `${SESSION_COOKIE}=${copied}; Path=/`);
    const page = await fetch(`${stack.portalUrl}/accounts`, {
      redirect: "manual",
      headers: thief.headersFor(`${stack.portalUrl}/accounts`),
    });
    expect(page.status).toBeGreaterThanOrEqual(300);
    expect(page.status).toBeLessThan(400);
    expect(page.headers.get("location")).toMatch(/\/signin/);
    const api = await sessionFor(stack, thief).request(`/api/roles/${staging}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(api.status).toBe(401);
  });
});

describe("sign-out", () => {
  it("ends the SAML session on the server: revoked, audited, and the old cookie gets 401", async () => {
    const { browser, result } = await signInWithDemoSaml(stack, "bob");
    const { session } = await sessionOpenedBy(result.requestId);
    const copied = browser.sessionCookie(stack);
    const portal = browser.portal(stack);
    const out = await signOut(stack, portal);
    expect(out.status).toBeLessThan(400);

    const row = await stack.db.portalSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(row.revokedAt).not.toBeNull();
    const signOuts = await stack.db.auditEvent.findMany({
      where: { action: "auth.sign-out", actorUserId: session.userId },
    });
    expect(signOuts).toHaveLength(1);

    const replay = new CookieJar();
    replay.store(stack.portalUrl, `${SESSION_COOKIE}=${copied}; Path=/`);
    const res = await sessionFor(stack, replay).request(`/api/roles/${staging}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(res.status).toBe(401);
  });
});
