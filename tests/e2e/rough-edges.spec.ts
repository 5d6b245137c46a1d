// Rough edges of a first hour, in Chromium: a cross-site deep link can be cancelled; a
// refused console destination can be changed right there; `/` and `?` typed into the (focused,
// empty) search box are shortcuts, not a search; the no-access page's contact is a link when it is
// an email address or URL; a binary file imported as configuration is named as such; the console
// options menu closes once focus leaves it.
import { expect, test } from "./support/hydrated-test";
import {
  followLinkFromAnotherSite,
  roleRow,
  signedInAs,
  startStackPerFile,
} from "./support/e2e-stack";

const CONTACT = "the Cloud Platform team (cloud@corp.example, https://wiki.corp.example/aws)";
const stack = startStackPerFile({ stack: { extraEnv: { GATEHOUSE_ACCESS_CONTACT: CONTACT } } });

const DEEP_LINK = "/console?account=acme-production&role=ReadOnly&region=eu-central-1";

test("a deep link opened from another site can be cancelled, back to the accounts page", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  await followLinkFromAnotherSite(page, s, DEEP_LINK);
  await expect(page.getByTestId("deep-link-confirm")).toBeVisible();
  await page.getByTestId("deep-link-cancel").click();
  await page.waitForURL(`${s.portalUrl}/accounts`);
});

test("a refused console destination can be changed right there, and then opens", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  const refused = "/console/logout!doLogout?redirectUrl=https://evil.example/";
  await page.goto(`${s.portalUrl}${DEEP_LINK}&destination=${encodeURIComponent(refused)}`);
  const editor = page.getByTestId("deep-link-destination");
  await expect(editor).toHaveValue(refused);
  await expect(page.getByRole("alert").first()).toContainText("destination is not allowed");
  await page.screenshot({
    path: process.env.GATEHOUSE_DEEP_LINK_SCREENSHOT ?? "/tmp/deep-link.png",
  });
  await editor.fill("ec2");
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByTestId("console-region")).toHaveText("eu-central-1");
  const destination = new URL(await page.getByTestId("console-destination").innerText());
  expect(destination.pathname).toMatch(/^\/ec2\//);
});

test("`/` and `?` typed into the focused, empty search box are shortcuts", async ({ page }) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  const search = page.getByRole("searchbox", { name: "Search accounts and roles" });
  await expect(search).toBeFocused();
  // Keys typed before the page is interactive are only characters: wait for it, as a person would.
  await expect(search).toHaveAttribute("data-interactive", "true");
  await page.keyboard.type("/staging");
  await expect(search).toHaveValue("staging");
  await expect(page.getByTestId("role").first()).toBeVisible();
  await search.fill("");
  await page.keyboard.press("?");
  await expect(page.getByTestId("keyboard-shortcuts")).toBeVisible();
  await expect(search).toHaveValue("");
  // With text in the box, both are just characters.
  await search.fill("a");
  await page.keyboard.type("/");
  await expect(search).toHaveValue("a/");
});

test("the no-access page's contact links its email address and URL", async ({ page }) => {
  const s = stack();
  await signedInAs(page, s, "carol");
  const contact = page.getByTestId("no-access-contact");
  await expect(contact).toHaveText(CONTACT);
  await expect(contact.getByRole("link", { name: "cloud@corp.example" })).toHaveAttribute(
    "href",
    "mailto:cloud@corp.example",
  );
  await expect(
    contact.getByRole("link", { name: "https://wiki.corp.example/aws" }),
  ).toHaveAttribute("href", "https://wiki.corp.example/aws");
});

test("importing a binary file as configuration says it is not a YAML or JSON file", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/config`);
  await page.getByTestId("config-file").setInputFiles({
    name: "photo.yaml",
    mimeType: "application/yaml",
    buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff]),
  });
  await expect(page.getByTestId("config-text")).not.toHaveValue("");
  await page.getByRole("button", { name: "Dry run" }).click();
  await expect(page.getByTestId("config-problems")).toContainText(
    "This is not a YAML or JSON file",
  );
});

test("the access review takes an account's alias, offers the roles for Explain, and keeps every form's values", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/access`);
  const byAccount = page.getByTestId("review-account-form");
  await byAccount.getByLabel("Account id, name or alias").fill("acme-prod");
  await byAccount.getByRole("button", { name: "Review" }).click();
  await expect(page.getByTestId("account-access")).toContainText("(210987654321)");

  const byUser = page.getByTestId("review-user-form");
  await byUser.getByLabel("Email").fill("bob@corp.example");
  await byUser.getByRole("button", { name: "Review" }).click();
  await expect(page.getByTestId("user-access")).toBeVisible();
  await expect(byAccount.getByLabel("Account id, name or alias")).toHaveValue("acme-prod");
  await expect(
    page.locator('#explainable-roles option[value="acme-production / ReadOnly"]'),
  ).toHaveAttribute("label", "arn:aws:iam::210987654321:role/ReadOnly");
});

test("the role form names every problem at once", async ({ page }) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  const account = await s.db.awsAccount.findFirstOrThrow({ where: { name: "acme-staging" } });
  await page.goto(`${s.portalUrl}/admin/accounts/${account.id}/roles/new`);
  await page.locator('input[name="name"]').fill("has space");
  await page.locator('input[name="arn"]').fill("arn:aws:iam::999999999999:role/Other");
  await page.getByRole("button", { name: "Add role" }).click();
  const errors = page.getByTestId("field-error");
  await expect(errors).toHaveCount(2);
  await expect(errors.nth(0)).toContainText("IAM role name");
  await expect(errors.nth(1)).toContainText("999999999999");
});

test("a keyboard user who copies the sign-in URL from the console options keeps the focus on that button while it is requested and after", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  const row = roleRow(page, "acme-staging", "Developer");
  await row.getByTestId("console-options-button").click();
  const options = page.getByTestId("console-options");
  const copy = options.getByRole("button", { name: /Copy sign-in URL|Requesting/ });
  await copy.focus();
  await page.keyboard.press("Enter");
  // Copied, or shown for copying by hand where the clipboard is refused: either way, the notice.
  await expect(options.getByTestId("signin-url-notice")).toBeVisible();
  await expect(copy).toBeFocused();
  // Still in the menu's keyboard path: Shift+Tab goes back to the control before the button, not
  // to the page's last control, as it would from a focus dropped on the page itself.
  await page.keyboard.press("Shift+Tab");
  await expect(options.getByRole("button", { name: "Copy link" })).toBeFocused();
});

test("the console options close when focus leaves them, Escape closes them from anywhere, and the page's shortcuts work again", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  const row = roleRow(page, "acme-staging", "Developer");
  const optionsButton = row.getByTestId("console-options-button");
  const options = page.getByTestId("console-options");

  // Tab past the last control: closed, and focus goes on to what follows the button (CLI).
  await optionsButton.click();
  await expect(options).toBeVisible();
  await options.getByRole("button", { name: "Copy sign-in URL" }).focus();
  await page.keyboard.press("Tab");
  await expect(options).toHaveCount(0);
  await expect(row.getByRole("button", { name: "CLI credentials" })).toBeFocused();
  await page.keyboard.press("?");
  await expect(page.getByTestId("keyboard-shortcuts")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("keyboard-shortcuts")).toHaveCount(0);

  // Shift+Tab before the first: closed, back on the button.
  await optionsButton.click();
  await expect(options.getByTestId("destination-select")).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(options).toHaveCount(0);
  await expect(optionsButton).toBeFocused();

  // Focus elsewhere in the page (here the search box): closed.
  await optionsButton.click();
  await expect(options).toBeVisible();
  await page.getByRole("searchbox", { name: "Search accounts and roles" }).focus();
  await expect(options).toHaveCount(0);

  // Focus nowhere in the page (the window's own): still open, and Escape closes it.
  await optionsButton.click();
  await expect(options).toBeVisible();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await expect(options).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(options).toHaveCount(0);
  await page.keyboard.press("?");
  await expect(page.getByTestId("keyboard-shortcuts")).toBeVisible();
});

test("credentials that expired while their dialog stayed open are renewed from the dialog, without changing a setting", async ({
  page,
}) => {
  const s = stack();
  await page.clock.install();
  await signedInAs(page, s, "bob");
  await roleRow(page, "acme-staging", "Developer")
    .getByRole("button", { name: /^CLI credentials:/ })
    .click();
  const dialog = page.getByTestId("credentials-dialog");
  const expiry = dialog.getByTestId("credentials-expiry");
  await expect(expiry).toBeVisible();
  const firstKey = /key (ASIA\w+)/.exec(await expiry.innerText())?.[1];
  expect(firstKey).toBeDefined();

  // Back at the desk after lunch: the one-hour credentials have run out while the dialog was open.
  await page.clock.fastForward("02:00:00");
  await expect(dialog.getByTestId("credentials-countdown")).toHaveText("(expired)");
  await dialog.getByRole("button", { name: "Renew" }).click();
  await expect(expiry).toContainText("key ASIA");
  await expect(expiry).not.toContainText(`key ${firstKey}`);
});
