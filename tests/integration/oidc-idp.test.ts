/**
 * The demo OpenID Provider (dev/oidc-idp) drives a real authorization code + PKCE flow the way a
 * browser and the portal would: plain fetch, manual redirects, a cookie jar.
 */
import { createHash, randomBytes } from "node:crypto";

import {
  createLocalJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { demoUsers, type DemoUser } from "@/dev/demo-users";
import { startOidcIdp, type OidcClientRegistration, type OidcIdp } from "@/dev/oidc-idp/server";
import { CookieJar } from "@/tests/support/cookie-jar";

// Nothing listens at the client's URIs: the test stops at the redirect and reads its query.
const CLIENT: OidcClientRegistration = {
  clientId: "gatehouse-test",
  clientSecret: "test-client-secret-not-valid-anywhere",
  redirectUris: ["http://localhost:3999/api/auth/callback/oidc"],
  postLogoutRedirectUris: ["http://localhost:3999/signin"],
};
const REDIRECT_URI = CLIENT.redirectUris[0] ?? "";
const SCOPE = "openid profile email groups";
const INVALID_CREDENTIALS = "Invalid username or password";

let idp: OidcIdp;
const logLines: string[] = [];
/** Every code and token this file obtains: the log test proves none reached the log. */
const issuedSecrets = new Set<string>();

function demoUser(username: string): DemoUser {
  const user = demoUsers.find((candidate) => candidate.username === username);
  if (!user) throw new Error(`no demo user ${username}`);
  return user;
}

async function waitForDiscovery(issuer: string): Promise<void> {
  // Only catches a hang: a busy machine may take seconds to answer the first request.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${issuer}/.well-known/openid-configuration`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`IdP at ${issuer} did not answer discovery`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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

  /** Follows redirects while they stay at `origin`; returns the final response and its URL, or the URL it leaves for. */
  async follow(
    response: Response,
    url: string,
    origin: string,
  ): Promise<{ response: Response; url: string }> {
    let current = { response, url };
    for (let hops = 0; hops < 10; hops += 1) {
      const location = current.response.headers.get("location");
      if (current.response.status < 300 || current.response.status >= 400 || !location)
        return current;
      const next = new URL(location, current.url).href;
      await current.response.arrayBuffer();
      if (new URL(next).origin !== origin) return { response: current.response, url: next };
      current = { response: await this.request(next), url: next };
    }
    throw new Error("too many redirects");
  }
}

interface Pkce {
  verifier: string;
  challenge: string;
}

function newPkce(): Pkce {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

interface AuthorizationRequest {
  pkce: Pkce;
  state: string;
  nonce: string;
  url: string;
}

function authorizationRequest(
  overrides: Record<string, string | undefined> = {},
): AuthorizationRequest {
  const pkce = newPkce();
  const state = randomBytes(12).toString("base64url");
  const nonce = randomBytes(12).toString("base64url");
  const params: Record<string, string | undefined> = {
    client_id: CLIENT.clientId,
    response_type: "code",
    scope: SCOPE,
    redirect_uri: REDIRECT_URI,
    state,
    nonce,
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
    ...overrides,
  };
  const url = new URL(`${idp.issuer}/auth`);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return { pkce, state, nonce, url: url.href };
}

/** Starts the flow and returns the login page the IdP redirected to. */
async function openLoginPage(browser: Browser, request: AuthorizationRequest) {
  const first = await browser.request(request.url);
  expect(first.status).toBe(303);
  const page = await browser.follow(first, request.url, idp.issuer);
  expect(page.response.status).toBe(200);
  const html = await page.response.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error("login page has no form");
  return { html, url: page.url, formUrl: new URL(action, page.url).href, response: page.response };
}

async function submitLogin(browser: Browser, formUrl: string, username: string, password: string) {
  const response = await browser.request(formUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }).toString(),
  });
  return browser.follow(response, formUrl, idp.issuer);
}

/** Signs in through the login page; returns the callback URL's parameters. */
async function signIn(
  username: string,
  password: string,
  browser = new Browser(),
  request = authorizationRequest(),
) {
  const login = await openLoginPage(browser, request);
  const done = await submitLogin(browser, login.formUrl, username, password);
  const callback = new URL(done.url);
  expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
  const code = callback.searchParams.get("code");
  if (code) issuedSecrets.add(code);
  return { browser, request, callback, code };
}

type ClientAuth = "basic" | "post";

interface TokenResponse {
  access_token?: string;
  id_token?: string;
  token_type?: string;
  expires_in?: number;
  refresh_token?: string;
  error?: string;
}

async function exchangeCode(options: {
  code: string;
  verifier?: string;
  auth?: ClientAuth;
  clientSecret?: string;
  redirectUri?: string;
}): Promise<{ status: number; body: TokenResponse }> {
  const {
    code,
    verifier,
    auth = "basic",
    clientSecret = CLIENT.clientSecret,
    redirectUri = REDIRECT_URI,
  } = options;
  const form = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
  });
  if (verifier !== undefined) form.set("code_verifier", verifier);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (auth === "basic") {
    // RFC 6749 §2.3.1: form-encode id and secret before base64.
    const credentials = `${encodeURIComponent(CLIENT.clientId)}:${encodeURIComponent(clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  } else {
    form.set("client_id", CLIENT.clientId);
    form.set("client_secret", clientSecret);
  }
  const response = await fetch(`${idp.issuer}/token`, {
    method: "POST",
    headers,
    body: form.toString(),
  });
  const body = (await response.json()) as TokenResponse;
  for (const token of [body.access_token, body.id_token, body.refresh_token])
    if (token) issuedSecrets.add(token);
  return { status: response.status, body };
}

async function verifyIdToken(idToken: string, nonce: string): Promise<JWTPayload> {
  const jwks = (await (await fetch(`${idp.issuer}/jwks`)).json()) as JSONWebKeySet;
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), {
    issuer: idp.issuer,
    audience: CLIENT.clientId,
    algorithms: ["RS256"],
  });
  expect(payload.nonce).toBe(nonce);
  return payload;
}

async function userinfo(
  accessToken: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${idp.issuer}/me`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A full sign-in and code exchange; returns the verified id_token claims and the access token. */
async function signInAndRedeem(username: string, auth: ClientAuth = "basic") {
  const { request, code } = await signIn(username, demoUser(username).password);
  expect(code).toBeTruthy();
  const tokens = await exchangeCode({ code: code ?? "", verifier: request.pkce.verifier, auth });
  expect(tokens.status).toBe(200);
  const { id_token: idToken = "", access_token: accessToken = "" } = tokens.body;
  return {
    claims: await verifyIdToken(idToken, request.nonce),
    idToken,
    accessToken,
    tokens: tokens.body,
  };
}

function expectedClaims(user: DemoUser, groupsClaim = "groups") {
  return {
    sub: user.subject,
    email: user.email,
    email_verified: true,
    name: user.name,
    preferred_username: user.username,
    [groupsClaim]: user.groups,
  };
}

beforeAll(async () => {
  idp = await startOidcIdp({
    users: demoUsers,
    clients: [CLIENT],
    log: (line) => logLines.push(line),
  });
  await waitForDiscovery(idp.issuer);
});

afterAll(async () => {
  await idp?.close();
});

describe("discovery", () => {
  it("advertises only the code flow, PKCE S256, secret-based client auth and the issuer it listens as", async () => {
    expect(idp.issuer).toMatch(/^http:\/\/localhost:\d+$/);
    const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: idp.issuer,
      authorization_endpoint: `${idp.issuer}/auth`,
      token_endpoint: `${idp.issuer}/token`,
      userinfo_endpoint: `${idp.issuer}/me`,
      jwks_uri: `${idp.issuer}/jwks`,
      end_session_endpoint: `${idp.issuer}/session/end`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code"],
      code_challenge_methods_supported: ["S256"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
    expect([...(doc.token_endpoint_auth_methods_supported as string[])].sort()).toEqual([
      "client_secret_basic",
      "client_secret_post",
    ]);
    expect(doc.scopes_supported).toEqual(
      expect.arrayContaining(["openid", "profile", "email", "groups"]),
    );
    expect(doc.claims_supported).toEqual(
      expect.arrayContaining([
        "sub",
        "email",
        "email_verified",
        "name",
        "preferred_username",
        "groups",
      ]),
    );
  });
});

describe("sign-in", () => {
  it("serves its own login page: labelled username and password fields, a Sign in button, no passwords", async () => {
    const { html, response } = await openLoginPage(new Browser(), authorizationRequest());
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(html).toContain("<title>Corp Identity (demo)</title>");
    expect(html).toMatch(
      /<label for="username">[^<]+<\/label>\s*<input id="username" name="username"/,
    );
    expect(html).toMatch(
      /<label for="password">[^<]+<\/label>\s*<input id="password" name="password" type="password"/,
    );
    expect(html).toMatch(/<button type="submit">Sign in<\/button>/);
    for (const user of demoUsers) {
      expect(html).toContain(user.username);
      expect(html).not.toContain(user.password);
    }
  });

  it("its cookies work over plain http: signed, HttpOnly, SameSite=Lax, not Secure, named per port", async () => {
    const { browser } = await signIn("alice", demoUser("alice").password);
    const port = new URL(idp.issuer).port;
    const cookies = browser.jar.all();
    expect(cookies.map((cookie) => cookie.name)).toEqual(
      expect.arrayContaining([`idp${port}_session`, `idp${port}_session.sig`]),
    );
    for (const cookie of cookies) {
      expect(cookie).toMatchObject({ domain: "localhost", secure: false, httpOnly: true });
      expect(cookie.sameSite?.toLowerCase()).toBe("lax");
    }
  });

  it("code + PKCE with client_secret_basic: the id_token verifies against the JWKS and carries every claim", async () => {
    const alice = demoUser("alice");
    const { claims, idToken, tokens } = await signInAndRedeem("alice", "basic");
    expect(tokens.token_type).toBe("Bearer");
    expect(tokens.refresh_token).toBeUndefined();
    expect(decodeProtectedHeader(idToken)).toMatchObject({ alg: "RS256", kid: expect.any(String) });
    expect(claims).toMatchObject({
      ...expectedClaims(alice),
      iss: idp.issuer,
      aud: CLIENT.clientId,
    });
    expect(claims.groups).toEqual(["gatehouse-admins", "developers"]);
  });

  it("the redirect back carries the code, the client's state and the issuer (RFC 9207)", async () => {
    const { callback, request } = await signIn("bob", demoUser("bob").password);
    expect(callback.searchParams.get("code")).toMatch(/^[\w-]{20,}$/);
    expect(callback.searchParams.get("state")).toBe(request.state);
    expect(callback.searchParams.get("iss")).toBe(idp.issuer);
    expect(callback.searchParams.get("error")).toBeNull();
  });

  it("client_secret_post is accepted too, and userinfo returns the same claims including groups", async () => {
    const bob = demoUser("bob");
    const { claims, accessToken } = await signInAndRedeem("bob", "post");
    expect(claims).toMatchObject(expectedClaims(bob));
    const info = await userinfo(accessToken);
    expect(info.status).toBe(200);
    expect(info.body).toEqual(expectedClaims(bob));
  });

  it("carol's groups claim is an empty array, in the id_token and in userinfo", async () => {
    const { claims, accessToken } = await signInAndRedeem("carol");
    expect(claims.groups).toEqual([]);
    expect((await userinfo(accessToken)).body.groups).toEqual([]);
  });

  it("Cancel on the login page returns access_denied to the client, with its state", async () => {
    const browser = new Browser();
    const request = authorizationRequest({ login_hint: 'bob"><script>' });
    const login = await openLoginPage(browser, request);
    expect(login.html).toContain('value="bob&quot;&gt;&lt;script&gt;"');
    const cancel = /<a href="([^"]+)">Cancel<\/a>/.exec(login.html)?.[1] ?? "";
    const cancelUrl = new URL(cancel, login.url).href;
    const left = await browser.follow(await browser.request(cancelUrl), cancelUrl, idp.issuer);
    const callback = new URL(left.url);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe(request.state);
    expect(callback.searchParams.get("code")).toBeNull();
  });

  it("an IdP session signs the user in again without the login page", async () => {
    const { browser } = await signIn("alice", demoUser("alice").password);
    const request = authorizationRequest();
    const again = await browser.follow(await browser.request(request.url), request.url, idp.issuer);
    const callback = new URL(again.url);
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get("code")).toBeTruthy();
  });

  it("RP-initiated logout ends the IdP session and returns to the registered post_logout_redirect_uri", async () => {
    const browser = new Browser();
    const { request, code } = await signIn("alice", demoUser("alice").password, browser);
    const { body } = await exchangeCode({ code: code ?? "", verifier: request.pkce.verifier });
    const endSession = new URL(`${idp.issuer}/session/end`);
    endSession.searchParams.set("id_token_hint", body.id_token ?? "");
    endSession.searchParams.set(
      "post_logout_redirect_uri",
      CLIENT.postLogoutRedirectUris?.[0] ?? "",
    );
    endSession.searchParams.set("state", "bye");

    const confirmPage = await browser.request(endSession.href);
    expect(confirmPage.status).toBe(200);
    const html = await confirmPage.text();
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)?.[1] ?? "";
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const confirmed = await browser.request(action, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ xsrf, logout: "yes" }).toString(),
    });
    const left = await browser.follow(confirmed, action, idp.issuer);
    expect(left.url).toBe(`${CLIENT.postLogoutRedirectUris?.[0]}?state=bye`);

    // Signed out: the next authorization asks for the password again.
    const next = await openLoginPage(browser, authorizationRequest());
    expect(next.html).toContain('name="password"');
  });

  it("honours a custom groups claim name", async () => {
    const custom = await startOidcIdp({
      users: demoUsers,
      clients: [CLIENT],
      groupsClaim: "corp_groups",
      title: "Other IdP <demo>",
      log: (line) => logLines.push(line),
    });
    const main = idp;
    try {
      idp = custom;
      const { claims, accessToken } = await signInAndRedeem("alice");
      expect(claims.corp_groups).toEqual(demoUser("alice").groups);
      expect(claims.groups).toBeUndefined();
      expect((await userinfo(accessToken)).body).toEqual(
        expectedClaims(demoUser("alice"), "corp_groups"),
      );
      const { html } = await openLoginPage(new Browser(), authorizationRequest());
      expect(html).toContain("<title>Other IdP &lt;demo&gt;</title>");
    } finally {
      idp = main;
      await custom.close();
    }
  });
});

describe("refusals", () => {
  it.each([
    { name: "wrong password", username: "alice", password: "not-alice-demo-password" },
    { name: "unknown user", username: "mallory", password: demoUser("alice").password },
    { name: "another user's password", username: "bob", password: demoUser("alice").password },
    { name: "empty password", username: "alice", password: "" },
  ])(
    "login with $name: 401, the same generic error, no code; the right password still works",
    async ({ username, password }) => {
      const browser = new Browser();
      const login = await openLoginPage(browser, authorizationRequest());
      const failed = await submitLogin(browser, login.formUrl, username, password);
      expect(failed.response.status).toBe(401);
      expect(failed.response.headers.get("location")).toBeNull();
      const html = await failed.response.text();
      expect(html).toContain(`<p class="error" role="alert">${INVALID_CREDENTIALS}</p>`);
      expect(html).not.toMatch(/unknown user|wrong password|no such/i);
      expect(html).not.toContain(password || "\u0000");

      const retry = await submitLogin(browser, login.formUrl, "carol", demoUser("carol").password);
      expect(new URL(retry.url).searchParams.get("code")).toBeTruthy();
    },
  );

  it("the login form is refused without the interaction cookie (another browser, a cross-site post)", async () => {
    const login = await openLoginPage(new Browser(), authorizationRequest());
    const stranger = await submitLogin(
      new Browser(),
      login.formUrl,
      "alice",
      demoUser("alice").password,
    );
    expect(stranger.response.status).toBe(400);
    expect(stranger.response.headers.get("location")).toBeNull();
  });

  it.each([
    {
      name: "missing PKCE",
      params: { code_challenge: undefined, code_challenge_method: undefined },
      error: "invalid_request",
    },
    {
      name: "PKCE method plain",
      params: { code_challenge_method: "plain" },
      error: "invalid_request",
    },
    {
      name: "PKCE challenge without method",
      params: { code_challenge_method: undefined },
      error: "invalid_request",
    },
    {
      name: "implicit response_type",
      params: { response_type: "id_token" },
      error: "unsupported_response_type",
    },
    { name: "missing openid scope", params: { scope: "profile" }, error: "invalid_request" },
  ])(
    "authorization with $name is answered at the redirect_uri with $error",
    async ({ params, error }) => {
      const request = authorizationRequest(params);
      const browser = new Browser();
      const left = await browser.follow(
        await browser.request(request.url),
        request.url,
        idp.issuer,
      );
      const callback = new URL(left.url);
      expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
      // response_type=id_token defaults to response_mode=fragment, so its error arrives in the fragment.
      const answer = callback.hash
        ? new URLSearchParams(callback.hash.slice(1))
        : callback.searchParams;
      expect(answer.get("error")).toBe(error);
      expect(answer.get("code")).toBeNull();
    },
  );

  it.each([
    {
      name: "unregistered redirect_uri",
      params: { redirect_uri: "http://localhost:3999/elsewhere" },
      error: "invalid_redirect_uri",
    },
    {
      name: "redirect_uri on another host",
      params: { redirect_uri: "http://attacker.example/cb" },
      error: "invalid_redirect_uri",
    },
    { name: "unknown client", params: { client_id: "not-registered" }, error: "invalid_client" },
    { name: "missing client_id", params: { client_id: undefined }, error: "invalid_request" },
  ])(
    "authorization with $name gets an error page at the IdP, never a redirect",
    async ({ params, error }) => {
      const request = authorizationRequest(params);
      const response = await new Browser().request(request.url);
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.text()).toContain(`<code>${error}</code>`);
    },
  );

  it.each([
    {
      name: "wrong code_verifier",
      exchange: (verifier: string) => ({ verifier: `${verifier}x` }),
      status: 400,
      error: "invalid_grant",
    },
    {
      name: "missing code_verifier",
      exchange: () => ({ verifier: undefined }),
      status: 400,
      error: "invalid_grant",
    },
    {
      name: "different redirect_uri",
      exchange: (verifier: string) => ({ verifier, redirectUri: `${REDIRECT_URI}x` }),
      status: 400,
      error: "invalid_grant",
    },
    {
      name: "wrong client secret (basic)",
      exchange: (verifier: string) => ({ verifier, clientSecret: "wrong" }),
      status: 401,
      error: "invalid_client",
    },
    {
      name: "wrong client secret (post)",
      exchange: (verifier: string) => ({ verifier, clientSecret: "wrong", auth: "post" as const }),
      status: 401,
      error: "invalid_client",
    },
  ])("token exchange with $name → $error", async ({ exchange, status, error }) => {
    const { request, code } = await signIn("alice", demoUser("alice").password);
    const result = await exchangeCode({ code: code ?? "", ...exchange(request.pkce.verifier) });
    expect(result.status).toBe(status);
    expect(result.body.error).toBe(error);
    expect(result.body.id_token).toBeUndefined();
  });

  it("a code is redeemed once: reuse → invalid_grant, and the tokens it already bought are revoked", async () => {
    const { request, code } = await signIn("bob", demoUser("bob").password);
    const first = await exchangeCode({ code: code ?? "", verifier: request.pkce.verifier });
    expect(first.status).toBe(200);
    const reuse = await exchangeCode({ code: code ?? "", verifier: request.pkce.verifier });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe("invalid_grant");
    expect((await userinfo(first.body.access_token ?? "")).status).toBe(401);
  });

  it("malformed requests get OAuth errors (4xx, or an error redirect to the registered URI) and the IdP keeps serving", async () => {
    const requests: [string, RequestInit?][] = [
      ["/auth?%E0%A4%A=1&client_id=%ZZ"],
      [`/auth?client_id=${CLIENT.clientId}&client_id=${CLIENT.clientId}`],
      [`/auth?${"scope=openid&".repeat(200)}`],
      ["/auth?request=not-a-jwt&client_id=gatehouse-test"],
      ["/interaction/%00%ff"],
      ["/interaction/unknown-uid"],
      [
        "/interaction/unknown-uid/login",
        {
          method: "POST",
          body: "username=a&password=b",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        },
      ],
      [
        "/interaction/unknown-uid/login",
        { method: "POST", body: "{}", headers: { "content-type": "application/json" } },
      ],
      ["/token", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }],
      [
        "/token",
        {
          method: "POST",
          body: "grant_type=authorization_code&code=nope",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            authorization: "Basic !!!",
          },
        },
      ],
      [
        "/token",
        {
          method: "POST",
          body: "grant_type=client_credentials",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        },
      ],
      ["/me", { headers: { authorization: "Bearer not-a-token" } }],
      ["/session/end?id_token_hint=a.b.c"],
      ["/session/end?client_id=nope&post_logout_redirect_uri=http://attacker.example/"],
      [
        "/session/end/confirm",
        {
          method: "POST",
          body: "xsrf=forged&logout=yes",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        },
      ],
    ];
    for (const [path, init] of requests) {
      const response = await fetch(`${idp.issuer}${path}`, { ...init, redirect: "manual" });
      await response.arrayBuffer();
      const location = response.headers.get("location");
      if (response.status === 303 && location) {
        // With one registered redirect_uri oidc-provider may answer there, as OAuth prescribes.
        const target = new URL(location);
        expect(target.origin + target.pathname, path).toBe(REDIRECT_URI);
        expect(target.searchParams.get("error"), path).toBeTruthy();
        expect(target.searchParams.get("code"), path).toBeNull();
      } else {
        expect(response.status, path).toBeGreaterThanOrEqual(400);
        expect(response.status, path).toBeLessThan(500);
      }
    }
    expect((await fetch(`${idp.issuer}/.well-known/openid-configuration`)).status).toBe(200);
  });

  it.each([
    { name: "no users", options: { users: [] } },
    {
      name: "duplicate usernames",
      options: { users: [demoUser("alice"), { ...demoUser("bob"), username: "alice" }] },
    },
    { name: "no clients", options: { clients: [] } },
    {
      name: "a client without redirect URIs",
      options: { clients: [{ ...CLIENT, redirectUris: [] }] },
    },
    {
      name: "a redirect URI with a fragment",
      options: { clients: [{ ...CLIENT, redirectUris: [`${REDIRECT_URI}#x`] }] },
    },
    { name: "a groups claim shadowing sub", options: { groupsClaim: "sub" } },
    { name: "a port out of range", options: { port: 70000 } },
    { name: "an issuer host with a scheme", options: { issuerHost: "http://localhost" } },
  ])("refuses to start with $name (TypeError)", async ({ options }) => {
    await expect(startOidcIdp({ users: demoUsers, clients: [CLIENT], ...options })).rejects.toThrow(
      TypeError,
    );
  });

  it("logs name failures but never contain passwords, codes or tokens", () => {
    expect(logLines.some((line) => line.includes("login rejected"))).toBe(true);
    expect(logLines.some((line) => line.includes("invalid_grant"))).toBe(true);
    const secrets = [
      ...demoUsers.map((user) => user.password),
      CLIENT.clientSecret,
      ...issuedSecrets,
    ];
    for (const line of logLines) {
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
  });
});
