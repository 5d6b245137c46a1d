// OIDC sign-in failures are audited once, with the reason the server observed (docs/SECURITY.md
// "Sign-in failures"): a forged state, a reused code, a wrong issuer and a cancel at the IdP each
// write exactly one auth.sign-in-failed event naming what happened, under the request id the
// sign-in page shows as the reference — and nothing a browser sends to next-auth's client logger
// becomes an audit event or a log line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRowsFor, parseDetails } from "../support/portal-assertions";
import { CookieJar } from "../support/cookie-jar";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function get(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, {
    ...init,
    redirect: "manual",
    headers: { ...(init.headers as Record<string, string> | undefined), ...jar.headersFor(url) },
  });
  jar.storeFrom(url, res);
  return res;
}

const isPortalCallback = (url: string) =>
  url.startsWith(`${stack.portalUrl}/api/auth/callback/oidc`);

/** Follows redirects until the IdP sends the browser back to the portal's callback; its URL. */
async function followToCallback(jar: CookieJar, url: string, init: RequestInit = {}) {
  let current = url;
  let request = init;
  for (let hop = 0; hop < 15; hop++) {
    const res = await get(jar, current, request);
    const location = res.headers.get("location");
    if (!location) return { res, url: current };
    current = new URL(location, current).toString();
    if (isPortalCallback(current)) return { res, url: current };
    request = {};
  }
  throw new Error("too many redirects");
}

/** Starts a sign-in at the portal and stops at the IdP's login page. */
async function startSignIn(jar: CookieJar): Promise<{ html: string; url: string }> {
  const csrf = (await (await get(jar, `${stack.portalUrl}/api/auth/csrf`)).json()) as {
    csrfToken: string;
  };
  const start = await get(jar, `${stack.portalUrl}/api/auth/signin/oidc`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: stack.portalUrl },
    body: new URLSearchParams({
      csrfToken: csrf.csrfToken,
      callbackUrl: `${stack.portalUrl}/accounts`,
      json: "true",
    }).toString(),
  });
  const { url: authorizeUrl } = (await start.json()) as { url: string };
  const page = await followToCallback(jar, authorizeUrl);
  return { html: await page.res.text(), url: page.url };
}

/** Logs in at the IdP's form; the portal callback URL it sends the browser to (not followed). */
async function callbackAfterLogin(jar: CookieJar, username = "bob"): Promise<string> {
  const page = await startSignIn(jar);
  const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
  if (!action) throw new Error("no login form at the IdP");
  const done = await followToCallback(jar, new URL(action.replace(/&amp;/g, "&"), page.url).href, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password: `${username}-demo-password` }).toString(),
  });
  if (!isPortalCallback(done.url)) throw new Error(`the IdP did not return: ${done.url}`);
  return done.url;
}

/** The portal's answer to a callback: where it sends the browser and the request id it names. */
async function portalCallback(jar: CookieJar, url: string) {
  const res = await get(jar, url);
  const location = new URL(res.headers.get("location") ?? "/", stack.portalUrl);
  return { location, requestId: location.searchParams.get("requestId") };
}

async function expectOneFailure(requestId: string | null, reason: RegExp) {
  expect(requestId).toMatch(/^[A-Za-z0-9-]{8,64}$/);
  const rows = await auditRowsFor(stack, requestId);
  expect(rows.map((r) => r.action)).toEqual(["auth.sign-in-failed"]);
  const details = parseDetails(rows[0]!.detailsJson);
  expect(String(details.reason)).toMatch(reason);
  // The same reference is in the server log, with the reason.
  const line = stack.portal
    .output()
    .split("\n")
    .find((l) => l.includes(requestId!) && l.includes('"sign-in failed"'));
  expect(line, "a log line with the request id").toBeDefined();
  expect(line).toMatch(reason);
  return details;
}

describe("each failure is audited once, with its reason and the page's reference", () => {
  it("a forged state", async () => {
    const jar = new CookieJar();
    const callback = new URL(await callbackAfterLogin(jar));
    callback.searchParams.set("state", "forged-state-value");
    const { location, requestId } = await portalCallback(jar, callback.href);
    expect(location.pathname).toBe("/signin");
    await expectOneFailure(requestId, /state/i);
    const page = await (await get(jar, location.href)).text();
    expect(page).toContain(requestId);
  });

  it("a code used twice (the token endpoint's invalid_grant)", async () => {
    const jar = new CookieJar();
    const callback = await callbackAfterLogin(jar);
    // A second browser holding the same state and PKCE cookies replays the same callback.
    const twin = new CookieJar();
    for (const c of jar.all()) twin.store(stack.portalUrl, `${c.name}=${c.value}; Path=${c.path}`);
    expect((await portalCallback(jar, callback)).location.pathname).toBe("/accounts");
    const { location, requestId } = await portalCallback(twin, callback);
    expect(location.pathname).toBe("/signin");
    await expectOneFailure(requestId, /invalid_grant|grant/i);
  });

  it("a wrong issuer in the authorization response (RFC 9207 iss)", async () => {
    const jar = new CookieJar();
    const callback = new URL(await callbackAfterLogin(jar));
    expect(callback.searchParams.get("iss"), "the IdP sends iss").toBeTruthy();
    callback.searchParams.set("iss", "https://evil.example");
    const { requestId } = await portalCallback(jar, callback.href);
    await expectOneFailure(requestId, /iss/i);
  });

  it("Cancel at the IdP: 'You cancelled sign-in', audited once as a cancel", async () => {
    const jar = new CookieJar();
    const page = await startSignIn(jar);
    const cancel = /<a href="([^"]+)">Cancel<\/a>/.exec(page.html)?.[1];
    expect(cancel).toBeTruthy();
    const back = await followToCallback(
      jar,
      new URL(cancel!.replace(/&amp;/g, "&"), page.url).href,
    );
    expect(new URL(back.url).searchParams.get("error")).toBe("access_denied");
    const { location, requestId } = await portalCallback(jar, back.url);
    expect(location.searchParams.get("error")).toBe("Cancelled");
    const details = await expectOneFailure(requestId, /cancelled/);
    expect(details.idpError).toBe("access_denied");
    const html = await (await get(jar, location.href)).text();
    expect(html).toContain("You cancelled sign-in");
    expect(html).not.toContain("Sign-in did not succeed");
  });
});

describe("next-auth's client logger endpoint is closed", () => {
  it.each([
    ["error", { level: "error", code: "OAUTH_CALLBACK_ERROR", message: "FORGED-CLIENT-REPORT-1" }],
    ["warn", { level: "warn", code: "FORGED", message: "FORGED-CLIENT-REPORT-2" }],
  ])("a %s report from a browser writes no audit event and no log line", async (_level, report) => {
    const before = await stack.db.auditEvent.count();
    const res = await fetch(`${stack.portalUrl}/api/auth/_log`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: stack.portalUrl },
      body: JSON.stringify(report),
    });
    expect(res.status).toBe(404);
    expect(await stack.db.auditEvent.count()).toBe(before);
    expect(stack.portal.output()).not.toContain(report.message);
  });
});
