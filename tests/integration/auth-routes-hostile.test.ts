// next-auth's endpoints under /api/auth (docs/SECURITY.md "next-auth's endpoints"): only those the
// portal uses answer; everything else is a 404 or a 405 in the portal's JSON error shape; hostile
// input is a 4xx in that shape or, for a browser navigation, a redirect to /signin with a safe
// error code — never a 5xx, a text/plain answer or a header built from the request; and a
// callbackUrl is followed only when it names a path on this portal. A normal OIDC sign-in still
// works, through next-auth's CSRF token, providers list and session endpoints.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar } from "../support/cookie-jar";
import { signIn, signOut } from "../support/portal-client";
import { auditRowsFor, expectApiError, parseDetails } from "../support/portal-assertions";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const CALLBACK_URL_COOKIE = "gatehouse.callback-url";

/** What the callback-url cookie may hold: nothing, or an address on this portal. */
function isPortalAddress(value: string): boolean {
  return value === "" || value === stack.portalUrl || value.startsWith(`${stack.portalUrl}/`);
}

/** One request from the portal's own page (its Origin, which writes need), not followed. */
async function send(path: string, init: RequestInit & { jar?: CookieJar } = {}): Promise<Response> {
  const { jar, ...rest } = init;
  const url = `${stack.portalUrl}${path}`;
  const res = await fetch(url, {
    ...rest,
    redirect: "manual",
    headers: {
      Origin: stack.portalUrl,
      ...(rest.headers as Record<string, string> | undefined),
      ...(jar ? jar.headersFor(url) : {}),
    },
  });
  jar?.storeFrom(url, res);
  return res;
}

/** A redirect to the portal's own sign-in page; its URL. */
function expectSignInRedirect(res: Response): URL {
  expect(res.status, `HTTP ${res.status}`).toBeGreaterThanOrEqual(300);
  expect(res.status).toBeLessThan(400);
  const location = new URL(res.headers.get("location") ?? "", stack.portalUrl);
  expect(location.origin).toBe(stack.portalUrl);
  expect(location.pathname).toBe("/signin");
  expect(res.headers.get("cache-control") ?? "").toContain("no-store");
  return location;
}

/** callbackUrl values that name no path on this portal, as [what it is, value]. */
function hostileCallbackUrls(): Array<[string, string]> {
  return [
    ["a bare word", "foo"],
    ["another site", "https://evil.example/accounts"],
    ["a protocol-relative URL", "//evil.example/accounts"],
    ["a path with a backslash", "/\\evil.example/accounts"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["this portal's address as another host's prefix", `${stack.portalUrl}.evil.example/accounts`],
    ["a header break", "/accounts\r\nSet-Cookie: planted=1"],
    ["a snowman", "☃"],
  ];
}

/** Where the portal sends the browser once signed in, after a sign-in with this callbackUrl. */
async function landingAfterSignIn(callbackUrl: string): Promise<URL> {
  return (await signInWithCallbackUrl(callbackUrl)).landing;
}

/**
 * A whole OIDC sign-in as the sign-in button starts it with this callbackUrl, through the IdP's
 * login form: where the portal sends the browser once it is signed in, and the browser's cookies.
 */
async function signInWithCallbackUrl(
  callbackUrl: string,
): Promise<{ landing: URL; jar: CookieJar }> {
  const jar = new CookieJar();
  const { csrfToken } = (await (await send("/api/auth/csrf", { jar })).json()) as {
    csrfToken: string;
  };
  const start = await send("/api/auth/signin/oidc", {
    jar,
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, callbackUrl, json: "true" }).toString(),
  });
  expect(start.status).toBe(200);
  const { url: authorizeUrl } = (await start.json()) as { url: string };
  expect(authorizeUrl.startsWith(stack.idp.issuer)).toBe(true);
  let current = authorizeUrl;
  let init: RequestInit = {};
  for (let hop = 0; hop < 15; hop++) {
    const res = await fetch(current, {
      ...init,
      redirect: "manual",
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        ...jar.headersFor(current),
      },
    });
    jar.storeFrom(current, res);
    const location = res.headers.get("location");
    if (current.startsWith(`${stack.portalUrl}/api/auth/callback/oidc`)) {
      expect(jar.cookiesFor(stack.portalUrl).some((c) => c.name === "gatehouse.session")).toBe(
        true,
      );
      return { landing: new URL(location ?? "", current), jar };
    }
    if (location) {
      current = new URL(location, current).toString();
      init = {};
      continue;
    }
    const action = /<form method="post" action="([^"]+)"/.exec(await res.text())?.[1];
    if (!action) throw new Error(`no login form at the IdP (HTTP ${res.status})`);
    current = new URL(action.replace(/&amp;/g, "&"), current).toString();
    init = {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "bob", password: "bob-demo-password" }).toString(),
    };
  }
  throw new Error("the sign-in never came back to the portal");
}

describe("a callbackUrl that is not a path on this portal is ignored", () => {
  it.each(["csrf", "session", "providers"])(
    "on /api/auth/%s in the query: the endpoint answers as usual and remembers no such return",
    async (endpoint) => {
      for (const [what, value] of hostileCallbackUrls()) {
        const res = await send(
          `/api/auth/${endpoint}?${new URLSearchParams({ callbackUrl: value })}`,
        );
        const text = await res.text();
        expect(res.status, `${what}: HTTP ${res.status} ${text.slice(0, 200)}`).toBe(200);
        expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
        JSON.parse(text);
        for (const cookie of res.headers.getSetCookie()) {
          expect(cookie).not.toMatch(/planted/);
          if (!cookie.startsWith(`${CALLBACK_URL_COOKIE}=`)) continue;
          const remembered = decodeURIComponent(cookie.split(";")[0]!.split("=")[1]!);
          expect(isPortalAddress(remembered), `${what}: ${remembered}`).toBe(true);
        }
      }
    },
  );

  it.each(["csrf", "session", "providers"])(
    "on /api/auth/%s in the callback-url cookie: the endpoint answers as usual and drops the cookie's value",
    async (endpoint) => {
      for (const [what, value] of hostileCallbackUrls()) {
        if (/[\r\n]/.test(value)) continue; // fetch refuses to send a header break
        const res = await send(`/api/auth/${endpoint}`, {
          headers: { Cookie: `${CALLBACK_URL_COOKIE}=${encodeURIComponent(value)}` },
        });
        const text = await res.text();
        expect(res.status, `${what}: HTTP ${res.status} ${text.slice(0, 200)}`).toBe(200);
        expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
        const cookie = res.headers
          .getSetCookie()
          .find((c) => c.startsWith(`${CALLBACK_URL_COOKIE}=`));
        expect(cookie, `${what}: the cookie is replaced or cleared`).toBeDefined();
        const remembered = decodeURIComponent(cookie!.split(";")[0]!.split("=")[1]!);
        expect(isPortalAddress(remembered), `${what}: ${remembered}`).toBe(true);
      }
    },
  );

  it("on GET /api/auth/signin: straight to the sign-in page with the default return, no failure audited", async () => {
    for (const [what, value] of hostileCallbackUrls()) {
      const res = await send(`/api/auth/signin?${new URLSearchParams({ callbackUrl: value })}`);
      const location = expectSignInRedirect(res);
      expect(location.searchParams.get("callbackUrl"), what).toBe("/accounts");
      expect(location.searchParams.has("error"), what).toBe(false);
      expect(await auditRowsFor(stack, res.headers.get("x-request-id")), what).toEqual([]);
    }
  });

  it("on GET /api/auth/callback/oidc: a callback without a sign-in in progress fails as a callback, not as a server misconfiguration", async () => {
    const res = await send(`/api/auth/callback/oidc?callbackUrl=foo`);
    const location = expectSignInRedirect(res);
    expect(location.searchParams.get("error")).toMatch(/^(OAuth)?Callback$/);
  });

  it.each([
    ["a bare word", "foo"],
    ["another site", "https://evil.example/accounts"],
    ["a protocol-relative URL", "//evil.example/accounts"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a header break", "/accounts\r\nSet-Cookie: planted=1"],
  ])("in a sign-in start: %s — the sign-in completes on /accounts", async (_what, value) => {
    const { landing, jar } = await signInWithCallbackUrl(value);
    expect(landing.origin).toBe(stack.portalUrl);
    // next-auth's default return is the portal's root, which shows the accounts page.
    let page = landing;
    for (let hop = 0; hop < 5; hop++) {
      const res = await send(page.pathname + page.search, { jar });
      const location = res.headers.get("location");
      if (!location) break;
      page = new URL(location, page);
      expect(page.origin).toBe(stack.portalUrl);
    }
    expect(page.pathname).toBe("/accounts");
  });
});

describe("a callbackUrl that is a path on this portal is followed (the controls)", () => {
  it("GET /api/auth/signin keeps a path with its query for the sign-in page", async () => {
    for (const value of ["/admin/audit?user=bob", `${stack.portalUrl}/admin/audit?user=bob`]) {
      const res = await send(`/api/auth/signin?${new URLSearchParams({ callbackUrl: value })}`);
      expect(expectSignInRedirect(res).searchParams.get("callbackUrl")).toBe(
        "/admin/audit?user=bob",
      );
    }
  });

  it("a sign-in started with a relative path comes back to it", async () => {
    const landing = await landingAfterSignIn("/admin/audit?user=bob");
    expect(landing.href).toBe(`${stack.portalUrl}/admin/audit?user=bob`);
  });

  it("a return path that itself carries an error parameter is a return, not a failure", async () => {
    const landing = await landingAfterSignIn("/accounts?error=none");
    expect(landing.href).toBe(`${stack.portalUrl}/accounts?error=none`);
  });

  it("a sign-in started with the page's full URL on this portal comes back to it", async () => {
    const landing = await landingAfterSignIn(`${stack.portalUrl}/accounts?q=dev`);
    expect(landing.href).toBe(`${stack.portalUrl}/accounts?q=dev`);
  });
});

describe("an error code from the browser reaches the sign-in page only as a safe code", () => {
  const hostileErrors: Array<[string, string]> = [
    ["a snowman", "%E2%98%83"],
    ["a NUL", "%00"],
    ["a DEL", "%7F"],
    ["a header break", "%0d%0aSet-Cookie:planted=1"],
    ["a Latin-1 letter", "%C3%A9"],
    ["markup", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"],
    ["a very long word", "A".repeat(500)],
  ];

  it.each(hostileErrors)(
    "next-auth's error page with %s: the sign-in page's generic failure, nothing audited",
    async (_what, raw) => {
      const res = await send(`/api/auth/error?error=${raw}`);
      const location = expectSignInRedirect(res);
      expect(location.searchParams.get("error")).toBe("Default");
      expect(res.headers.getSetCookie().join("\n")).not.toMatch(/planted/);
      expect(await auditRowsFor(stack, res.headers.get("x-request-id"))).toEqual([]);
    },
  );

  it("next-auth's error page passes a code on unchanged, and says Default without one", async () => {
    const named = expectSignInRedirect(await send("/api/auth/error?error=OAuthSignin"));
    expect(named.searchParams.get("error")).toBe("OAuthSignin");
    const bare = expectSignInRedirect(await send("/api/auth/error"));
    expect(bare.searchParams.get("error")).toBe("Default");
  });

  it.each(hostileErrors)(
    "the IdP's callback with %s as its error: /signin with next-auth's code, audited once with the IdP's words",
    async (_what, raw) => {
      const res = await send(`/api/auth/callback/oidc?error=${raw}`);
      const location = expectSignInRedirect(res);
      expect(location.searchParams.get("error")).toMatch(/^(OAuth)?Callback$/);
      expect(res.headers.getSetCookie().join("\n")).not.toMatch(/planted/);
      const requestId = location.searchParams.get("requestId");
      expect(requestId).toBe(res.headers.get("x-request-id"));
      const rows = await auditRowsFor(stack, requestId);
      expect(rows.map((r) => r.action)).toEqual(["auth.sign-in-failed"]);
      const details = parseDetails(rows[0]!.detailsJson);
      expect(typeof details.idpError).toBe("string");
    },
  );
});

describe("only the endpoints the portal uses answer", () => {
  it.each([
    ["GET", "/api/auth/foo"],
    ["GET", "/api/auth/callback/unknown"],
    ["GET", "/api/auth/callback/oidc/extra"],
    ["POST", "/api/auth/callback/credentials"],
    ["GET", "/api/auth/signin/unknown"],
    ["POST", "/api/auth/signin/credentials"],
    ["POST", "/api/auth/signin/email"],
    ["GET", "/api/auth/verify-request"],
    ["GET", "/api/auth/csrf/extra"],
    ["GET", "/api/auth/session/extra"],
    ["POST", "/api/auth/_log"],
    ["GET", "/api/auth/_log"],
  ])("an unknown endpoint is a 404 in the API's JSON shape: %s %s", async (method, path) => {
    await expectApiError(await send(path, { method }), 404, "not_found");
  });

  it.each([
    ["POST", "/api/auth/session", "GET, HEAD"],
    ["PUT", "/api/auth/session", "GET, HEAD"],
    ["DELETE", "/api/auth/session", "GET, HEAD"],
    ["POST", "/api/auth/csrf", "GET, HEAD"],
    ["POST", "/api/auth/providers", "GET, HEAD"],
    ["POST", "/api/auth/error", "GET, HEAD"],
    ["POST", "/api/auth/signin", "GET, HEAD"],
    ["GET", "/api/auth/signout", "POST"],
    ["DELETE", "/api/auth/signout", "POST"],
    ["POST", "/api/auth/callback/oidc", "GET"],
    ["PATCH", "/api/auth/signin/oidc", "GET, HEAD, POST"],
  ])(
    "a known endpoint with another method is a 405 naming the methods it takes: %s %s",
    async (method, path, allowed) => {
      const res = await send(path, { method });
      expect(res.headers.get("allow")).toBe(allowed);
      await expectApiError(res, 405, "method_not_allowed");
    },
  );

  it.each([
    ["/api/auth/csrf", "GET, HEAD"],
    ["/api/auth/session", "GET, HEAD"],
    ["/api/auth/providers", "GET, HEAD"],
    ["/api/auth/signin", "GET, HEAD"],
    ["/api/auth/signin/oidc", "GET, HEAD, POST"],
    ["/api/auth/callback/oidc", "GET"],
    ["/api/auth/signout", "POST"],
    ["/api/auth/error", "GET, HEAD"],
  ])(
    "OPTIONS is a 405 naming the methods it takes, not Next.js's automatic 204 (nothing here is cross-origin): %s",
    async (path, allowed) => {
      const res = await send(path, { method: "OPTIONS" });
      expect(res.headers.get("allow")).toBe(allowed);
      await expectApiError(res, 405, "method_not_allowed");
    },
  );

  it("OPTIONS on an unknown endpoint is a 404 like every other method", async () => {
    await expectApiError(await send("/api/auth/_log", { method: "OPTIONS" }), 404, "not_found");
  });

  it("HEAD on the IdP's callback is a 405: a HEAD never completes a sign-in", async () => {
    const res = await send("/api/auth/callback/oidc?code=x&state=y", { method: "HEAD" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
  });

  it.each(["csrf", "session", "providers"])(
    "HEAD /api/auth/%s answers as GET does, without a body",
    async (endpoint) => {
      const res = await send(`/api/auth/${endpoint}`, { method: "HEAD" });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
      expect(await res.text()).toBe("");
    },
  );

  it("GET /api/auth/signout is refused like GET /api/auth/sign-out: a link or a prefetch never signs anyone out", async () => {
    const session = await signIn(stack, "alice");
    const res = await session.request("/api/auth/signout");
    expect(res.headers.get("allow")).toBe("POST");
    await expectApiError(res, 405, "method_not_allowed");
    const html = await (await session.request("/accounts")).text();
    expect(html).not.toContain("Are you sure");
    expect((await session.request("/api/auth/session")).status).toBe(200);
    const after = (await (await session.request("/api/auth/session")).json()) as {
      expires?: string;
    };
    expect(after.expires, "still signed in").toBeTruthy();
  });
});

describe("a sign-in start takes only what the sign-in button sends", () => {
  const start = (query: string, contentType: string, body: string) =>
    send(`/api/auth/signin/oidc${query}`, {
      method: "POST",
      headers: { "Content-Type": contentType },
      body,
    });

  it.each([
    ["a body that is not JSON", "application/json", "{not json"],
    ["a JSON array", "application/json", "[1,2]"],
    ["a JSON field that is not a string", "application/json", '{"callbackUrl":{"a":1}}'],
    ["a body that is neither a form nor JSON", "text/plain", "csrfToken=x"],
  ])("%s is a 400", async (_what, contentType, body) => {
    await expectApiError(await start("", contentType, body), 400, "validation_error");
  });

  it("a body larger than a sign-in start is a 413", async () => {
    const body = new URLSearchParams({ csrfToken: "x", junk: "y".repeat(64 * 1024) }).toString();
    await expectApiError(
      await start("", "application/x-www-form-urlencoded", body),
      413,
      "payload_too_large",
    );
  });

  it.each([
    ["redirect_uri", "https://evil.example/cb"],
    ["client_id", "someone-else"],
    ["scope", "openid"],
    ["callbackUrl", "/accounts"],
  ])("an authorization parameter other than the step-up's is a 400: %s", async (name, value) => {
    const res = await start(
      `?${new URLSearchParams({ [name]: value })}`,
      "application/x-www-form-urlencoded",
      "json=true",
    );
    await expectApiError(res, 400, "validation_error");
  });

  it.each([
    ["no CSRF token", () => ""],
    ["a CSRF token that is not this browser's", () => "0".repeat(64)],
    ["this browser's token without its cookie", (token: string) => token],
  ])(
    "a sign-in start with %s is a 403 csrf_rejected, whose url sends next-auth's client to /signin with the error and this request's id",
    async (what, tokenFor) => {
      for (const json of [true, false]) {
        const jar = new CookieJar();
        const { csrfToken } = (await (await send("/api/auth/csrf", { jar })).json()) as {
          csrfToken: string;
        };
        const withoutCookie = what.includes("without its cookie");
        const res = await send("/api/auth/signin/oidc", {
          ...(withoutCookie ? {} : { jar }),
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            csrfToken: tokenFor(csrfToken),
            callbackUrl: "/admin/audit?user=bob",
            ...(json ? { json: "true" } : {}),
          }).toString(),
        });
        expect(res.headers.get("location"), `json=${json}: no redirect`).toBeNull();
        const body = (await expectApiError(res.clone(), 403, "csrf_rejected")) as unknown as {
          url: string;
        };
        const next = new URL(body.url);
        expect(next.origin).toBe(stack.portalUrl);
        expect(next.pathname).toBe("/signin");
        expect(next.searchParams.get("error")).toBe("csrf");
        expect(next.searchParams.get("callbackUrl")).toBe("/admin/audit?user=bob");
        expect(next.searchParams.get("requestId")).toBe(res.headers.get("x-request-id"));
        // The sign-in page it leads to says sign-in did not succeed, with that reference.
        const page = await send(`${next.pathname}${next.search}`);
        const html = await page.text();
        expect(html).toContain("Sign-in did not succeed");
        expect(html, "says why: the form had gone stale").toContain("sign-in form had expired");
        expect(html).toContain(res.headers.get("x-request-id"));
      }
    },
  );

  it("the step-up's parameters reach the IdP (the control)", async () => {
    const jar = new CookieJar();
    const { csrfToken } = (await (await send("/api/auth/csrf", { jar })).json()) as {
      csrfToken: string;
    };
    const res = await send("/api/auth/signin/oidc?prompt=login&max_age=0", {
      jar,
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/accounts", json: "true" }).toString(),
    });
    expect(res.status).toBe(200);
    const authorize = new URL(((await res.json()) as { url: string }).url);
    expect(authorize.searchParams.get("prompt")).toBe("login");
    expect(authorize.searchParams.get("max_age")).toBe("0");
    expect(authorize.searchParams.get("redirect_uri")).toBe(
      `${stack.portalUrl}/api/auth/callback/oidc`,
    );
  });
});

describe("the normal OIDC sign-in still works", () => {
  it("sign in through the IdP, read the session, sign out", async () => {
    const session = await signIn(stack, "bob");
    const res = await session.request("/api/auth/session");
    expect(res.status).toBe(200);
    expect(Object.keys((await res.json()) as object)).toEqual(["expires"]);
    const out = await signOut(stack, session);
    expect(out.status).toBe(200);
    expect(((await out.json()) as { url: string }).url).toMatch(/^http/);
  });
});

describe("nothing above was a server failure", () => {
  it("the portal logged no unhandled error and no invalid header", () => {
    const output = stack.portal.output();
    expect(output).not.toMatch(/unhandled error|invalid header|Invalid URL|INVALID_CALLBACK_URL/i);
  });
});

// Last: it stops the IdP for the rest of the file.
describe("a sign-in start that fails at the IdP", () => {
  it("is audited once, and the button is sent to /signin with the code and this request's id", async () => {
    await stack.idp.close();
    const jar = new CookieJar();
    const { csrfToken } = (await (await send("/api/auth/csrf", { jar })).json()) as {
      csrfToken: string;
    };
    const res = await send("/api/auth/signin/oidc", {
      jar,
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/accounts", json: "true" }).toString(),
    });
    expect(res.status).toBe(200);
    const next = new URL(((await res.json()) as { url: string }).url);
    expect(next.origin).toBe(stack.portalUrl);
    expect(next.pathname).toBe("/signin");
    expect(next.searchParams.get("error")).toBe("OAuthSignin");
    const requestId = next.searchParams.get("requestId");
    expect(requestId).toBe(res.headers.get("x-request-id"));
    const rows = await auditRowsFor(stack, requestId);
    expect(rows.map((r) => r.action)).toEqual(["auth.sign-in-failed"]);
    expect(parseDetails(rows[0]!.detailsJson).code).toBe("OAuthSignin");
  });
});
