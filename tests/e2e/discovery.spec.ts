// Discovery in two browsers (docs/DISCOVERY.md): Alice (admin) presses "Discover now", waits for the
// run to read the demo organization, finds each account the seed left out with the roles it would
// add, and applies exactly two of them; then she grants the developers group one of the new roles
// through the admin pages. Bob (developers) signs in, finds the new account and role, and opens its
// console at the AWS stand-in. Screenshots of the key steps go to this test's output directory.
import type { Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import type { StsCallRecord } from "@/dev/aws-standin/server";
import { demoBroker, demoUndiscoveredAccounts } from "@/dev/demo-world";
import type { DemoUndiscoveredAccount, DemoUndiscoveredRole } from "@/dev/demo-world-types";
import {
  roleRow,
  roleSessionNameOf,
  shownAccounts,
  signInThroughBrowser,
  startStackPerFile,
} from "./support/e2e-stack";

const stack = startStackPerFile();

function undiscoveredAccount(name: string): DemoUndiscoveredAccount {
  const account = demoUndiscoveredAccounts.find((a) => a.name === name);
  if (!account) throw new TypeError(`demoUndiscoveredAccounts has no ${name}`);
  return account;
}

/** The two accounts Alice applies, and the one she leaves for later. */
const DATA_PLATFORM = undiscoveredAccount("acme-data-platform");
const QA = undiscoveredAccount("acme-qa");
const ML_SANDBOX = undiscoveredAccount("acme-ml-sandbox");

/** The role Alice grants: in an applied account, and assumed by the broker (not SAML). */
const GRANTED_ROLE = (() => {
  const role = DATA_PLATFORM.roles.find((r) => r.name === "DataEngineer");
  if (!role?.trustsBroker)
    throw new TypeError("acme-data-platform/DataEngineer must trust the broker");
  return role;
})();

/** The demo's stand-in partition is aws, and its roles sit at path "/". */
function roleArn(accountId: string, role: DemoUndiscoveredRole): string {
  return `arn:aws:iam::${accountId}:role/${role.name}`;
}

/** One proposed change on the Discover page, by its key. */
function change(page: Page, key: string) {
  return page.locator(`[data-testid="discovery-change"][data-key="${key}"]`);
}

const newAccountKey = (account: DemoUndiscoveredAccount) => `account-new:${account.id}`;

test("an admin applies only the discovered accounts she selects, and a rule on a discovered role lets a developer open it", async ({
  browser,
}, testInfo) => {
  const s = stack();
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext();
  try {
    const alice = await aliceContext.newPage();
    await signInThroughBrowser(alice, s, "alice");

    // Admin → Accounts & access → Discover accounts.
    await alice
      .getByRole("navigation", { name: "Administration" })
      .getByRole("link", { name: "Accounts & access" })
      .click();
    await alice.waitForURL(`${s.portalUrl}/admin/accounts`);
    await alice.getByTestId("discover-accounts-link").click();
    await alice.waitForURL(`${s.portalUrl}/admin/accounts/discover`);
    await expect(alice.getByRole("heading", { name: "Discover accounts", level: 1 })).toBeVisible();
    // A fresh demo database: nothing has run, so nothing can be applied yet.
    await expect(alice.getByTestId("discovery-runs-empty")).toBeVisible();
    await expect(alice.getByTestId("discovery-run")).toHaveCount(0);

    // "Discover now" answers at once and opens the run; the page follows it until it completes.
    await alice.getByRole("button", { name: "Discover now" }).click();
    await alice.waitForURL(/\/admin\/accounts\/discover\?run=[^&]+/);
    const run = alice.getByTestId("discovery-run");
    await expect(run).toHaveAttribute("data-status", "complete", { timeout: 60_000 });
    await expect(alice.getByTestId("discovery-progress")).toHaveCount(0);
    await expect(alice.getByTestId("discovery-run-error")).toHaveCount(0);

    // Only the new accounts.
    const newAccounts = alice.getByTestId("discovery-kind-account-new");
    await newAccounts.click();
    await expect(newAccounts).toHaveAttribute("aria-pressed", "true");
    await expect(alice).toHaveURL(/[?&]kind=account-new(&|$)/);
    await expect(
      alice.locator('[data-testid="discovery-change"]:not([data-kind="account-new"])'),
    ).toHaveCount(0);

    // Each account the seed left out is proposed, pending, with exactly the roles the portal can
    // assume (a role that trusts neither the broker nor a SAML provider is left out).
    for (const account of demoUndiscoveredAccounts) {
      const proposed = change(alice, newAccountKey(account));
      await expect(proposed).toBeVisible();
      await expect(proposed).toHaveAttribute("data-kind", "account-new");
      await expect(proposed).toHaveAttribute("data-applied", "false");
      await expect(proposed).toContainText(`New account ${account.name}`);
      await expect(proposed).toContainText(account.id);
      const assumable = account.roles.filter((r) => r.trustsBroker);
      await expect(proposed.getByTestId("discovery-proposed-role")).toHaveCount(assumable.length);
      for (const role of account.roles) {
        const proposedRole = proposed.locator(
          `[data-testid="discovery-proposed-role"][data-arn="${roleArn(account.id, role)}"]`,
        );
        if (!role.trustsBroker) {
          await expect(proposedRole).toHaveCount(0);
          continue;
        }
        await expect(proposedRole).toContainText(role.name);
        await expect(proposedRole.getByTestId("discovery-trust")).toHaveAttribute(
          "data-trust",
          "broker",
        );
      }
    }
    await alice.screenshot({ path: testInfo.outputPath("discover-diff.png"), fullPage: true });

    // Alice ticks two of them and applies just those.
    const applySelected = alice.getByTestId("discovery-apply-selected");
    await expect(applySelected).toBeDisabled();
    for (const account of [DATA_PLATFORM, QA]) {
      await alice.getByRole("checkbox", { name: `Select ${newAccountKey(account)}` }).check();
    }
    await expect(applySelected).toHaveText("Apply selected (2)");
    await alice.getByRole("button", { name: "Apply selected (2)" }).click();
    const result = alice.getByTestId("discovery-result");
    await expect(result).toHaveAttribute("data-applied", "2");
    await expect(result).toHaveAttribute("data-skipped", "0");
    await expect(result).toContainText("Applied 2");

    // The two show as applied, by her; the third is still pending and can still be chosen.
    for (const account of [DATA_PLATFORM, QA]) {
      const applied = change(alice, newAccountKey(account));
      await expect(applied).toHaveAttribute("data-applied", "true");
      await expect(applied.getByTestId("discovery-applied")).toContainText(
        "Applied by alice@corp.example",
      );
      const box = applied.getByTestId("discovery-change-select");
      await expect(box).toBeChecked();
      await expect(box).toBeDisabled();
    }
    const leftAlone = change(alice, newAccountKey(ML_SANDBOX));
    await expect(leftAlone).toHaveAttribute("data-applied", "false");
    await expect(leftAlone.getByTestId("discovery-applied")).toHaveCount(0);
    await expect(leftAlone.getByTestId("discovery-change-select")).not.toBeChecked();
    await expect(leftAlone.getByTestId("discovery-change-select")).toBeEnabled();
    await expect(applySelected).toHaveText("Apply selected (0)");
    await alice.screenshot({ path: testInfo.outputPath("discover-applied.png"), fullPage: true });

    // The accounts admin lists the two applied accounts, not the third.
    await alice
      .getByRole("navigation", { name: "Administration" })
      .getByRole("link", { name: "Accounts & access" })
      .click();
    await alice.waitForURL(`${s.portalUrl}/admin/accounts`);
    const accountsTable = alice.getByTestId("admin-accounts-table");
    await expect(accountsTable.getByRole("link", { name: QA.name, exact: true })).toBeVisible();
    await expect(
      accountsTable.getByRole("link", { name: ML_SANDBOX.name, exact: true }),
    ).toHaveCount(0);

    // The data platform account, with the roles discovery added (both trust the broker).
    await accountsTable.getByRole("link", { name: DATA_PLATFORM.name, exact: true }).click();
    await alice.waitForURL(/\/admin\/accounts\/[^/]+$/);
    await expect(alice.getByRole("heading", { level: 1 })).toContainText(
      `${DATA_PLATFORM.name} ${DATA_PLATFORM.id}`,
    );
    const roleRows = alice.getByTestId("admin-role-row");
    await expect(roleRows).toHaveCount(DATA_PLATFORM.roles.filter((r) => r.trustsBroker).length);
    const grantedRoleRow = roleRows.filter({
      has: alice.getByRole("link", { name: GRANTED_ROLE.name, exact: true }),
    });
    await expect(grantedRoleRow).toContainText("broker");
    await expect(grantedRoleRow).toContainText("no rules");

    // The role, and a rule granting it to the developers group, for the console and the CLI.
    await grantedRoleRow.getByRole("link", { name: GRANTED_ROLE.name, exact: true }).click();
    await alice.waitForURL(/\/roles\/[^/]+$/);
    await expect(alice.getByRole("heading", { level: 1 })).toHaveText(GRANTED_ROLE.name);
    await expect(
      alice.getByText(roleArn(DATA_PLATFORM.id, GRANTED_ROLE), { exact: true }),
    ).toBeVisible();
    await alice.getByRole("link", { name: "Add rule" }).click();
    await alice.waitForURL(/\/rules\/new$/);
    const ruleForm = alice.getByTestId("rule-form");
    await ruleForm.getByRole("radio", { name: "Everyone in an IdP group" }).check();
    await ruleForm.getByLabel(/^Group name/).fill("developers");
    await ruleForm.getByRole("checkbox", { name: "AWS console" }).check();
    await ruleForm.getByRole("checkbox", { name: "CLI credentials" }).check();
    await ruleForm.getByLabel(/^Description/).fill("Data pipelines for developers (e2e)");
    await ruleForm.getByRole("button", { name: "Add rule" }).click();
    await expect(alice.getByTestId("notice")).toHaveText("Access rule added.");
    const ruleRows = alice.getByTestId("admin-rule-row");
    await expect(ruleRows).toHaveCount(1);
    await expect(ruleRows).toContainText("group developers");
    await expect(ruleRows).toContainText("console + CLI");
    await alice.screenshot({ path: testInfo.outputPath("rule-added.png"), fullPage: true });

    // Bob, in his own browser, finds the new account with just the granted role.
    const bob = await bobContext.newPage();
    await signInThroughBrowser(bob, s, "bob");
    // His three accounts from the seed, and the new one.
    await expect(bob.getByTestId("account")).toHaveCount(4);
    expect(await shownAccounts(bob)).toContainEqual({
      account: DATA_PLATFORM.name,
      roles: [GRANTED_ROLE.name],
    });
    await expect(bob.getByTestId("account-name").getByText(QA.name)).toHaveCount(0);
    await expect(bob.getByTestId("account-name").getByText(ML_SANDBOX.name)).toHaveCount(0);
    await bob.getByRole("searchbox", { name: "Search accounts and roles" }).fill("data-platform");
    await expect(bob.getByTestId("account")).toHaveCount(1);
    await expect(bob.getByTestId("account-name")).toHaveText([DATA_PLATFORM.name]);
    await bob.screenshot({ path: testInfo.outputPath("bob-new-role.png"), fullPage: true });

    // … and opens its console: a new tab signed in to that account and role, as himself.
    const popupOpened = bob.waitForEvent("popup");
    await roleRow(bob, DATA_PLATFORM.name, GRANTED_ROLE.name)
      .getByRole("button", { name: /^Console:/ })
      .click();
    const consoleTab = await popupOpened;
    await consoleTab.waitForURL(/\/federation/);
    expect(new URL(consoleTab.url()).origin).toBe(new URL(s.aws.url).origin);
    await expect(consoleTab.getByTestId("console-account")).toHaveText(DATA_PLATFORM.id);
    await expect(consoleTab.getByTestId("console-role")).toHaveText(GRANTED_ROLE.name);
    const bobSession = await roleSessionNameOf(s, "bob@corp.example");
    await expect(consoleTab.getByTestId("console-session")).toHaveText(bobSession);
    await consoleTab.screenshot({ path: testInfo.outputPath("bob-console.png"), fullPage: true });
    await consoleTab.close();

    // The broker assumed the discovered role's ARN, once, in Bob's name (the stand-in's call log).
    const res = await fetch(`${s.aws.url}/__standin/calls`);
    expect(res.status).toBe(200);
    const assumed = ((await res.json()) as StsCallRecord[]).filter(
      (c) => c.action === "AssumeRole" && c.roleArn === roleArn(DATA_PLATFORM.id, GRANTED_ROLE),
    );
    expect(assumed.map((c) => [c.callerArn, c.roleSessionName, c.errorCode])).toEqual([
      [demoBroker.arn, bobSession, null],
    ]);
  } finally {
    await bobContext.close();
    await aliceContext.close();
  }
});
