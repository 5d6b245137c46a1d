// Issue 13, in Chromium: "Sign out" ends the sign-in at the identity provider too, where it
// supports single logout (docs/SINGLE-LOGOUT.md). After signing out, signing in again asks for the
// password at the IdP — the IdP session is gone — and the signed-out page says what happened. An
// IdP without single logout keeps its session, and the page says that instead.
import type { Page, Request } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { signInThroughBrowser } from "./support/e2e-stack";
import {
  openSamlLoginPage,
  samlIdpOrigin,
  SAML_SIGN_IN_LINK,
  signInThroughSaml,
  startSamlStackPerFile,
  type SamlTestStack,
} from "./support/saml-e2e-stack";

// The SAML stack runs both IdPs: the OIDC one (the "Sign in with …" button) and the SAML one.
const stack = startSamlStackPerFile();

const IDP_NAME = "Corp Identity (demo)";

/** Every top-level navigation of `page`, in order (to show where the browser went). */
function navigations(page: Page): URL[] {
  const seen: URL[] = [];
  page.on("request", (request: Request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame())
      seen.push(new URL(request.url()));
  });
  return seen;
}

async function signOutAndLand(page: Page, s: SamlTestStack): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(
    (url) => url.origin === new URL(s.portalUrl).origin && url.pathname === "/signin",
  );
}

test("OIDC: Sign out ends the IdP session too — the page says so, and signing in again asks for the password", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "bob");
  const seen = navigations(page);

  await signOutAndLand(page, s);
  await expect(page.getByTestId("signed-out")).toHaveText(
    `You are signed out of Gatehouse and of ${IDP_NAME}.`,
  );
  // The browser went through the IdP's logout endpoint (RP-initiated logout) and came back.
  const idpOrigin = new URL(s.idp.issuer).origin;
  expect(seen.some((url) => url.origin === idpOrigin)).toBe(true);
  expect(new URL(page.url()).searchParams.get("state")).toBeTruthy();

  // Signing in again: the IdP asks for the password (its session ended with the portal's).
  await page.getByRole("button", { name: `Sign in with ${IDP_NAME}` }).click();
  await page.waitForURL((url) => url.origin === idpOrigin);
  await expect(page.locator('input[name="password"]')).toBeVisible();
  await page.locator('input[name="username"]').fill("bob");
  await page.locator('input[name="password"]').fill("bob-demo-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(`${s.portalUrl}/accounts`);
  await expect(page.getByTestId("signed-in-user")).toHaveText("bob@corp.example");
});

test("SAML: Sign out sends a LogoutRequest, the IdP answers, the page says both are signed out, and signing in again asks for the password", async ({
  page,
}) => {
  const s = stack();
  await signInThroughSaml(page, s, "alice");
  const seen = navigations(page);

  await signOutAndLand(page, s);
  await expect(page.getByTestId("signed-out")).toHaveText(
    `You are signed out of Gatehouse and of ${IDP_NAME}.`,
  );
  await expect(page.getByTestId("single-logout-error")).toHaveCount(0);
  // Portal → the IdP's SingleLogoutService → the portal's SLO endpoint → the signed-out page.
  expect(seen.map((url) => `${url.origin}${url.pathname}`)).toEqual([
    `${samlIdpOrigin(s)}/saml/slo`,
    `${s.portalUrl}/api/auth/saml/slo`,
    `${s.portalUrl}/signin`,
  ]);

  // Signing in again shows the IdP's login page (openSamlLoginPage waits for its password form).
  await openSamlLoginPage(page, s);
  await page.locator('input[name="username"]').fill("alice");
  await page.locator('input[name="password"]').fill("alice-demo-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(`${s.portalUrl}/accounts`);
  await expect(page.getByTestId("signed-in-user")).toHaveText("alice@corp.example");
});

test("an IdP without single logout: the page says its sign-in is still active — and it is, signing in again skips the password", async ({
  page,
}) => {
  const s = stack();
  // The same IdP, as if its metadata had no SingleLogoutService.
  const row = await s.db.samlIdentityProvider.update({
    where: { slug: "corp-saml" },
    data: { sloUrl: null },
  });
  try {
    await signInThroughSaml(page, s, "carol");
    await signOutAndLand(page, s);
    await expect(page.getByTestId("signed-out")).toHaveText(
      `You are signed out of Gatehouse. Your sign-in at ${IDP_NAME} is still active, so signing in again may not ask for your password; sign out there too (or close the browser) on a shared computer.`,
    );
    await page.getByRole("link", { name: SAML_SIGN_IN_LINK, exact: true }).click();
    await page.waitForURL(`${s.portalUrl}/accounts`);
    await expect(page.getByTestId("signed-in-user")).toHaveText("carol@corp.example");
  } finally {
    await s.db.samlIdentityProvider.update({
      where: { id: row.id },
      data: { sloUrl: s.samlIdp.sloUrl },
    });
  }
});
