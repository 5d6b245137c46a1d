// GATEHOUSE_SINGLE_LOGOUT=off (docs/SINGLE-LOGOUT.md "Turning it off"): for operators who don't
// want "Sign out" to end the company-wide IdP session. The portal session is still revoked and
// audited; no IdP is contacted, OIDC or SAML; the IdP session lives on (a sign-in skips the
// password) and the signed-out page says so.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDetails } from "../support/portal-assertions";
import { auditRowsOf, signInWithDemoSaml, startSpLogin } from "../support/saml-portal";
import {
  asksForPassword,
  pressSignOut,
  signedOutNotice,
  signInThroughOidc,
  startOidcSignIn,
  STILL_ACTIVE,
} from "../support/single-logout";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ saml: true, extraEnv: { GATEHOUSE_SINGLE_LOGOUT: "off" } });
});

afterAll(async () => {
  await stack?.stop();
});

describe("GATEHOUSE_SINGLE_LOGOUT=off", () => {
  it("OIDC: the session is revoked and audited, the IdP session is left alone, and the page says so", async () => {
    const { browser, portal } = await signInThroughOidc(stack, "carol");
    const out = await pressSignOut(portal);
    expect(out.url).toBe(`${stack.portalUrl}/signin?signedOut=1`);
    const [audit] = await auditRowsOf(stack, out.requestId);
    expect(audit?.action).toBe("auth.sign-out");
    expect(parseDetails(audit?.detailsJson ?? "{}")).toMatchObject({
      method: "oidc",
      singleLogout: "off",
    });
    expect(
      await stack.db.portalSession.count({
        where: { revokedAt: null, userId: audit?.actorUserId ?? "" },
      }),
    ).toBe(0);
    const page = await browser.get(out.url);
    expect(signedOutNotice(page.body)).toEqual({
      kind: "portal-only",
      text: STILL_ACTIVE("Corp Identity (demo)"),
    });
    const next = await startOidcSignIn(stack, browser);
    expect(asksForPassword(next.body)).toBe(false);
    expect(next.url).toBe(`${stack.portalUrl}/accounts`);
  });

  it("SAML: no LogoutRequest is sent though the IdP offers single logout; the page says its sign-in is still active", async () => {
    expect(stack.samlIdp?.sloUrl).toBeTruthy();
    const { browser } = await signInWithDemoSaml(stack, "bob");
    const out = await pressSignOut(browser.portal(stack));
    expect(out.url).toBe(`${stack.portalUrl}/signin?signedOut=1`);
    const [audit] = await auditRowsOf(stack, out.requestId);
    expect(parseDetails(audit?.detailsJson ?? "{}")).toMatchObject({
      method: "saml",
      singleLogout: "off",
      idp: "corp-saml",
    });
    expect(await stack.db.samlLogoutRequest.count()).toBe(0);
    const page = await browser.get(out.url);
    expect(signedOutNotice(page.body)).toEqual({
      kind: "portal-only",
      text: STILL_ACTIVE("Corp Identity (demo)"),
    });
    const next = await startSpLogin(stack, browser, "corp-saml");
    expect((await browser.get(next.idpUrl)).body).toContain('id="saml-post"');
  });
});
