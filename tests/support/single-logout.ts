// Drives single logout over HTTP the way a browser does (docs/SINGLE-LOGOUT.md): the portal's
// sign-out, the IdP's logout endpoint, the way back to the signed-out page, and the next sign-in
// — which must ask for the password again once the IdP session is gone. Shared by the
// single-logout integration suites.
import { expect } from "vitest";
import { CookieJar } from "./cookie-jar";
import { sessionFor, type PortalSession } from "./portal-client";
import type { TestStack } from "./stack";

/** A browser: one cookie jar, manual redirects across origins, a same-origin Origin on writes. */
export class Browser {
  constructor(readonly jar: CookieJar = new CookieJar()) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const given = (init.headers as Record<string, string> | undefined) ?? {};
    const isWrite = (init.method ?? "GET").toUpperCase() !== "GET";
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: {
        ...(isWrite && !("Origin" in given) ? { Origin: new URL(url).origin } : {}),
        ...given,
        ...this.jar.headersFor(url),
      },
    });
    this.jar.storeFrom(url, response);
    return response;
  }

  /** Follows redirects as GETs; the last response, its URL and body, and every URL visited. */
  async follow(
    response: Response,
    url: string,
  ): Promise<{ response: Response; url: string; body: string; visited: string[] }> {
    const visited = [url];
    let current = { response, url };
    for (let hop = 0; hop < 15; hop += 1) {
      const location = current.response.headers.get("location");
      if (current.response.status < 300 || current.response.status >= 400 || !location)
        return { ...current, body: await current.response.text(), visited };
      await current.response.arrayBuffer();
      const next = new URL(location, current.url).href;
      visited.push(next);
      current = { response: await this.request(next), url: next };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  async get(url: string) {
    return this.follow(await this.request(url), url);
  }

  postForm(url: string, fields: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** What the portal's sign-out answered. */
export interface SignOutAnswer {
  status: number;
  /** Where the page sends the browser next (absolute). */
  url: string;
  requestId: string;
  setCookies: string[];
}

/** Presses "Sign out": POST /api/auth/sign-out with this session's cookies (as the button does). */
export async function pressSignOut(session: PortalSession): Promise<SignOutAnswer> {
  const response = await session.request("/api/auth/sign-out", { method: "POST" });
  const setCookies = response.headers.getSetCookie();
  const body = (await response.json()) as { url?: unknown };
  expect(response.status, JSON.stringify(body)).toBe(200);
  expect(typeof body.url).toBe("string");
  return {
    status: response.status,
    url: String(body.url),
    requestId: response.headers.get("x-request-id") ?? "",
    setCookies,
  };
}

/** The sentence the signed-out page shows (data-testid="signed-out"), and what kind it is. */
export function signedOutNotice(html: string): { kind: string; text: string } | null {
  const match =
    /<p[^>]*data-testid="signed-out"[^>]*data-single-logout="([^"]+)"[^>]*>([\s\S]*?)<\/p>/.exec(
      html,
    );
  if (!match) return null;
  return { kind: match[1] ?? "", text: unescapeHtml(match[2] ?? "").trim() };
}

function unescapeHtml(text: string): string {
  return text
    .replace(/<!-- -->/g, "")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

export const STILL_ACTIVE = (idp: string) =>
  `You are signed out of Gatehouse. Your sign-in at ${idp} is still active, so signing in again may not ask for your password; sign out there too (or close the browser) on a shared computer.`;
export const SIGNED_OUT_OF_BOTH = (idp: string) => `You are signed out of Gatehouse and of ${idp}.`;
export const NOT_CONFIRMED = (idp: string) =>
  `You are signed out of Gatehouse, but ${idp} did not confirm that it signed you out. Your sign-in there may still be active, so signing in again may not ask for your password; sign out there too (or close the browser) on a shared computer.`;

/** Whether an IdP page is a login form asking for the password. */
export function asksForPassword(html: string): boolean {
  return /<input[^>]+name="password"/.test(html);
}

/**
 * Starts an OIDC sign-in in `browser` as the sign-in button does, and follows it: either the IdP
 * shows its login page (`asksForPassword`), or — with a live IdP session — it goes straight back
 * to the portal, which lands on /accounts.
 */
export async function startOidcSignIn(
  stack: TestStack,
  browser: Browser,
): Promise<{ url: string; body: string; visited: string[] }> {
  const base = stack.portalUrl;
  const csrf = await browser.request(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const start = await browser.request(`${base}/api/auth/signin/oidc`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      csrfToken,
      callbackUrl: `${base}/accounts`,
      json: "true",
    }).toString(),
  });
  const { url } = (await start.json()) as { url: string };
  return browser.get(url);
}

/** Fills the IdP's login form on `page` as `username` and follows the way back to the portal. */
export async function submitOidcLogin(
  browser: Browser,
  page: { url: string; body: string },
  username: string,
): Promise<{ url: string; body: string }> {
  const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
  if (!action) throw new Error(`no login form at the IdP: ${page.body.slice(0, 200)}`);
  const loginUrl = new URL(action.replace(/&amp;/g, "&"), page.url).toString();
  return browser.follow(
    await browser.postForm(loginUrl, { username, password: `${username}-demo-password` }),
    loginUrl,
  );
}

/**
 * The demo OIDC IdP's logout page: oidc-provider's confirmation form, which the page submits
 * itself (with a matching id_token_hint) by pressing "Sign out". Posts what that script posts.
 */
export async function confirmOidcLogout(
  browser: Browser,
  page: { url: string; body: string },
): Promise<{ url: string; body: string; visited: string[] }> {
  const form =
    /<form id="op\.logoutForm" method="post" action="([^"]+)"><input type="hidden" name="xsrf" value="([^"]+)"\/><\/form>/.exec(
      page.body,
    );
  if (!form?.[1] || !form[2])
    throw new Error(`no logout form at the IdP: ${page.body.slice(0, 300)}`);
  const action = new URL(form[1].replace(/&amp;/g, "&"), page.url).toString();
  return browser.follow(await browser.postForm(action, { xsrf: form[2], logout: "yes" }), action);
}

/** A browser signed in to the portal through the OIDC IdP's login page (it holds the IdP session). */
export async function signInThroughOidc(
  stack: TestStack,
  username: string,
): Promise<{ browser: Browser; portal: PortalSession }> {
  const browser = new Browser();
  const page = await startOidcSignIn(stack, browser);
  expect(asksForPassword(page.body)).toBe(true);
  const landed = await submitOidcLogin(browser, page, username);
  expect(landed.url).toBe(`${stack.portalUrl}/accounts`);
  return { browser, portal: sessionFor(stack, browser.jar) };
}
