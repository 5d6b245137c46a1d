// SAML single logout on the running portal (docs/SINGLE-LOGOUT.md "SAML"): "Sign out" revokes and
// audits the portal session, then sends an HTTP-Redirect LogoutRequest — the sign-in's NameID and
// SessionIndex — to the IdP's SingleLogoutService; the IdP's LogoutResponse comes back to the
// portal's SLO endpoint, which checks it as strictly as the ACS checks a sign-in. The demo SAML
// IdP ends its session (the next sign-in asks for the password); fixture-signed responses cover
// every way a LogoutResponse must be refused — each one audited, answered with the signed-out page
// and a reference, never a 500.
import { inflateRawSync } from "node:zlib";
import { DOMParser } from "@xmldom/xmldom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SamlRejectionReason } from "@/lib/saml/types";
import { parseDetails } from "../support/portal-assertions";
import {
  ALGORITHMS,
  buildLogoutResponse,
  buildSamlResponse,
  encodePostBinding,
  FIXTURE_IDP_ENTITY_ID,
  getTestSigningKey,
  NAMEID_FORMAT,
  postBindingLogoutResponse,
  redirectBindingQuery,
  STATUS,
  type LogoutResponseOptions,
} from "../support/saml-fixtures";
import {
  addressedToPortal,
  auditRowsOf,
  expectPortalHealthy,
  expectSignedIn,
  registerFixtureIdp,
  SamlBrowser,
  signInWithDemoSaml,
  startSpLogin,
  postToAcs,
} from "../support/saml-portal";
import {
  asksForPassword,
  Browser,
  NOT_CONFIRMED,
  pressSignOut,
  SIGNED_OUT_OF_BOTH,
  signedOutNotice,
  STILL_ACTIVE,
} from "../support/single-logout";
import { startTestStack, type TestStack } from "../support/stack";

const FIXTURE_SLUG = "fixture-slo";
const FIXTURE_SLO_URL = "https://idp.fixture.invalid/saml/slo";
const FIXTURE_NAME = `Fixture IdP (${FIXTURE_SLUG})`;
const NO_SLO_SLUG = "fixture-no-slo";
const NO_SLO_ENTITY_ID = "https://no-slo.corp.example/saml/metadata";
const SAML_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML_ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";

let stack: TestStack;

beforeAll(async () => {
  for (const label of ["idp", "attacker"]) getTestSigningKey(label);
  stack = await startTestStack({ saml: true });
  await registerFixtureIdp(stack, { slug: FIXTURE_SLUG, keys: [getTestSigningKey("idp")] });
  await stack.db.samlIdentityProvider.update({
    where: { slug: FIXTURE_SLUG },
    data: { sloUrl: FIXTURE_SLO_URL },
  });
  await registerFixtureIdp(stack, {
    slug: NO_SLO_SLUG,
    entityId: NO_SLO_ENTITY_ID,
    keys: [getTestSigningKey("idp")],
  });
});

afterAll(async () => {
  await stack?.stop();
});

const sloEndpoint = () => `${stack.portalUrl}/api/auth/saml/slo`;

/** Signs `browser` in at a fixture IdP with a fixture-signed response (SessionIndex = assertion ID). */
async function signInAtFixture(browser: SamlBrowser, slug: string, issuer: string) {
  const { requestId } = await startSpLogin(stack, browser, slug);
  const xml = buildSamlResponse({ ...addressedToPortal(stack), issuer, inResponseTo: requestId });
  const assertionId = /<saml:Assertion [^>]*ID="([^"]+)"/.exec(xml)?.[1] ?? "";
  expectSignedIn(stack, await postToAcs(stack, browser, encodePostBinding(xml)));
  return { assertionId };
}

/** The LogoutRequest a sign-out URL carries (HTTP-Redirect: deflated, base64, in the query). */
function logoutRequestIn(url: string) {
  const parsed = new URL(url);
  const xml = inflateRawSync(
    Buffer.from(parsed.searchParams.get("SAMLRequest") ?? "", "base64"),
  ).toString("utf8");
  const root = new DOMParser().parseFromString(xml, "text/xml").documentElement;
  const child = (ns: string, name: string) => root.getElementsByTagNameNS(ns, name)[0];
  const nameId = child(SAML_ASSERTION, "NameID");
  return {
    xml,
    rootName: root.localName,
    id: root.getAttribute("ID") ?? "",
    destination: root.getAttribute("Destination"),
    issuer: child(SAML_ASSERTION, "Issuer")?.textContent ?? null,
    nameId: nameId?.textContent ?? null,
    nameIdFormat: nameId?.getAttribute("Format") ?? null,
    sessionIndex: child(SAML_PROTOCOL, "SessionIndex")?.textContent ?? null,
    relayState: parsed.searchParams.get("RelayState"),
    signed: parsed.searchParams.has("Signature") || xml.includes("Signature"),
  };
}

/** Sign in at the fixture IdP and press Sign out: the browser and its outstanding LogoutRequest. */
async function signedOutAtFixture() {
  const browser = new SamlBrowser();
  const { assertionId } = await signInAtFixture(browser, FIXTURE_SLUG, FIXTURE_IDP_ENTITY_ID);
  const out = await pressSignOut(browser.portal(stack));
  return { browser, out, assertionId, request: logoutRequestIn(out.url) };
}

/** A LogoutResponse addressed correctly to the portal, answering `inResponseTo`. */
function answer(inResponseTo: string, opts: LogoutResponseOptions = {}) {
  return buildLogoutResponse({ destination: sloEndpoint(), inResponseTo, ...opts });
}

/** What the SLO endpoint did with one message. */
type Message = { query: string } | { post: string } | { postRequest: string };

async function deliver(
  browser: SamlBrowser,
  message: Message,
): Promise<{ status: number; location: URL; requestId: string }> {
  const res =
    "query" in message
      ? await browser.request(`${sloEndpoint()}?${message.query}`)
      : await browser.request(sloEndpoint(), {
          method: "POST",
          // The IdP's page posts it: cross-site, from the IdP's origin.
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Origin: "https://idp.fixture.invalid",
          },
          body: new URLSearchParams(
            "post" in message
              ? { SAMLResponse: message.post }
              : { SAMLRequest: message.postRequest },
          ).toString(),
        });
  await res.arrayBuffer();
  const location = new URL(res.headers.get("location") ?? "", stack.portalUrl);
  return { status: res.status, location, requestId: location.searchParams.get("requestId") ?? "" };
}

/** A refused LogoutResponse: the signed-out page with "not confirmed" and a reference, audited. */
async function expectLogoutRefused(
  result: { status: number; location: URL; requestId: string },
  reason: SamlRejectionReason,
): Promise<void> {
  expect(result.status).toBe(303);
  expect(`${result.location.origin}${result.location.pathname}`).toBe(`${stack.portalUrl}/signin`);
  expect(result.location.searchParams.get("signedOut")).toBe("1");
  expect(result.location.searchParams.get("logout")).toBe("unconfirmed");
  expect(result.requestId).toMatch(/^[A-Za-z0-9-]{8,64}$/);
  const rows = await auditRowsOf(stack, result.requestId);
  expect(rows.map((r) => [r.action, r.outcome])).toEqual([["auth.single-logout", "denied"]]);
  expect(parseDetails(rows[0]?.detailsJson ?? "{}")).toMatchObject({ method: "saml", reason });
  await expectPortalHealthy(stack);
}

describe("SP-initiated single logout with the demo SAML IdP", () => {
  it("sign-out sends the sign-in's NameID and SessionIndex to the IdP, which ends its session: signed out of both, and the next sign-in asks for the password", async () => {
    const { browser, posted } = await signInWithDemoSaml(stack, "bob");
    const sessionIndex = /SessionIndex="([^"]+)"/.exec(posted.xml)?.[1];
    const [session] = await stack.db.portalSession.findMany({
      where: { revokedAt: null, samlSessionIndex: sessionIndex ?? "" },
    });
    expect(session).toMatchObject({ method: "saml", samlNameId: "bob@corp.example" });
    // The IdP session is alive: another sign-in would not ask for the password.
    const before = await startSpLogin(stack, browser, "corp-saml");
    expect((await browser.get(before.idpUrl)).body).toContain('id="saml-post"');

    const out = await pressSignOut(browser.portal(stack));
    expect(out.url.startsWith(`${stack.samlIdp!.sloUrl}?SAMLRequest=`)).toBe(true);
    const request = logoutRequestIn(out.url);
    expect(request).toMatchObject({
      rootName: "LogoutRequest",
      destination: stack.samlIdp!.sloUrl,
      issuer: `${stack.portalUrl}/api/auth/saml/metadata`,
      nameId: "bob@corp.example",
      nameIdFormat: NAMEID_FORMAT.email,
      sessionIndex,
    });
    const revoked = await stack.db.portalSession.findUniqueOrThrow({ where: { id: session!.id } });
    expect(revoked.revokedAt).not.toBeNull();
    const [signOutAudit] = await auditRowsOf(stack, out.requestId);
    expect(parseDetails(signOutAudit?.detailsJson ?? "{}")).toMatchObject({
      method: "saml",
      singleLogout: "saml-sent",
      idp: "corp-saml",
    });

    // The IdP answers with a signed LogoutResponse to the portal's SLO endpoint.
    const page = await new Browser(browser.jar).get(out.url);
    expect(page.url).toBe(`${stack.portalUrl}/signin?signedOut=1`);
    const back = new URL(page.visited.find((u) => u.startsWith(sloEndpoint())) ?? "");
    expect(back.searchParams.get("SigAlg")).toBe(ALGORITHMS.rsaSha256);
    expect(signedOutNotice(page.body)).toEqual({
      kind: "both",
      text: SIGNED_OUT_OF_BOTH("Corp Identity (demo)"),
    });
    const confirmed = await stack.db.auditEvent.findMany({
      where: { action: "auth.single-logout", actorUserId: session!.userId },
    });
    expect(confirmed.map((a) => a.outcome)).toEqual(["success"]);
    expect(parseDetails(confirmed[0]!.detailsJson)).toMatchObject({
      idp: "corp-saml",
      logoutRequestId: request.id,
    });

    const next = await startSpLogin(stack, browser, "corp-saml");
    const idpPage = await browser.get(next.idpUrl);
    expect(idpPage.body).not.toContain('id="saml-post"');
    expect(asksForPassword(idpPage.body)).toBe(true);
  });
});

describe("the LogoutRequest and the IdP's answer", () => {
  it("the LogoutRequest repeats the assertion's NameID (with its Format) and SessionIndex, is addressed to the IdP's SLO URL and carries a RelayState", async () => {
    const { request, assertionId } = await signedOutAtFixture();
    expect(request).toMatchObject({
      rootName: "LogoutRequest",
      destination: FIXTURE_SLO_URL,
      issuer: `${stack.portalUrl}/api/auth/saml/metadata`,
      nameId: "alice@corp.example",
      nameIdFormat: NAMEID_FORMAT.email,
      sessionIndex: assertionId,
      // The portal has no SP signing key (docs/SINGLE-LOGOUT.md).
      signed: false,
    });
    expect(request.id).toMatch(/^_[0-9a-f]{32}$/);
    expect(request.relayState).toMatch(/^[A-Za-z0-9-]{8,64}$/);
  });

  it("a signed Success answering this browser's LogoutRequest is accepted once (signed out of both); the same answer again is refused as a replay", async () => {
    const { browser, request } = await signedOutAtFixture();
    const query = redirectBindingQuery(answer(request.id).xml, {
      relayState: request.relayState ?? "",
    });
    const first = await deliver(browser, { query });
    expect(first.status).toBe(303);
    expect(first.location.href).toBe(`${stack.portalUrl}/signin?signedOut=1`);
    const page = await browser.get(first.location.href);
    expect(signedOutNotice(page.body)).toEqual({
      kind: "both",
      text: SIGNED_OUT_OF_BOTH(FIXTURE_NAME),
    });

    await expectLogoutRefused(await deliver(browser, { query }), "reused_in_response_to");
  });

  it("the HTTP-POST binding works too: an enveloped signature by the IdP's certificate", async () => {
    const { browser, request } = await signedOutAtFixture();
    const result = await deliver(browser, { post: postBindingLogoutResponse(answer(request.id)) });
    expect(result.location.href).toBe(`${stack.portalUrl}/signin?signedOut=1`);
  });

  it("an IdP that answers it could not end its session: audited as an error, and the page says the IdP did not confirm", async () => {
    const { browser, request } = await signedOutAtFixture();
    const built = answer(request.id, {
      statusCode: STATUS.responder,
      subStatusCode: "urn:oasis:names:tc:SAML:2.0:status:PartialLogout",
    });
    const result = await deliver(browser, { query: redirectBindingQuery(built.xml) });
    expect(result.location.searchParams.get("logout")).toBe("unconfirmed");
    const rows = await auditRowsOf(stack, result.requestId);
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([["auth.single-logout", "error"]]);
    expect(rows[0]?.actorUserId).not.toBeNull();
    expect(parseDetails(rows[0]!.detailsJson)).toMatchObject({
      idpStatus: STATUS.responder,
      idpSubStatus: "urn:oasis:names:tc:SAML:2.0:status:PartialLogout",
    });
    const page = await browser.get(result.location.href);
    expect(signedOutNotice(page.body)).toEqual({
      kind: "unconfirmed",
      text: NOT_CONFIRMED(FIXTURE_NAME),
    });
    expect(page.body).toContain('data-testid="single-logout-error"');
    expect(page.body).toContain(result.requestId);
  });

  it("an IdP whose metadata has no SingleLogoutService: a plain sign-out, and the page says its sign-in is still active", async () => {
    const browser = new SamlBrowser();
    await signInAtFixture(browser, NO_SLO_SLUG, NO_SLO_ENTITY_ID);
    const out = await pressSignOut(browser.portal(stack));
    expect(out.url).toBe(`${stack.portalUrl}/signin?signedOut=1`);
    const [audit] = await auditRowsOf(stack, out.requestId);
    expect(parseDetails(audit?.detailsJson ?? "{}")).toMatchObject({
      singleLogout: "unsupported",
      reason: "no SingleLogoutService",
    });
    const page = await browser.get(out.url);
    expect(signedOutNotice(page.body)).toEqual({
      kind: "portal-only",
      text: STILL_ACTIVE(`Fixture IdP (${NO_SLO_SLUG})`),
    });
  });
});

/** One rule a LogoutResponse must meet, and the message that breaks it. */
interface HostileCase {
  rule: string;
  reason: SamlRejectionReason;
  /** Built against the browser's outstanding LogoutRequest `requestId`. */
  message: (requestId: string) => Message;
  /** Delivered from a browser that did not sign out. */
  fromAnotherBrowser?: boolean;
}

const now = () => new Date();

const HOSTILE: HostileCase[] = [
  {
    rule: "a LogoutResponse by HTTP-Redirect must carry a query signature (SigAlg and Signature)",
    reason: "response_unsigned",
    message: (id) => ({ query: redirectBindingQuery(answer(id).xml, { key: null }) }),
  },
  {
    rule: "a LogoutResponse by HTTP-POST must carry an enveloped signature",
    reason: "response_unsigned",
    message: (id) => ({ post: postBindingLogoutResponse(answer(id), null) }),
  },
  {
    rule: "only the IdP's configured certificates verify the signature (Redirect)",
    reason: "signature_invalid",
    message: (id) => ({
      query: redirectBindingQuery(answer(id).xml, { key: getTestSigningKey("attacker") }),
    }),
  },
  {
    rule: "only the IdP's configured certificates verify the signature (POST)",
    reason: "signature_invalid",
    message: (id) => ({
      post: postBindingLogoutResponse(answer(id), { key: getTestSigningKey("attacker") }),
    }),
  },
  {
    rule: "the query signature covers SAMLResponse, RelayState and SigAlg as sent: a RelayState changed after signing fails",
    reason: "signature_invalid",
    message: (id) => ({
      query: redirectBindingQuery(answer(id).xml, { relayState: "original" }).replace(
        "RelayState=original",
        "RelayState=changed",
      ),
    }),
  },
  {
    rule: "the enveloped signature covers the whole LogoutResponse: a Destination changed after signing fails",
    reason: "signature_invalid",
    message: (id) => {
      const signed = Buffer.from(postBindingLogoutResponse(answer(id)), "base64").toString("utf8");
      return {
        post: encodePostBinding(
          signed.replace(`Destination="${sloEndpoint()}"`, `Destination="${sloEndpoint()}?x"`),
        ),
      };
    },
  },
  {
    rule: "a SHA-1 signature is refused, valid or not",
    reason: "weak_algorithm",
    message: (id) => ({
      query: redirectBindingQuery(answer(id).xml, { sigAlg: ALGORITHMS.rsaSha1 }),
    }),
  },
  {
    rule: "an Issuer the portal doesn't know is refused",
    reason: "unknown_idp",
    message: (id) => ({
      query: redirectBindingQuery(answer(id, { issuer: "https://stranger.example/idp" }).xml),
    }),
  },
  {
    rule: "the message is verified with the certificates of the IdP its Issuer names: another IdP's entityID signed with this key fails",
    reason: "signature_invalid",
    message: (id) => ({
      query: redirectBindingQuery(answer(id, { issuer: stack.samlIdp!.entityId }).xml),
    }),
  },
  {
    rule: "its Destination must be the portal's SLO URL",
    reason: "destination_mismatch",
    message: (id) => ({
      query: redirectBindingQuery(answer(id, { destination: "https://elsewhere.example/slo" }).xml),
    }),
  },
  {
    rule: "it must carry a Destination",
    reason: "destination_mismatch",
    message: (id) => ({ query: redirectBindingQuery(answer(id, { destination: null }).xml) }),
  },
  {
    rule: "it must answer a LogoutRequest (InResponseTo)",
    reason: "unknown_in_response_to",
    message: (id) => ({ query: redirectBindingQuery(answer(id, { inResponseTo: null }).xml) }),
  },
  {
    rule: "it must answer a LogoutRequest the portal sent",
    reason: "unknown_in_response_to",
    message: () => ({
      query: redirectBindingQuery(answer("_0123456789abcdef0123456789abcdef").xml),
    }),
  },
  {
    rule: "it must come back to the browser that signed out",
    reason: "unknown_in_response_to",
    message: (id) => ({ query: redirectBindingQuery(answer(id).xml) }),
    fromAnotherBrowser: true,
  },
  {
    rule: "it must be fresh: issued within the allowed age",
    reason: "too_old",
    message: (id) => ({
      query: redirectBindingQuery(
        answer(id, { issueInstant: new Date(now().getTime() - 3600_000) }).xml,
      ),
    }),
  },
  {
    rule: "it must not be issued in the future",
    reason: "not_yet_valid",
    message: (id) => ({
      query: redirectBindingQuery(
        answer(id, { issueInstant: new Date(now().getTime() + 3600_000) }).xml,
      ),
    }),
  },
  {
    rule: "no DOCTYPE or entities",
    reason: "doctype_or_entity",
    message: (id) => ({
      query: redirectBindingQuery(answer(id, { prolog: '<!DOCTYPE x [<!ENTITY e "e">]>' }).xml),
    }),
  },
  {
    rule: "only a LogoutResponse is accepted here (not a sign-in Response)",
    reason: "unexpected_root",
    message: (id) => ({ query: redirectBindingQuery(answer(id, { rootName: "Response" }).xml) }),
  },
  {
    rule: "the SAMLResponse must be base64 of raw DEFLATE",
    reason: "not_base64",
    message: () => ({ query: "SAMLResponse=%21%21not-base64%21%21" }),
  },
  {
    rule: "a parameter given twice is refused",
    reason: "malformed_binding",
    message: (id) => {
      const query = redirectBindingQuery(answer(id).xml);
      return { query: `${query}&${query.split("&")[0]}` };
    },
  },
  {
    rule: "an IdP-initiated LogoutRequest is refused by name (not supported), by Redirect",
    reason: "logout_request_unsupported",
    message: () => ({
      query:
        "SAMLRequest=fZBBa8MwDIXvg%2F0H47vjpCmMYZqUQS%2BFDcbKDru5tpqYJnJmyWn772cnK%2BtlR8nf0%2BNp%2FXBpAzRwAsgrslUuqbCglN8R4NYBgzwcgWmAQtU0OQ%3D%3D",
    }),
  },
  {
    rule: "an IdP-initiated LogoutRequest is refused by name (not supported), by POST",
    reason: "logout_request_unsupported",
    message: () => ({ postRequest: "PHNhbWxwOkxvZ291dFJlcXVlc3QvPg==" }),
  },
  {
    rule: "an oversized message is refused before it is decoded",
    reason: "message_too_large",
    // By POST: an HTTP server refuses a URL this long itself (431) before the portal sees it.
    message: () => ({ post: "A".repeat(40_000) }),
  },
];

describe("hostile LogoutResponses: refused, audited with the rule they break, never a 500", () => {
  let browser: SamlBrowser;
  let requestId: string;

  beforeAll(async () => {
    const started = await signedOutAtFixture();
    browser = started.browser;
    requestId = started.request.id;
  });

  it.each(HOSTILE.map((c) => [c.rule, c] as const))("%s", async (_rule, hostile) => {
    const from = hostile.fromAnotherBrowser ? new SamlBrowser() : browser;
    await expectLogoutRefused(await deliver(from, hostile.message(requestId)), hostile.reason);
  });

  it("after all of them the LogoutRequest is still unanswered: the IdP's real answer is accepted", async () => {
    const result = await deliver(browser, { query: redirectBindingQuery(answer(requestId).xml) });
    expect(result.location.href).toBe(`${stack.portalUrl}/signin?signedOut=1`);
  });

  it("a refused answer leaves a page that says the IdP did not confirm, with the reference", async () => {
    const started = await signedOutAtFixture();
    const result = await deliver(started.browser, {
      query: redirectBindingQuery(answer(started.request.id).xml, {
        key: getTestSigningKey("attacker"),
      }),
    });
    const page = await started.browser.get(result.location.href);
    expect(signedOutNotice(page.body)).toEqual({
      kind: "unconfirmed",
      text: NOT_CONFIRMED(FIXTURE_NAME),
    });
    expect(page.body).toContain(result.requestId);
  });
});
