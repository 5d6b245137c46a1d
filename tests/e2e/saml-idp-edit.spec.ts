// An administrator edits a SAML IdP in Chromium (docs/SAML-IDENTITY.md "Editing an IdP"): from the
// list to its page, a refused save that keeps what was typed, a save, a certificate added by
// pasting its PEM and removed again; a certificate not valid yet flagged on the list; and the add
// form keeping what was typed when refused, or refusing an oversized metadata file before posting it.
import { X509Certificate } from "node:crypto";
import { expect, test } from "./support/hydrated-test";
import { formatUtc } from "@/lib/format-utc";
import { getTestSigningKey } from "@/tests/support/saml-fixtures";
import { signInThroughSaml, startSamlStackPerFile } from "./support/saml-e2e-stack";

const stack = startSamlStackPerFile();
/** For the person running the suite to look at (outside the repository). */
const SCREENSHOT = process.env.GATEHOUSE_IDP_EDIT_SCREENSHOT ?? "/tmp/idp-edit.png";
const NOT_YET_VALID_SCREENSHOT =
  process.env.GATEHOUSE_IDP_CERT_SCREENSHOT ?? "/tmp/idp-certificate-not-yet-valid.png";
const ADD_SCREENSHOT = process.env.GATEHOUSE_IDP_ADD_SCREENSHOT ?? "/tmp/idp-add-too-large.png";

// First: the next test renames the IdP, and with it the sign-in page's link.
test("the add form keeps what was typed when the metadata is refused", async ({ page }) => {
  const s = stack();
  await signInThroughSaml(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/identity-providers`);
  const form = page.getByTestId("idp-form");
  await form.locator('input[name="displayName"]').fill("Partner IdP");
  await form.locator('input[name="slug"]').fill("partner");
  await form.locator('textarea[name="metadataXml"]').fill("<not-metadata/>");
  await form.locator('input[name="emailAttribute"]').fill("mail");
  await form.locator('input[name="allowIdpInitiated"]').check();
  await form.getByRole("button", { name: "Add identity provider" }).click();
  await expect(form.getByTestId("idp-form-error")).toBeVisible();
  await expect(form.locator('input[name="displayName"]')).toHaveValue("Partner IdP");
  await expect(form.locator('input[name="slug"]')).toHaveValue("partner");
  await expect(form.locator('textarea[name="metadataXml"]')).toHaveValue("<not-metadata/>");
  await expect(form.locator('input[name="emailAttribute"]')).toHaveValue("mail");
  await expect(form.locator('input[name="allowIdpInitiated"]')).toBeChecked();
});

test("a metadata file over 512 KiB is refused before it is posted, with the size and what was typed", async ({
  page,
}) => {
  const s = stack();
  await signInThroughSaml(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/identity-providers`);
  const form = page.getByTestId("idp-form");
  await form.locator('input[name="displayName"]').fill("Federation");
  await form.locator('input[name="slug"]').fill("federation");
  // Over the server-action body limit (1 MB) too: posted, it would never reach the action.
  await form.locator('input[name="metadataFile"]').setInputFiles({
    name: "federation.xml",
    mimeType: "application/xml",
    buffer: Buffer.alloc(2 * 1024 * 1024, "a"),
  });
  await form.getByRole("button", { name: "Add identity provider" }).click();
  await expect(form.getByText("The metadata is larger than 512 KiB.")).toBeVisible();
  await expect(form.getByTestId("idp-form-error")).toBeVisible();
  await expect(form.locator('input[name="displayName"]')).toHaveValue("Federation");
  await expect(form.locator('input[name="slug"]')).toHaveValue("federation");
  await form.screenshot({ path: ADD_SCREENSHOT });
  expect(await s.db.samlIdentityProvider.count({ where: { slug: "federation" } })).toBe(0);
});

// Before the next test renames the IdP (and its sign-in link); it moves the portal's clock back
// before the demo IdP's certificate, and resets it.
test("the certificate list flags a certificate not valid yet, in the words adding an IdP uses", async ({
  page,
}) => {
  const s = stack();
  await signInThroughSaml(page, s, "alice");
  const row = await s.db.samlIdentityProvider.findUniqueOrThrow({ where: { slug: "corp-saml" } });
  const notBefore = new Date(new X509Certificate(s.samlIdp.signingCertificatePem).validFrom);
  s.portalClock.advance(notBefore.getTime() - Date.now() - 86_400_000);
  try {
    await page.goto(`${s.portalUrl}/admin/identity-providers/${row.id}`);
    const certificates = page.getByTestId("idp-certificates");
    await expect(certificates.getByTestId("certificate-validity")).toHaveText(
      `This certificate is valid only from ${formatUtc(notBefore, "date")}: the IdP's next certificate?`,
    );
    await expect(certificates.getByTestId("idp-no-valid-certificate")).toHaveText(
      "None of its signing certificates is valid today: sign-ins will fail if the IdP signs with another key.",
    );
    await page.evaluate(() => document.fonts.ready);
    await certificates.screenshot({ path: NOT_YET_VALID_SCREENSHOT, animations: "disabled" });
  } finally {
    s.portalClock.reset();
  }
});

test("an admin edits an IdP: a refused save keeps what was typed, a save is kept, a certificate is added and removed", async ({
  page,
}) => {
  const s = stack();
  await signInThroughSaml(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/identity-providers`);
  await page.getByTestId("idp-edit-corp-saml").click();
  const row = await s.db.samlIdentityProvider.findUniqueOrThrow({ where: { slug: "corp-saml" } });
  await page.waitForURL(`${s.portalUrl}/admin/identity-providers/${row.id}`);
  await expect(page.getByTestId("idp-fixed")).toContainText("corp-saml");

  const form = page.getByTestId("idp-edit-form");
  const field = (name: string) => form.locator(`[name="${name}"]`);
  await field("displayName").fill("Corp SAML (edited)");
  await field("ssoUrl").fill("not a url");
  await field("displayNameAttribute").fill("display name");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByTestId("idp-edit-form-error")).toBeVisible();
  await expect(form.getByTestId("field-error")).toHaveCount(2);
  await expect(field("displayName")).toHaveValue("Corp SAML (edited)");
  await expect(field("ssoUrl")).toHaveValue("not a url");
  await expect(field("displayNameAttribute")).toHaveValue("display name");
  expect(
    (await s.db.samlIdentityProvider.findUniqueOrThrow({ where: { id: row.id } })).displayName,
  ).toBe(row.displayName);

  await field("ssoUrl").fill(row.ssoUrl);
  await field("displayNameAttribute").fill("displayName");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByTestId("form-saved")).toHaveText("Saved.");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Corp SAML (edited)");

  const certificates = page.getByTestId("idp-certificates");
  const rows = certificates.getByTestId("idp-certificate");
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByRole("button", { name: "Remove" })).toBeDisabled();
  await certificates
    .locator('textarea[name="certificate"]')
    .fill(getTestSigningKey("idp-next").certificatePem);
  await certificates.getByRole("button", { name: "Add certificate" }).click();
  await expect(certificates.getByText("Certificate added.")).toBeVisible();
  await expect(rows).toHaveCount(2);

  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({
    path: SCREENSHOT,
    fullPage: true,
    animations: "disabled",
    caret: "hide",
  });

  await rows.nth(1).getByRole("button", { name: "Remove" }).click();
  await expect(rows).toHaveCount(1);
  await expect(certificates.getByText("Certificate removed.")).toBeVisible();
  // The settings form moved on with the page: saving it again is not refused as stale.
  await field("groupsAttribute").fill("groups");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByTestId("form-saved")).toHaveText("Saved.");
});
