// An on-call responder reads the audit log on a phone (375 × 812 CSS px): the events come first,
// the thirteen filters fold into a "Filters · N active" disclosure whose active filters stay
// readable and removable as links, and each event's time, action, outcome, who and account / role
// are on screen without scrolling sideways. The form opens by itself when nothing matches.
import type { Locator } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { roleRow, signedInAs, startStackPerFile } from "./support/e2e-stack";
import { expectNoSidewaysScroll } from "./support/screen-fit";

const stack = startStackPerFile();
const PHONE = { width: 375, height: 812 };

test.use({ viewport: PHONE });

/** What a responder reads first in an event, as its cells: time, action, outcome, who. */
const ESSENTIALS = ["time", "action", "outcome", "who"] as const;

async function expectEssentialsOnFirstScreen(row: Locator): Promise<void> {
  for (const [i, name] of ESSENTIALS.entries())
    await expectOnFirstScreen(`the newest event's ${name}`, row.getByRole("cell").nth(i + 1));
}

/** Wholly on the first screen: nothing of it needs a scroll, down or sideways. */
async function expectOnFirstScreen(name: string, element: Locator): Promise<void> {
  const box = await element.boundingBox();
  expect(box, `${name} is rendered`).not.toBeNull();
  expect(box!.x, `${name} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${name} ends on screen`).toBeLessThanOrEqual(PHONE.width);
  expect(box!.y + box!.height, `${name} is above the fold`).toBeLessThanOrEqual(PHONE.height);
}

test("on a phone the audit log's first event is on the first screen, its time, action, outcome, who and account / role readable without scrolling sideways", async ({
  page,
  browser,
}) => {
  const s = stack();
  const bob = await browser.newContext({ viewport: PHONE });
  const bobPage = await bob.newPage();
  await signedInAs(bobPage, s, "bob");
  await roleRow(bobPage, "acme-staging", "Developer").getByRole("button", { name: "CLI" }).click();
  await expect(bobPage.getByTestId("credentials-expiry")).toBeVisible();
  await bob.close();

  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/audit`);
  await expectNoSidewaysScroll(page);
  await expectEssentialsOnFirstScreen(page.getByTestId("audit-row").first());

  await page.goto(`${s.portalUrl}/admin/audit?action=credentials.issued`);
  await expectNoSidewaysScroll(page);
  const frame = page.getByTestId("audit-table").locator("..");
  const scrolls = await frame.evaluate((f) => f.scrollWidth > f.clientWidth);
  expect(scrolls, "the table's own frame does not scroll sideways either").toBe(false);
  const row = page.getByTestId("audit-row").first();
  await expect(row).toContainText("bob@corp.example");
  const cells = row.getByRole("cell");
  await expect(cells.nth(5)).toContainText("arn:aws:iam::345678901234:role/Developer");
  await expectEssentialsOnFirstScreen(row);
  await expectOnFirstScreen("the event's account / role", cells.nth(5));
});

test("on a phone the filters fold into 'Filters · N active', each active filter a link that removes it; they open on a tap, and by themselves when nothing matches", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  await page.goto(
    `${s.portalUrl}/admin/audit?outcome=success&action=auth.sign-in&user=alice%40corp.example`,
  );
  await expect(page.getByText("Filters · 3 active")).toBeVisible();
  await expect(page.getByLabel("Action", { exact: true })).toBeHidden();
  await expectEssentialsOnFirstScreen(page.getByTestId("audit-row").first());
  const chips = page.getByTestId("audit-active-filters").getByRole("link");
  await expect(chips).toHaveText([
    /User: alice@corp\.example/,
    /Action: auth\.sign-in/,
    /Outcome: success/,
    "Remove all filters",
  ]);
  const removeAction = page.getByRole("link", { name: "Remove filter Action: auth.sign-in" });
  // A plain link: it works without a script, and starts again at the newest event.
  await expect(removeAction).toHaveAttribute(
    "href",
    "/admin/audit?outcome=success&user=alice%40corp.example",
  );
  await removeAction.click();
  await page.waitForURL((url) => !url.searchParams.has("action"));
  await expect(chips).toHaveCount(3);
  await expectNoSidewaysScroll(page);

  await page.getByText("Filters · 2 active").click();
  await expect(page.getByLabel("Outcome", { exact: true })).toHaveValue("success");
  await expect(page.getByRole("button", { name: "Apply filters" })).toBeVisible();

  await page.goto(`${s.portalUrl}/admin/audit?user=nobody%40corp.example`);
  await expect(page.getByTestId("audit-count")).toHaveText("No events match these filters.");
  await expect(page.getByLabel("User (email or user id)")).toHaveValue("nobody@corp.example");
  await expect(page.getByRole("button", { name: "Apply filters" })).toBeVisible();
});

test("on a phone the admin links are one line that scrolls sideways, scrolled to the page shown, and each stays tappable", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  const adminNav = page.getByRole("navigation", { name: "Administration" });
  for (const [path, name] of [
    ["/admin/audit", "Audit log"],
    ["/admin/webhooks", "Webhook deliveries"],
  ] as const) {
    await page.goto(`${s.portalUrl}${path}`);
    const shown = adminNav.getByRole("link", { name, exact: true });
    await expect(shown).toHaveAttribute("aria-current", "page");
    const nav = (await adminNav.boundingBox())!;
    expect(nav.height, "one line of 24 px links").toBeLessThanOrEqual(40);
    // Scrolled to the page shown (HeaderLink), within the screen.
    await expect.poll(async () => (await shown.boundingBox())!.x).toBeGreaterThanOrEqual(0);
    await expectOnFirstScreen(`the ${name} link`, shown);
    await expectNoSidewaysScroll(page);
  }
  // A link off the screen is reached by the row's own scroll, and taps through.
  const first = adminNav.getByRole("link", { name: "Audit log", exact: true });
  await first.click();
  await page.waitForURL(`${s.portalUrl}/admin/audit`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Audit log");
});
