// MFA step-up in Chromium: bob signed in with a password only clicks Console on a role whose
// access rule requires MFA; the portal sends him to the IdP, which asks for his password again and
// then a code (the demo IdP shows the code its "authenticator app" would); back at the portal his
// session carries MFA and what he asked for goes on by itself: the console (through the role's deep
// link) or the CLI credentials dialog; from a console deep link he lands back on the link.
import type { Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import {
  roleIdOf,
  roleRow,
  signInThroughBrowser,
  startStackPerFile,
  type TestStack,
} from "./support/e2e-stack";
import { clickConsoleExpectingRefusal } from "./support/refused-console-tab";

const stack = startStackPerFile();
const STAGING_ACCOUNT_ID = "345678901234";
const DEEP_LINK = "/console?account=acme-staging&role=Developer&region=us-east-2";

test.beforeAll(async () => {
  const s = stack();
  const roleId = await roleIdOf(s, "acme-staging", "Developer");
  await s.db.accessRule.updateMany({ where: { roleId }, data: { requireMfa: true } });
});

/** The newest portal session of bob (the stable OIDC subject identifies him). */
async function bobsLatestSession(s: TestStack) {
  return s.db.portalSession.findFirstOrThrow({
    where: { user: { email: "bob@corp.example" } },
    orderBy: { createdAt: "desc" },
  });
}

/**
 * At the IdP after a step-up started: the password again (prompt=login), then the code step —
 * first `wrongCodes` wrong codes, then the code the page shows.
 */
async function passIdpStepUp(page: Page, s: TestStack, wrongCodes = 0): Promise<void> {
  const idpOrigin = new URL(s.idp.issuer).origin;
  await page.waitForURL((url) => url.origin === idpOrigin);
  await expect(page.locator('input[name="password"]')).toBeVisible();
  await page.locator('input[name="username"]').fill("bob");
  await page.locator('input[name="password"]').fill("bob-demo-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();

  await expect(page.getByRole("heading", { name: "Verification code" })).toBeVisible();
  for (let i = 0; i < wrongCodes; i += 1) {
    const shown = (await page.getByTestId("demo-code").innerText()).trim();
    const wrong = String((Number(shown) + 500_000) % 1_000_000).padStart(6, "0");
    await page.getByLabel("6-digit code from your authenticator app").fill(wrong);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page.getByRole("alert")).toHaveText("Invalid verification code");
  }
  const code = (await page.getByTestId("demo-code").innerText()).trim();
  expect(code).toMatch(/^\d{6}$/);
  await page.getByLabel("6-digit code from your authenticator app").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
}

test("Console on an MFA role: the IdP's code step, then the console opens by itself (one click)", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "bob");
  const before = await bobsLatestSession(s);
  expect(before.mfaAuthenticated).toBe(false);
  await page.getByTestId("region-select").selectOption("eu-west-1");

  await clickConsoleExpectingRefusal(
    page,
    roleRow(page, "acme-staging", "Developer").getByRole("button", { name: /^Console:/ }),
  );
  await passIdpStepUp(page, s, 1);

  // Back through the role's console deep link, which this tab asked for: it goes on by itself,
  // in the region chosen before the step-up.
  await page.waitForURL(/\/federation/);
  await expect(page.getByTestId("console-account")).toHaveText(STAGING_ACCOUNT_ID);
  await expect(page.getByTestId("console-role")).toHaveText("Developer");
  await expect(page.getByTestId("console-region")).toHaveText("eu-west-1");
  const after = await bobsLatestSession(s);
  expect(after.id).not.toBe(before.id);
  expect(after.mfaAuthenticated).toBe(true);
});

test("CLI credentials on an MFA role: the IdP's code step, then the credentials dialog opens by itself", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "bob");
  await roleRow(page, "acme-staging", "Developer")
    .getByRole("button", { name: "CLI credentials" })
    .click();
  await passIdpStepUp(page, s);
  const dialog = page.getByTestId("credentials-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("acme-staging / Developer");
  await expect(dialog.getByTestId("credentials-expiry")).toBeVisible();
  await expect(page).toHaveURL(`${s.portalUrl}/accounts`);
  expect((await bobsLatestSession(s)).mfaAuthenticated).toBe(true);
});

test("a console deep link to an MFA role steps up, comes back to the link, and opens the console by itself", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "bob");
  await page.goto(`${s.portalUrl}${DEEP_LINK}`);
  await passIdpStepUp(page, s);

  // Back at the deep link with an MFA session. The return from the IdP is a cross-site
  // navigation, but this tab remembered that it chose to open the link before stepping up, so
  // it goes on to the console without asking again.
  await page.waitForURL(
    (url) => url.href.startsWith(`${s.portalUrl}${DEEP_LINK}`) || !url.href.startsWith(s.portalUrl),
  );
  expect((await bobsLatestSession(s)).mfaAuthenticated).toBe(true);

  const federationOrigin = new URL(s.aws.federationEndpoint).origin;
  await page.waitForURL((url) => url.origin === federationOrigin);
  await expect(page.getByTestId("console-account")).toHaveText(STAGING_ACCOUNT_ID);
  await expect(page.getByTestId("console-role")).toHaveText("Developer");
  await expect(page.getByTestId("console-region")).toHaveText("us-east-2");
});

test("the session length chosen before an MFA step-up is the console session's after it", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "bob");
  const row = roleRow(page, "acme-staging", "Developer");
  await row.getByTestId("console-options-button").click();
  const menu = page.getByTestId("console-options");
  await menu.getByTestId("duration-select").selectOption(String(2 * 3600));
  await clickConsoleExpectingRefusal(page, menu.getByRole("button", { name: "Open console" }));
  await passIdpStepUp(page, s);

  const federationOrigin = new URL(s.aws.federationEndpoint).origin;
  await page.waitForURL((url) => url.origin === federationOrigin);
  await expect(page.getByTestId("console-role")).toHaveText("Developer");
  const issued = await s.db.auditEvent.findFirstOrThrow({
    where: { action: "console.issued", actorEmail: "bob@corp.example" },
    orderBy: { createdAt: "desc" },
  });
  expect(issued.durationSeconds).toBe(2 * 3600);
});

test("a role granted only with MFA is marked on the accounts page before any click once the sign-in's MFA has lapsed, and its console is offered again", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "bob");
  const developer = roleRow(page, "acme-staging", "Developer");
  const sandbox = roleRow(page, "acme-sandbox", "Developer");
  await expect(developer.getByTestId("role-needs-mfa")).toBeVisible();
  await expect(sandbox.getByTestId("role-needs-mfa")).toHaveCount(0);

  // With MFA the mark is gone.
  await developer.getByRole("button", { name: /^CLI credentials:/ }).click();
  await passIdpStepUp(page, s);
  // Issued, not only open: a request still in flight when the clock moves below would meet the
  // ended session and take the tab to the sign-in page (a loaded run saw exactly that).
  await expect(
    page.getByTestId("credentials-dialog").getByTestId("credentials-expiry"),
  ).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(developer.getByTestId("role-needs-mfa")).toHaveCount(0);

  // The tab stays open past the session's end, and the IdP's own session (which held the MFA) is
  // gone too: Console meets the ended session, the sign-in is a password only, and the page it
  // comes back to marks the role before the next click — and offers the console it was asked for.
  s.portalClock.advance(8 * 3600 * 1000 + 60_000);
  await page.context().clearCookies({ name: /_session/ });
  await clickConsoleExpectingRefusal(page, developer.getByRole("button", { name: /^Console:/ }));
  await expect(page.getByTestId("session-ended")).toBeVisible();
  await page.getByRole("button", { name: "Sign in with Corp Identity (demo)" }).click();
  await page.waitForURL((url) => url.origin === new URL(s.idp.issuer).origin);
  await page.locator('input[name="username"]').fill("bob");
  await page.locator('input[name="password"]').fill("bob-demo-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(`${s.portalUrl}/accounts`);
  expect((await bobsLatestSession(s)).mfaAuthenticated).toBe(false);
  await expect(developer.getByTestId("role-needs-mfa")).toBeVisible();
  await expect(page.getByTestId("resume-offer")).toContainText(
    "AWS console for acme-staging / Developer",
  );
});
