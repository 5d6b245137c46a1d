// An administrator links one person's two identities in Chromium (docs/SECURITY.md "People"): bob
// signs in with OIDC and with SAML, and is two people; on Admin → People alice links the SAML
// identity to bob's OIDC person, then unlinks it again.
import { expect, test } from "./support/hydrated-test";
import { signInThroughBrowser } from "./support/e2e-stack";
import { signInThroughSaml, startSamlStackPerFile } from "./support/saml-e2e-stack";

const stack = startSamlStackPerFile();
/** For the person running the suite to look at (outside the repository). */
const SCREENSHOT = process.env.GATEHOUSE_PEOPLE_SCREENSHOT ?? "/tmp/people.png";

test("an admin links bob's SAML identity to bob, and unlinks it", async ({ browser }) => {
  const s = stack();
  for (const signInAs of [signInThroughBrowser, signInThroughSaml]) {
    const context = await browser.newContext();
    await signInAs(await context.newPage(), s, "bob");
    await context.close();
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughBrowser(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/people?q=bob%40corp.example`);
  await expect(page.getByTestId("person")).toHaveCount(2);

  const first = page.getByTestId("person").first();
  await first.getByRole("combobox").selectOption({ index: 1 });
  await first.getByRole("button", { name: "Link" }).click();
  await expect(page.getByTestId("notice")).toContainText("Linked");
  await expect(page.getByTestId("person")).toHaveCount(1);
  await expect(page.getByTestId("identity")).toHaveCount(2);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  await page
    .getByRole("button", { name: /^Unlink bob@corp\.example/ })
    .first()
    .click();
  await expect(page.getByTestId("notice")).toContainText("Unlinked");
  await expect(page.getByTestId("person")).toHaveCount(2);
  expect(await s.db.auditEvent.count({ where: { action: "admin.person.linked" } })).toBe(1);
  expect(await s.db.auditEvent.count({ where: { action: "admin.person.unlinked" } })).toBe(1);
  await context.close();
});

test("an admin finds a person in any case, pages past the first fifty, and revokes one", async ({
  browser,
}) => {
  const s = stack();
  const base = Date.UTC(2026, 0, 1);
  for (let i = 0; i < 60; i++) {
    await s.db.person.create({
      data: {
        identities: {
          create: {
            issuer: "https://many.example",
            subject: `many-${i}`,
            email: `Many${String(i).padStart(2, "0")}@Many.Example`,
            roleSessionName: `e2e-many-${i}`,
            lastLoginAt: new Date(base + i * 60_000),
          },
        },
      },
    });
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughBrowser(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/people`);
  await page.getByLabel("Search people").fill("MANY.example");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("person")).toHaveCount(50);
  await expect(page.getByTestId("people-range")).toHaveText("People 1–50");
  await page.getByTestId("people-next").click();
  await expect(page.getByTestId("people-range")).toHaveText("People 51–60");
  await expect(page.getByTestId("person")).toHaveCount(10);
  await expect(page.getByTestId("person").first()).toContainText("Many09@Many.Example");
  await page.screenshot({ path: ".tmp/people-page-2.png", fullPage: true });

  const last = page.getByTestId("person").last();
  await last.getByText("Revoke access…").click();
  await expect(last, "says what it ends before anyone presses it").toContainText(
    "with their approved elevations and pending access requests",
  );
  await last.getByTestId("revoke-person").click();
  await expect(page.getByTestId("person-revoked")).toContainText(
    "Revoked Many00@Many.Example: 0 portal sessions and 0 CLI sessions ended",
  );
  // Their elevations and pending requests end with them (README "Revoking a person").
  await expect(page.getByTestId("person-revoked")).toContainText(
    "0 approved elevations ended and 0 pending access requests cancelled",
  );
  await expect(page.getByTestId("people-range"), "back on the page it was revoked from").toHaveText(
    "People 51–60",
  );
  await page.screenshot({ path: ".tmp/people-revoked.png", fullPage: true });
  await context.close();
});
