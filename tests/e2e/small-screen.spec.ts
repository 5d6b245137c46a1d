// On a phone (390 × 844 CSS px) an on-call engineer still reads every role and reaches its
// Console and CLI buttons: nothing is wider than the screen, no role name collapses to nothing,
// and the console options and CLI credentials stay on screen.
import { expect, test, type Page } from "@playwright/test";
import { signInThroughBrowser, startStackPerFile } from "./support/e2e-stack";

const stack = startStackPerFile();
const PHONE = { width: 390, height: 844 };

test.use({ viewport: PHONE });

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({
    content: document.documentElement.scrollWidth,
    window: document.documentElement.clientWidth,
  }));
  expect(widths.content, "the page is no wider than the screen").toBeLessThanOrEqual(widths.window);
}

function expectOnScreen(name: string, box: { x: number; width: number } | null): void {
  expect(box, `${name} is rendered`).not.toBeNull();
  expect(box!.x, `${name} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${name} ends on screen`).toBeLessThanOrEqual(PHONE.width);
}

test("bob's roles, their buttons, the console options and the CLI credentials fit a phone's screen", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "bob");
  await expectNoSidewaysScroll(page);
  expectOnScreen("Sign out", await page.getByRole("button", { name: "Sign out" }).boundingBox());

  const rows = page.getByTestId("role");
  await expect(rows).toHaveCount(5);
  for (const row of await rows.all()) {
    const name = row.getByTestId("role-name");
    const label = (await name.textContent()) ?? "?";
    const box = await name.boundingBox();
    expect(box?.width ?? 0, `${label}: at least a few letters of the name show`).toBeGreaterThan(
      40,
    );
    expectOnScreen(`${label}: CLI`, await row.getByRole("button", { name: "CLI" }).boundingBox());
  }

  const staging = rows.filter({ hasText: "Deploy and debug services in staging" });
  await staging.getByTestId("console-options-button").click();
  const options = page.getByTestId("console-options");
  await expect(options).toBeVisible();
  expectOnScreen("the console options", await options.boundingBox());
  await expectNoSidewaysScroll(page);
  await page.keyboard.press("Escape");
  await expect(options).toHaveCount(0);

  await staging.getByRole("button", { name: "CLI" }).click();
  const dialog = page.getByRole("dialog", { name: /CLI credentials/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("export AWS_ACCESS_KEY_ID=", { exact: false })).toBeVisible();
  expectOnScreen("the CLI credentials dialog", await dialog.boundingBox());
  await expectNoSidewaysScroll(page);
});
