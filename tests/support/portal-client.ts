// Drives the portal over HTTP the way a browser does, with a cookie jar: the real OIDC sign-in
// (next-auth → the IdP's login page → callback), then API calls with the session cookie.
import { CookieJar } from "./cookie-jar";
import type { TestStack } from "./stack";

export interface PortalSession {
  jar: CookieJar;
  /** fetch against the portal with this session's cookies and a same-origin Origin header. */
  request(pathname: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

async function follow(
  jar: CookieJar,
  url: string,
  init: RequestInit = {},
  maxHops = 15,
): Promise<Response> {
  let current = url;
  let request: RequestInit = init;
  for (let hop = 0; hop < maxHops; hop += 1) {
    const res = await fetch(current, {
      ...request,
      redirect: "manual",
      headers: {
        ...(request.headers as Record<string, string> | undefined),
        ...jar.headersFor(current),
      },
    });
    jar.storeFrom(current, res);
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) return res;
    current = new URL(location, current).toString();
    request = {};
  }
  throw new Error(`too many redirects from ${url}`);
}

/** Signs in through the IdP's own login form and returns a session, or throws with what went wrong. */
export async function signIn(
  stack: TestStack,
  username: string,
  password?: string,
): Promise<PortalSession> {
  const jar = new CookieJar();
  const base = stack.portalUrl;
  const csrfRes = await follow(jar, `${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const start = await follow(jar, `${base}/api/auth/signin/oidc`, {
    method: "POST",
    // A browser's POST always names the page's origin; the portal refuses writes without it.
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
    body: new URLSearchParams({
      csrfToken,
      callbackUrl: `${base}/accounts`,
      json: "true",
    }).toString(),
  });
  const { url: authorizeUrl } = (await start.json()) as { url: string };
  const loginPage = await follow(jar, authorizeUrl);
  const html = await loginPage.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no login form at the IdP (HTTP ${loginPage.status})`);
  const loginUrl = new URL(action.replace(/&amp;/g, "&"), loginPage.url || authorizeUrl).toString();
  const done = await follow(jar, loginUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      username,
      password: password ?? `${username}-demo-password`,
    }).toString(),
  });
  if (!jar.cookiesFor(base).some((c) => c.name.endsWith("gatehouse.session"))) {
    throw new Error(
      `sign-in as ${username} did not produce a session (ended at HTTP ${done.status})`,
    );
  }
  return sessionFor(stack, jar);
}

export function sessionFor(stack: TestStack, jar: CookieJar): PortalSession {
  return {
    jar,
    request: async (pathname, init = {}) => {
      const url = `${stack.portalUrl}${pathname}`;
      const { json, ...rest } = init;
      const headers: Record<string, string> = {
        Origin: stack.portalUrl,
        ...(json !== undefined ? { "Content-Type": "application/json" } : {}),
        ...(rest.headers as Record<string, string> | undefined),
        ...jar.headersFor(url),
      };
      const res = await fetch(url, {
        ...rest,
        headers,
        redirect: "manual",
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
      jar.storeFrom(url, res);
      return res;
    },
  };
}

/** The id of a seeded role, by account name and role name. */
export async function roleIdOf(
  stack: TestStack,
  accountName: string,
  roleName: string,
): Promise<string> {
  const role = await stack.db.role.findFirstOrThrow({
    where: { name: roleName, awsAccount: { name: accountName } },
  });
  return role.id;
}

/** Signs out as the sign-out button does (next-auth's CSRF token, then the POST); the response. */
export async function signOut(stack: TestStack, session: PortalSession): Promise<Response> {
  const { csrfToken } = (await (await session.request("/api/auth/csrf")).json()) as {
    csrfToken: string;
  };
  return session.request("/api/auth/signout", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      csrfToken,
      callbackUrl: `${stack.portalUrl}/signin`,
      json: "true",
    }).toString(),
  });
}
