// Names a screen reader reads out, in Chromium: every role row shows the same "Console" and
// "CLI credentials", so each button's accessible name adds the account and role after what it
// shows — a list of the page's buttons tells the rows apart, on a desktop and on a phone.
import type { Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { roleRow, signedInAs, startStackPerFile } from "./support/e2e-stack";

const stack = startStackPerFile();

const BOBS_ROLES = [
  ["acme-production", "ReadOnly"],
  ["acme-staging", "Developer"],
] as const;

/**
 * The accessible names of the page's buttons, as Chromium computes them (a name with a colon is
 * quoted whole in the snapshot's YAML: `- 'button "Console: a / b"': Console`).
 */
async function buttonNames(page: Page): Promise<string[]> {
  const snapshot = await page.locator("main").ariaSnapshot();
  return [...snapshot.matchAll(/^\s*- '?button "((?:[^"\\]|\\.)*)"/gm)].map((m) => m[1] ?? "");
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`at ${viewport.width} px every button on bob's accounts page has a name of its own, starting with what it shows`, async ({
    page,
  }) => {
    await page.setViewportSize(viewport);
    const s = stack();
    await signedInAs(page, s, "bob");
    await expect(page.getByTestId("role").first()).toBeVisible();

    const names = await buttonNames(page);
    expect(names.filter((n) => n.startsWith("Console:")).length).toBeGreaterThan(1);
    const repeated = names.filter((name, i) => names.indexOf(name) !== i);
    expect(repeated, `buttons sharing a name among ${names.join(" | ")}`).toEqual([]);

    for (const [account, role] of BOBS_ROLES) {
      const row = roleRow(page, account, role);
      const consoleButton = page.getByRole("button", {
        name: `Console: ${account} / ${role}`,
        exact: true,
      });
      await expect(consoleButton).toHaveCount(1);
      await expect(consoleButton).toHaveText("Console");
      const cliButton = page.getByRole("button", {
        name: `CLI credentials: ${account} / ${role}`,
        exact: true,
      });
      await expect(cliButton).toHaveCount(1);
      await expect(cliButton).toHaveText(viewport.width < 640 ? "CLI" : "CLI credentials", {
        useInnerText: true,
      });
      await expect(row.getByRole("button", { name: /^Console:/ })).toHaveCount(1);
    }
  });
}
