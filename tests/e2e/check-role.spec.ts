// Admin → Broker → Check a role (docs/AWS.md): an admin picks a role, the portal does what an
// issuance would with a 15-minute session, and says in plain words what is missing — here for a
// role whose trust policy does not name the broker, then for one set up right.
import { expect, test } from "./support/hydrated-test";
import { signInThroughBrowser, startStackPerFile } from "./support/e2e-stack";

const stack = startStackPerFile();

test("an admin checks a role from the Broker page and is told what to fix, the role still chosen beside its report", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/broker`);
  const panel = page.getByTestId("role-check");
  await expect(panel.getByRole("heading", { name: "Check a role" })).toBeVisible();

  await panel
    .getByLabel("Role")
    .selectOption({ label: "acme-security (567890123456) / LegacyOps" });
  await panel.getByRole("button", { name: "Check" }).click();
  await expect(panel.getByTestId("role-check-verdict")).toContainText(
    "This role can't be issued as configured",
  );
  await expect(panel.getByTestId("role-check-trust")).toContainText(
    "The broker may not assume this role",
  );
  await expect(panel.getByTestId("role-check-trust")).toContainText("AccessDenied");
  await expect(panel.getByLabel("Role").locator("option:checked")).toHaveText(
    "acme-security (567890123456) / LegacyOps",
  );
  await page.screenshot({ path: "test-results/check-role-problem.png", fullPage: true });

  await panel.getByLabel("Role").selectOption({ label: "acme-staging (345678901234) / Developer" });
  await panel.getByRole("button", { name: "Check" }).click();
  await expect(panel.getByTestId("role-check-verdict")).toContainText(
    "This role can be issued as configured",
  );
  await expect(panel.getByTestId("role-check-max-session-duration")).toContainText(
    "AWS allows the longest session",
  );
  await expect(panel.getByLabel("Role").locator("option:checked")).toHaveText(
    "acme-staging (345678901234) / Developer",
  );

  const checks = await s.db.auditEvent.findMany({
    where: { action: "admin.role.checked", actorEmail: "alice@corp.example" },
    orderBy: { sequence: "asc" },
  });
  expect(checks.map((c) => [c.roleArn, c.outcome])).toEqual([
    ["arn:aws:iam::567890123456:role/LegacyOps", "error"],
    ["arn:aws:iam::345678901234:role/Developer", "success"],
  ]);
});
