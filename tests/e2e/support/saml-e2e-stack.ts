// What the SAML e2e spec adds to e2e-stack.ts: one stack per spec file that also runs the demo SAML
// IdP (dev/demo-saml.ts, registered in the portal as "corp-saml" and as the stand-in's IAM SAML
// provider), and a browser sign-in through that IdP's own login page.
import { expect, type Page } from "@playwright/test";
import { demoUsers, type DemoUser } from "@/dev/demo-users";
import type { TestStack } from "@/tests/support/stack";
import type { SamlIdp } from "@/dev/saml-idp/server";
import { startStackPerFile, type DemoUsername } from "./e2e-stack";

/** A cold `next start`, migrations (PostgreSQL is slower) and the SAML schema validator's ~4 s compile. */
const STACK_START_TIMEOUT_MS = 150_000;

/** The demo SAML IdP's link on /signin (app/signin/page.tsx: "Sign in with <display name> (SAML)"). */
export const SAML_SIGN_IN_LINK = "Sign in with Corp Identity (demo) (SAML)";

export interface SamlTestStack extends TestStack {
  samlIdp: SamlIdp;
}

/**
 * Starts one stack with the demo SAML IdP before the first test of the calling spec file and stops
 * it after the last; on failure the portal's output is attached (the browser only sees a request id).
 */
export function startSamlStackPerFile(): () => SamlTestStack {
  return startStackPerFile<SamlTestStack>({
    stack: { saml: true },
    timeoutMs: STACK_START_TIMEOUT_MS,
    check: async (started) => {
      const { samlIdp } = started;
      if (!samlIdp) {
        await started.stop();
        throw new Error("startTestStack({ saml: true }) returned no SAML IdP");
      }
      return { ...started, samlIdp };
    },
  });
}

export function demoUser(username: DemoUsername): DemoUser {
  const user = demoUsers.find((u) => u.username === username);
  if (!user) throw new TypeError(`no demo user ${username}`);
  return user;
}

/** The SAML IdP's origin (its login page and apps live there, never on the portal's origin). */
export function samlIdpOrigin(stack: SamlTestStack): string {
  return new URL(stack.samlIdp.url).origin;
}

/**
 * From an unauthenticated /accounts to the SAML link on /signin, on to the IdP's own login page.
 * Leaves the browser on that login page (asserting its origin) for the caller to sign in or cancel.
 */
export async function openSamlLoginPage(page: Page, stack: SamlTestStack): Promise<void> {
  await page.goto(`${stack.portalUrl}/accounts`);
  await expect(page).toHaveURL(`${stack.portalUrl}/signin?callbackUrl=%2Faccounts`);
  await page.getByRole("link", { name: SAML_SIGN_IN_LINK, exact: true }).click();
  const idpOrigin = samlIdpOrigin(stack);
  await page.waitForURL(
    (url) => url.origin === idpOrigin && url.pathname.startsWith("/saml/login/"),
  );
  expect(idpOrigin).not.toBe(new URL(stack.portalUrl).origin);
  await expect(page.locator('input[name="username"]')).toBeVisible();
}

/**
 * Signs in the way a person does with SAML: the portal's SAML link sends an HTTP-Redirect
 * AuthnRequest to the IdP's login page (another origin); the IdP's page posts the SAMLResponse to
 * the portal's ACS, which lands on /accounts.
 */
export async function signInThroughSaml(
  page: Page,
  stack: SamlTestStack,
  username: DemoUsername,
): Promise<void> {
  const user = demoUser(username);
  await openSamlLoginPage(page, stack);
  await page.locator('input[name="username"]').fill(user.username);
  await page.locator('input[name="password"]').fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(`${stack.portalUrl}/accounts`);
  await expect(page.getByTestId("signed-in-user")).toHaveText(user.email);
}

/** The portal user created by SAML sign-in: keyed by (the IdP's entityID, NameID), not by email. */
export async function samlUserOf(
  stack: SamlTestStack,
  email: string,
): Promise<{ id: string; issuer: string; subject: string; roleSessionName: string }> {
  return stack.db.user.findFirstOrThrow({
    where: { issuer: stack.samlIdp.entityId, email },
    select: { id: true, issuer: true, subject: true, roleSessionName: true },
  });
}
