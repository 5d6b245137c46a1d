// Bob's whole day in the browser: sign in through the IdP, find a role, open the console in a new
// tab, take CLI credentials that really work against STS, sign out.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { expect, test } from "./support/hydrated-test";
import {
  roleRow,
  roleSessionNameOf,
  shownAccounts,
  signedInAs,
  signInThroughBrowser,
  startStackPerFile,
} from "./support/e2e-stack";

const stack = startStackPerFile();

const BOB_EMAIL = "bob@corp.example";
const STAGING_ACCOUNT_ID = "345678901234";

interface CredentialProcessOutput {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

test.describe("a developer's journey", () => {
  test("an unauthenticated visitor is sent to /signin and signs in on the IdP's own page", async ({
    page,
  }) => {
    const s = stack();
    await page.goto(s.portalUrl);
    await expect(page).toHaveURL(`${s.portalUrl}/signin?callbackUrl=%2Faccounts`);
    await expect(page.getByRole("heading", { name: "Sign in to Gatehouse" })).toBeVisible();

    await page.getByRole("button", { name: "Sign in with Corp Identity (demo)" }).click();
    const idpOrigin = new URL(s.idp.issuer).origin;
    await page.waitForURL((url) => url.origin === idpOrigin);
    expect(new URL(page.url()).origin).toBe(idpOrigin);
    expect(idpOrigin).not.toBe(new URL(s.portalUrl).origin);

    await page.locator('input[name="username"]').fill("bob");
    await page.locator('input[name="password"]').fill("bob-demo-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();

    await page.waitForURL(`${s.portalUrl}/accounts`);
    await expect(page.getByTestId("signed-in-user")).toHaveText(BOB_EMAIL);
  });

  test("the accounts page lists exactly the roles granted to the user", async ({ page }) => {
    const s = stack();
    await signedInAs(page, s, "bob");
    await expect(page.getByTestId("account")).toHaveCount(3);

    expect(await shownAccounts(page)).toEqual([
      { account: "acme-production", roles: ["FederatedReadOnly", "ReadOnly"] },
      { account: "acme-sandbox", roles: ["DataScience", "Developer"] },
      { account: "acme-staging", roles: ["Developer"] },
    ]);
    await expect(page.getByTestId("role")).toHaveCount(5);
    await expect(
      page.getByTestId("role-name").getByText("Administrator", { exact: true }),
    ).toHaveCount(0);
    await expect(page.getByTestId("account-name").getByText("acme-security")).toHaveCount(0);
    await expect(
      page.getByTestId("account-id").filter({ hasText: STAGING_ACCOUNT_ID }),
    ).toHaveCount(1);
    await expect(page.getByTestId("region-select")).toHaveValue("eu-west-1");
    // Bob is no admin: no way into the audit log from the header.
    await expect(page.getByRole("link", { name: "Audit log", exact: true })).toHaveCount(0);
  });

  test("search filters accounts and roles while typing and says when nothing matches", async ({
    page,
  }) => {
    const s = stack();
    await signedInAs(page, s, "bob");
    const search = page.getByRole("searchbox", { name: "Search accounts and roles" });

    // Typed key by key, never submitted: the list follows the box.
    await search.pressSequentially("staging", { delay: 30 });
    await expect(page.getByTestId("account")).toHaveCount(1);
    await expect(page.getByTestId("account-name")).toHaveText(["acme-staging"]);
    await expect(page.getByTestId("no-match")).toHaveCount(0);

    await search.fill("");
    await expect(page.getByTestId("account")).toHaveCount(3);

    await search.pressSequentially("zzz", { delay: 30 });
    await expect(page.getByTestId("no-match")).toBeVisible();
    await expect(page.getByTestId("no-match")).toContainText("zzz");
    await expect(page.getByTestId("account")).toHaveCount(0);

    await search.fill("");
    await expect(page.getByTestId("account")).toHaveCount(3);
  });

  test("Console opens a new tab signed in to the chosen account, role, session name and region", async ({
    page,
  }) => {
    const s = stack();
    await signedInAs(page, s, "bob");
    const sessionName = await roleSessionNameOf(s, BOB_EMAIL);

    await page.getByTestId("region-select").selectOption("us-west-2");
    const popupOpened = page.waitForEvent("popup");
    await roleRow(page, "acme-staging", "Developer")
      .getByRole("button", { name: /^Console:/ })
      .click();
    const consoleTab = await popupOpened;

    // The tab opens blank during the click, then is pointed at the federation login URL.
    await consoleTab.waitForURL(/\/federation/);
    expect(new URL(consoleTab.url()).origin).toBe(new URL(s.aws.url).origin);
    await expect(consoleTab.getByTestId("console-account")).toHaveText(STAGING_ACCOUNT_ID);
    await expect(consoleTab.getByTestId("console-role")).toHaveText("Developer");
    await expect(consoleTab.getByTestId("console-session")).toHaveText(sessionName);
    await expect(consoleTab.getByTestId("console-region")).toHaveText("us-west-2");
    await expect(consoleTab.getByTestId("console-destination")).toContainText("us-west-2");
    // The portal page stays where it was, with no error shown on the row.
    await expect(page).toHaveURL(`${s.portalUrl}/accounts`);
    await expect(
      roleRow(page, "acme-staging", "Developer").getByRole("button", {
        name: /^Console:/,
      }),
    ).toBeEnabled();
    await consoleTab.close();
  });

  test("CLI credentials are shown in every format and work against STS as the user's session", async ({
    page,
  }) => {
    const s = stack();
    await signedInAs(page, s, "bob");
    const sessionName = await roleSessionNameOf(s, BOB_EMAIL);

    await roleRow(page, "acme-staging", "Developer")
      .getByRole("button", { name: "CLI credentials" })
      .click();
    const dialog = page.getByTestId("credentials-dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("acme-staging / Developer");
    // In UTC as every page writes a time, not the browser's locale and zone.
    await expect(dialog.getByTestId("credentials-expiry")).toContainText(
      /^Expires \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in /,
    );

    const text = dialog.getByTestId("credentials-text");
    // A Linux browser gets the bash tab first.
    await expect(dialog.getByRole("tab", { name: "bash / zsh" })).toHaveAttribute(
      "aria-selected",
      "true",
    );
    await expect(text).toContainText(/^export AWS_ACCESS_KEY_ID='ASIA[A-Z0-9]{16}'$/m);
    await expect(text).toContainText(/^export AWS_SECRET_ACCESS_KEY='/m);
    await expect(text).toContainText(/^export AWS_SESSION_TOKEN='/m);
    await expect(text).toContainText("export AWS_REGION='eu-west-1'");

    await dialog.getByRole("tab", { name: "credential_process" }).click();
    await expect(text).toHaveAttribute("data-format", "credential-process");
    const issued = JSON.parse(await text.innerText()) as CredentialProcessOutput;
    expect(issued.Version).toBe(1);
    expect(issued.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(new Date(issued.Expiration).getTime()).toBeGreaterThan(Date.now());
    await expect(dialog.getByTestId("credentials-expiry")).toContainText(issued.AccessKeyId);
    // How to wire it into ~/.aws/config, with this dialog's profile name.
    await expect(dialog.getByTestId("credential-process-wiring")).toContainText(
      /\[profile [\w.-]+\]\ncredential_process = sh -c 'cat "\$HOME\/\.aws\/[\w.-]+\.json"'\nregion = eu-west-1/,
    );

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
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toBe(STAGING_ACCOUNT_ID);
      expect(identity.Arn).toBe(
        `arn:aws:sts::${STAGING_ACCOUNT_ID}:assumed-role/Developer/${sessionName}`,
      );
    } finally {
      sts.destroy();
    }

    // Every tab renders its own syntax around the same credentials.
    const formats: Array<{ tab: string; format: string; expected: RegExp[] }> = [
      {
        tab: "fish",
        format: "fish",
        expected: [/^set -gx AWS_ACCESS_KEY_ID '/m, /^set -gx AWS_SESSION_TOKEN '/m],
      },
      {
        tab: "PowerShell",
        format: "powershell",
        expected: [/^\$Env:AWS_ACCESS_KEY_ID = '/m, /^\$Env:AWS_SESSION_TOKEN = '/m],
      },
      {
        tab: "Windows cmd",
        format: "cmd",
        expected: [/^set "AWS_ACCESS_KEY_ID=ASIA/m, /^set "AWS_SESSION_TOKEN=/m],
      },
      {
        tab: "Credentials file",
        format: "credentials-file",
        expected: [
          /^\[acme-staging-Developer\]$/m,
          /^aws_access_key_id = ASIA/m,
          /^aws_session_token = /m,
        ],
      },
      { tab: "bash / zsh", format: "bash", expected: [/^export AWS_ACCESS_KEY_ID='/m] },
    ];
    for (const { tab, format, expected } of formats) {
      await dialog.getByRole("tab", { name: tab, exact: true }).click();
      await expect(dialog.getByRole("tab", { name: tab, exact: true })).toHaveAttribute(
        "aria-selected",
        "true",
      );
      await expect(text).toHaveAttribute("data-format", format);
      for (const pattern of expected) await expect(text, `${tab} tab`).toContainText(pattern);
      await expect(text, `${tab} tab carries the issued key`).toContainText(issued.AccessKeyId);
    }

    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(dialog).toHaveCount(0);
  });

  test("signing out ends the session: /accounts sends the browser back to /signin", async ({
    page,
    browser,
  }) => {
    const s = stack();
    await signInThroughBrowser(page, s, "bob");
    const cookiesBeforeSignOut = await page.context().cookies(s.portalUrl);
    expect(cookiesBeforeSignOut.some((c) => c.name.endsWith("gatehouse.session"))).toBe(true);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(
      (url) => url.origin === new URL(s.portalUrl).origin && url.pathname === "/signin",
    );
    // Single logout (docs/SINGLE-LOGOUT.md): the IdP's session ended too, and the page says so.
    await expect(page.getByRole("status")).toHaveText(
      "You are signed out of Gatehouse and of Corp Identity (demo).",
    );

    await page.goto(`${s.portalUrl}/accounts`);
    await expect(page).toHaveURL(`${s.portalUrl}/signin?callbackUrl=%2Faccounts`);
    await expect(page.getByTestId("signed-in-user")).toHaveCount(0);

    // The session is ended on the server, not only forgotten by this browser: a copy of the old
    // cookie taken before signing out no longer opens the portal.
    const replay = await browser.newContext();
    try {
      await replay.addCookies(cookiesBeforeSignOut);
      const replayPage = await replay.newPage();
      await replayPage.goto(`${s.portalUrl}/accounts`);
      // It still carries a session cookie, so the sign-in page is told the session ended.
      await expect(replayPage).toHaveURL(
        `${s.portalUrl}/signin?callbackUrl=%2Faccounts&reason=session-ended`,
      );
    } finally {
      await replay.close();
    }
  });
});
