// SAML end to end in Chromium: sign in through the demo SAML IdP's own login page, then reach AWS
// two ways — a broker role (AssumeRole, as for OIDC users) and a SAML-federated role
// (AssumeRoleWithSAML with an assertion from the IdP's AWS app, relayed through the portal) — and
// the admin page where SAML IdPs are imported from metadata.
import path from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Page, Request } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { ROOT } from "@/dev/local-stack";
import { roleRow, shownAccounts, signInThroughBrowser } from "./support/e2e-stack";
import {
  demoUser,
  openSamlLoginPage,
  samlIdpOrigin,
  samlUserOf,
  signInThroughSaml,
  startSamlStackPerFile,
  type SamlTestStack,
} from "./support/saml-e2e-stack";

const stack = startSamlStackPerFile();

const BOB_EMAIL = "bob@corp.example";
const ALICE_EMAIL = "alice@corp.example";
const PRODUCTION_ACCOUNT_ID = "210987654321";
const STAGING_ACCOUNT_ID = "345678901234";
/** For the person running the suite to look at; test-results/ is Playwright's outputDir, never public/. */
const ADMIN_SCREENSHOT = path.join(ROOT, "test-results", "saml-admin-identity-providers.png");

interface CredentialProcessOutput {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

/** Opens CLI credentials on a role and reads the credential_process JSON once they are issued. */
async function takeCliCredentials(
  page: Page,
  accountName: string,
  roleName: string,
): Promise<CredentialProcessOutput> {
  await roleRow(page, accountName, roleName)
    .getByRole("button", { name: "CLI credentials" })
    .click();
  const dialog = page.getByTestId("credentials-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(`${accountName} / ${roleName}`);
  await expect(dialog.getByTestId("credentials-expiry")).toBeVisible();
  await dialog.getByRole("tab", { name: "credential_process" }).click();
  const text = dialog.getByTestId("credentials-text");
  await expect(text).toHaveAttribute("data-format", "credential-process");
  const issued = JSON.parse(await text.innerText()) as CredentialProcessOutput;
  expect(issued.Version).toBe(1);
  expect(issued.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
  expect(new Date(issued.Expiration).getTime()).toBeGreaterThan(Date.now());
  await expect(dialog.getByTestId("credentials-expiry")).toContainText(issued.AccessKeyId);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toHaveCount(0);
  return issued;
}

/** GetCallerIdentity with the real AWS SDK against the STS stand-in. */
async function callerIdentity(
  s: SamlTestStack,
  issued: CredentialProcessOutput,
): Promise<{ Account?: string; Arn?: string }> {
  const sts = new STSClient({
    endpoint: s.aws.stsEndpoint,
    region: "us-east-1",
    credentials: {
      accessKeyId: issued.AccessKeyId,
      secretAccessKey: issued.SecretAccessKey,
      sessionToken: issued.SessionToken,
    },
  });
  try {
    const { Account, Arn } = await sts.send(new GetCallerIdentityCommand({}));
    return { Account, Arn };
  } finally {
    sts.destroy();
  }
}

/** Clicks Console on a role and returns the stand-in console tab once it has landed. */
async function openConsole(page: Page, s: SamlTestStack, accountName: string, roleName: string) {
  const popupOpened = page.waitForEvent("popup");
  await roleRow(page, accountName, roleName)
    .getByRole("button", { name: /^Console:/ })
    .click();
  const consoleTab = await popupOpened;
  // The tab opens blank during the click, then is pointed at the federation login URL.
  await consoleTab.waitForURL(/\/federation/);
  expect(new URL(consoleTab.url()).origin).toBe(new URL(s.aws.url).origin);
  return consoleTab;
}

/** Records the main frame's navigation requests (method and URL), to prove where the browser went. */
function recordNavigations(page: Page): Array<{ method: string; url: URL }> {
  const seen: Array<{ method: string; url: URL }> = [];
  page.on("request", (request: Request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      seen.push({ method: request.method(), url: new URL(request.url()) });
    }
  });
  return seen;
}

test("SAML sign-in goes through the IdP's own login page and shows the roles of the SAML identity, keyed by (IdP entityID, NameID)", async ({
  page,
}) => {
  const s = stack();
  await page.goto(s.portalUrl);
  await expect(page).toHaveURL(`${s.portalUrl}/signin?callbackUrl=%2Faccounts`);
  await expect(page.getByRole("heading", { name: "Sign in to Gatehouse" })).toBeVisible();

  await openSamlLoginPage(page, s);
  // The password is typed on the IdP's origin, never the portal's.
  expect(new URL(page.url()).origin).toBe(samlIdpOrigin(s));
  await page.locator('input[name="username"]').fill("bob");
  await page.locator('input[name="password"]').fill("bob-demo-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();

  await page.waitForURL(`${s.portalUrl}/accounts`);
  await expect(page.getByTestId("signed-in-user")).toHaveText(BOB_EMAIL);
  await expect(page.getByTestId("account")).toHaveCount(3);
  // DataScience is granted to the OIDC user "bob" by name; the SAML bob is another user.
  expect(await shownAccounts(page)).toEqual([
    { account: "acme-production", roles: ["FederatedReadOnly", "ReadOnly"] },
    { account: "acme-sandbox", roles: ["Developer"] },
    { account: "acme-staging", roles: ["Developer"] },
  ]);
  await expect(page.getByTestId("role")).toHaveCount(4);
  await expect(page.getByRole("link", { name: "Identity providers" })).toHaveCount(0);

  const user = await samlUserOf(s, BOB_EMAIL);
  expect(user.issuer).toBe(s.samlIdp.entityId);
  expect(user.issuer).not.toBe(s.idp.issuer);
  const session = await s.db.portalSession.findFirstOrThrow({
    where: { userId: user.id, revokedAt: null },
    orderBy: { createdAt: "desc" },
  });
  expect(session.method).toBe("saml");
});

test("a broker role over a SAML session: Console and CLI credentials work as bob's portal session", async ({
  page,
}) => {
  const s = stack();
  await signInThroughSaml(page, s, "bob");
  const { roleSessionName } = await samlUserOf(s, BOB_EMAIL);

  const consoleTab = await openConsole(page, s, "acme-staging", "Developer");
  await expect(consoleTab.getByTestId("console-account")).toHaveText(STAGING_ACCOUNT_ID);
  await expect(consoleTab.getByTestId("console-role")).toHaveText("Developer");
  await expect(consoleTab.getByTestId("console-session")).toHaveText(roleSessionName);
  await consoleTab.close();
  // A broker role needs no trip to the IdP: the portal page stays where it was.
  await expect(page).toHaveURL(`${s.portalUrl}/accounts`);

  const issued = await takeCliCredentials(page, "acme-staging", "Developer");
  const identity = await callerIdentity(s, issued);
  expect(identity.Account).toBe(STAGING_ACCOUNT_ID);
  expect(identity.Arn).toBe(
    `arn:aws:sts::${STAGING_ACCOUNT_ID}:assumed-role/Developer/${roleSessionName}`,
  );
});

/** Reads the credential_process JSON from the open credentials dialog, then closes it. */
async function readOpenDialogCredentials(page: Page, title: string) {
  const dialog = page.getByTestId("credentials-dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(title);
  await dialog.getByRole("tab", { name: "credential_process" }).click();
  const text = dialog.getByTestId("credentials-text");
  await expect(text).toHaveAttribute("data-format", "credential-process");
  const issued = JSON.parse(await text.innerText()) as CredentialProcessOutput;
  await dialog.getByRole("button", { name: "Close" }).click();
  return issued;
}

test("one click on CLI credentials for a SAML-federated role: the IdP's AWS app, back, and the credentials are shown (AssumeRoleWithSAML)", async ({
  page,
}) => {
  const s = stack();
  await signInThroughSaml(page, s, "bob");
  const navigations = recordNavigations(page);

  // No assertion held yet: the click goes to the IdP's AWS app and back, and the dialog opens.
  await roleRow(page, "acme-production", "FederatedReadOnly")
    .getByRole("button", { name: "CLI credentials" })
    .click();
  const issued = await readOpenDialogCredentials(page, "acme-production / FederatedReadOnly");
  // The address no longer asks for credentials: a reload doesn't issue again.
  await expect(page).toHaveURL(`${s.portalUrl}/accounts`);
  const idpOrigin = samlIdpOrigin(s);
  const portalOrigin = new URL(s.portalUrl).origin;
  const trip = navigations.map(({ method, url }) => `${method} ${url.origin}${url.pathname}`);
  expect(trip).toEqual([
    `GET ${portalOrigin}/api/aws/saml/start`,
    `GET ${idpOrigin}/saml/start/aws`,
    `POST ${portalOrigin}/api/aws/saml/relay`,
    `GET ${portalOrigin}/api/aws/saml/claim`,
    `GET ${portalOrigin}/accounts`,
  ]);
  const identity = await callerIdentity(s, issued);
  expect(identity.Account).toBe(PRODUCTION_ACCOUNT_ID);
  // The session name is the RoleSessionName the AWS app asserts (dev/saml-idp/aws-attributes.ts).
  expect(identity.Arn).toBe(
    `arn:aws:sts::${PRODUCTION_ACCOUNT_ID}:assumed-role/FederatedReadOnly/${BOB_EMAIL}`,
  );

  // Now that the session holds the assertion, Console opens a tab at once, like a broker role.
  const consoleTab = await openConsole(page, s, "acme-production", "FederatedReadOnly");
  await expect(consoleTab.getByTestId("console-account")).toHaveText(PRODUCTION_ACCOUNT_ID);
  await expect(consoleTab.getByTestId("console-role")).toHaveText("FederatedReadOnly");
  await expect(consoleTab.getByTestId("console-session")).toHaveText(BOB_EMAIL);
  await consoleTab.close();
  await expect(page).toHaveURL(`${s.portalUrl}/accounts`);

  // Both issuances are audited like broker ones: authorized before STS, issued after.
  const user = await samlUserOf(s, BOB_EMAIL);
  const roleArn = `arn:aws:iam::${PRODUCTION_ACCOUNT_ID}:role/FederatedReadOnly`;
  await expect
    .poll(async () =>
      (
        await s.db.auditEvent.findMany({
          where: { actorUserId: user.id, roleArn, outcome: "success" },
          select: { action: true },
        })
      )
        .map((e) => e.action)
        .sort(),
    )
    .toEqual([
      "console.authorized",
      "console.issued",
      "credentials.authorized",
      "credentials.issued",
    ]);
});

test("one click on Console for a SAML-federated role: the IdP's AWS app, back, and the console opens in the region chosen", async ({
  page,
}) => {
  const s = stack();
  await signInThroughSaml(page, s, "bob");
  await page.getByTestId("region-select").selectOption("eu-west-1");
  await roleRow(page, "acme-production", "FederatedReadOnly")
    .getByRole("button", { name: /^Console:/ })
    .click();
  // Back from the AWS app, the role's console deep link goes on by itself (this tab asked for it).
  await page.waitForURL(/\/federation/);
  await expect(page.getByTestId("console-account")).toHaveText(PRODUCTION_ACCOUNT_ID);
  await expect(page.getByTestId("console-role")).toHaveText("FederatedReadOnly");
  await expect(page.getByTestId("console-region")).toHaveText("eu-west-1");
});

test("signed in with OIDC, a SAML-federated role offers a button to sign in with the SAML IdP, which continues to the console", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "bob");
  await roleRow(page, "acme-production", "FederatedReadOnly")
    .getByRole("button", { name: /^Console:/ })
    .click();
  const notice = page.getByTestId("notice");
  await expect(notice).toContainText("you signed in another way");
  await notice.getByRole("link", { name: "Sign in with Corp Identity (demo)" }).click();
  // The SAML IdP asks for bob's password (a different sign-in), then the trip goes on by itself.
  const user = demoUser("bob");
  await page.locator('input[name="username"]').fill(user.username);
  await page.locator('input[name="password"]').fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/federation/);
  await expect(page.getByTestId("console-account")).toHaveText(PRODUCTION_ACCOUNT_ID);
  await expect(page.getByTestId("console-role")).toHaveText("FederatedReadOnly");
  await expect(page.getByTestId("console-session")).toHaveText(BOB_EMAIL);
});

test("a link from elsewhere to the credentials resume address only offers a button: nothing is issued without a click", async ({
  page,
}) => {
  const s = stack();
  await signInThroughSaml(page, s, "bob");
  const user = await samlUserOf(s, BOB_EMAIL);
  const role = await s.db.role.findFirstOrThrow({
    where: { name: "Developer", awsAccount: { name: "acme-staging" } },
  });
  const issuedBefore = await s.db.auditEvent.count({
    where: { actorUserId: user.id, action: "credentials.issued" },
  });
  await page.goto(`${s.portalUrl}/accounts?credentials=${role.id}`);
  const offer = page.getByTestId("resume-offer");
  await expect(offer).toContainText("acme-staging / Developer");
  await expect(page.getByTestId("credentials-dialog")).toHaveCount(0);
  expect(
    await s.db.auditEvent.count({ where: { actorUserId: user.id, action: "credentials.issued" } }),
  ).toBe(issuedBefore);
  await offer.getByRole("button", { name: "Get CLI credentials" }).click();
  await readOpenDialogCredentials(page, "acme-staging / Developer");
});

test("a failed SAML sign-in (Cancel at the IdP: a non-Success response) shows the generic error with a request id and creates no session", async ({
  page,
}) => {
  const s = stack();
  const sessionsBefore = await s.db.portalSession.count();

  await openSamlLoginPage(page, s);
  await page.getByRole("link", { name: "Cancel" }).click();

  await page.waitForURL(
    (url) =>
      url.origin === new URL(s.portalUrl).origin &&
      url.pathname === "/signin" &&
      url.searchParams.get("error") === "saml",
  );
  const requestId = new URL(page.url()).searchParams.get("requestId") ?? "";
  expect(requestId).toMatch(/^[A-Za-z0-9-]{8,64}$/);
  // (Next's route announcer is an empty role="alert" too.)
  const alert = page.getByRole("alert").filter({ hasText: "Sign-in did not succeed." });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("give your administrator this reference");
  await expect(alert.getByTestId("request-id")).toHaveText(requestId);
  await expect(page.getByTestId("signed-in-user")).toHaveCount(0);

  // No session: no cookie, no row, and /accounts still asks for sign-in.
  const cookies = await page.context().cookies(s.portalUrl);
  expect(cookies.filter((c) => c.name.endsWith("gatehouse.session"))).toEqual([]);
  expect(await s.db.portalSession.count()).toBe(sessionsBefore);
  await page.goto(`${s.portalUrl}/accounts`);
  await expect(page).toHaveURL(`${s.portalUrl}/signin?callbackUrl=%2Faccounts`);

  // The specific reason is in the audit log under that request id, not on the page.
  const failure = await s.db.auditEvent.findFirstOrThrow({
    where: { requestId, action: "auth.sign-in-failed" },
  });
  expect(failure.outcome).toBe("denied");
  const details = JSON.parse(failure.detailsJson) as {
    method?: string;
    idp?: string;
    reason?: string;
  };
  expect(details).toMatchObject({ method: "saml", idp: "corp-saml" });
  expect(details.reason ?? "").not.toBe("");
  expect(details.reason).not.toBe("internal_error");
});

test("an admin signed in with SAML sees the IdP and the SP metadata URL, and importing metadata fails clearly for a duplicate entityID and for malformed XML", async ({
  page,
}) => {
  const s = stack();
  await signInThroughSaml(page, s, "alice");
  // Admin through the groups attribute of the SAML assertion, not through an OIDC sign-in.
  expect((await samlUserOf(s, ALICE_EMAIL)).issuer).toBe(s.samlIdp.entityId);
  await page.getByRole("link", { name: "Identity providers" }).click();
  await page.waitForURL(`${s.portalUrl}/admin/identity-providers`);
  await expect(page.getByRole("heading", { name: "Identity providers" })).toBeVisible();

  const spMetadataUrl = `${s.portalUrl}/api/auth/saml/metadata`;
  const spMetadataLink = page.getByTestId("sp-metadata-url");
  await expect(spMetadataLink).toHaveText(spMetadataUrl);
  await expect(spMetadataLink).toHaveAttribute("href", spMetadataUrl);
  const spMetadata = await page.request.get(spMetadataUrl);
  expect(spMetadata.ok()).toBe(true);
  expect(await spMetadata.text()).toContain("SPSSODescriptor");

  const rows = page.getByTestId("idp-table").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Corp Identity (demo)");
  await expect(rows.first()).toContainText("(corp-saml)");
  await expect(rows.first()).toContainText(s.samlIdp.entityId);

  // The demo IdP's own metadata: its entityID is registered already.
  const idpMetadata = await page.request.get(`${s.samlIdp.url}/saml/metadata`);
  expect(idpMetadata.ok()).toBe(true);
  const form = page.getByTestId("idp-form");
  const submitMetadata = async (xml: string) => {
    // The form is reset after each submission (React form actions): fill every field each time.
    await form.locator('input[name="displayName"]').fill("Second IdP");
    await form.locator('input[name="slug"]').fill("second-idp");
    await form.locator('textarea[name="metadataXml"]').fill(xml);
    await form.getByRole("button", { name: "Add identity provider" }).click();
  };

  await submitMetadata(await idpMetadata.text());
  await expect(form).toContainText(
    `The identity provider Corp Identity (demo) (corp-saml) already has the entity ID ${s.samlIdp.entityId}.`,
  );
  await expect(form.getByRole("status")).toHaveCount(0);

  await submitMetadata(
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example/">',
  );
  // The parser's message: "not acceptable XML (malformed_xml)" or "not well-formed XML".
  await expect(
    form.getByText(/^The metadata is not (?:acceptable|well-formed) XML\b/),
  ).toBeVisible();
  await expect(form).not.toContainText("already has the entity ID");
  await expect(form.getByRole("status")).toHaveCount(0);

  // Neither attempt added anything.
  await expect(rows).toHaveCount(1);
  expect(await s.db.samlIdentityProvider.count()).toBe(1);

  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({
    path: ADMIN_SCREENSHOT,
    fullPage: true,
    animations: "disabled",
    caret: "hide",
  });
  await test
    .info()
    .attach("admin-identity-providers.png", { path: ADMIN_SCREENSHOT, contentType: "image/png" });
});
