/**
 * The demo SAML IdP (dev/saml-idp) driven the way a browser and a service provider would: samlify
 * builds the AuthnRequests, plain fetch with manual redirects and a cookie jar plays the browser,
 * and every response is checked with tools other than the ones that made it (xmllint against the
 * SAML schema, xml-crypto against the published certificate, xmldom for the values).
 */
import { generateKeyPairSync, verify as cryptoVerify, X509Certificate } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";

import { validate as validateWithXmllint } from "@authenio/samlify-node-xmllint";
import { DOMParser } from "@xmldom/xmldom";
import {
  IdentityProvider,
  ServiceProvider,
  setSchemaValidator,
  type IdentityProviderInstance,
  type ServiceProviderInstance,
} from "samlify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignedXml } from "xml-crypto";

import { demoUsers, type DemoUser } from "@/dev/demo-users";
import { getProcessSigningKeys } from "@/dev/saml-idp/keys";
import {
  AWS_SAML_ATTRIBUTES,
  AWS_SAML_RECIPIENT,
  awsAppAttributes,
  awsDemoApp,
  startSamlIdp,
  type SamlIdp,
  type SamlIdpApp,
  type StartSamlIdpOptions,
} from "@/dev/saml-idp/server";
import { CookieJar } from "@/tests/support/cookie-jar";

const NS = {
  md: "urn:oasis:names:tc:SAML:2.0:metadata",
  samlp: "urn:oasis:names:tc:SAML:2.0:protocol",
  saml: "urn:oasis:names:tc:SAML:2.0:assertion",
  ds: "http://www.w3.org/2000/09/xmldsig#",
} as const;
const BINDING = {
  redirect: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
  post: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
} as const;
const FORMAT = {
  email: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
  persistent: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
} as const;
const TITLE = "Corp Identity (demo) — SAML";
const INVALID_CREDENTIALS = "Invalid username or password";

// Nothing listens at the apps' URLs: the test stops at the auto-posting form and reads it.
const PORTAL_APP: SamlIdpApp = {
  id: "gatehouse",
  name: "Gatehouse",
  spEntityId: "http://localhost:3999/saml/metadata",
  acsUrl: "http://localhost:3999/api/auth/saml/acs",
  sloUrl: "http://localhost:3999/api/auth/saml/slo",
  allowIdpInitiated: true,
};
const AWS_RELAY = "http://localhost:3999/api/saml/aws-relay";
const AWS_APP = awsDemoApp({ acsUrl: AWS_RELAY, providerName: "corp-demo-idp" });
const SP_ONLY_APP: SamlIdpApp = {
  id: "wiki",
  name: "Team Wiki",
  spEntityId: "https://wiki.corp.example/saml",
  acsUrl: "https://wiki.corp.example/saml/acs",
  allowIdpInitiated: false,
};

let idp: SamlIdp;
let idpEntity: IdentityProviderInstance;
let portalSp: ServiceProviderInstance;
const logLines: string[] = [];
/** Every SAMLResponse this file receives: the log test proves none reached the log. */
const issuedResponses: string[] = [];

function demoUser(username: string): DemoUser {
  const user = demoUsers.find((candidate) => candidate.username === username);
  if (!user) throw new Error(`no demo user ${username}`);
  return user;
}

/** A browser: one cookie jar, redirects followed by hand. */
class Browser {
  readonly jar = new CookieJar();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        ...this.jar.headersFor(url),
      },
    });
    this.jar.storeFrom(url, response);
    return response;
  }

  /** Follows same-origin redirects; returns the final response and its URL. */
  async follow(response: Response, url: string): Promise<{ response: Response; url: string }> {
    let current = { response, url };
    for (let hops = 0; hops < 10; hops += 1) {
      const location = current.response.headers.get("location");
      if (current.response.status < 300 || current.response.status >= 400 || !location)
        return current;
      const next = new URL(location, current.url).href;
      await current.response.arrayBuffer();
      expect(new URL(next).origin).toBe(new URL(current.url).origin);
      current = { response: await this.request(next), url: next };
    }
    throw new Error("too many redirects");
  }

  async get(url: string): Promise<{ response: Response; url: string; html: string }> {
    const page = await this.follow(await this.request(url), url);
    return { ...page, html: await page.response.text() };
  }

  async postForm(url: string, fields: Record<string, string>) {
    const response = await this.request(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    const page = await this.follow(response, url);
    return { ...page, html: await page.response.text() };
  }
}

function serviceProvider(app: SamlIdpApp, nameIdFormat?: string): ServiceProviderInstance {
  return ServiceProvider({
    entityID: app.spEntityId,
    assertionConsumerService: [{ Binding: BINDING.post, Location: app.acsUrl }],
    nameIDFormat: nameIdFormat ? [nameIdFormat] : undefined,
    wantAssertionsSigned: true,
  });
}

/** An HTTP-Redirect binding AuthnRequest built by samlify's ServiceProvider. */
function authnRequest(
  options: { sp?: ServiceProviderInstance; relayState?: string; forceAuthn?: boolean } = {},
) {
  const { sp = portalSp, relayState, forceAuthn } = options;
  const { id, context } = sp.createLoginRequest(idpEntity, "redirect", { relayState, forceAuthn });
  return { id, url: context };
}

function htmlUnescape(value: string): string {
  return value.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, name: string) =>
      ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[name as "amp"] ?? "",
  );
}

interface AutoPost {
  action: string;
  samlResponse: string;
  relayState?: string;
  xml: string;
}

/** Reads the HTTP-POST binding page: the form's target and its hidden fields. */
function readAutoPost(html: string): AutoPost {
  const action = /<form id="saml-post" method="post" action="([^"]+)">/.exec(html)?.[1];
  const samlResponse = /<input type="hidden" name="SAMLResponse" value="([^"]+)">/.exec(html)?.[1];
  const relayState = /<input type="hidden" name="RelayState" value="([^"]*)">/.exec(html)?.[1];
  if (!action || !samlResponse) throw new Error(`not an auto-post page: ${html.slice(0, 300)}`);
  issuedResponses.push(samlResponse);
  return {
    action: htmlUnescape(action),
    samlResponse,
    relayState: relayState === undefined ? undefined : htmlUnescape(relayState),
    xml: Buffer.from(samlResponse, "base64").toString("utf8"),
  };
}

function loginFormUrl(page: { url: string; html: string }): string {
  const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
  if (!action) throw new Error(`no login form: ${page.html.slice(0, 300)}`);
  return new URL(htmlUnescape(action), page.url).href;
}

/** SP-initiated sign-in through the login page; returns the request and the posted response. */
async function signIn(
  username: string,
  options: { browser?: Browser; sp?: ServiceProviderInstance; relayState?: string } = {},
) {
  const { browser = new Browser(), ...requestOptions } = options;
  const request = authnRequest(requestOptions);
  const login = await browser.get(request.url);
  expect(login.response.status).toBe(200);
  const done = await browser.postForm(loginFormUrl(login), {
    username,
    password: demoUser(username).password,
  });
  expect(done.response.status).toBe(200);
  return {
    browser,
    request,
    post: readAutoPost(done.html),
    response: done.response,
    html: done.html,
  };
}

// --- reading responses ---------------------------------------------------------------------

function parseXml(xml: string): Document {
  return new DOMParser().parseFromString(xml, "text/xml");
}

function elements(scope: Document | Element, ns: string, name: string): Element[] {
  return Array.from(scope.getElementsByTagNameNS(ns, name));
}

function only(scope: Document | Element, ns: string, name: string): Element {
  const found = elements(scope, ns, name);
  expect(found, `exactly one ${name}`).toHaveLength(1);
  return found[0] as Element;
}

function childNames(element: Element): string[] {
  return Array.from(element.childNodes)
    .filter((node) => node.nodeType === 1)
    .map((node) => (node as Element).localName);
}

function attributesOf(assertion: Element): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const attribute of elements(assertion, NS.saml, "Attribute")) {
    result[attribute.getAttribute("Name") ?? ""] = elements(
      attribute,
      NS.saml,
      "AttributeValue",
    ).map((value) => value.textContent ?? "");
  }
  return result;
}

/** Verifies one ds:Signature with xml-crypto, trusting only `publicCert` (never KeyInfo). */
function verifySignature(xml: string, signature: Element, publicCert = idp.signingCertificatePem) {
  const verifier = new SignedXml({ publicCert, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature);
  const valid = (() => {
    try {
      return verifier.checkSignature(xml);
    } catch {
      return false;
    }
  })();
  return { valid, references: verifier.getReferences(), verifier };
}

function readResponse(xml: string) {
  const document = parseXml(xml);
  const response = document.documentElement as Element;
  const assertions = elements(document, NS.saml, "Assertion");
  const assertion = assertions[0];
  return {
    document,
    response,
    assertions,
    assertion,
    responseSignature: Array.from(response.childNodes).find(
      (node) => node.nodeType === 1 && (node as Element).localName === "Signature",
    ) as Element | undefined,
    assertionSignature: assertion
      ? (Array.from(assertion.childNodes).find(
          (node) => node.nodeType === 1 && (node as Element).localName === "Signature",
        ) as Element | undefined)
      : undefined,
  };
}

/**
 * The independent check (not the portal's validator), contained: every call into node-xmllint's
 * Emscripten runtime adds a process "uncaughtException" listener that rethrows. Integration files
 * share one worker process, so left in place, those listeners turn any later stray error in any
 * file into a crash of the whole tier ("Worker exited unexpectedly") instead of a reported error.
 */
async function validateSamlSchema(xml: string): Promise<unknown> {
  const before = new Set(process.listeners("uncaughtException"));
  try {
    return await validateWithXmllint(xml);
  } finally {
    for (const listener of process.listeners("uncaughtException"))
      if (!before.has(listener)) process.removeListener("uncaughtException", listener);
  }
}

async function expectSchemaValid(xml: string): Promise<void> {
  await expect(validateSamlSchema(xml)).resolves.toBe("SUCCESS_VALIDATE_XML");
}

// --- hand-made AuthnRequests for the negative cases -----------------------------------------

function authnRequestXml(overrides: { issuer?: string; attributes?: string; body?: string } = {}) {
  const {
    issuer = PORTAL_APP.spEntityId,
    attributes = `AssertionConsumerServiceURL="${PORTAL_APP.acsUrl}"`,
    body = "",
  } = overrides;
  return (
    `<samlp:AuthnRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="_req${Date.now()}" ` +
    `Version="2.0" IssueInstant="${new Date().toISOString()}" ${attributes}>` +
    `<saml:Issuer>${issuer}</saml:Issuer>${body}</samlp:AuthnRequest>`
  );
}

function redirectUrl(samlRequest: string, extra = ""): string {
  return `${idp.ssoUrl}?SAMLRequest=${encodeURIComponent(samlRequest)}${extra}`;
}

function deflated(xml: string | Buffer): string {
  return deflateRawSync(xml).toString("base64");
}

beforeAll(async () => {
  // samlify's own SP (one test) refuses to parse without a schema validator.
  setSchemaValidator({ validate: validateSamlSchema });
  // xmllint's first call compiles its WebAssembly (seconds); later ones take milliseconds.
  await validateSamlSchema(
    `<samlp:LogoutResponse xmlns:samlp="${NS.samlp}" ID="_warm" Version="2.0" IssueInstant="2024-01-01T00:00:00Z"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>`,
  );
  idp = await startSamlIdp({
    users: demoUsers,
    apps: [PORTAL_APP, AWS_APP, SP_ONLY_APP],
    log: (line) => logLines.push(line),
  });
  idpEntity = IdentityProvider({ metadata: idp.metadataXml });
  portalSp = serviceProvider(PORTAL_APP);
});

afterAll(async () => {
  await idp?.close();
});

describe("metadata", () => {
  it("is published at the entityID: both SSO bindings, the signing certificate, emailAddress and persistent NameIDs", async () => {
    expect(idp.entityId).toMatch(/^http:\/\/localhost:\d+\/saml\/metadata$/);
    expect(idp.metadataUrl).toBe(idp.entityId);
    const response = await fetch(idp.metadataUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/samlmetadata\+xml/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const xml = await response.text();
    expect(xml).toBe(idp.metadataXml);

    const document = parseXml(xml);
    const root = document.documentElement as Element;
    expect([root.namespaceURI, root.localName]).toEqual([NS.md, "EntityDescriptor"]);
    expect(root.getAttribute("entityID")).toBe(idp.entityId);
    const descriptor = only(document, NS.md, "IDPSSODescriptor");
    expect(descriptor.getAttribute("WantAuthnRequestsSigned")).toBe("false");
    expect(
      elements(descriptor, NS.md, "SingleSignOnService").map((sso) => [
        sso.getAttribute("Binding"),
        sso.getAttribute("Location"),
      ]),
    ).toEqual([
      [BINDING.redirect, `${idp.url}/saml/sso`],
      [BINDING.post, `${idp.url}/saml/sso`],
    ]);
    expect(elements(descriptor, NS.md, "NameIDFormat").map((f) => f.textContent)).toEqual([
      FORMAT.email,
      FORMAT.persistent,
    ]);
    const key = only(descriptor, NS.md, "KeyDescriptor");
    expect(key.getAttribute("use")).toBe("signing");
    const certificate = only(key, NS.ds, "X509Certificate").textContent ?? "";
    expect(new X509Certificate(Buffer.from(certificate, "base64")).raw).toEqual(
      new X509Certificate(idp.signingCertificatePem).raw,
    );
    expect(
      new X509Certificate(idp.signingCertificatePem).publicKey.asymmetricKeyDetails,
    ).toMatchObject({ modulusLength: 2048 });
  });
});

describe("SP-initiated sign-in", () => {
  it("shows the OIDC IdP's login page, titled for SAML and naming the app, without passwords", async () => {
    const browser = new Browser();
    const first = await browser.request(authnRequest().url);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toMatch(/^\/saml\/login\/[\w-]{22}$/);
    const interactionCookie = browser.jar.all().find((c) => c.name.endsWith("_interaction"));
    expect(interactionCookie).toMatchObject({
      httpOnly: true,
      path: first.headers.get("location"),
    });
    expect(interactionCookie?.sameSite?.toLowerCase()).toBe("lax");

    const login = await browser.get(new URL(first.headers.get("location") ?? "", idp.url).href);
    expect(login.response.status).toBe(200);
    expect(login.response.headers.get("cache-control")).toBe("no-store");
    expect(login.response.headers.get("x-frame-options")).toBe("DENY");
    expect(login.html).toContain(`<title>${TITLE}</title>`);
    expect(login.html).toContain("Sign in to continue to <strong>Gatehouse</strong>");
    expect(login.html).toMatch(/<input id="password" name="password" type="password"/);
    for (const user of demoUsers) {
      expect(login.html).toContain(user.username);
      expect(login.html).not.toContain(user.password);
    }
  });

  it("a wrong password is refused with the generic message; the same request then signs in", async () => {
    const browser = new Browser();
    const request = authnRequest();
    const login = await browser.get(request.url);
    const refused = await browser.postForm(loginFormUrl(login), {
      username: "alice",
      password: "not-alices-password",
    });
    expect(refused.response.status).toBe(401);
    expect(refused.html).toContain(INVALID_CREDENTIALS);
    expect(refused.html).not.toContain("SAMLResponse");
    expect(browser.jar.all().some((c) => c.name.endsWith("_session"))).toBe(false);
    expect(logLines).toContain(
      `login rejected (interaction ${new URL(loginFormUrl(login)).pathname.split("/").pop()}): wrong password for alice`,
    );

    const accepted = await browser.postForm(loginFormUrl(refused), {
      username: "alice",
      password: demoUser("alice").password,
    });
    expect(accepted.response.status).toBe(200);
    const { xml } = readAutoPost(accepted.html);
    expect(readResponse(xml).response.getAttribute("InResponseTo")).toBe(request.id);
  });

  it("posts the response with an auto-submitting form to the ACS URL, RelayState intact, Continue for no-JS", async () => {
    const relayState = `r-1&x="<y>'`;
    const { post, response, html } = await signIn("alice", { relayState });
    expect(post.action).toBe(PORTAL_APP.acsUrl);
    expect(post.relayState).toBe(relayState);
    expect(html).toContain('<button type="submit">Continue</button>');
    expect(html).toContain('<script>document.getElementById("saml-post").submit();</script>');
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-security-policy")).toMatch(
      /default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/]+=*';/,
    );
  });

  it("the response is valid against the SAML 2.0 protocol schema", async () => {
    const { post } = await signIn("bob");
    await expectSchemaValid(post.xml);
    expect(post.xml).not.toMatch(/<!--|<!DOCTYPE|<\?xml-stylesheet/i);
  });

  it("assertion and response signatures verify with xml-crypto against the published certificate: RSA-SHA256, SHA-256, exclusive C14N", async () => {
    const { post } = await signIn("alice");
    const { response, assertion, responseSignature, assertionSignature } = readResponse(post.xml);
    if (!assertion || !responseSignature || !assertionSignature)
      throw new Error("missing signature");

    // Schema order: the signature right after each Issuer.
    expect(childNames(response).slice(0, 3)).toEqual(["Issuer", "Signature", "Status"]);
    expect(childNames(assertion).slice(0, 3)).toEqual(["Issuer", "Signature", "Subject"]);

    const assertionCheck = verifySignature(post.xml, assertionSignature);
    expect(assertionCheck.valid).toBe(true);
    expect(assertionCheck.references.map((ref) => ref.uri)).toEqual([
      `#${assertion.getAttribute("ID")}`,
    ]);
    const responseCheck = verifySignature(post.xml, responseSignature);
    expect(responseCheck.valid).toBe(true);
    expect(responseCheck.references.map((ref) => ref.uri)).toEqual([
      `#${response.getAttribute("ID")}`,
    ]);

    for (const signature of [assertionSignature, responseSignature]) {
      const algorithms = (name: string) =>
        elements(signature, NS.ds, name).map((e) => e.getAttribute("Algorithm"));
      expect(algorithms("SignatureMethod")).toEqual([
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
      ]);
      expect(algorithms("DigestMethod")).toEqual(["http://www.w3.org/2001/04/xmlenc#sha256"]);
      expect(algorithms("CanonicalizationMethod")).toEqual([
        "http://www.w3.org/2001/10/xml-exc-c14n#",
      ]);
      expect(algorithms("Transform")).toEqual([
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        "http://www.w3.org/2001/10/xml-exc-c14n#",
      ]);
    }

    // Another key does not verify it, and neither does a tampered NameID.
    const otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    expect(verifySignature(post.xml, assertionSignature, otherKey).valid).toBe(false);
    const tampered = post.xml.replace(">alice@corp.example<", ">mallory@corp.example<");
    expect(tampered).not.toBe(post.xml);
    const tamperedSignature = readResponse(tampered).assertionSignature;
    if (!tamperedSignature) throw new Error("missing signature");
    expect(verifySignature(tampered, tamperedSignature).valid).toBe(false);
  });

  it("carries InResponseTo, Destination, Recipient, Audience, the email NameID, times and alice's attributes", async () => {
    const alice = demoUser("alice");
    const before = Date.now();
    const { post, request } = await signIn("alice");
    const { response, assertions, assertion } = readResponse(post.xml);
    expect(assertions).toHaveLength(1);
    if (!assertion) throw new Error("no assertion");

    expect(response.getAttribute("Destination")).toBe(PORTAL_APP.acsUrl);
    expect(response.getAttribute("InResponseTo")).toBe(request.id);
    expect(response.getAttribute("Version")).toBe("2.0");
    expect(only(response, NS.samlp, "StatusCode").getAttribute("Value")).toBe(
      "urn:oasis:names:tc:SAML:2.0:status:Success",
    );
    for (const issuer of elements(response, NS.saml, "Issuer"))
      expect(issuer.textContent).toBe(idp.entityId);

    const nameId = only(assertion, NS.saml, "NameID");
    expect([nameId.getAttribute("Format"), nameId.textContent]).toEqual([
      FORMAT.email,
      alice.email,
    ]);
    const confirmation = only(assertion, NS.saml, "SubjectConfirmation");
    expect(confirmation.getAttribute("Method")).toBe("urn:oasis:names:tc:SAML:2.0:cm:bearer");
    const data = only(confirmation, NS.saml, "SubjectConfirmationData");
    expect(data.getAttribute("Recipient")).toBe(PORTAL_APP.acsUrl);
    expect(data.getAttribute("InResponseTo")).toBe(request.id);
    expect(elements(assertion, NS.saml, "Audience").map((a) => a.textContent)).toEqual([
      PORTAL_APP.spEntityId,
    ]);

    const conditions = only(assertion, NS.saml, "Conditions");
    const notBefore = Date.parse(conditions.getAttribute("NotBefore") ?? "");
    const notOnOrAfter = Date.parse(conditions.getAttribute("NotOnOrAfter") ?? "");
    expect(notBefore).toBeGreaterThanOrEqual(before - 1000);
    expect(notOnOrAfter - notBefore).toBe(5 * 60 * 1000);
    expect(Date.parse(data.getAttribute("NotOnOrAfter") ?? "")).toBe(notOnOrAfter);
    const authn = only(assertion, NS.saml, "AuthnStatement");
    expect(Date.parse(authn.getAttribute("SessionNotOnOrAfter") ?? "") - notBefore).toBe(
      8 * 60 * 60 * 1000,
    );
    expect(authn.getAttribute("SessionIndex")).toMatch(/^_[0-9a-f]{32}$/);
    expect(Date.parse(authn.getAttribute("AuthnInstant") ?? "")).toBeLessThanOrEqual(notBefore);

    expect(attributesOf(assertion)).toEqual({
      email: [alice.email],
      name: [alice.name],
      uid: [alice.subject],
      groups: ["gatehouse-admins", "developers"],
    });
  });

  it("bob's groups are one value per group; carol, in no group, gets no groups attribute", async () => {
    const bob = readResponse((await signIn("bob")).post.xml).assertion;
    const carol = readResponse((await signIn("carol")).post.xml).assertion;
    if (!bob || !carol) throw new Error("no assertion");
    expect(attributesOf(bob).groups).toEqual(["developers"]);
    expect(attributesOf(carol)).toEqual({
      email: [demoUser("carol").email],
      name: [demoUser("carol").name],
      uid: [demoUser("carol").subject],
    });
  });

  it("a second AuthnRequest in the same IdP session skips the password: same SessionIndex, new InResponseTo", async () => {
    const { browser, post: first } = await signIn("bob");
    const session = browser.jar.all().find((cookie) => cookie.name.endsWith("_session"));
    expect(session).toMatchObject({ httpOnly: true, path: "/" });
    const second = authnRequest();
    const response = await browser.request(second.url);
    expect(response.status).toBe(200);
    const post = readAutoPost(await response.text());
    const firstRead = readResponse(first.xml);
    const secondRead = readResponse(post.xml);
    expect(secondRead.response.getAttribute("InResponseTo")).toBe(second.id);
    expect(
      only(secondRead.assertion as Element, NS.saml, "AuthnStatement").getAttribute("SessionIndex"),
    ).toBe(
      only(firstRead.assertion as Element, NS.saml, "AuthnStatement").getAttribute("SessionIndex"),
    );
    expect(only(secondRead.assertion as Element, NS.saml, "NameID").textContent).toBe(
      demoUser("bob").email,
    );
  });

  it("ForceAuthn asks for the password again even within a session", async () => {
    const { browser } = await signIn("bob");
    const forced = authnRequest({ forceAuthn: true });
    const response = await browser.request(forced.url);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(/^\/saml\/login\//);
  });

  it("NameIDPolicy persistent yields the subject as a persistent NameID", async () => {
    const { post } = await signIn("carol", { sp: serviceProvider(PORTAL_APP, FORMAT.persistent) });
    const nameId = only(readResponse(post.xml).assertion as Element, NS.saml, "NameID");
    expect([nameId.getAttribute("Format"), nameId.textContent]).toEqual([
      FORMAT.persistent,
      demoUser("carol").subject,
    ]);
  });

  it("samlify's own ServiceProvider accepts the response (signature, schema, issuer)", async () => {
    const { post } = await signIn("alice");
    const parsed = await portalSp.parseLoginResponse(idpEntity, "post", {
      body: { SAMLResponse: post.samlResponse },
    });
    expect(parsed.extract.nameID).toBe(demoUser("alice").email);
    expect(parsed.extract.attributes).toMatchObject({ groups: ["gatehouse-admins", "developers"] });
  });

  it("an HTTP-POST binding AuthnRequest works like a redirect one", async () => {
    const browser = new Browser();
    const { id, context } = portalSp.createLoginRequest(idpEntity, "post", {
      relayState: "via-post",
    });
    const login = await browser.postForm(idp.ssoUrl, {
      SAMLRequest: context,
      RelayState: "via-post",
    });
    expect(login.response.status).toBe(200);
    const done = await browser.postForm(loginFormUrl(login), {
      username: "bob",
      password: demoUser("bob").password,
    });
    const post = readAutoPost(done.html);
    expect(post.relayState).toBe("via-post");
    expect(readResponse(post.xml).response.getAttribute("InResponseTo")).toBe(id);
  });

  it("Cancel posts a signed Responder/AuthnFailed response with InResponseTo and no assertion", async () => {
    const browser = new Browser();
    const request = authnRequest({ relayState: "cancelled" });
    const login = await browser.get(request.url);
    const cancel = /<a href="([^"]+)">Cancel<\/a>/.exec(login.html)?.[1] ?? "";
    const page = await browser.get(new URL(cancel, login.url).href);
    const post = readAutoPost(page.html);
    expect(post.relayState).toBe("cancelled");
    await expectSchemaValid(post.xml);
    const { response, assertions, responseSignature } = readResponse(post.xml);
    expect(assertions).toHaveLength(0);
    expect(response.getAttribute("InResponseTo")).toBe(request.id);
    expect(
      elements(response, NS.samlp, "StatusCode").map((code) => code.getAttribute("Value")),
    ).toEqual([
      "urn:oasis:names:tc:SAML:2.0:status:Responder",
      "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
    ]);
    if (!responseSignature) throw new Error("unsigned");
    expect(verifySignature(post.xml, responseSignature).valid).toBe(true);
    // The interaction is over: submitting its form now finds nothing.
    const late = await browser.postForm(loginFormUrl(login), {
      username: "bob",
      password: demoUser("bob").password,
    });
    expect(late.response.status).toBe(400);
  });

  it("a login form posted without the browser's interaction cookie is refused (login CSRF)", async () => {
    const login = await new Browser().get(authnRequest().url);
    const stranger = new Browser();
    const page = await stranger.postForm(loginFormUrl(login), {
      username: "bob",
      password: demoUser("bob").password,
    });
    expect(page.response.status).toBe(400);
    expect(page.html).toContain("has expired or was not started here");
    expect(stranger.jar.all().some((c) => c.name.endsWith("_session"))).toBe(false);
  });
});

describe("IdP-initiated sign-in", () => {
  it("the dashboard asks for a password, then lists only apps that allow IdP-initiated sign-in", async () => {
    const browser = new Browser();
    const login = await browser.get(`${idp.url}/`);
    expect(login.html).toContain("Sign in to continue to <strong>your applications</strong>");
    const dashboard = await browser.postForm(loginFormUrl(login), {
      username: "alice",
      password: demoUser("alice").password,
    });
    expect(dashboard.url).toBe(`${idp.url}/`);
    expect(dashboard.html).toContain("Signed in as <strong>Alice Admin</strong>");
    expect(
      [...dashboard.html.matchAll(/<a href="(\/saml\/start\/[^"]+)">/g)].map((m) => m[1]),
    ).toEqual(["/saml/start/gatehouse", "/saml/start/aws"]);
  });

  it("start yields an unsolicited response: no InResponseTo on the Response nor the SubjectConfirmationData", async () => {
    const browser = new Browser();
    const login = await browser.get(`${idp.url}/saml/start/gatehouse?RelayState=%2Faccounts`);
    const done = await browser.postForm(loginFormUrl(login), {
      username: "bob",
      password: demoUser("bob").password,
    });
    const post = readAutoPost(done.html);
    expect(post.action).toBe(PORTAL_APP.acsUrl);
    expect(post.relayState).toBe("/accounts");
    await expectSchemaValid(post.xml);
    const { response, assertion, assertionSignature } = readResponse(post.xml);
    expect(response.hasAttribute("InResponseTo")).toBe(false);
    const data = only(assertion as Element, NS.saml, "SubjectConfirmationData");
    expect(data.hasAttribute("InResponseTo")).toBe(false);
    expect(data.getAttribute("Recipient")).toBe(PORTAL_APP.acsUrl);
    expect(verifySignature(post.xml, assertionSignature as Element).valid).toBe(true);

    // Within the session, the next start posts at once.
    const again = await browser.request(`${idp.url}/saml/start/gatehouse`);
    expect(again.status).toBe(200);
    expect(readAutoPost(await again.text()).relayState).toBeUndefined();
  });

  it("sign-out ends the IdP session: the next start asks for the password", async () => {
    const browser = new Browser();
    const login = await browser.get(`${idp.url}/`);
    await browser.postForm(loginFormUrl(login), {
      username: "carol",
      password: demoUser("carol").password,
    });
    const out = await browser.postForm(`${idp.url}/logout`, {});
    expect(out.html).toContain("You have been signed out");
    expect((await browser.request(`${idp.url}/saml/start/gatehouse`)).status).toBe(303);
  });

  it("the AWS app: audience urn:amazon:webservices, AWS's Recipient, POSTed to the relay, Role pairs in both orders", async () => {
    const alice = demoUser("alice");
    const browser = new Browser();
    const login = await browser.get(`${idp.url}/saml/start/aws`);
    expect(login.html).toContain("Sign in to continue to <strong>AWS (demo accounts)</strong>");
    const done = await browser.postForm(loginFormUrl(login), {
      username: "alice",
      password: alice.password,
    });
    const post = readAutoPost(done.html);
    expect(post.action).toBe(AWS_RELAY);
    await expectSchemaValid(post.xml);
    const { response, assertion, assertionSignature } = readResponse(post.xml);
    if (!assertion || !assertionSignature) throw new Error("no signed assertion");
    expect(verifySignature(post.xml, assertionSignature).valid).toBe(true);
    expect(response.getAttribute("Destination")).toBe(AWS_RELAY);
    expect(only(assertion, NS.saml, "SubjectConfirmationData").getAttribute("Recipient")).toBe(
      "https://signin.aws.amazon.com/saml",
    );
    expect(elements(assertion, NS.saml, "Audience").map((a) => a.textContent)).toEqual([
      "urn:amazon:webservices",
    ]);

    const attributes = attributesOf(assertion);
    const roles = attributes[AWS_SAML_ATTRIBUTES.role] ?? [];
    // alice is in gatehouse-admins and developers: every demo role but bob's DataScience.
    expect(roles).toHaveLength(9);
    expect(roles[0]).toBe(
      "arn:aws:iam::210987654321:role/ReadOnly,arn:aws:iam::210987654321:saml-provider/corp-demo-idp",
    );
    expect(roles[1]).toBe(
      "arn:aws:iam::210987654321:saml-provider/corp-demo-idp,arn:aws:iam::210987654321:role/FederatedReadOnly",
    );
    for (const value of roles) {
      const pair = value.split(",");
      expect(pair).toHaveLength(2);
      expect(
        pair.filter((arn) => /^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/.test(arn)),
      ).toHaveLength(1);
      expect(
        pair.filter((arn) => /^arn:aws:iam::\d{12}:saml-provider\/corp-demo-idp$/.test(arn)),
      ).toHaveLength(1);
    }
    expect(attributes).toMatchObject({
      [AWS_SAML_ATTRIBUTES.roleSessionName]: [alice.email],
      [AWS_SAML_ATTRIBUTES.sessionDuration]: ["3600"],
      [AWS_SAML_ATTRIBUTES.sourceIdentity]: [alice.subject],
      groups: ["gatehouse-admins", "developers"],
    });
    expect(
      elements(assertion, NS.saml, "Attribute")
        .filter((a) => a.getAttribute("Name")?.startsWith("https://"))
        .every(
          (a) => a.getAttribute("NameFormat") === "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
        ),
    ).toBe(true);
  });

  it("awsAppAttributes: PrincipalTag attributes, bob's single role, and values AWS would refuse are a TypeError", () => {
    const bob = demoUser("bob");
    const attributes = awsAppAttributes(bob, {
      providerName: "corp",
      roles: [{ accountId: "456789012345", roleName: "DataScience" }],
      sessionDurationSeconds: 7200,
      principalTags: { Department: "Engineering" },
    });
    expect(attributes).toEqual({
      [AWS_SAML_ATTRIBUTES.role]: [
        "arn:aws:iam::456789012345:role/DataScience,arn:aws:iam::456789012345:saml-provider/corp",
      ],
      [AWS_SAML_ATTRIBUTES.roleSessionName]: [bob.email],
      [AWS_SAML_ATTRIBUTES.sessionDuration]: ["7200"],
      [AWS_SAML_ATTRIBUTES.sourceIdentity]: [bob.subject],
      "https://aws.amazon.com/SAML/Attributes/PrincipalTag:Department": ["Engineering"],
    });
    const role = { accountId: "456789012345", roleName: "DataScience" };
    expect(() =>
      awsAppAttributes(bob, { providerName: "corp", roles: [{ ...role, accountId: "4567" }] }),
    ).toThrow(TypeError);
    expect(() =>
      awsAppAttributes(bob, { providerName: "corp", roles: [role], sessionDurationSeconds: 60 }),
    ).toThrow(TypeError);
    expect(() =>
      awsAppAttributes(bob, { providerName: "corp", roles: [role], sourceIdentity: "aws:x" }),
    ).toThrow(TypeError);
  });

  it("an app that does not allow IdP-initiated sign-in can't be started (400)", async () => {
    for (const path of ["/saml/start/wiki", "/saml/start/nope"]) {
      const response = await fetch(`${idp.url}${path}`, { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("can&#39;t be started from the identity provider");
    }
  });
});

describe("bad requests get a 400 page with a message, and the IdP keeps serving", () => {
  const bomb = Buffer.concat([
    Buffer.from(authnRequestXml().replace("</samlp:AuthnRequest>", "")),
    Buffer.alloc(4 * 1024 * 1024, " "),
    Buffer.from("</samlp:AuthnRequest>"),
  ]);
  const cases: { rule: string; url: () => string; message: RegExp; logged: RegExp }[] = [
    {
      rule: "SAMLRequest that is not base64",
      url: () => redirectUrl("%%%not*base64%%%"),
      message: /sign-in request from the application is invalid/,
      logged: /not base64/,
    },
    {
      rule: "base64 that is not DEFLATE",
      url: () => redirectUrl(Buffer.from("hello, not deflated").toString("base64")),
      message: /invalid/,
      logged: /not raw DEFLATE/,
    },
    {
      rule: "DEFLATE of something that is not XML",
      url: () => redirectUrl(deflated("just some text")),
      message: /invalid/,
      logged: /malformed XML|not samlp:AuthnRequest/,
    },
    {
      rule: "deflate bomb: inflates past 64 KiB",
      url: () => redirectUrl(deflated(bomb)),
      message: /invalid/,
      logged: /inflated SAMLRequest exceeds 65536 bytes/,
    },
    {
      rule: "DOCTYPE with an external entity",
      url: () =>
        redirectUrl(
          deflated(
            `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${authnRequestXml({ issuer: "&x;" })}`,
          ),
        ),
      message: /invalid/,
      logged: /DOCTYPE/,
    },
    {
      rule: "comment inside the Issuer",
      url: () =>
        redirectUrl(
          deflated(authnRequestXml({ issuer: "http://localhost:3999/saml<!---->/metadata" })),
        ),
      message: /invalid/,
      logged: /comment/,
    },
    {
      rule: "unknown issuer",
      url: () => redirectUrl(deflated(authnRequestXml({ issuer: "https://evil.example/sp" }))),
      message: /not registered with the identity provider/,
      logged: /unknown issuer https:\/\/evil\.example\/sp/,
    },
    {
      rule: "AssertionConsumerServiceURL not the app's",
      url: () =>
        redirectUrl(
          deflated(
            authnRequestXml({
              attributes: 'AssertionConsumerServiceURL="https://evil.example/acs"',
            }),
          ),
        ),
      message: /an address it has not registered/,
      logged: /AssertionConsumerServiceURL https:\/\/evil\.example\/acs is not gatehouse's/,
    },
    {
      rule: "ProtocolBinding other than HTTP-POST",
      url: () =>
        redirectUrl(
          deflated(
            authnRequestXml({
              attributes: `ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"`,
            }),
          ),
        ),
      message: /invalid/,
      logged: /ProtocolBinding/,
    },
    {
      rule: "Destination other than this IdP's SSO URL",
      url: () =>
        redirectUrl(
          deflated(authnRequestXml({ attributes: 'Destination="https://other-idp.example/sso"' })),
        ),
      message: /invalid/,
      logged: /Destination/,
    },
    {
      rule: "root element other than AuthnRequest",
      url: () =>
        redirectUrl(
          deflated(authnRequestXml().replaceAll("samlp:AuthnRequest", "samlp:LogoutRequest")),
        ),
      message: /invalid/,
      logged: /not samlp:AuthnRequest/,
    },
    {
      rule: "NameIDPolicy format the IdP does not issue",
      url: () =>
        redirectUrl(
          deflated(
            authnRequestXml({
              body: `<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient"/>`,
            }),
          ),
        ),
      message: /kind of user identifier/,
      logged: /unsupported NameIDPolicy Format/,
    },
    {
      rule: "IsPassive without an IdP session",
      url: () => redirectUrl(deflated(authnRequestXml({ attributes: 'IsPassive="true"' }))),
      message: /asked not to be prompted/,
      logged: /IsPassive/,
    },
    {
      rule: "RelayState over 80 bytes",
      url: () => redirectUrl(deflated(authnRequestXml()), `&RelayState=${"r".repeat(81)}`),
      message: /invalid/,
      logged: /RelayState longer than 80 bytes/,
    },
    {
      rule: "SAMLRequest given twice",
      url: () => {
        const encoded = encodeURIComponent(deflated(authnRequestXml()));
        return redirectUrl(deflated(authnRequestXml()), `&SAMLRequest=${encoded}`);
      },
      message: /invalid/,
      logged: /SAMLRequest given 2 times/,
    },
    {
      rule: "no SAMLRequest at all",
      url: () => idp.ssoUrl,
      message: /sign-in request is missing/,
      logged: /no SAMLRequest/,
    },
  ];

  it.each(cases)("$rule", async ({ url, message, logged }) => {
    const before = logLines.length;
    const response = await fetch(url(), { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    expect(htmlUnescape(html)).toMatch(message);
    expect(html).not.toContain("SAMLResponse");
    expect(logLines.slice(before).join("\n")).toMatch(logged);
    expect((await fetch(idp.metadataUrl)).status).toBe(200);
  });

  it("the deflate bomb really is one: over 4 MiB inflated from a few KiB", () => {
    expect(bomb.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(deflated(bomb).length).toBeLessThan(16 * 1024);
  });

  it("HTTP-POST binding: an encoded SAMLRequest over 16 KiB is 400, a form over 32 KiB is 413", async () => {
    const post = (body: string) =>
      fetch(idp.ssoUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
    const oversized = Buffer.from(authnRequestXml({ body: " ".repeat(20 * 1024) })).toString(
      "base64",
    );
    expect((await post(new URLSearchParams({ SAMLRequest: oversized }).toString())).status).toBe(
      400,
    );
    expect(logLines.at(-1)).toMatch(/encoded SAMLRequest exceeds 16384 bytes/);
    expect((await post(`SAMLRequest=${"A".repeat(40 * 1024)}`)).status).toBe(413);
    expect((await fetch(idp.metadataUrl)).status).toBe(200);
  });

  it("unknown paths are 404 and wrong methods 405, as pages", async () => {
    expect((await fetch(`${idp.url}/nope`)).status).toBe(404);
    expect((await fetch(`${idp.url}/saml/metadata`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${idp.url}/saml/login/aaaaaaaaaaaaaaaaaaaaaa`)).status).toBe(400);
  });
});

describe("single logout", () => {
  /** An HTTP-Redirect LogoutRequest from `app` (samlify's SP builds it), as a URL at the IdP. */
  function logoutRequest(
    app: SamlIdpApp,
    user: { nameId: string; sessionIndex?: string },
    relayState = "back-to-app",
  ) {
    const sp = ServiceProvider({
      entityID: app.spEntityId,
      assertionConsumerService: [{ Binding: BINDING.post, Location: app.acsUrl }],
      singleLogoutService: [
        { Binding: BINDING.redirect, Location: app.sloUrl ?? "http://localhost:3999/none" },
      ],
      nameIDFormat: [FORMAT.email],
    });
    const { id, context } = sp.createLogoutRequest(
      idpEntity,
      "redirect",
      { logoutNameID: user.nameId, sessionIndex: user.sessionIndex ?? "" },
      relayState,
    );
    return { id, url: context };
  }

  /** The IdP's answer: the redirect to the app's SLO URL and the LogoutResponse it carries. */
  async function answerTo(browser: Browser, url: string) {
    const response = await browser.request(url);
    await response.arrayBuffer();
    expect(response.status).toBe(302);
    const location = response.headers.get("location") ?? "";
    const raw = location.slice(location.indexOf("?") + 1);
    const params = new URL(location).searchParams;
    const xml = inflateRawSync(Buffer.from(params.get("SAMLResponse") ?? "", "base64")).toString(
      "utf8",
    );
    const octets = raw.slice(0, raw.indexOf("&Signature="));
    return { location, params, xml, octets, document: parseXml(xml) };
  }

  function sessionIndexOf(post: AutoPost): string {
    return only(parseXml(post.xml), NS.saml, "AuthnStatement").getAttribute("SessionIndex") ?? "";
  }

  it("the metadata offers an HTTP-Redirect SingleLogoutService at /saml/slo, in the schema's order", () => {
    expect(idp.sloUrl).toBe(`${idp.url}/saml/slo`);
    const descriptor = only(parseXml(idp.metadataXml), NS.md, "IDPSSODescriptor");
    expect(
      elements(descriptor, NS.md, "SingleLogoutService").map((slo) => [
        slo.getAttribute("Binding"),
        slo.getAttribute("Location"),
      ]),
    ).toEqual([[BINDING.redirect, `${idp.url}/saml/slo`]]);
    expect(childNames(descriptor)).toEqual([
      "KeyDescriptor",
      "SingleLogoutService",
      "NameIDFormat",
      "NameIDFormat",
      "SingleSignOnService",
      "SingleSignOnService",
    ]);
  });

  it("a LogoutRequest ends the session it names; the signed LogoutResponse goes back to the app, and the next sign-in asks for the password", async () => {
    const { browser, post } = await signIn("alice");
    const request = logoutRequest(PORTAL_APP, {
      nameId: demoUser("alice").email,
      sessionIndex: sessionIndexOf(post),
    });
    const answer = await answerTo(browser, request.url);
    expect(answer.location.startsWith(`${PORTAL_APP.sloUrl}?SAMLResponse=`)).toBe(true);
    expect(answer.params.get("RelayState")).toBe("back-to-app");
    expect(answer.params.get("SigAlg")).toBe("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
    // The query signature verifies with the published certificate, over the octets as sent.
    expect(
      cryptoVerify(
        "sha256",
        Buffer.from(answer.octets),
        new X509Certificate(idp.signingCertificatePem).publicKey,
        Buffer.from(answer.params.get("Signature") ?? "", "base64"),
      ),
    ).toBe(true);
    await expectSchemaValid(answer.xml);
    const root = answer.document.documentElement as Element;
    expect([root.namespaceURI, root.localName]).toEqual([NS.samlp, "LogoutResponse"]);
    expect(root.getAttribute("InResponseTo")).toBe(request.id);
    expect(root.getAttribute("Destination")).toBe(PORTAL_APP.sloUrl);
    expect(only(answer.document, NS.saml, "Issuer").textContent).toBe(idp.entityId);
    expect(only(answer.document, NS.samlp, "StatusCode").getAttribute("Value")).toBe(
      "urn:oasis:names:tc:SAML:2.0:status:Success",
    );
    expect(
      logLines.some((line) => line.includes(`1 session(s) ended (LogoutRequest ${request.id})`)),
    ).toBe(true);

    const again = await browser.get(authnRequest().url);
    expect(again.html).toContain('name="password"');
  });

  it("a LogoutRequest naming another user's NameID ends nothing: the session's next sign-in skips the password", async () => {
    const { browser, post } = await signIn("bob");
    const request = logoutRequest(PORTAL_APP, {
      nameId: demoUser("alice").email,
      sessionIndex: sessionIndexOf(post),
    });
    await answerTo(browser, request.url);
    const again = await browser.get(authnRequest().url);
    expect(again.html).toContain('id="saml-post"');
  });

  it.each([
    [
      "an app with no single logout URL registered",
      () => logoutRequest(SP_ONLY_APP, { nameId: "x@corp.example" }).url,
      /no sign-out address registered/,
    ],
    [
      "not a LogoutRequest",
      () => `${idp.url}/saml/slo?SAMLRequest=${encodeURIComponent(deflated(authnRequestXml()))}`,
      /sign-out request from the application is invalid/,
    ],
    ["no SAMLRequest", () => `${idp.url}/saml/slo`, /sign-out request is missing/],
  ])("%s is a 400 page with a message", async (_rule, url, message) => {
    const response = await fetch(url());
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(message);
  });

  it("singleLogout: false — no SingleLogoutService in the metadata, and /saml/slo is not found", async () => {
    const other = await startSamlIdp({
      users: demoUsers,
      apps: [PORTAL_APP],
      keys: await getProcessSigningKeys(),
      singleLogout: false,
      log: () => {},
    });
    try {
      expect(other.sloUrl).toBeNull();
      expect(other.metadataXml).not.toContain("SingleLogoutService");
      expect((await fetch(`${other.url}/saml/slo`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

describe("options", () => {
  it("signResponse false signs the assertion only; groupsAttribute and sessionNotOnOrAfterSeconds are honoured", async () => {
    const other = await startSamlIdp({
      users: demoUsers,
      apps: [PORTAL_APP],
      keys: await getProcessSigningKeys(),
      signResponse: false,
      groupsAttribute: "memberOf",
      sessionNotOnOrAfterSeconds: 3600,
      log: () => {},
    });
    try {
      const otherEntity = IdentityProvider({ metadata: other.metadataXml });
      const browser = new Browser();
      const { context } = portalSp.createLoginRequest(otherEntity, "redirect");
      const login = await browser.get(context);
      const done = await browser.postForm(loginFormUrl(login), {
        username: "alice",
        password: demoUser("alice").password,
      });
      const post = readAutoPost(done.html);
      await expectSchemaValid(post.xml);
      const { responseSignature, assertion, assertionSignature } = readResponse(post.xml);
      expect(responseSignature).toBeUndefined();
      expect(
        verifySignature(post.xml, assertionSignature as Element, other.signingCertificatePem).valid,
      ).toBe(true);
      expect(attributesOf(assertion as Element).memberOf).toEqual([
        "gatehouse-admins",
        "developers",
      ]);
      const authn = only(assertion as Element, NS.saml, "AuthnStatement");
      const conditions = only(assertion as Element, NS.saml, "Conditions");
      expect(
        Date.parse(authn.getAttribute("SessionNotOnOrAfter") ?? "") -
          Date.parse(conditions.getAttribute("NotBefore") ?? ""),
      ).toBe(3600 * 1000);
    } finally {
      await other.close();
    }
  });

  it("destinationOverride: the AWS app's Destination can be AWS's sign-in URL while the form still posts to the relay", async () => {
    const other = await startSamlIdp({
      users: demoUsers,
      apps: [awsDemoApp({ acsUrl: AWS_RELAY, destinationOverride: AWS_SAML_RECIPIENT })],
      keys: await getProcessSigningKeys(),
      log: () => {},
    });
    try {
      const browser = new Browser();
      const login = await browser.get(`${other.url}/saml/start/aws`);
      const done = await browser.postForm(loginFormUrl(login), {
        username: "bob",
        password: demoUser("bob").password,
      });
      const post = readAutoPost(done.html);
      expect(post.action).toBe(AWS_RELAY);
      const { response, assertion } = readResponse(post.xml);
      expect(response.getAttribute("Destination")).toBe(AWS_SAML_RECIPIENT);
      expect(
        only(assertion as Element, NS.saml, "SubjectConfirmationData").getAttribute("Recipient"),
      ).toBe(AWS_SAML_RECIPIENT);
    } finally {
      await other.close();
    }
  });

  const valid: StartSamlIdpOptions = { users: demoUsers, apps: [PORTAL_APP], log: () => {} };
  it.each<[string, Partial<StartSamlIdpOptions>, RegExp]>([
    ["no users", { users: [] }, /users must not be empty/],
    ["no apps", { apps: [] }, /apps must not be empty/],
    [
      "duplicate app ids",
      { apps: [PORTAL_APP, { ...SP_ONLY_APP, id: PORTAL_APP.id }] },
      /app ids must be unique/,
    ],
    [
      "duplicate SP entity IDs",
      { apps: [PORTAL_APP, { ...SP_ONLY_APP, spEntityId: PORTAL_APP.spEntityId }] },
      /spEntityId must be unique/,
    ],
    [
      "an ACS URL that is not http(s)",
      { apps: [{ ...PORTAL_APP, acsUrl: "javascript:alert(1)" }] },
      /invalid acsUrl/,
    ],
    ["a groups attribute that shadows email", { groupsAttribute: "email" }, /groupsAttribute/],
    [
      "a certificate for another key",
      {
        keys: {
          privateKeyPem: generateKeyPairSync("rsa", { modulusLength: 2048 })
            .privateKey.export({ type: "pkcs8", format: "pem" })
            .toString(),
          // The file's IdP certificate: only known once beforeAll ran.
          get certificatePem() {
            return idp.signingCertificatePem;
          },
        },
      },
      /does not belong to keys.privateKeyPem/,
    ],
    [
      "a user whose name XML can't carry",
      { users: [{ ...demoUser("bob"), name: "Bob\u0000" }] },
      /XML 1.0 cannot carry/,
    ],
    [
      "a session lifetime under a minute",
      { sessionNotOnOrAfterSeconds: 5 },
      /sessionNotOnOrAfterSeconds/,
    ],
  ])("refuses to start with %s (TypeError)", async (_, override, message) => {
    const started = startSamlIdp({ ...valid, ...override });
    await expect(started).rejects.toThrow(TypeError);
    await expect(started).rejects.toThrow(message);
  });
});

describe("logging", () => {
  it("never logs a password, a SAML message or an assertion", () => {
    const log = logLines.join("\n");
    expect(log).toMatch(/response to gatehouse for alice \(InResponseTo _/);
    expect(log).toMatch(/response to aws for alice \(unsolicited\)/);
    for (const user of demoUsers) expect(log).not.toContain(user.password);
    for (const response of issuedResponses) expect(log).not.toContain(response.slice(0, 40));
    expect(log).not.toMatch(/<saml|SAMLRequest=|Signature/);
    expect(issuedResponses.length).toBeGreaterThan(10);
  });
});
