// An account AWS Organizations reports CLOSED, as an admin sees it (docs/DISCOVERY.md): the Discover
// page proposes "active → closed" with the access rule that stops granting, and once she applies
// it the accounts list marks the account closed. Screenshots go to this test's output directory.
import type { Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { demoUndiscoveredAccounts } from "@/dev/demo-world";
import { signInThroughBrowser, startStackPerFile } from "./support/e2e-stack";

const stack = startStackPerFile();

const ML_SANDBOX = demoUndiscoveredAccounts.find((a) => a.name === "acme-ml-sandbox")!;

function change(page: Page, key: string) {
  return page.locator(`[data-testid="discovery-change"][data-key="${key}"]`);
}

async function discoverNow(page: Page): Promise<void> {
  const before = page.url();
  await page.getByRole("button", { name: "Discover now" }).click();
  await page.waitForURL((url) => url.href !== before && /[?&]run=/.test(url.search));
  await expect(page.getByTestId("discovery-run")).toHaveAttribute("data-status", "complete", {
    timeout: 60_000,
  });
}

async function applyOne(page: Page, key: string): Promise<void> {
  await page.getByRole("checkbox", { name: `Select ${key}` }).check();
  await page.getByRole("button", { name: "Apply selected (1)" }).click();
  await expect(page.getByTestId("discovery-result")).toHaveAttribute("data-applied", "1");
}

test("a closed account is proposed as closed with the rules it stops, then marked closed in the accounts list", async ({
  browser,
}, testInfo) => {
  const s = stack();
  const context = await browser.newContext();
  try {
    const alice = await context.newPage();
    await signInThroughBrowser(alice, s, "alice");
    await alice.goto(`${s.portalUrl}/admin/accounts/discover`);
    await discoverNow(alice);
    await applyOne(alice, `account-new:${ML_SANDBOX.id}`);

    // A rule on one of its roles, then AWS closes the account.
    const role = await s.db.role.findFirstOrThrow({
      where: { name: "ReadOnly", awsAccount: { accountId: ML_SANDBOX.id } },
    });
    await s.db.accessRule.create({
      data: {
        roleId: role.id,
        groupName: "developers",
        maxSessionDurationSeconds: 3600,
        allowConsole: true,
        allowCli: true,
        createdBy: "e2e",
        updatedBy: "e2e",
      },
    });
    s.aws.updateOrganizationMember(ML_SANDBOX.id, { status: "CLOSED" });

    await discoverNow(alice);
    const closed = change(alice, `account-status:${ML_SANDBOX.id}`);
    await expect(closed).toContainText("closed");
    await expect(closed.getByTestId("discovery-rule-effect")).toHaveText(
      "1 access rule stops granting",
    );
    await closed.scrollIntoViewIfNeeded();
    await alice.screenshot({ path: testInfo.outputPath("discover-closed.png"), fullPage: true });
    await applyOne(alice, `account-status:${ML_SANDBOX.id}`);

    await alice.goto(`${s.portalUrl}/admin/accounts`);
    const badge = alice
      .getByTestId("admin-accounts-table")
      .getByTestId("account-organization-status")
      .and(alice.locator(`[data-status="CLOSED"]`));
    await expect(badge).toHaveText("closed");
    await expect(badge).toHaveAttribute(
      "title",
      "Its roles grant nothing while it is in this state",
    );
    await alice.screenshot({ path: testInfo.outputPath("accounts-closed.png"), fullPage: true });
  } finally {
    await context.close();
  }
});
