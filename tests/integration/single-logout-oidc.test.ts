// OIDC single logout on the running portal (docs/SINGLE-LOGOUT.md "OIDC"): "Sign out" revokes and
// audits the portal session first, then sends the browser to the IdP's end_session_endpoint with
// the sign-in's id_token as id_token_hint (kept sealed with the session row, found nowhere else),
// client_id, the registered post_logout_redirect_uri and a state; the IdP ends its session and
// sends the browser back, and the next sign-in asks for the password. An IdP without
// RP-initiated logout gets a plain sign-out and a page that says the IdP session is still active
// (GATEHOUSE_SINGLE_LOGOUT=off: single-logout-switch.test.ts).
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_ID } from "@/dev/local-stack";
import { CookieJar } from "../support/cookie-jar";
import { parseDetails, storedUser, expectSecretsNowhere } from "../support/portal-assertions";
import { roleIdOf, sessionFor } from "../support/portal-client";
import { SESSION_COOKIE } from "../support/saml-portal";
import {
  asksForPassword,
  Browser,
  confirmOidcLogout,
  NOT_CONFIRMED,
  pressSignOut,
  signInThroughOidc,
  SIGNED_OUT_OF_BOTH,
  signedOutNotice,
  STILL_ACTIVE,
  startOidcSignIn,
  submitOidcLogin,
} from "../support/single-logout";
import { startTestStack, type TestStack } from "../support/stack";

const IDP_NAME = "Corp Identity (demo)";

let stack: TestStack;
let staging: string;

beforeAll(async () => {
  stack = await startTestStack();
  staging = await roleIdOf(stack, "acme-staging", "Developer");
});

afterAll(async () => {
  await stack?.stop();
});

async function endSessionEndpointOf(s: TestStack): Promise<string> {
  const discovery = (await (
    await fetch(`${s.idp.issuer}/.well-known/openid-configuration`)
  ).json()) as { end_session_endpoint?: string };
  return discovery.end_session_endpoint ?? "";
}

async function signedOutPage(s: TestStack, browser: Browser, path: string) {
  const page = await browser.get(`${s.portalUrl}${path}`);
  expect(page.response.status).toBe(200);
  return signedOutNotice(page.body);
}

describe("RP-initiated logout", () => {
  it("sign-out revokes and audits the portal session, then sends the browser to end_session_endpoint with id_token_hint, client_id, post_logout_redirect_uri and state", async () => {
    const { portal } = await signInThroughOidc(stack, "carol");
    const carol = await storedUser(stack, "carol");
    const [session] = await stack.db.portalSession.findMany({
      where: { userId: carol.id, revokedAt: null },
    });
    expect(session?.oidcIdTokenSealed).toBeTruthy();

    const out = await pressSignOut(portal);
    const url = new URL(out.url);
    expect(`${url.origin}${url.pathname}`).toBe(await endSessionEndpointOf(stack));
    expect([...url.searchParams.keys()].sort()).toEqual(
      ["client_id", "id_token_hint", "post_logout_redirect_uri", "state"].sort(),
    );
    expect(url.searchParams.get("client_id")).toBe(DEMO_CLIENT_ID);
    expect(url.searchParams.get("post_logout_redirect_uri")).toBe(
      `${stack.portalUrl}/signin?signedOut=1`,
    );
    expect(url.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // The hint is the sign-in's own id_token: the IdP's signature, for this client, about carol.
    const hint = url.searchParams.get("id_token_hint") ?? "";
    const jwks = (await (await fetch(`${stack.idp.issuer}/jwks`)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(hint, createLocalJWKSet(jwks), {
      issuer: stack.idp.issuer,
      audience: DEMO_CLIENT_ID,
      currentDate: new Date((decodeJwt(hint).iat ?? 0) * 1000),
    });
    expect(payload.sub).toBe(carol.subject);

    // Revoked and audited before the browser went anywhere, and the hint went with the session.
    const row = await stack.db.portalSession.findUniqueOrThrow({ where: { id: session!.id } });
    expect(row.revokedAt).not.toBeNull();
    expect(row.oidcIdTokenSealed).toBeNull();
    const audits = await stack.db.auditEvent.findMany({ where: { requestId: out.requestId } });
    expect(audits.map((a) => [a.action, a.outcome, a.actorUserId])).toEqual([
      ["auth.sign-out", "success", carol.id],
    ]);
    expect(parseDetails(audits[0]!.detailsJson)).toMatchObject({
      method: "oidc",
      singleLogout: "oidc-sent",
      idp: "oidc",
    });
    expect(out.setCookies.some((c) => new RegExp(`^${SESSION_COOKIE}=;`).test(c))).toBe(true);
    const api = await portal.request(`/api/roles/${staging}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(api.status).toBe(401);
  });

  it("the id_token is kept only sealed with the session row: not in a cookie, /api/auth/session, any table, the audit log or the portal's log", async () => {
    const { browser, portal } = await signInThroughOidc(stack, "dave");
    const sessionJson = await (await portal.request("/api/auth/session")).text();
    const cookies = browser.jar
      .cookiesFor(stack.portalUrl)
      .map((c) => c.value)
      .join(" ");
    const out = await pressSignOut(portal);
    const hint = new URL(out.url).searchParams.get("id_token_hint") ?? "";
    expect(hint.split(".")).toHaveLength(3);
    expect(sessionJson).not.toContain(hint);
    expect(cookies).not.toContain(hint);
    // Every table (the sealed copy is already gone with the revocation) and the server's output.
    await expectSecretsNowhere(stack, [hint, hint.split(".")[1] ?? "", hint.split(".")[2] ?? ""]);
  });

  it("following the browser through the IdP's logout ends the IdP session: the page says signed out of both, and the next sign-in asks for the password", async () => {
    const { browser, portal } = await signInThroughOidc(stack, "bob");
    // With the IdP session alive, a sign-in goes straight back without a password.
    const again = await startOidcSignIn(stack, browser);
    expect(asksForPassword(again.body)).toBe(false);
    expect(again.url).toBe(`${stack.portalUrl}/accounts`);

    const out = await pressSignOut(portal);
    const logoutPage = await browser.get(out.url);
    expect(logoutPage.response.status).toBe(200);
    // A valid id_token_hint for the signed-in user: the page confirms itself (no question asked).
    expect(logoutPage.body).toContain("Signing you out…");
    const back = await confirmOidcLogout(browser, logoutPage);
    const landing = new URL(back.url);
    expect(`${landing.origin}${landing.pathname}`).toBe(`${stack.portalUrl}/signin`);
    expect(landing.searchParams.get("signedOut")).toBe("1");
    expect(landing.searchParams.get("state")).toBe(new URL(out.url).searchParams.get("state"));
    expect(signedOutNotice(back.body)).toEqual({
      kind: "both",
      text: SIGNED_OUT_OF_BOTH(IDP_NAME),
    });

    const next = await startOidcSignIn(stack, browser);
    expect(new URL(next.url).origin).toBe(new URL(stack.idp.issuer).origin);
    expect(asksForPassword(next.body)).toBe(true);
    const signedInAgain = await submitOidcLogin(browser, next, "bob");
    expect(signedInAgain.url).toBe(`${stack.portalUrl}/accounts`);
  });

  it("the page confirms the IdP leg only for the state this browser sent: another state, or none, is 'not confirmed'", async () => {
    const { browser, portal } = await signInThroughOidc(stack, "alice");
    await pressSignOut(portal);
    for (const path of ["/signin?signedOut=1&state=not-the-one-sent", "/signin?signedOut=1"]) {
      expect(await signedOutPage(stack, browser, path)).toEqual({
        kind: "unconfirmed",
        text: NOT_CONFIRMED(IDP_NAME),
      });
    }
    // A browser that never signed out here: the URL alone claims nothing about any IdP.
    expect(await signedOutPage(stack, new Browser(), "/signin?signedOut=1&state=anything")).toEqual(
      {
        kind: "portal",
        text: "You are signed out of Gatehouse.",
      },
    );
  });

  it("next-auth's own POST /api/auth/signout is the same sign-out: revoked, audited, on to the IdP", async () => {
    const { portal } = await signInThroughOidc(stack, "carol");
    const { csrfToken } = (await (await portal.request("/api/auth/csrf")).json()) as {
      csrfToken: string;
    };
    const res = await portal.request("/api/auth/signout", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, json: "true" }).toString(),
    });
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    expect(url.startsWith(await endSessionEndpointOf(stack))).toBe(true);
    const audits = await stack.db.auditEvent.findMany({
      where: { requestId: res.headers.get("x-request-id") ?? "" },
    });
    expect(audits.map((a) => a.action)).toEqual(["auth.sign-out"]);
  });

  it("a sign-out without a session ends nothing and audits nothing; one from another origin is refused before it runs", async () => {
    const anonymous = sessionFor(stack, new CookieJar());
    const out = await pressSignOut(anonymous);
    expect(out.url).toBe(`${stack.portalUrl}/signin?signedOut=1`);
    expect(await stack.db.auditEvent.count({ where: { requestId: out.requestId } })).toBe(0);

    const { portal } = await signInThroughOidc(stack, "dave");
    const forged = await portal.request("/api/auth/sign-out", {
      method: "POST",
      headers: { Origin: "https://evil.example" },
    });
    expect(forged.status).toBe(403);
    const api = await portal.request(`/api/roles/${staging}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(api.status).not.toBe(401);
  });
});

describe("an IdP without RP-initiated logout", () => {
  let plain: TestStack;

  beforeAll(async () => {
    plain = await startTestStack({ oidcRpInitiatedLogout: false });
  });

  afterAll(async () => {
    await plain?.stop();
  });

  it("an IdP without end_session_endpoint: a plain sign-out, and the page says the IdP sign-in is still active", async () => {
    expect(await endSessionEndpointOf(plain)).toBe("");
    const { browser, portal } = await signInThroughOidc(plain, "bob");
    const out = await pressSignOut(portal);
    expect(out.url).toBe(`${plain.portalUrl}/signin?signedOut=1`);
    const [audit] = await plain.db.auditEvent.findMany({ where: { requestId: out.requestId } });
    expect(audit?.action).toBe("auth.sign-out");
    expect(parseDetails(audit?.detailsJson ?? "{}")).toMatchObject({
      singleLogout: "unsupported",
      reason: "no end_session_endpoint",
    });
    const page = await browser.get(out.url);
    expect(signedOutNotice(page.body)).toEqual({
      kind: "portal-only",
      text: STILL_ACTIVE(IDP_NAME),
    });
    // …and it is true: the IdP session lives on, a sign-in skips the password.
    const next = await startOidcSignIn(plain, browser);
    expect(asksForPassword(next.body)).toBe(false);
    expect(next.url).toBe(`${plain.portalUrl}/accounts`);
  });
});
