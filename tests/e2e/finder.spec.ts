// Finding a role fast, in Chromium: favorites and recents that outlive a sign-out, the keyboard
// (/ to search, arrows, Enter for the console, c for credentials), the console options menu
// (destination, session length, copy link) and the CLI dialog's options. Screenshots of each
// state go to test-results/finder/ for a human to look at; the README's picture is one of them.
import fs from "node:fs";
import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { ROOT } from "@/dev/local-stack";
import { roleRow, signedInAs, signInThroughBrowser, startStackPerFile } from "./support/e2e-stack";

const stack = startStackPerFile();

const SHOTS = path.join(ROOT, "test-results", "finder");
const README_SCREENSHOT = path.join(ROOT, "public", "screenshots", "accounts.png");
const STAGING_ACCOUNT_ID = "345678901234";

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), animations: "disabled" });
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/signin");
}

/** Enter in the search box opens the console for staging's Developer, in a new tab. */
async function expectEnterOpensStagingDeveloper(page: Page, search: Locator): Promise<void> {
  const popupOpened = page.waitForEvent("popup");
  await search.press("Enter");
  const consoleTab = await popupOpened;
  await consoleTab.waitForURL(/\/federation/);
  await expect(consoleTab.getByTestId("console-account")).toHaveText(STAGING_ACCOUNT_ID);
  await expect(consoleTab.getByTestId("console-role")).toHaveText("Developer");
  await consoleTab.close();
}

test.beforeAll(async () => {
  // Aliases are how people name accounts in chat: shown and searchable.
  await stack().db.awsAccount.update({
    where: { accountId: STAGING_ACCOUNT_ID },
    data: { alias: "acme-stg" },
  });
  await stack().db.awsAccount.update({
    where: { accountId: "210987654321" },
    data: { alias: "acme-prod" },
  });
});

test.describe("finding a role fast", () => {
  test("favorites and recently used roles persist across sign-out and sign-in", async ({
    page,
  }) => {
    const s = stack();
    await signInThroughBrowser(page, s, "bob");
    await expect(page.getByTestId("favorites")).toHaveCount(0);

    await roleRow(page, "acme-staging", "Developer")
      .getByRole("button", { name: "Add acme-staging / Developer to favorites" })
      .click();
    const favorites = page.getByTestId("favorites");
    await expect(favorites.getByTestId("favorite-role")).toHaveCount(1);
    await expect(favorites.getByTestId("role-name")).toHaveText("Developer");
    await expect(favorites.getByTestId("role-account")).toContainText("acme-staging (acme-stg)");

    // Taking credentials makes the role "recently used" at once.
    await roleRow(page, "acme-sandbox", "DataScience")
      .getByRole("button", { name: "CLI credentials" })
      .click();
    const dialog = page.getByTestId("credentials-dialog");
    await expect(dialog.getByTestId("credentials-expiry")).toBeVisible();
    await dialog.getByRole("button", { name: "Close" }).click();
    const recents = page.getByTestId("recents");
    await expect(recents.getByTestId("recent-role")).toHaveCount(1);
    await expect(recents.getByTestId("role-name")).toHaveText("DataScience");
    await expect(recents.getByTestId("last-used")).toHaveText("· used just now");
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, "1-favorites-and-recents");
    await writeReadmeScreenshot(page);

    // Signing out ends the IdP's session too (single logout), so the next sign-in is a full one
    // through its login form.
    await signOut(page);
    await signInThroughBrowser(page, s, "bob");
    await expect(page.getByTestId("favorites").getByTestId("role-name")).toHaveText("Developer");
    await expect(page.getByTestId("recents").getByTestId("role-name")).toHaveText("DataScience");
    await expect(page.getByTestId("recents").getByTestId("last-used")).toHaveText(
      /· used (just now|1 min ago)/,
    );

    // Unstarring from the favorites section removes it there (and on the server).
    await page
      .getByTestId("favorites")
      .getByRole("button", { name: "Remove acme-staging / Developer from favorites" })
      .click();
    await expect(page.getByTestId("favorites")).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId("recents")).toHaveCount(1);
    await expect(page.getByTestId("favorites")).toHaveCount(0);
  });

  test("search matches alias, id prefix and several terms; environments are coloured", async ({
    page,
  }) => {
    const s = stack();
    await signedInAs(page, s, "bob");
    const search = page.getByRole("searchbox", { name: "Search accounts and roles" });
    const names = page.getByTestId("account").getByTestId("account-name");

    await search.fill("acme-stg");
    await expect(names).toHaveText(["acme-staging"]);
    await expect(page.getByTestId("account-alias")).toHaveText("acme-stg");
    await search.fill("3456");
    await expect(names).toHaveText(["acme-staging"]);
    await search.fill("7890"); // the middle of an id is not a match
    await expect(page.getByTestId("no-match")).toBeVisible();
    await search.fill("SANDBOX cli");
    await expect(names).toHaveText(["acme-sandbox"]);
    await expect(page.getByTestId("account").getByTestId("role-name")).toHaveText(["DataScience"]);
    await search.fill("prod read");
    await expect(page.getByTestId("account").getByTestId("role-name")).toHaveText([
      "FederatedReadOnly",
      "ReadOnly",
    ]);
    await search.fill("");

    const tones = await page
      .getByTestId("account")
      .evaluateAll((cards) =>
        cards.map((c) => [
          c.querySelector('[data-testid="account-name"]')?.textContent,
          c.querySelector('[data-testid="environment"]')?.getAttribute("data-tone"),
        ]),
      );
    expect(tones).toEqual([
      ["acme-production", "production"],
      ["acme-sandbox", "development"],
      ["acme-staging", "staging"],
    ]);
  });

  test("a pasted role ARN shows exactly that role, and Enter opens it", async ({ page }) => {
    const s = stack();
    await signedInAs(page, s, "bob");
    const search = page.getByRole("searchbox", { name: "Search accounts and roles" });
    const shown = page.getByTestId("account");

    // bob has a Developer role in staging and in sandbox: the ARN's account decides.
    await search.fill(`arn:aws:iam::${STAGING_ACCOUNT_ID}:role/Developer`);
    await expect(shown.getByTestId("account-name")).toHaveText(["acme-staging"]);
    await expect(shown.getByTestId("role-name")).toHaveText(["Developer"]);
    await expect(page.getByTestId("counts")).toContainText("1 match");
    await expect(page.getByTestId("search-reading")).toHaveCount(0);
    // An AccessDenied message pasted whole: the roles its ARNs name, and the page says so.
    await search.fill(
      `User: arn:aws:sts::456789012345:assumed-role/Developer/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${STAGING_ACCOUNT_ID}:role/Developer`,
    );
    await expect(shown.getByTestId("account-name")).toHaveText(["acme-sandbox", "acme-staging"]);
    await expect(page.getByTestId("search-reading")).toHaveText(
      ": the roles the ARNs in your text name (its other words are set aside)",
    );
    // As CloudTrail and AccessDenied messages name it: the session's role.
    await search.fill("arn:aws:sts::456789012345:assumed-role/Developer/bob@example.com");
    await expect(shown.getByTestId("account-name")).toHaveText(["acme-sandbox"]);
    await expect(shown.getByTestId("role-name")).toHaveText(["Developer"]);

    await search.fill(`arn:aws:iam::${STAGING_ACCOUNT_ID}:role/Administrator`);
    await expect(page.getByTestId("arn-note")).toHaveText(
      `That ARN names role Administrator in account ${STAGING_ACCOUNT_ID}, which is not among your roles.`,
    );
    await search.fill("arn:aws:s3:::acme-staging-developer");
    await expect(page.getByTestId("arn-note")).toContainText("That is not a role ARN");

    await search.fill(`arn:aws:iam::${STAGING_ACCOUNT_ID}:role/Developer`);
    await expectEnterOpensStagingDeveloper(page, search);
  });

  test("a mistyped search still finds the role it meant, and Enter opens it", async ({ page }) => {
    const s = stack();
    await signedInAs(page, s, "bob");
    const search = page.getByRole("searchbox", { name: "Search accounts and roles" });
    const shown = page.getByTestId("account");

    await search.fill("stagng devloper");
    await expect(shown.getByTestId("account-name")).toHaveText(["acme-staging"]);
    await expect(shown.getByTestId("role-name")).toHaveText(["Developer"]);
    await expect(page.getByTestId("search-reading")).toContainText("close spellings");
    await search.fill("readonyl");
    await expect(shown.getByTestId("role-name")).toHaveText(["FederatedReadOnly", "ReadOnly"]);

    await search.fill("stagng");
    await expectEnterOpensStagingDeveloper(page, search);
  });

  test("keyboard: / searches, arrows move the highlight, Enter opens the console, c the CLI dialog", async ({
    page,
  }) => {
    const s = stack();
    await signedInAs(page, s, "bob");
    const search = page.getByRole("searchbox", { name: "Search accounts and roles" });
    const highlighted = page.locator('[data-highlighted="true"]');

    // Start from the page, not the (autofocused) search box.
    await page.getByRole("heading", { name: "Your AWS accounts" }).click();
    await expect(search).not.toBeFocused();
    await page.keyboard.press("?");
    await expect(page.getByTestId("keyboard-shortcuts")).toBeVisible();
    await shot(page, "2-keyboard-shortcuts");
    await page.keyboard.press("?");
    await expect(page.getByTestId("keyboard-shortcuts")).toHaveCount(0);

    // Arrows walk the roles in display order (Recently used first, then the accounts).
    const order = await page
      .locator("[data-role-id]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-role-id")));
    expect(order.length).toBeGreaterThanOrEqual(5);
    const highlightedId = () => highlighted.getAttribute("data-role-id");
    await page.keyboard.press("ArrowDown");
    expect(await highlightedId()).toBe(order[0]);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await highlightedId()).toBe(order[2]);
    await page.keyboard.press("ArrowUp");
    await expect(highlighted).toHaveAttribute("data-role-id", order[1]!);
    // A letter typed outside a field is a shortcut, not text.
    const starredName = await highlighted.getByTestId("role-name").innerText();
    await page.keyboard.press("f");
    await expect(page.getByTestId("favorites").getByTestId("role-name")).toHaveText(starredName);
    await page.keyboard.press("f");
    await expect(page.getByTestId("favorites")).toHaveCount(0);

    await page.keyboard.press("/");
    await expect(search).toBeFocused();
    // Typed into the search box, "c" and "f" are text, not shortcuts.
    await page.keyboard.type("staging dev");
    await expect(search).toHaveValue("staging dev");
    await expect(page.getByTestId("credentials-dialog")).toHaveCount(0);
    await expect(page.getByTestId("account")).toHaveCount(1);
    await expect(highlighted.getByTestId("role-name")).toHaveText("Developer");
    await shot(page, "3-search-highlight");

    const popupOpened = page.waitForEvent("popup");
    await page.keyboard.press("Enter");
    const consoleTab = await popupOpened;
    await consoleTab.waitForURL(/\/federation/);
    await expect(consoleTab.getByTestId("console-account")).toHaveText(STAGING_ACCOUNT_ID);
    await expect(consoleTab.getByTestId("console-role")).toHaveText("Developer");
    await consoleTab.close();

    // Escape clears the search, then the highlight.
    await page.keyboard.press("Escape");
    await expect(search).toHaveValue("");
    await expect(page.getByTestId("account")).toHaveCount(3);
    await page.keyboard.press("Escape");
    await expect(highlighted).toHaveCount(0);

    // The console just opened put the role at the top of Recently used: the first ArrowDown.
    await page.keyboard.press("ArrowDown");
    await expect(highlighted).toHaveAttribute("data-testid", "recent-role");
    await expect(highlighted.getByTestId("role-name")).toHaveText("Developer");
    await page.keyboard.press("c");
    const dialog = page.getByTestId("credentials-dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("acme-staging / Developer");
    await expect(dialog.getByTestId("credentials-text")).toContainText("AWS_ACCESS_KEY_ID");
    // While the dialog is open, page shortcuts are off; Escape closes it.
    await page.keyboard.press("f");
    await expect(page.getByTestId("favorites")).toHaveCount(0);
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
  });

  test("the console menu sends the chosen destination and copies a deep link", async ({
    page,
    context,
  }) => {
    const s = stack();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: s.portalUrl,
    });
    await signedInAs(page, s, "bob");
    const row = roleRow(page, "acme-staging", "Developer");

    await row.getByRole("button", { name: "Console options for acme-staging / Developer" }).click();
    const menu = page.getByTestId("console-options");
    await expect(menu).toBeVisible();
    await expect(menu.getByTestId("duration-cap")).toHaveText(
      "Up to 4 h: the longest your access rule allows.",
    );
    await menu.getByTestId("destination-select").selectOption({ label: "EC2" });
    await menu.getByTestId("duration-select").selectOption({ label: "2 h" });
    await shot(page, "4-console-options");

    await menu.getByRole("button", { name: "Copy link" }).click();
    await expect(menu.getByTestId("deep-link")).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const link = new URL(copied);
    expect(link.origin).toBe(new URL(s.portalUrl).origin);
    expect(link.pathname).toBe("/console");
    expect(Object.fromEntries(link.searchParams)).toEqual({
      account: STAGING_ACCOUNT_ID,
      role: "Developer",
      region: "eu-west-1",
      destination: "ec2",
    });

    // The one-time sign-in URL is copied, marked as a secret, and not opened.
    await menu.getByRole("button", { name: "Copy sign-in URL" }).click();
    const notice = menu.getByTestId("signin-url-notice");
    await expect(notice).toContainText("Sign-in URL copied — it is a secret.");
    await expect(notice).toContainText("about 15 minutes");
    const signIn = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    expect(signIn.origin).toBe(new URL(s.aws.federationEndpoint).origin);
    expect(signIn.searchParams.get("Action")).toBe("login");
    expect(signIn.searchParams.get("SigninToken")).toBeTruthy();
    expect(signIn.searchParams.get("Destination")).toBe(
      "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1",
    );
    expect(page.context().pages()).toHaveLength(1);

    const popupOpened = page.waitForEvent("popup");
    await menu.getByRole("button", { name: "Open console" }).click();
    const consoleTab = await popupOpened;
    await consoleTab.waitForURL(/\/federation/);
    await expect(consoleTab.getByTestId("console-destination")).toHaveText(
      "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1",
    );
    await consoleTab.close();
    await expect(menu).toHaveCount(0);

    // The choice is remembered: the plain Console button now opens EC2 too.
    const again = page.waitForEvent("popup");
    await row.getByRole("button", { name: /^Console:/ }).click();
    const secondTab = await again;
    await secondTab.waitForURL(/\/federation/);
    await expect(secondTab.getByTestId("console-destination")).toContainText("/ec2/home");
    await secondTab.close();

    // A typed destination that isn't a console URL is refused before anything is sent.
    await row.getByRole("button", { name: "Console options for acme-staging / Developer" }).click();
    await menu
      .getByTestId("destination-select")
      .selectOption({ label: "Other: a console path or URL…" });
    await menu.getByTestId("destination-input").fill("https://evil.example/");
    await expect(menu.getByTestId("destination-error")).toContainText("not an AWS console host");
    await expect(menu.getByRole("button", { name: "Open console" })).toBeDisabled();
    await page.keyboard.press("Escape");
    await expect(menu).toHaveCount(0);
  });

  test("the CLI dialog re-issues with a chosen session length and profile name", async ({
    page,
  }) => {
    const s = stack();
    await signedInAs(page, s, "bob");
    await roleRow(page, "acme-staging", "Developer")
      .getByRole("button", { name: "CLI credentials" })
      .click();
    const dialog = page.getByTestId("credentials-dialog");
    const text = dialog.getByTestId("credentials-text");
    await expect(text).toContainText("AWS_ACCESS_KEY_ID");
    const firstKey = /AWS_ACCESS_KEY_ID='(ASIA\w+)'/.exec(await text.innerText())?.[1];

    const profile = dialog.getByTestId("profile-name");
    await profile.fill("bad name!");
    await expect(dialog.getByTestId("profile-name-hint")).not.toHaveText(
      "Used in the credentials file and file names.",
    );
    await expect(dialog.getByRole("button", { name: "Apply" })).toBeDisabled();
    await profile.fill("staging");
    await dialog.getByTestId("duration-select").selectOption({ label: "2 h" });
    await shot(page, "5-cli-options");
    await dialog.getByRole("button", { name: "Apply" }).click();

    await dialog.getByRole("tab", { name: "Credentials file" }).click();
    await expect(text).toContainText(/^\[staging\]$/m);
    await expect(dialog.getByTestId("credentials-expiry")).toContainText("2 h session");
    const secondKey = /aws_access_key_id = (ASIA\w+)/.exec(await text.innerText())?.[1];
    expect(secondKey).toBeTruthy();
    expect(secondKey).not.toBe(firstKey);
    await dialog.getByRole("tab", { name: "bash / zsh" }).click();
    await dialog.getByRole("button", { name: "Close" }).click();

    // Both choices are remembered for this role next time.
    await roleRow(page, "acme-staging", "Developer")
      .getByRole("button", { name: "CLI credentials" })
      .click();
    await expect(dialog.getByTestId("profile-name")).toHaveValue("staging");
    await expect(dialog.getByTestId("credentials-expiry")).toContainText("2 h session");
  });
});

/**
 * The README's picture of the accounts page at 1280×900: favorites, recents and the accounts.
 * Refreshed only on request (GATEHOUSE_UPDATE_SCREENSHOTS=1), so a test run never edits the
 * checkout; otherwise it goes to test-results/ with the others.
 */
async function writeReadmeScreenshot(page: Page): Promise<void> {
  await page.getByRole("searchbox", { name: "Search accounts and roles" }).blur();
  await page.evaluate(() => document.fonts.ready);
  const png = await page.screenshot({ animations: "disabled", caret: "hide" });
  if (process.env.GATEHOUSE_UPDATE_SCREENSHOTS !== "1") {
    fs.mkdirSync(path.join(ROOT, "test-results", "finder"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "test-results", "finder", "readme-accounts.png"), png);
    return;
  }
  if (!fs.existsSync(README_SCREENSHOT) || !fs.readFileSync(README_SCREENSHOT).equals(png))
    fs.writeFileSync(README_SCREENSHOT, png);
}
