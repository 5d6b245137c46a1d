// Finding one's way, in Chromium: every page is called the same in the header, its heading and
// its tab title; "not found" and "not allowed" keep the portal's header (with the navigation when
// signed in, a sign-in link when not) and their 404 / 403 status; the People page says when each
// identity joined as a time; on a phone the command that signs a terminal in is never broken
// inside a flag, and the page names the help a person can run; a refused console destination
// (deep link or console options) says what is wrong and what would be accepted; the first Tab
// skips the navigation.
import type { Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { signedInAs, startStackPerFile } from "./support/e2e-stack";

const stack = startStackPerFile();
const PHONE = { width: 390, height: 844 };

async function expectNamedAs(page: Page, name: string): Promise<void> {
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(page).toHaveTitle(`${name} · Gatehouse`);
}

test("every admin page, and the CLI sessions page, is named in its heading and title as its header link names it", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  const adminNav = page.getByRole("navigation", { name: "Administration" });
  const names = (await adminNav.getByRole("link").allInnerTexts()).map((n) => n.trim());
  expect(names).toEqual([
    "Audit log",
    "Access review",
    "Accounts & access",
    "Configuration as code",
    "Identity providers",
    "People",
    "Broker",
    "CLI sessions",
    "Webhook deliveries",
  ]);
  for (const name of names) {
    await adminNav.getByRole("link", { name, exact: true }).click();
    await expect(adminNav.getByRole("link", { name, exact: true })).toHaveAttribute(
      "aria-current",
      "page",
    );
    await expectNamedAs(page, name);
  }
  // The one page that manages only one kind says which, under its name.
  await adminNav.getByRole("link", { name: "Identity providers", exact: true }).click();
  await expect(page.getByTestId("idp-kinds")).toContainText(
    "SAML identity providers are added and managed here",
  );
  await expect(page.getByRole("heading", { name: "Add a SAML identity provider" })).toBeVisible();
  const mainNav = page.getByRole("navigation", { name: "Main" }).first();
  await mainNav.getByRole("link", { name: "CLI sessions", exact: true }).click();
  await page.waitForURL(`${s.portalUrl}/cli-sessions`);
  await expectNamedAs(page, "CLI sessions");
});

test("a page that does not exist answers 404 under the header, with the navigation and the way home", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  const response = await page.goto(`${s.portalUrl}/no-such-page`);
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toContainText("Page not found");
  await expect(page.getByTestId("signed-in-user")).toHaveText("bob@corp.example");
  await expect(
    page
      .getByRole("navigation", { name: "Main" })
      .first()
      .getByRole("link", { name: "CLI sessions" }),
  ).toBeVisible();
  await page.getByRole("link", { name: "Back to your accounts" }).click();
  await page.waitForURL(`${s.portalUrl}/accounts`);
});

test("a page that does not exist answers 404 with a sign-in link to someone not signed in", async ({
  page,
}) => {
  const s = stack();
  const response = await page.goto(`${s.portalUrl}/no-such-page`);
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toContainText("Page not found");
  await expect(page.getByTestId("signed-in-user")).toHaveCount(0);
  await page.getByTestId("header-sign-in").click();
  await page.waitForURL(`${s.portalUrl}/signin`);
  await expect(
    page.getByRole("button", { name: "Sign in with Corp Identity (demo)" }),
  ).toBeVisible();
});

test("an admin page refused to an employee answers 403 under the header, with the navigation and the way home", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  for (const path of ["/admin/people", "/admin/audit", "/admin/access"]) {
    const response = await page.goto(`${s.portalUrl}${path}`);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByTestId("forbidden")).toContainText("403 · Not allowed");
    await expect(page.getByTestId("signed-in-user")).toHaveText("bob@corp.example");
    await expect(
      page
        .getByRole("navigation", { name: "Main" })
        .first()
        .getByRole("link", { name: "Accounts" }),
    ).toBeVisible();
  }
  await page.getByRole("link", { name: "Back to your accounts" }).click();
  await page.waitForURL(`${s.portalUrl}/accounts`);
});

test("on a phone, the 404 page's header, message and way home fit the screen", async ({ page }) => {
  const s = stack();
  await page.setViewportSize(PHONE);
  await signedInAs(page, s, "bob");
  const response = await page.goto(`${s.portalUrl}/no-such-page`);
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("main-menu-button")).toBeVisible();
  const widths = await page.evaluate(() => ({
    content: document.documentElement.scrollWidth,
    window: document.documentElement.clientWidth,
  }));
  expect(widths.content).toBeLessThanOrEqual(widths.window);
});

test("the People page shows when each identity joined as a UTC time, the full instant in its dateTime", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/people?q=alice%40corp.example`);
  const identity = await s.db.user.findFirstOrThrow({
    where: { email: "alice@corp.example" },
    select: { createdAt: true, lastLoginAt: true },
  });
  const iso = identity.createdAt.toISOString();
  const joined = page.getByTestId("identity").first().getByTestId("joined").locator("time");
  await expect(joined).toHaveAttribute("datetime", iso);
  await expect(joined).toHaveAttribute("title", `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`);
  await expect(joined).toHaveText(`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`);
  await expect(page.getByTestId("identity").first().getByTestId("joined")).toContainText(
    "first identity",
  );
  const lastSignIn = page
    .getByTestId("identity")
    .first()
    .getByTestId("last-sign-in")
    .locator("time");
  await expect(lastSignIn).toHaveAttribute("datetime", identity.lastLoginAt!.toISOString());
});

test("on a phone, the command that signs a terminal in stays on one line, scrolling in its block, and the help to run is named", async ({
  page,
}) => {
  const s = stack();
  await page.setViewportSize(PHONE);
  await signedInAs(page, s, "bob");
  await page.goto(`${s.portalUrl}/cli-sessions`);
  const hint = page.getByTestId("cli-login-hint");
  const command = hint.getByTestId("command");
  await expect(command).toHaveText(`gatehouse login --portal ${s.portalUrl}`);
  const layout = await command.evaluate((block) => {
    const range = document.createRange();
    range.selectNodeContents(block);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return {
      lines: lines.size,
      page: document.documentElement.scrollWidth,
      window: document.documentElement.clientWidth,
    };
  });
  expect(layout.lines, "the command is on one line").toBe(1);
  expect(layout.page, "the page is no wider than the screen").toBeLessThanOrEqual(layout.window);
  await expect(hint).toContainText("gatehouse --help");
  await expect(page.locator("main")).not.toContainText("README");
});

test("a refused console destination says what is wrong and what is accepted", async ({ page }) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  await page.goto(
    `${s.portalUrl}/console?account=acme-production&role=ReadOnly&region=eu-central-1&destination=${encodeURIComponent("https://evil.example/")}`,
  );
  const alert = page.getByTestId("issue-error");
  await expect(alert).toContainText("'evil.example' is not an AWS console host");
  await expect(alert).toContainText(
    "Accepted: a service such as ec2 or s3, a console path starting with / (like /ec2/home#Instances:), or an https:// URL on console.aws.amazon.com or <region>.console.aws.amazon.com",
  );
});

test("the first Tab on a page offers to skip the navigation, and the next one starts in the content", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  for (const path of ["/admin/people", "/no-such-page"]) {
    await page.goto(`${s.portalUrl}${path}`);
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page.locator("main")).toBeFocused();
    await page.keyboard.press("Tab");
    const focusedInMain = await page.evaluate(
      () => document.querySelector("main")?.contains(document.activeElement) ?? false,
    );
    expect(focusedInMain, `${path}: the Tab after the skip link lands in the content`).toBe(true);
  }
});

test("a destination typed into the console options that would be refused says why and what is accepted, before any request", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  await page.getByTestId("console-options-button").first().click();
  const options = page.getByTestId("console-options");
  await options
    .getByTestId("destination-select")
    .selectOption({ label: "Other: a console path or URL…" });
  const input = options.getByTestId("destination-input");
  await input.fill("/ec2/../iam/home");
  const error = options.getByTestId("destination-error");
  await expect(error).toContainText(
    "Can't open this: a console path must not contain '.' or '..' segments.",
  );
  await expect(error).toContainText("Accepted: a service such as ec2 or s3");
  await expect(input).toHaveAttribute("aria-invalid", "true");
  await expect(input).toHaveAccessibleDescription(/Accepted: a service such as ec2 or s3/);
  await expect(options.getByRole("button", { name: "Open console" })).toBeDisabled();
});
