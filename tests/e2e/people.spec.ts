// An administrator links one person's two identities in Chromium (docs/SECURITY.md "People"): bob
// signs in with OIDC and with SAML, and is two people; on Admin → People alice links the SAML
// identity to bob's OIDC person, then unlinks it again.
import { expect, test } from "@playwright/test";
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
