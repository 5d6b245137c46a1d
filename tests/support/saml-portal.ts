// Drives the portal's SAML endpoints over HTTP the way a browser does (one cookie jar per browser,
// redirects followed by hand), and asserts what every refused SAML message must leave behind:
// the generic redirect with a request id, no session, the specific reason in the audit log, and a
// server that still answers. Shared by the saml-* integration suites.
import { inflateRawSync } from "node:zlib";
import { expect } from "vitest";
import { demoUsers, type DemoUser } from "@/dev/demo-users";
import { demoAccounts } from "@/dev/demo-world";
import { CookieJar } from "./cookie-jar";
import { expectNoInternalsIn, parseDetails } from "./portal-assertions";
import { roleIdOf, sessionFor, type PortalSession } from "./portal-client";
import { FIXTURE_IDP_ENTITY_ID, type TestSigningKey } from "./saml-fixtures";
import type { TestStack } from "./stack";

/** The cookie next-auth reads on http:// (the portal mints the same one for SAML sign-ins). */
export const SESSION_COOKIE = "gatehouse.session";
export const BINDING_COOKIE = "gatehouse.saml-binding";

/** Where a SAML message for this portal must be addressed. */
export function portalSamlTargets(stack: TestStack) {
  return {
    /** The SP entityID: the only Audience the ACS accepts. */
    audience: `${stack.portalUrl}/api/auth/saml/metadata`,
    /** The ACS: Destination and Recipient of a portal sign-in response. */
    acsUrl: `${stack.portalUrl}/api/auth/saml/acs`,
    /** Where the IdP's AWS app posts AWS-targeted responses. */
    relayUrl: `${stack.portalUrl}/api/aws/saml/relay`,
  };
}

/** buildSamlResponse options that address a fixture response to this portal's ACS. */
export function addressedToPortal(stack: TestStack) {
  const { audience, acsUrl } = portalSamlTargets(stack);
  return { audiences: [audience], destination: acsUrl, recipient: acsUrl };
}

export function demoUser(username: string): DemoUser {
  const user = demoUsers.find((u) => u.username === username);
  if (!user) throw new TypeError(`no demo user ${username}`);
  return user;
}

function htmlUnescape(value: string): string {
  return value.replace(
    /&(amp|lt|gt|quot|#39|#x27);/g,
    (_, name: string) =>
      ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" })[name] ?? "",
  );
}

/** One browser: a cookie jar, manual redirects, absolute URLs (portal and IdP alike). */
export class SamlBrowser {
  /** Pass a jar to drive a browser that already has cookies (e.g. an OIDC sign-in's). */
  constructor(readonly jar: CookieJar = new CookieJar()) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const given = (init.headers as Record<string, string> | undefined) ?? {};
    // Like a browser, a POST names an origin: here the page's own, as for a form on that site
    // (a test of a cross-site post says which origin it comes from).
    const isWrite = (init.method ?? "GET").toUpperCase() !== "GET";
    const origin: Record<string, string> =
      isWrite && !("Origin" in given) ? { Origin: new URL(url).origin } : {};
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...origin, ...given, ...this.jar.headersFor(url) },
    });
    this.jar.storeFrom(url, res);
    return res;
  }

  /** Follows redirects (as GETs) from `res`; returns the last response, its URL and its body. */
  async follow(
    res: Response,
    url: string,
    maxHops = 10,
  ): Promise<{ res: Response; url: string; body: string }> {
    let current = { res, url };
    for (let hop = 0; hop < maxHops; hop += 1) {
      const location = current.res.headers.get("location");
      if (current.res.status < 300 || current.res.status >= 400 || !location) {
        return { ...current, body: await current.res.text() };
      }
      await current.res.arrayBuffer();
      const next = new URL(location, current.url).href;
      current = { res: await this.request(next), url: next };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  async get(url: string) {
    return this.follow(await this.request(url), url);
  }

  /** POSTs a form without following the answer's redirect. */
  postForm(url: string, fields: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** The portal session cookie's value, if the portal set one. */
  sessionCookie(stack: TestStack): string | undefined {
    return this.jar.cookiesFor(stack.portalUrl).find((c) => c.name === SESSION_COOKIE)?.value;
  }

  /** API access to the portal with this browser's cookies (same-origin Origin header). */
  portal(stack: TestStack): PortalSession {
    return sessionFor(stack, this.jar);
  }
}

/** The HTTP-POST binding page an IdP answers with: where it posts, and the SAMLResponse. */
export interface AutoPost {
  action: string;
  samlResponse: string;
  relayState: string | undefined;
  /** The decoded Response XML (for reading values the test expects). */
  xml: string;
}

export function readAutoPost(html: string): AutoPost {
  const action = /<form id="saml-post" method="post" action="([^"]+)">/.exec(html)?.[1];
  const samlResponse = /<input type="hidden" name="SAMLResponse" value="([^"]+)">/.exec(html)?.[1];
  const relayState = /<input type="hidden" name="RelayState" value="([^"]*)">/.exec(html)?.[1];
  if (!action || !samlResponse) throw new Error(`not an auto-post page: ${html.slice(0, 300)}`);
  const value = htmlUnescape(samlResponse);
  return {
    action: htmlUnescape(action),
    samlResponse: value,
    relayState: relayState === undefined ? undefined : htmlUnescape(relayState),
    xml: Buffer.from(value, "base64").toString("utf8"),
  };
}

/**
 * From an IdP page, gets to the auto-post form: if the IdP shows its login page, fills it in as
 * `username`; if it already has a session, it answers with the form straight away.
 */
export async function passIdpLogin(
  browser: SamlBrowser,
  page: { url: string; body: string; res: Response },
  username: string,
): Promise<AutoPost> {
  if (page.body.includes('id="saml-post"')) return readAutoPost(page.body);
  const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
  if (!action)
    throw new Error(`no IdP login form (HTTP ${page.res.status}): ${page.body.slice(0, 300)}`);
  const loginUrl = new URL(htmlUnescape(action), page.url).href;
  const done = await browser.follow(
    await browser.postForm(loginUrl, { username, password: demoUser(username).password }),
    loginUrl,
  );
  expect(done.res.status, done.body.slice(0, 300)).toBe(200);
  return readAutoPost(done.body);
}

/** The AuthnRequest the portal's login route sent the browser off with. */
export interface StartedLogin {
  /** The AuthnRequest ID: the InResponseTo the portal now expects from this browser. */
  requestId: string;
  /** The IdP URL the portal redirected to (SAMLRequest in the query). */
  idpUrl: string;
  authnRequestXml: string;
}

/** GET /api/auth/saml/:slug/login in `browser`: the 302 to the IdP, and the AuthnRequest it carries. */
export async function startSpLogin(
  stack: TestStack,
  browser: SamlBrowser,
  slug: string,
  returnTo = "/accounts",
): Promise<StartedLogin> {
  const url = `${stack.portalUrl}/api/auth/saml/${slug}/login?returnTo=${encodeURIComponent(returnTo)}`;
  const res = await browser.request(url);
  await res.arrayBuffer();
  expect(res.status).toBe(302);
  const idpUrl = res.headers.get("location") ?? "";
  const encoded = new URL(idpUrl).searchParams.get("SAMLRequest");
  if (!encoded)
    throw new Error(`the portal's redirect carries no SAMLRequest: ${idpUrl.slice(0, 200)}`);
  const authnRequestXml = inflateRawSync(Buffer.from(encoded, "base64")).toString("utf8");
  const requestId = /\sID="([^"]+)"/.exec(authnRequestXml)?.[1];
  if (!requestId) throw new Error("the AuthnRequest has no ID");
  expect(
    browser.jar.cookiesFor(`${stack.portalUrl}/api/auth/saml/acs`).map((c) => c.name),
  ).toContain(BINDING_COOKIE);
  return { requestId, idpUrl, authnRequestXml };
}

/** What the ACS (or relay) answered to one POST. */
export interface SamlPostResult {
  status: number;
  location: string | null;
  /** The request id the portal put in the redirect (falls back to x-request-id). */
  requestId: string | null;
  setCookies: string[];
  body: string;
}

async function postSamlResponse(
  browser: SamlBrowser,
  url: string,
  samlResponse: string,
  extra: Record<string, string> = {},
): Promise<SamlPostResult> {
  const res = await browser.postForm(url, { SAMLResponse: samlResponse, ...extra });
  const location = res.headers.get("location");
  const fromLocation = location ? new URL(location, url).searchParams.get("requestId") : null;
  return {
    status: res.status,
    location,
    requestId: fromLocation ?? res.headers.get("x-request-id"),
    setCookies: res.headers.getSetCookie(),
    body: await res.text(),
  };
}

/** POSTs a SAMLResponse form value to the portal's ACS from `browser`. */
export function postToAcs(
  stack: TestStack,
  browser: SamlBrowser,
  samlResponse: string,
  extra: Record<string, string> = {},
): Promise<SamlPostResult> {
  return postSamlResponse(browser, portalSamlTargets(stack).acsUrl, samlResponse, extra);
}

/** POSTs a SAMLResponse form value to the portal's AWS relay from `browser`. */
export function postToRelay(
  stack: TestStack,
  browser: SamlBrowser,
  samlResponse: string,
): Promise<SamlPostResult> {
  return postSamlResponse(browser, portalSamlTargets(stack).relayUrl, samlResponse);
}

/** The ACS accepted the response: 303 to `returnTo` with a session cookie. */
export function expectSignedIn(
  stack: TestStack,
  result: SamlPostResult,
  returnTo = "/accounts",
): void {
  expect(result.status, `ACS answered ${result.status} → ${result.location ?? ""}`).toBe(303);
  expect(result.location).toBe(`${stack.portalUrl}${returnTo}`);
  expect(result.setCookies.some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(true);
}

/** The audit rows written while serving the request `requestId`. */
export async function auditRowsOf(stack: TestStack, requestId: string) {
  return stack.db.auditEvent.findMany({ where: { requestId }, orderBy: { createdAt: "asc" } });
}

/**
 * The refusal every SAML sign-in failure must look like: a 303 to /signin with a generic error and
 * a request id; no session cookie; no session row or successful sign-in for that request; one
 * `auth.sign-in-failed` audit row carrying the specific reason; nothing internal in what the
 * browser got; and the portal still healthy. `error` is the sign-in page's error: `saml` (generic)
 * unless the refusal is one an administrator must fix (lib/saml/sign-in-notice.ts).
 */
export async function expectSignInRefused(
  stack: TestStack,
  result: SamlPostResult,
  reason: string,
  error = "saml",
): Promise<void> {
  expect(result.status, `ACS answered ${result.status} → ${result.location ?? ""}`).toBe(303);
  const location = new URL(result.location ?? "", stack.portalUrl);
  expect(`${location.origin}${location.pathname}`).toBe(`${stack.portalUrl}/signin`);
  expect([...location.searchParams.keys()].sort()).toEqual(["error", "requestId"]);
  expect(location.searchParams.get("error")).toBe(error);
  const requestId = location.searchParams.get("requestId") ?? "";
  expect(requestId).toMatch(/^[A-Za-z0-9-]{8,64}$/);
  expect(result.setCookies.filter((c) => c.startsWith(`${SESSION_COOKIE}=`))).toEqual([]);
  expectNoInternalsIn(`${result.location ?? ""}\n${result.body}`);
  expect(result.body).not.toMatch(new RegExp(reason));

  const rows = await auditRowsOf(stack, requestId);
  expect(rows.map((r) => r.action)).toEqual(["auth.sign-in-failed"]);
  const [row] = rows;
  expect(row?.outcome).toBe("denied");
  expect(row?.actorUserId).toBeNull();
  expect(parseDetails(row?.detailsJson ?? "{}")).toMatchObject({ method: "saml", reason });

  await expectPortalHealthy(stack);
}

/**
 * The relay (or claim) refused an AWS-targeted assertion: 303 back to the accounts page with
 * `notice` (the generic one unless the user can act on the reason) and a request id, and one
 * `access.denied` audit row with the specific reason.
 */
export async function expectRelayRefused(
  stack: TestStack,
  result: { status: number; location: string | null },
  reason: string,
  notice = "saml-failed",
): Promise<void> {
  expect(result.status).toBe(303);
  const location = new URL(result.location ?? "", stack.portalUrl);
  expect(`${location.origin}${location.pathname}`).toBe(`${stack.portalUrl}/accounts`);
  expect(location.searchParams.get("notice")).toBe(notice);
  const requestId = location.searchParams.get("requestId") ?? "";
  expect(requestId).toMatch(/^[A-Za-z0-9-]{8,64}$/);
  const rows = await auditRowsOf(stack, requestId);
  expect(rows.map((r) => r.action)).toEqual(["access.denied"]);
  expect(rows[0]?.outcome).toBe("denied");
  expect(parseDetails(rows[0]?.detailsJson ?? "{}")).toMatchObject({
    method: "saml-aws-relay",
    reason,
  });
  await expectPortalHealthy(stack);
}

export async function expectPortalHealthy(stack: TestStack): Promise<void> {
  const health = await fetch(`${stack.portalUrl}/api/health`);
  expect(health.status).toBe(200);
  await health.arrayBuffer();
}

/** A SAML IdP row for fixture-signed responses (tests/support/saml-fixtures). */
export interface FixtureIdpOptions {
  slug: string;
  entityId?: string;
  /** The keys whose certificates verify (several: rollover). */
  keys: TestSigningKey[];
  allowIdpInitiated?: boolean;
  requireSignedResponse?: boolean;
  awsAppUrl?: string | null;
  /** Whether its groups may make administrators and auditors (default: no, as for a new IdP). */
  trustedForPrivileges?: boolean;
}

/**
 * Registers (or replaces) a SAML IdP in the portal's database whose signing certificates are
 * fixture keys. Its SSO URL points nowhere: tests build the IdP's responses themselves.
 */
export async function registerFixtureIdp(stack: TestStack, opts: FixtureIdpOptions) {
  const data = {
    displayName: `Fixture IdP (${opts.slug})`,
    entityId: opts.entityId ?? FIXTURE_IDP_ENTITY_ID,
    ssoUrl: "https://idp.fixture.invalid/saml/sso",
    certificatesJson: JSON.stringify(opts.keys.map((k) => k.certificatePem)),
    groupsAttribute: "groups",
    allowIdpInitiated: opts.allowIdpInitiated ?? false,
    requireSignedResponse: opts.requireSignedResponse ?? false,
    awsAppUrl: opts.awsAppUrl ?? null,
    trustedForPrivileges: opts.trustedForPrivileges ?? false,
  };
  return stack.db.samlIdentityProvider.upsert({
    where: { slug: opts.slug },
    update: data,
    create: { slug: opts.slug, ...data },
  });
}

/**
 * The ids of the seeded roles granted to any of `groups` (by group rules only: rules naming a
 * single user belong to that user's own row, e.g. the OIDC one, not to another IdP's identity).
 */
export async function roleIdsGrantedToGroups(
  stack: TestStack,
  groups: string[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const account of demoAccounts) {
    for (const role of account.roles) {
      if (role.grants.some((g) => g.group !== undefined && groups.includes(g.group))) {
        ids.push(await roleIdOf(stack, account.name, role.name));
      }
    }
  }
  return ids.sort();
}

/** The role ids the accounts page lists (its server-rendered HTML). */
export function roleIdsOnAccountsPage(html: string): string[] {
  return [...html.matchAll(/data-testid="role" data-role-id="([^"]+)"/g)]
    .map((m) => m[1] ?? "")
    .sort();
}

/**
 * SP-initiated sign-in through the demo SAML IdP's login page, as a browser: the portal's login
 * route → the IdP → its login form → the auto-post form → the ACS. Returns the browser (now holding
 * the IdP session and the portal session), the AuthnRequest and the response it posted.
 */
export async function signInWithDemoSaml(
  stack: TestStack,
  username: string,
  opts: { browser?: SamlBrowser; slug?: string; returnTo?: string } = {},
): Promise<{
  browser: SamlBrowser;
  login: StartedLogin;
  posted: AutoPost;
  result: SamlPostResult;
}> {
  const browser = opts.browser ?? new SamlBrowser();
  const login = await startSpLogin(stack, browser, opts.slug ?? "corp-saml", opts.returnTo);
  const posted = await passIdpLogin(browser, await browser.get(login.idpUrl), username);
  expect(posted.action).toBe(portalSamlTargets(stack).acsUrl);
  const result = await postToAcs(stack, browser, posted.samlResponse, {
    ...(posted.relayState !== undefined ? { RelayState: posted.relayState } : {}),
  });
  expectSignedIn(stack, result, opts.returnTo ?? "/accounts");
  return { browser, login, posted, result };
}

/** The value of one SAML attribute in a Response's XML (first AttributeValue), or undefined. */
export function attributeValueIn(xml: string, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(
    `<(?:\\w+:)?Attribute [^>]*Name="${escaped}"[^>]*>\\s*<(?:\\w+:)?AttributeValue[^>]*>([^<]*)<`,
  ).exec(xml);
  return match?.[1] === undefined ? undefined : htmlUnescape(match[1]);
}
