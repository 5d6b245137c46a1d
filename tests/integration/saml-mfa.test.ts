// MFA step-up for a SAML sign-in, over HTTP with the real demo SAML IdP: a password-only SAML
// session meets a rule requiring MFA (403 mfa_required + step-up link, no STS call); the step-up
// sends a ForceAuthn AuthnRequest asking for the MFA authentication contexts; the IdP asks for the
// password again and then its code (a wrong code refused, five give up with AuthnFailed); the right
// code brings back an assertion with an MFA class ref, a new MFA session, and issuance works. An
// IdP that ignores the request and answers password-only ends on the clear no-loop page.
import { inflateRawSync } from "node:zlib";
import { DOMParser } from "@xmldom/xmldom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAML_MFA_CONTEXTS, SAML_PASSWORD_CONTEXT } from "@/dev/oidc-idp/mfa";
import {
  assumeRoleCalls,
  auditRowsFor,
  expectApiError,
  parseDetails,
  resetStsCalls,
  withoutAwsCalls,
} from "../support/portal-assertions";
import { roleIdOf, type PortalSession } from "../support/portal-client";
import { buildSamlResponse, encodePostBinding, getTestSigningKey } from "../support/saml-fixtures";
import {
  addressedToPortal,
  auditRowsOf,
  BINDING_COOKIE,
  demoUser,
  expectSignedIn,
  expectSignInRefused,
  postToAcs,
  readAutoPost,
  registerFixtureIdp,
  SamlBrowser,
  signInWithDemoSaml,
  startSpLogin,
} from "../support/saml-portal";
import { startTestStack, type TestStack } from "../support/stack";

const SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML = "urn:oasis:names:tc:SAML:2.0:assertion";
/** GATEHOUSE_SAML_MFA_AUTHN_CONTEXTS's default: what the step-up must ask for. */
const PORTAL_MFA_CONTEXTS = [
  "http://schemas.microsoft.com/claims/multipleauthn",
  "https://refeds.org/profile/mfa",
  "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken",
  "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
];
const FIXTURE_SLUG = "fixture-no-mfa";
const STEP_UP = "/api/auth/step-up?returnTo=%2Faccounts";

let stack: TestStack;
let roleId: string;

beforeAll(async () => {
  getTestSigningKey("idp");
  stack = await startTestStack({ saml: true });
  roleId = await roleIdOf(stack, "acme-staging", "Developer");
  await stack.db.accessRule.updateMany({ where: { roleId }, data: { requireMfa: true } });
  // An IdP whose answers the test writes itself: one that ignores RequestedAuthnContext.
  await registerFixtureIdp(stack, { slug: FIXTURE_SLUG, keys: [getTestSigningKey("idp")] });
});
afterAll(async () => stack?.stop());

function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The portal sessions of a user, newest first (the SAML user key is the NameID: the email). */
async function sessionsOfUser(subject: string) {
  return stack.db.portalSession.findMany({
    where: { user: { subject } },
    orderBy: { createdAt: "desc" },
  });
}

/** The AuthnRequest a portal redirect to the IdP carries (HTTP-Redirect binding). */
function authnRequestIn(location: string): { xml: string; root: Element; url: URL } {
  const url = new URL(location);
  const encoded = url.searchParams.get("SAMLRequest");
  if (!encoded) throw new Error(`no SAMLRequest in ${location.slice(0, 200)}`);
  const xml = inflateRawSync(Buffer.from(encoded, "base64")).toString("utf8");
  const root = new DOMParser().parseFromString(xml, "text/xml").documentElement;
  if (!root) throw new Error("the AuthnRequest is not XML");
  return { xml, root, url };
}

function children(parent: Element, ns: string, name: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(ns, name));
}

/** Asks for credentials of the MFA-protected role: refused with a step-up link, no STS call. */
async function expectStepUpRequired(api: PortalSession): Promise<string> {
  const res = await withoutAwsCalls(stack, () =>
    api.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} }),
  );
  const requestId = res.headers.get("x-request-id");
  const body = await expectApiError(res, 403, "mfa_required");
  expect(body.error.nextUrl).toBe(STEP_UP);
  const [denial] = await auditRowsFor(stack, requestId);
  expect(denial).toMatchObject({ action: "access.denied", outcome: "denied" });
  return body.error.nextUrl!;
}

/** GET the step-up link: a 303 to the IdP with a ForceAuthn AuthnRequest. */
async function startStepUp(browser: SamlBrowser, nextUrl: string) {
  const res = await browser.request(`${stack.portalUrl}${nextUrl}`);
  await res.arrayBuffer();
  expect(res.status).toBe(303);
  const location = res.headers.get("location") ?? "";
  expect(
    browser.jar.cookiesFor(`${stack.portalUrl}/api/auth/saml/acs`).map((c) => c.name),
  ).toContain(BINDING_COOKIE);
  return { location, ...authnRequestIn(location) };
}

describe("a SAML sign-in without MFA meets a rule requiring MFA", () => {
  it("the sign-in is recorded as password-only, with the class ref the IdP asserted", async () => {
    await signInWithDemoSaml(stack, "bob");
    const [session] = await sessionsOfUser(demoUser("bob").email);
    expect(session).toBeDefined();
    expect(session!.method).toBe("saml");
    expect(session!.mfaAuthenticated).toBe(false);
    expect(JSON.parse(session!.authnContextJson)).toEqual({
      method: "saml",
      authnContextClassRefs: [SAML_PASSWORD_CONTEXT],
    });
  });

  it("step-up: ForceAuthn + RequestedAuthnContext; the IdP asks the password again, refuses a wrong code, takes the right one; the new MFA session may issue", async () => {
    const { browser } = await signInWithDemoSaml(stack, "bob");
    const api = browser.portal(stack);
    const nextUrl = await expectStepUpRequired(api);
    const before = await sessionsOfUser(demoUser("bob").email);

    // The AuthnRequest: re-authenticate now, with one of the MFA contexts, exactly.
    const stepUp = await startStepUp(browser, nextUrl);
    expect(stepUp.url.origin).toBe(new URL(stack.samlIdp!.ssoUrl).origin);
    expect(stepUp.root.localName).toBe("AuthnRequest");
    expect(stepUp.root.getAttribute("ForceAuthn")).toBe("true");
    expect(stepUp.root.hasAttribute("IsPassive")).toBe(false);
    expect(stepUp.root.getAttribute("AssertionConsumerServiceURL")).toBe(
      `${stack.portalUrl}/api/auth/saml/acs`,
    );
    const [requested] = children(stepUp.root, SAMLP, "RequestedAuthnContext");
    expect(requested?.getAttribute("Comparison")).toBe("exact");
    expect(
      children(requested!, SAML, "AuthnContextClassRef").map((e) => e.textContent?.trim()),
    ).toEqual(PORTAL_MFA_CONTEXTS);
    const requestId = stepUp.root.getAttribute("ID") ?? "";
    expect(requestId).toMatch(/^_[0-9a-f]{32}$/);

    // ForceAuthn: although bob has a session at the IdP, it shows its password form again.
    const loginPage = await browser.get(stepUp.location);
    expect(loginPage.res.status).toBe(200);
    expect(loginPage.body).not.toContain('id="saml-post"');
    const loginAction = /<form method="post" action="([^"]+)"/.exec(loginPage.body)?.[1];
    expect(loginAction).toBeDefined();
    const loginUrl = new URL(unescapeHtml(loginAction!), loginPage.url).href;
    let page = await browser.follow(
      await browser.postForm(loginUrl, {
        username: "bob",
        password: demoUser("bob").password,
      }),
      loginUrl,
    );

    // The code step: the code the "authenticator app" shows is on the page (a demo stand-in).
    expect(page.res.status).toBe(200);
    const codeAction = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
    const code = /data-testid="demo-code">(\d{6})</.exec(page.body)?.[1];
    expect(codeAction).toMatch(/\/mfa$/);
    expect(code).toMatch(/^\d{6}$/);
    const codeUrl = new URL(unescapeHtml(codeAction!), page.url).href;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    page = await browser.follow(await browser.postForm(codeUrl, { code: wrong }), codeUrl);
    expect(page.res.status).toBe(401);
    expect(page.body).toContain("Invalid verification code");
    expect(page.body).not.toContain('id="saml-post"');

    const current = /data-testid="demo-code">(\d{6})</.exec(page.body)?.[1] ?? "";
    page = await browser.follow(await browser.postForm(codeUrl, { code: current }), codeUrl);
    expect(page.res.status).toBe(200);
    const posted = readAutoPost(page.body);
    expect(posted.action).toBe(`${stack.portalUrl}/api/auth/saml/acs`);
    expect(posted.xml).toContain(`InResponseTo="${requestId}"`);
    const classRef = /<(?:\w+:)?AuthnContextClassRef>([^<]+)</.exec(posted.xml)?.[1];
    expect(SAML_MFA_CONTEXTS as readonly string[]).toContain(classRef);
    expect(PORTAL_MFA_CONTEXTS).toContain(classRef);

    // Back at the portal: a new session with MFA, then the step-up route returns to /accounts.
    const acs = await postToAcs(stack, browser, posted.samlResponse, {
      ...(posted.relayState !== undefined ? { RelayState: posted.relayState } : {}),
    });
    expectSignedIn(stack, acs, "/api/auth/step-up?returnTo=%2Faccounts&completed=1");
    const back = await browser.follow(await browser.request(acs.location!), acs.location!);
    expect(new URL(back.url).pathname).toBe("/accounts");
    expect(back.res.status).toBe(200);

    const after = await sessionsOfUser(demoUser("bob").email);
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]!.mfaAuthenticated).toBe(true);
    expect(JSON.parse(after[0]!.authnContextJson)).toEqual({
      method: "saml",
      authnContextClassRefs: [classRef],
    });
    const signIn = await auditRowsOf(stack, acs.requestId ?? "");
    expect(signIn.map((r) => r.action)).toEqual(["auth.sign-in"]);
    expect(parseDetails(signIn[0]!.detailsJson)).toMatchObject({
      method: "saml",
      mfaAuthenticated: true,
    });

    await resetStsCalls(stack);
    const res = await api.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await assumeRoleCalls(stack)).toHaveLength(1);
  });

  it("five wrong codes: the IdP answers AuthnFailed, the portal refuses it, and no MFA session is made", async () => {
    const { browser } = await signInWithDemoSaml(stack, "bob");
    const nextUrl = await expectStepUpRequired(browser.portal(stack));
    const before = await sessionsOfUser(demoUser("bob").email);
    const stepUp = await startStepUp(browser, nextUrl);
    const loginPage = await browser.get(stepUp.location);
    const loginAction = /<form method="post" action="([^"]+)"/.exec(loginPage.body)?.[1] ?? "";
    const loginUrl = new URL(unescapeHtml(loginAction), loginPage.url).href;
    let page = await browser.follow(
      await browser.postForm(loginUrl, { username: "bob", password: demoUser("bob").password }),
      loginUrl,
    );
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
      const code = /data-testid="demo-code">(\d{6})</.exec(page.body)?.[1];
      if (!action || !code) throw new Error(`no code step (HTTP ${page.res.status})`);
      const url = new URL(unescapeHtml(action), page.url).href;
      const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, "0");
      page = await browser.follow(await browser.postForm(url, { code: wrong }), url);
      statuses.push(page.res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 200]);
    const failed = readAutoPost(page.body);
    expect(failed.xml).toContain(`InResponseTo="${stepUp.root.getAttribute("ID")}"`);
    expect(failed.xml).toContain("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed");

    const acs = await postToAcs(stack, browser, failed.samlResponse, {
      ...(failed.relayState !== undefined ? { RelayState: failed.relayState } : {}),
    });
    await expectSignInRefused(stack, acs, "status_not_success");
    expect(await sessionsOfUser(demoUser("bob").email)).toHaveLength(before.length);
  });

  it("an IdP that answers the step-up without an MFA class ref ends on the clear no-loop page", async () => {
    const browser = new SamlBrowser();
    const email = "dana@corp.example";
    const answer = (inResponseTo: string) =>
      encodePostBinding(
        buildSamlResponse({
          ...addressedToPortal(stack),
          inResponseTo,
          nameId: email,
          attributes: { email: [email], groups: ["developers"] },
        }),
      );
    const login = await startSpLogin(stack, browser, FIXTURE_SLUG);
    expectSignedIn(stack, await postToAcs(stack, browser, answer(login.requestId)));
    const nextUrl = await expectStepUpRequired(browser.portal(stack));

    const stepUp = await startStepUp(browser, nextUrl);
    expect(stepUp.url.origin).toBe("https://idp.fixture.invalid");
    expect(stepUp.root.getAttribute("ForceAuthn")).toBe("true");
    const stepUpId = stepUp.root.getAttribute("ID") ?? "";

    // The answer is signed, in response to the step-up, for the same user — but password-only.
    const acs = await postToAcs(stack, browser, answer(stepUpId));
    expectSignedIn(stack, acs, "/api/auth/step-up?returnTo=%2Faccounts&completed=1");
    const completion = await browser.request(acs.location!);
    await completion.arrayBuffer();
    expect(completion.status).toBe(303);
    const noMfa = new URL(completion.headers.get("location") ?? "", stack.portalUrl);
    expect(noMfa.pathname).toBe("/signin/step-up");
    expect(noMfa.searchParams.get("problem")).toBe("no-mfa");
    expect(noMfa.searchParams.get("returnTo")).toBe("/accounts");

    // The page explains and stops: no redirect, no auto-started sign-in, a reference to quote.
    const page = await browser.request(noMfa.href);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("did not confirm a multi-factor sign-in");
    expect(html).toContain(noMfa.searchParams.get("requestId") ?? "missing");
    expect(html).not.toContain("data-authorization-params");
    expect(html).not.toMatch(/http-equiv="refresh"/i);
    expect(html).toContain(`href="${STEP_UP.replace(/&/g, "&amp;")}"`);

    const [latest] = await sessionsOfUser(email);
    expect(latest?.mfaAuthenticated).toBe(false);
    // Still locked: the new session asks for a step-up again rather than issuing.
    await expectStepUpRequired(browser.portal(stack));
  });
});
