// "Who am I" in Chromium: the name in the header leads to /me, which shows the sign-in, the IdP's
// groups, MFA and each role with the rule behind it. Screenshots go to test-results/me/ for a
// human to look at (desktop and phone).
import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { ROOT } from "@/dev/local-stack";
import { signedInAs, startStackPerFile } from "./support/e2e-stack";

const stack = startStackPerFile();
const SHOTS = path.join(ROOT, "test-results", "me");

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

test("the header's name opens /me: identity, groups, MFA, and why each role is yours", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  await page.getByTestId("signed-in-user").click();
  await page.waitForURL(`${s.portalUrl}/me`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your sign-in and access");
  await expect(page.getByTestId("signed-in-user")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("me-email")).toHaveText("bob@corp.example");
  await expect(page.getByTestId("me-method")).toContainText(", by OIDC");
  await expect(page.getByTestId("me-groups")).toHaveText("developers");
  await expect(page.getByTestId("me-mfa")).toContainText("No:");
  const staging = page.getByTestId("my-role").filter({ hasText: "acme-staging / Developer" });
  await expect(staging.getByTestId("my-role-reason")).toHaveText(
    "Granted by your group “developers”",
  );
  const dataScience = page.getByTestId("my-role").filter({ hasText: "acme-sandbox / DataScience" });
  await expect(dataScience.getByTestId("my-role-reason")).toHaveText(
    "Granted by a rule naming you",
  );
  await shot(page, "1-desktop");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "2-phone");
  const widths = await page.evaluate(() => ({
    content: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(widths.content).toBeLessThanOrEqual(widths.viewport);
  // On a phone each label sits above its value, which gets the card's width; side by side again
  // from 640 px.
  const labelAndValue = async () => {
    const label = await page.locator("dt", { hasText: "Session ends" }).boundingBox();
    const value = await page.getByTestId("me-session-ends").boundingBox();
    return { label: label!, value: value! };
  };
  const phone = await labelAndValue();
  expect(phone.label.y + phone.label.height).toBeLessThanOrEqual(phone.value.y);
  expect(phone.value.x).toBe(phone.label.x);
  await page.setViewportSize({ width: 1280, height: 900 });
  const desktop = await labelAndValue();
  expect(desktop.value.y).toBe(desktop.label.y);
  expect(desktop.value.x).toBeGreaterThan(desktop.label.x + desktop.label.width);
});

test("a role's links on /me open its CLI credentials on this click and its console deep link", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  await page.goto(`${s.portalUrl}/me`);
  const staging = page.getByTestId("my-role").filter({ hasText: "acme-staging / Developer" });
  await expect(staging.getByTestId("my-role-console")).toHaveAttribute(
    "href",
    /^\/console\?account=\d{12}&role=Developer$/,
  );
  await staging.getByTestId("my-role-cli").click();
  const dialog = page.getByTestId("credentials-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Developer");
  // The address lost the parameter: a reload or a copy of it issues nothing.
  await expect(page).toHaveURL(`${s.portalUrl}/accounts`);
});
