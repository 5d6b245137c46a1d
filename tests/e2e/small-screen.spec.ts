// On a phone (390 × 844 CSS px) an on-call engineer still reads every role and reaches its
// Console and CLI buttons: nothing is wider than the screen, no role name collapses to nothing,
// and the console options and CLI credentials stay on screen. The header's links are behind a
// Menu button there, which a keyboard works too.
import { expect, test } from "./support/hydrated-test";
import { signedInAs, signInThroughBrowser, startStackPerFile } from "./support/e2e-stack";
import { expectNoSidewaysScroll } from "./support/screen-fit";

const stack = startStackPerFile();
const PHONE = { width: 390, height: 844 };

test.use({ viewport: PHONE });

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
  // A phone has no tooltips: a name too long for its one line takes the description's line too,
  // and shows whole, inside its row.
  const federated = rows.filter({ hasText: "FederatedReadOnly" }).getByTestId("role-name");
  const shown = await federated.evaluate((el) => ({
    whole: el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1,
    lines: Math.round(
      el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight),
    ),
  }));
  expect(shown).toEqual({ whole: true, lines: 2 });
  const federatedRow = await rows.filter({ hasText: "FederatedReadOnly" }).boundingBox();
  const federatedName = await federated.boundingBox();
  expect(federatedName!.y).toBeGreaterThanOrEqual(federatedRow!.y);
  expect(federatedName!.y + federatedName!.height).toBeLessThanOrEqual(
    federatedRow!.y + federatedRow!.height,
  );

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

test("on a phone the main pages are a Menu button away, by keyboard too, and the nav marks the current page", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  const menuButton = page.getByRole("button", { name: "Menu" });
  expectOnScreen("Menu", await menuButton.boundingBox());
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");
  const menu = page.getByTestId("main-menu");
  await expect(menu).toBeHidden();

  // Keyboard: Enter opens it, Tab reaches its links, Escape closes it back onto the button.
  await menuButton.focus();
  await page.keyboard.press("Enter");
  await expect(menuButton).toHaveAttribute("aria-expanded", "true");
  await expect(menu.getByRole("link", { name: "Accounts" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await page.keyboard.press("Tab");
  await expect(menu.getByRole("link", { name: "Accounts" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect(menuButton).toBeFocused();
  await page.screenshot({ path: "test-results/phone-menu-closed.png" });

  await menuButton.click();
  await expect(menu.getByRole("link", { name: "CLI sessions" })).toBeVisible();
  expectOnScreen("the main menu", await menu.boundingBox());
  await page.screenshot({ path: "test-results/phone-menu-open.png" });
  await menu.getByRole("link", { name: "Access requests" }).click();
  await page.waitForURL(`${s.portalUrl}/requests`);
  await expect(menu).toBeHidden();
  await menuButton.click();
  await expect(menu.getByRole("link", { name: "Access requests" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await expect(menu.getByRole("link", { name: "Accounts" })).not.toHaveAttribute("aria-current");
  // Focus moving on (here to Sign out) closes it.
  await page.getByRole("button", { name: "Sign out" }).focus();
  await expect(menu).toBeHidden();
  await expectNoSidewaysScroll(page);

  // From 768 px up the links are in a row, each on one line with who is signed in still shown,
  // the current one marked, and there is no Menu button.
  const row = page.getByRole("navigation", { name: "Main" });
  for (const width of [768, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await expect(menuButton).toBeHidden();
    for (const link of await row.getByRole("link").all()) {
      // One line of the header's text is 20 px high, two are 40.
      const height = (await link.boundingBox())?.height ?? 0;
      expect(height, `at ${width} px "${await link.textContent()}" is one line`).toBeLessThan(30);
    }
    const user = await page.getByTestId("signed-in-user").boundingBox();
    expect(user?.width ?? 0, `at ${width} px who is signed in shows`).toBeGreaterThan(100);
  }
  await expect(row.getByRole("link", { name: "Access requests" })).toHaveAttribute(
    "aria-current",
    "page",
  );
});

/** Runs in the page: inputs whose placeholder is wider than the room inside them. */
function cutPlaceholders(): string[] {
  const canvas = document.createElement("canvas").getContext("2d")!;
  const cut: string[] = [];
  for (const input of document.querySelectorAll<HTMLInputElement>("main input[placeholder]")) {
    if (!input.checkVisibility() || input.value !== "") continue;
    const style = getComputedStyle(input);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (canvas.measureText(input.placeholder).width > room + 1) cut.push(input.placeholder);
  }
  return cut;
}

// An approver decides from a phone: the queue, its filters, the Approve and Deny buttons and the
// header's links are all on screen, readable and big enough to tap (WCAG 2.5.8: 24 × 24 CSS px).
test("on a phone and a tablet an approver reads a request in full and taps Approve, Deny and the header's links", async ({
  page,
  browser,
}) => {
  const s = stack();
  const carol = await browser.newContext();
  const carolPage = await carol.newPage();
  await signedInAs(carolPage, s, "carol");
  await carolPage.goto(`${s.portalUrl}/requests`);
  const eligible = carolPage.getByTestId("eligible-role").filter({ hasText: "DataAnalyst" });
  await eligible.getByTestId("request-open").click();
  await eligible.getByTestId("request-reason").fill("Q3 revenue review for the board deck");
  await eligible.getByTestId("request-submit").click();
  await expect(
    carolPage.getByTestId("my-request").first().getByTestId("request-status"),
  ).toHaveText("pending");
  await carol.close();

  await signedInAs(page, s, "alice");
  const request = page.getByTestId("decide-request").filter({ hasText: "carol@corp.example" });
  for (const viewport of [
    { width: 375, height: 812 },
    { width: 768, height: 1024 },
  ]) {
    await page.setViewportSize(viewport);
    await page.goto(`${s.portalUrl}/requests`);
    await expect(request).toContainText("Q3 revenue review for the board deck");
    await expectNoSidewaysScroll(page);
    expect
      .soft(await page.evaluate(cutPlaceholders), `at ${viewport.width} px no hint is cut off`)
      .toEqual([]);
    for (const button of [
      request.getByTestId("decide-approve"),
      request.getByTestId("decide-deny"),
    ]) {
      await expect(button).toBeVisible();
      const box = await button.boundingBox();
      const name = `at ${viewport.width} px ${await button.textContent()}`;
      expect
        .soft(box!.x + box!.width, `${name} ends on screen`)
        .toBeLessThanOrEqual(viewport.width);
      expect.soft(box!.width, `${name} is wide enough to tap`).toBeGreaterThanOrEqual(24);
      expect.soft(box!.height, `${name} is tall enough to tap`).toBeGreaterThanOrEqual(24);
    }
    const menuButton = page.getByRole("button", { name: "Menu" });
    if (await menuButton.isVisible()) await menuButton.click();
    for (const link of await page.locator("header a[href]").all()) {
      const box = await link.boundingBox();
      // The skip link is a 1 px box until it is focused (then it is big).
      if (!(await link.isVisible()) || box!.width <= 1) continue;
      expect
        .soft(
          box!.height,
          `at ${viewport.width} px "${await link.textContent()}" is tall enough to tap`,
        )
        .toBeGreaterThanOrEqual(24);
    }
  }
  await request.getByTestId("decide-approve").click();
  await expect(page.getByTestId("request-done")).toContainText("Approved carol@corp.example");
});
