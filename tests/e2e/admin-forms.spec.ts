// Admin forms in Chromium after a refused submit: every radio, select and text field shows what
// was submitted and the fields shown match the choice, so correcting the one mistake and
// submitting again does what the form shows. Also: the IdP short name's pattern is one Chromium
// can compile, the configuration text box has a visible label, Explain takes a role as
// "account / role", as its placeholder suggests, and the access review's forms are headed alike.
import { expect, test } from "./support/hydrated-test";
import { parse, stringify } from "yaml";
import { signedInAs, startStackPerFile, type TestStack } from "./support/e2e-stack";

const stack = startStackPerFile();

async function roleOf(s: TestStack, accountName: string, roleName: string) {
  const account = await s.db.awsAccount.findFirstOrThrow({ where: { name: accountName } });
  const role = await s.db.role.findFirstOrThrow({
    where: { awsAccountId: account.id, name: roleName },
  });
  return { account, role };
}

test("a refused rule form keeps the chosen subject and kind, and submitting again creates the rule", async ({
  page,
}) => {
  const s = stack();
  const { account, role } = await roleOf(s, "acme-sandbox", "Developer");
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/accounts/${account.id}/roles/${role.id}/rules/new`);
  const form = page.getByTestId("rule-form");
  await form.getByRole("radio", { name: "One user" }).check();
  await form.getByLabel(/^User's email/).fill("bob@corp.example");
  await form.getByRole("checkbox", { name: "AWS console" }).check();
  await form.getByTestId("rule-access-eligible").check();
  await form.getByLabel(/^Longest access per request/).fill("7200");
  await form.getByRole("button", { name: "Add rule" }).click();

  // Refused for the missing approvers only; everything else is as it was sent.
  await expect(form.getByTestId("field-error")).toHaveCount(1);
  await expect(form.getByTestId("field-error")).toContainText("approves");
  await expect(form.getByRole("radio", { name: "One user" })).toBeChecked();
  await expect(form.getByRole("radio", { name: "Everyone in an IdP group" })).not.toBeChecked();
  await expect(form.getByTestId("rule-access-eligible")).toBeChecked();
  await expect(form.getByTestId("rule-access-standing")).not.toBeChecked();
  await expect(form.getByLabel(/^User's email/)).toHaveValue("bob@corp.example");
  await expect(form.getByLabel(/^Group name/)).toHaveCount(0);
  await expect(form.getByLabel(/^Longest access per request/)).toHaveValue("7200");
  await page.screenshot({ path: "test-results/rule-form-refused.png", fullPage: true });

  await form.getByLabel(/^Approvers/).fill("alice@corp.example");
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(page.getByTestId("notice")).toHaveText("Access rule added.");
  const bob = await s.db.user.findFirstOrThrow({ where: { email: "bob@corp.example" } });
  const rule = await s.db.accessRule.findFirstOrThrow({
    where: { roleId: role.id, personId: bob.personId },
  });
  expect([rule.kind, rule.groupName, rule.maxElevationSeconds]).toEqual(["eligible", null, 7200]);
});

test("a rule whose webhook names the cloud's metadata address is refused, saying why, and the corrected one saves", async ({
  page,
}) => {
  const s = stack();
  const { account, role } = await roleOf(s, "acme-sandbox", "DataScience");
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/accounts/${account.id}/roles/${role.id}/rules/new`);
  const form = page.getByTestId("rule-form");
  await form.getByRole("radio", { name: "One user" }).check();
  await form.getByLabel(/^User's email/).fill("bob@corp.example");
  await form.getByRole("checkbox", { name: "CLI credentials" }).check();
  await form.getByTestId("rule-access-eligible").check();
  await form.getByLabel(/^Approvers/).fill("alice@corp.example");
  const webhook = form.getByLabel(/^Webhook for this rule/);
  await webhook.fill("http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  await form.getByRole("button", { name: "Add rule" }).click();

  await expect(form.getByTestId("field-error")).toHaveCount(1);
  await expect(form.getByTestId("field-error")).toHaveText(
    "Webhooks are never sent there: 169.254.169.254 is a link-local address (where clouds serve instance metadata).",
  );
  await expect(webhook).toHaveValue(
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
  );
  await page.screenshot({ path: "test-results/rule-form-webhook-refused.png", fullPage: true });
  const where = { roleId: role.id, webhookUrl: { not: null } };
  expect(await s.db.accessRule.count({ where })).toBe(0);

  await webhook.fill("http://127.0.0.1:9/hooks/gatehouse");
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(page.getByTestId("notice")).toHaveText("Access rule added.");
  expect(
    (await s.db.accessRule.findMany({ where })).map((rule) => [rule.kind, rule.webhookUrl]),
  ).toEqual([["eligible", "http://127.0.0.1:9/hooks/gatehouse"]]);
});

test("a refused role form keeps SAML chosen, with its provider field and what was typed", async ({
  page,
}) => {
  const s = stack();
  const account = await s.db.awsAccount.findFirstOrThrow({ where: { name: "acme-staging" } });
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/accounts/${account.id}/roles/new`);
  const form = page.getByTestId("role-form");
  const method = form.getByLabel(/^How the role is assumed/);
  const provider = `arn:aws:iam::${account.accountId}:saml-provider/corp-idp`;
  await form.getByLabel(/^Role name/).fill("has space");
  await method.selectOption("assume-role-with-saml");
  await form.getByLabel(/^SAML provider ARN/).fill(provider);
  await form.getByRole("button", { name: "Add role" }).click();

  await expect(form.getByTestId("field-error")).toContainText("IAM role name");
  await expect(method).toHaveValue("assume-role-with-saml");
  await expect(form.getByLabel(/^SAML provider ARN/)).toHaveValue(provider);
  await expect(form.getByLabel(/^ExternalId/)).toHaveCount(0);
  await expect(form.getByLabel(/^Role name/)).toHaveValue("has space");

  await form.getByLabel(/^Role name/).fill("FederatedAuditor");
  await form.getByRole("button", { name: "Add role" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("FederatedAuditor");
  const saved = await s.db.role.findFirstOrThrow({ where: { name: "FederatedAuditor" } });
  expect([saved.assumeMethod, saved.samlProviderArn]).toEqual(["assume-role-with-saml", provider]);
});

test("the IdP short name's pattern compiles in Chromium, so the browser itself refuses a bad one", async ({
  page,
}) => {
  const s = stack();
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/identity-providers`);
  const slug = page.getByTestId("idp-form").getByLabel("Short name (used in URLs)");
  await slug.fill("Bad Slug!");
  expect(await slug.evaluate((el: HTMLInputElement) => el.validity.patternMismatch)).toBe(true);
  await slug.fill("okta-2");
  expect(await slug.evaluate((el: HTMLInputElement) => el.validity.patternMismatch)).toBe(false);
  expect(consoleErrors.filter((e) => /pattern/i.test(e))).toEqual([]);
});

test("the configuration import's text box has a visible label", async ({ page }) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/config`);
  const label = page.getByText("…or paste the configuration (YAML or JSON)");
  await expect(label).toBeVisible();
  await expect(page.getByLabel("…or paste the configuration (YAML or JSON)")).toHaveAttribute(
    "data-testid",
    "config-text",
  );
  await expect(page.getByText("Configuration file (YAML or JSON)")).toBeVisible();
});

test("a dry run that removes a role lists the access requests deleted with it", async ({
  page,
}) => {
  const s = stack();
  const { role } = await roleOf(s, "acme-sandbox", "Developer");
  const bob = await s.db.user.findFirstOrThrow({ where: { email: "bob@corp.example" } });
  const request = await s.db.accessRequest.create({
    data: {
      roleId: role.id,
      personId: bob.personId,
      requesterUserId: bob.id,
      requesterEmail: "bob@corp.example",
      durationSeconds: 3600,
      startsAt: new Date(),
      decideBy: new Date(Date.now() + 86_400_000),
    },
  });
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/config`);
  const exported = await page.request.get(`${s.portalUrl}/admin/config/export?format=yaml`);
  const doc = parse(await exported.text()) as {
    accounts: Array<{ name: string; roles: Array<{ name: string }> }>;
  };
  const sandbox = doc.accounts.find((a) => a.name === "acme-sandbox")!;
  sandbox.roles = sandbox.roles.filter((r) => r.name !== "Developer");
  await page.getByTestId("config-text").fill(stringify(doc));
  await page.getByRole("button", { name: "Dry run" }).click();
  const note = page.getByTestId("config-removed-requests");
  await expect(note).toContainText("also deletes their access requests");
  await expect(note).toContainText("/Developer: 1 request, 1 pending");
  await page.screenshot({ path: "test-results/config-removed-requests.png", fullPage: true });
  await s.db.accessRequest.delete({ where: { id: request.id } });
});

test("the delete reviews of a role and its account name the access requests deleted with them", async ({
  page,
}) => {
  const s = stack();
  const bob = await s.db.user.findFirstOrThrow({ where: { email: "bob@corp.example" } });
  const account = await s.db.awsAccount.create({
    data: {
      accountId: "600000000042",
      name: "acme-retired",
      environment: "dev",
      roles: { create: [{ name: "Oncall", arn: "arn:aws:iam::600000000042:role/Oncall" }] },
    },
    include: { roles: true },
  });
  const role = account.roles[0]!;
  // bob may request the role; his requests were made under that rule.
  const rule = await s.db.accessRule.create({
    data: {
      roleId: role.id,
      personId: bob.personId,
      kind: "eligible",
      approversJson: JSON.stringify([{ group: "developers" }]),
      maxElevationSeconds: 3600,
      maxSessionDurationSeconds: 3600,
    },
  });
  const now = Date.now();
  const request = (state: string, endsAt: Date | null) => ({
    roleId: role.id,
    ruleId: rule.id,
    personId: bob.personId,
    requesterUserId: bob.id,
    requesterEmail: "bob@corp.example",
    durationSeconds: 3600,
    startsAt: new Date(now - 600_000),
    decideBy: new Date(now + 86_400_000),
    state,
    endsAt,
  });
  await s.db.accessRequest.createMany({
    data: [
      request("pending", null),
      request("approved", new Date(now + 3_600_000)),
      request("denied", null),
    ],
  });
  try {
    await signedInAs(page, s, "alice");
    await page.goto(`${s.portalUrl}/admin/accounts/${account.id}/roles/${role.id}/delete`);
    const note = page.getByTestId("delete-takes-requests");
    await expect(note).toHaveText(
      "This also deletes 3 access requests (1 pending, never to be answered; 1 approved elevation not yet ended, which ends now) and the approvals on them. The audit log keeps their events.",
    );
    await expect(
      page.getByRole("button", { name: "Delete role, rules and access requests" }),
    ).toBeVisible();
    await page.screenshot({ path: "test-results/role-delete-requests.png", fullPage: true });

    await page.goto(`${s.portalUrl}/admin/accounts/${account.id}/delete`);
    await expect(note).toContainText("This also deletes 3 access requests");
    await expect(page.getByTestId("delete-takes-along")).toContainText(
      "3 access requests: 1 pending, 1 approved, not yet ended",
    );
    await page.screenshot({ path: "test-results/account-delete-requests.png", fullPage: true });
  } finally {
    await s.db.awsAccount.delete({ where: { id: account.id } });
  }
});

test("Explain takes a role as account / role, as its placeholder shows, and still an ARN", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/access`);
  const form = page.getByTestId("review-explain-form");
  const role = form.getByLabel(/^Role/);
  await expect(role).toHaveAttribute("placeholder", "acme-production / ReadOnly");
  await form.getByLabel("Email").fill("bob@corp.example");
  await role.fill("acme-production / ReadOnly");
  await form.getByRole("button", { name: "Explain" }).click();
  await expect(page.getByTestId("explain")).toContainText(
    "Can bob@corp.example use acme-production / ReadOnly?",
  );

  await form.getByLabel(/^Role/).fill("arn:aws:iam::210987654321:role/ReadOnly");
  await form.getByRole("button", { name: "Explain" }).click();
  await expect(page.getByTestId("explain")).toContainText("acme-production / ReadOnly?");

  await form.getByLabel(/^Role/).fill("acme-production / NoSuchRole");
  await form.getByRole("button", { name: "Explain" }).click();
  await expect(page.getByTestId("explain-no-role")).toContainText("account / role");
});

test("the access review's forms are headed alike, each by the question it answers", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/access`);
  for (const [form, question] of [
    ["review-account-form", "Who can reach an account?"],
    ["review-user-form", "What can a user reach?"],
    ["review-explain-form", "Can a user reach a role?"],
  ] as const)
    await expect(page.getByTestId(form).getByRole("heading")).toHaveText(question);
});
