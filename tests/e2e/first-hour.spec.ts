// A first hour without rough edges: error toasts close by themselves, can be dismissed
// and never sit on top of a role's buttons, on a laptop and on a phone; a session that ended sends
// the person to sign in with a word why, and back to the page they were on.
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { demoUsers } from "@/dev/demo-users";
import {
  signedInAs,
  signInThroughBrowser,
  startStackPerFile,
  type TestStack,
} from "./support/e2e-stack";

const stack = startStackPerFile();

/** Every STS endpoint of the stand-in answers RegionDisabledException, so issuance fails. */
function refuseEveryStsEndpoint(s: TestStack, isRefusing: boolean): void {
  for (const endpoint of s.aws.faults())
    s.aws.setFault(endpoint.endpoint, isRefusing ? { regionDisabled: true } : null);
}

/**
 * Scrolled to the middle of the screen (the page keeps room below its list while toasts show),
 * a click at the centre of `target` lands on `target`: no toast covers it.
 */
async function expectNotCovered(target: Locator, name: string): Promise<void> {
  const isOnTop = await target.evaluate((el) => {
    el.scrollIntoView({ block: "center" });
    const box = el.getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return hit !== null && el.contains(hit);
  });
  expect(isOnTop, `${name} is not covered`).toBe(true);
  await target.click({ trial: true, timeout: 10_000 });
}

/** Clicks Console on `row` while STS refuses, and waits for its error toast (the `count`th). */
async function failConsoleOn(page: Page, row: Locator, count: number): Promise<void> {
  await row.getByRole("button", { name: /^Console:/ }).click();
  await expect(page.getByTestId("issue-error")).toHaveCount(count);
  // The blank tab opened during the click is closed again when issuance fails.
  for (const other of page.context().pages()) if (other !== page) await other.close();
}

for (const viewport of [
  { name: "laptop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
]) {
  test(`${viewport.name}: two failed issuances leave dismissable error toasts that close by themselves and cover no role's buttons`, async ({
    page,
  }) => {
    const s = stack();
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await page.clock.install();
    await signedInAs(page, s, "bob");
    const rows = page.getByTestId("role");
    await expect(rows).toHaveCount(5);

    // Rows: production FederatedReadOnly (SAML), production ReadOnly, sandbox DataScience (CLI
    // only), sandbox Developer, staging Developer.
    refuseEveryStsEndpoint(s, true);
    try {
      await failConsoleOn(page, rows.nth(1), 1);
      await failConsoleOn(page, rows.nth(3), 2);
    } finally {
      refuseEveryStsEndpoint(s, false);
    }

    const toasts = page.getByTestId("issue-error");
    await expect(toasts).toHaveCount(2);
    for (const toast of await toasts.all()) {
      await expect(toast).toHaveAttribute("role", "alert");
      await expect(toast.getByRole("button", { name: "Dismiss" })).toBeVisible();
    }

    // The next row's CLI button, then every row's buttons, stay clickable with the toasts shown.
    for (const index of [4, 0, 1, 2, 3]) {
      const row = rows.nth(index);
      await expectNotCovered(row.getByRole("button", { name: "CLI" }), `row ${index} CLI`);
      const consoleButton = row.getByRole("button", { name: /^Console:/ });
      if ((await consoleButton.count()) > 0)
        await expectNotCovered(consoleButton, `row ${index} Console`);
    }

    const stackBox = await page.getByTestId("toast-stack").boundingBox();
    expect(stackBox, "the toasts are shown").not.toBeNull();
    expect(stackBox!.x, "the toasts start on screen").toBeGreaterThanOrEqual(0);
    expect(stackBox!.x + stackBox!.width, "the toasts end on screen").toBeLessThanOrEqual(
      viewport.width,
    );
    expect(stackBox!.y + stackBox!.height, "the toasts sit at the bottom").toBeGreaterThan(
      viewport.height - 40,
    );

    // Dismiss closes one at once; the other closes by itself after about 12 seconds.
    await toasts.first().getByRole("button", { name: "Dismiss" }).click();
    await expect(toasts).toHaveCount(1);
    await page.mouse.move(0, 0);
    await page.locator("body").focus();
    await page.clock.fastForward(5_000);
    await expect(toasts, "an error stays longer than an info toast").toHaveCount(1);
    await page.clock.fastForward(8_000);
    await expect(toasts).toHaveCount(0);
  });
}

test("an error toast stays while hovered and closes after the pointer leaves", async ({ page }) => {
  const s = stack();
  await page.clock.install();
  await signedInAs(page, s, "bob");
  const rows = page.getByTestId("role");
  refuseEveryStsEndpoint(s, true);
  try {
    await failConsoleOn(page, rows.nth(1), 1);
  } finally {
    refuseEveryStsEndpoint(s, false);
  }
  const toast = page.getByTestId("issue-error");
  await expect(toast).toHaveCount(1);
  await toast.hover();
  await page.clock.fastForward(20_000);
  await expect(toast).toHaveCount(1);
  await page.mouse.move(0, 0);
  await page.clock.fastForward(13_000);
  await expect(toast).toHaveCount(0);
});

test("a session that ended says so on the sign-in page and comes back to the same page after signing in", async ({
  page,
  browser,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "alice");
  const target = "/admin/audit?outcome=denied";
  await s.db.portalSession.updateMany({ data: { expiresAt: new Date(Date.now() - 60_000) } });

  await page.goto(`${s.portalUrl}${target}`);
  await expect(page).toHaveURL(
    `${s.portalUrl}/signin?callbackUrl=${encodeURIComponent(target)}&reason=session-ended`,
  );
  await expect(page.getByTestId("session-ended")).toContainText(
    "Your session ended — sign in again",
  );
  await page.getByRole("button", { name: "Sign in with Corp Identity (demo)" }).click();
  const idpOrigin = new URL(s.idp.issuer).origin;
  await page.waitForURL((url) => url.origin === idpOrigin || url.pathname === "/admin/audit");
  if (new URL(page.url()).origin === idpOrigin) {
    await page.locator('input[name="username"]').fill("alice");
    const alice = demoUsers.find((u) => u.username === "alice");
    await page.locator('input[name="password"]').fill(alice?.password ?? "");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }
  await page.waitForURL(`${s.portalUrl}${target}`);
  await expect(page.getByTestId("audit-table")).toBeVisible();

  // A revoked session is told the same; someone who never signed in is not.
  await s.db.portalSession.updateMany({ data: { revokedAt: new Date() } });
  await page.goto(`${s.portalUrl}/accounts`);
  await expect(page.getByTestId("session-ended")).toBeVisible();

  const stranger = await browser.newPage();
  await stranger.goto(`${s.portalUrl}/accounts`);
  await expect(stranger).toHaveURL(`${s.portalUrl}/signin?callbackUrl=%2Faccounts`);
  await expect(stranger.getByRole("heading", { name: "Sign in to Gatehouse" })).toBeVisible();
  await expect(stranger.getByTestId("session-ended")).toHaveCount(0);
  await stranger.close();
});
