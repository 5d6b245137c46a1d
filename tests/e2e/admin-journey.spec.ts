// The admin story in two browsers: Alice (admin) adds an account, a role and a rule for
// the developers group through the admin pages; Bob, signed in all along, sees the role after a
// reload and opens its console; Alice deletes the rule; Bob's next click is refused without any
// AssumeRole; the audit log tells the whole story in order.
import fs from "node:fs";
import type { Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import type { StandinWorld, StsCallRecord } from "@/dev/aws-standin/server";
import { demoAwsWorld } from "@/dev/demo-saml";
import { demoBroker } from "@/dev/demo-world";
import {
  roleRow,
  shownAccounts,
  signInThroughBrowser,
  startStackPerFile,
  type TestStack,
} from "./support/e2e-stack";

/** An account that exists at (pretend) AWS but not yet in Gatehouse: the seed knows nothing of it. */
const NEW_ACCOUNT = { id: "555566667777", name: "acme-analytics" };
const NEW_ROLE = "DataAnalyst";
const NEW_ROLE_ARN = `arn:aws:iam::${NEW_ACCOUNT.id}:role/${NEW_ROLE}`;
/** Screenshots of each step, for people looking at the pages: GATEHOUSE_E2E_SHOTS=<directory>. */
const SHOTS = process.env.GATEHOUSE_E2E_SHOTS;

/** The demo's stand-in world plus the analytics account, whose role trusts the portal's broker. */
function worldWithAnalyticsAccount(): StandinWorld {
  const world = demoAwsWorld();
  world.accounts.push({
    id: NEW_ACCOUNT.id,
    roles: [
      {
        name: NEW_ROLE,
        maxSessionDurationSeconds: 3600,
        trustedPrincipalArns: [demoBroker.arn],
        allowsSourceIdentity: true,
        allowsTagSession: true,
      },
    ],
  });
  return world;
}

const stack = startStackPerFile({ stack: { world: worldWithAnalyticsAccount() } });

/** The broker's AssumeRole calls into the new role, from the stand-in's call log. */
async function assumeRoleCallsToNewRole(s: TestStack): Promise<StsCallRecord[]> {
  const res = await fetch(`${s.aws.url}/__standin/calls`);
  expect(res.status).toBe(200);
  const calls = (await res.json()) as StsCallRecord[];
  return calls.filter((c) => c.action === "AssumeRole" && c.roleArn === NEW_ROLE_ARN);
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

test("an admin's new account, role and rule reach a signed-in developer at once, and so does deleting the rule", async ({
  browser,
}) => {
  const s = stack();
  const bobContext = await browser.newContext();
  const aliceContext = await browser.newContext();
  try {
    // Bob signs in before anything changes: the analytics account is not his to see.
    const bob = await bobContext.newPage();
    await signInThroughBrowser(bob, s, "bob");
    await expect(bob.getByTestId("account")).toHaveCount(3);
    await expect(bob.getByTestId("account-name").getByText(NEW_ACCOUNT.name)).toHaveCount(0);

    const alice = await aliceContext.newPage();
    await signInThroughBrowser(alice, s, "alice");

    // Alice adds the account.
    await alice.getByRole("link", { name: "Accounts & access" }).click();
    await alice.waitForURL(`${s.portalUrl}/admin/accounts`);
    await expect(alice.getByRole("heading", { name: "Accounts & access" })).toBeVisible();
    await shot(alice, "01-admin-accounts");
    await alice.getByRole("link", { name: "Add account" }).click();
    await alice.waitForURL(`${s.portalUrl}/admin/accounts/new`);
    const accountForm = alice.getByTestId("account-form");
    await accountForm.getByLabel(/^AWS account id/).fill(NEW_ACCOUNT.id);
    await accountForm.getByLabel(/^Name/).fill(NEW_ACCOUNT.name);
    // A field is named by its label alone; its hint describes it.
    await expect(accountForm.getByLabel(/^Name/)).toHaveAccessibleName("Name");
    await expect(accountForm.getByLabel(/^Name/)).toHaveAccessibleDescription(
      "Shown to users, e.g. acme-production",
    );
    await accountForm.getByLabel(/^Environment/).fill("prod");
    await accountForm.getByLabel(/^Description/).fill("Warehouse and BI (e2e)");
    await shot(alice, "02-add-account-filled");
    await accountForm.getByRole("button", { name: "Add account" }).click();
    await expect(alice.getByTestId("notice")).toHaveText("Account added. Add its roles below.");
    await expect(alice.getByRole("heading", { level: 1 })).toHaveText(
      `${NEW_ACCOUNT.name} ${NEW_ACCOUNT.id}`,
    );
    await shot(alice, "03-account-created");

    // … a role in it, assumed by the broker …
    await alice.getByRole("link", { name: "Add role" }).click();
    await alice.waitForURL(/\/roles\/new$/);
    const roleForm = alice.getByTestId("role-form");
    await roleForm.getByLabel(/^Role name/).fill(NEW_ROLE);
    await roleForm.getByLabel(/^How the role is assumed/).selectOption("assume-role");
    await roleForm.getByLabel(/^Description/).fill("Read the warehouse");
    await shot(alice, "04-add-role-filled");
    await roleForm.getByRole("button", { name: "Add role" }).click();
    await expect(alice.getByTestId("notice")).toHaveText(
      "Role added. Grant it to a group or a user below.",
    );
    await expect(alice.getByRole("heading", { level: 1 })).toHaveText(NEW_ROLE);
    await expect(alice.getByText(NEW_ROLE_ARN, { exact: true })).toBeVisible();
    await shot(alice, "05-role-created");

    // … and a rule granting it to the developers group, for the console and the CLI.
    await alice.getByRole("link", { name: "Add rule" }).click();
    await alice.waitForURL(/\/rules\/new$/);
    const ruleForm = alice.getByTestId("rule-form");
    await ruleForm.getByRole("radio", { name: "Everyone in an IdP group" }).check();
    await ruleForm.getByLabel(/^Group name/).fill("developers");
    await ruleForm.getByRole("checkbox", { name: "AWS console" }).check();
    await ruleForm.getByRole("checkbox", { name: "CLI credentials" }).check();
    await ruleForm.getByLabel(/^Description/).fill("Analytics for developers (e2e)");
    await shot(alice, "06-add-rule-filled");
    await ruleForm.getByRole("button", { name: "Add rule" }).click();
    await expect(alice.getByTestId("notice")).toHaveText("Access rule added.");
    const ruleRows = alice.getByTestId("admin-rule-row");
    await expect(ruleRows).toHaveCount(1);
    await expect(ruleRows).toContainText("group developers");
    await expect(ruleRows).toContainText("console + CLI");
    await shot(alice, "07-rule-created");

    // Bob reloads and finds the new role; its console opens in a new tab at (pretend) AWS.
    await bob.reload();
    await expect(bob.getByTestId("account")).toHaveCount(4);
    expect(await shownAccounts(bob)).toContainEqual({
      account: NEW_ACCOUNT.name,
      roles: [NEW_ROLE],
    });
    const bobsRow = roleRow(bob, NEW_ACCOUNT.name, NEW_ROLE);
    const bobsConsole = bobsRow.getByRole("button", { name: /^Console:/ });
    const popupOpened = bob.waitForEvent("popup");
    await bobsConsole.click();
    const consoleTab = await popupOpened;
    await consoleTab.waitForURL(/\/federation/);
    await expect(consoleTab.getByTestId("console-account")).toHaveText(NEW_ACCOUNT.id);
    await expect(consoleTab.getByTestId("console-role")).toHaveText(NEW_ROLE);
    await consoleTab.close();
    expect(await assumeRoleCallsToNewRole(s)).toHaveLength(1);
    const newRoleId = await bobsRow.getAttribute("data-role-id");
    expect(newRoleId).toMatch(/\S/);

    // Alice deletes the rule from its own page.
    await ruleRows.getByRole("link", { name: "group developers" }).click();
    await alice.waitForURL(/\/rules\/[^/]+$/);
    await expect(alice.getByRole("heading", { name: "Delete this rule" })).toBeVisible();
    await shot(alice, "08-rule-page");
    // A stray click deletes nothing: the first asks, "Keep it" backs out, the second deletes.
    const rulesBefore = await s.db.accessRule.count({ where: { roleId: newRoleId! } });
    expect(rulesBefore).toBeGreaterThan(0);
    await alice.getByRole("button", { name: "Delete rule" }).click();
    await expect(alice.getByTestId("delete-confirm")).toHaveText("This can't be undone.");
    await alice.getByRole("button", { name: "Keep it" }).click();
    await expect(alice.getByTestId("delete-confirm")).toHaveCount(0);
    expect(await s.db.accessRule.count({ where: { roleId: newRoleId! } })).toBe(rulesBefore);
    await alice.getByRole("button", { name: "Delete rule" }).click();
    await alice.getByRole("button", { name: "Yes, delete rule" }).click();
    await expect(alice.getByTestId("notice")).toHaveText("Access rule deleted.");
    await expect(alice.getByText("Nobody may assume this role yet.")).toBeVisible();
    await shot(alice, "09-rule-deleted");

    // Bob, without reloading, clicks Console again: refused in the page, and AWS never asked.
    await expect(bobsConsole).toBeEnabled();
    await bobsConsole.click();
    const refusal = bob.getByTestId("issue-error");
    await expect(refusal).toContainText("No such role, or you have no access to it.");
    await expect(refusal).toContainText("reload the page to see your current roles");
    await expect(bob.getByText(`${NEW_ACCOUNT.name} / ${NEW_ROLE}`, { exact: true })).toBeVisible();
    await shot(bob, "10-bob-refused");
    expect(await assumeRoleCallsToNewRole(s)).toHaveLength(1);

    // The audit log, newest first, shows the story in order.
    await alice.getByRole("link", { name: "Audit log", exact: true }).click();
    await alice.waitForURL(`${s.portalUrl}/admin/audit`);
    await expect(alice.getByTestId("audit-table")).toBeVisible();
    await shot(alice, "11-audit-log");
    const story = new Set([
      "admin.account.created",
      "admin.role.created",
      "admin.rule.created",
      "console.issued",
      "admin.rule.deleted",
      "access.denied",
    ]);
    const rows = await alice.getByTestId("audit-row").evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "");
        return {
          action: tr.getAttribute("data-action") ?? "",
          who: cells[4] ?? "",
          target: cells[5] ?? "",
          details: cells[8] ?? "",
        };
      }),
    );
    const storyRows = rows.filter((r) => story.has(r.action));
    expect(storyRows.map(({ action, who, target }) => ({ action, who, target }))).toEqual([
      // The denial names the role the id points at: the log's role filter finds the attempt.
      { action: "access.denied", who: "bob@corp.example", target: NEW_ROLE_ARN },
      { action: "admin.rule.deleted", who: "alice@corp.example", target: NEW_ROLE_ARN },
      { action: "console.issued", who: "bob@corp.example", target: NEW_ROLE_ARN },
      { action: "admin.rule.created", who: "alice@corp.example", target: NEW_ROLE_ARN },
      { action: "admin.role.created", who: "alice@corp.example", target: NEW_ROLE_ARN },
      { action: "admin.account.created", who: "alice@corp.example", target: NEW_ACCOUNT.id },
    ]);
    // The denial also names the role Bob asked for by its id.
    expect(storyRows[0]?.details).toContain(`requestedRoleId: ${newRoleId}`);
  } finally {
    await bobContext.close();
    await aliceContext.close();
  }
});
