// The audit log is for auditors: Alice reaches it from the header and sees who was issued what;
// Bob, typing its address, gets the friendly 403 page.
import { expect, test } from "./support/hydrated-test";
import { roleRow, roleSessionNameOf, signedInAs, startStackPerFile } from "./support/e2e-stack";
import { asAttacker } from "@/tests/support/audit-tamper";

const stack = startStackPerFile();

test("an admin reaches the audit log from the header and sees each user's issuance events", async ({
  browser,
}) => {
  const s = stack();

  // Seed this test's own events through the UI: Bob takes CLI credentials, Alice opens a console.
  const bobContext = await browser.newContext();
  const aliceContext = await browser.newContext();
  try {
    const bobPage = await bobContext.newPage();
    await signedInAs(bobPage, s, "bob");
    await roleRow(bobPage, "acme-staging", "Developer")
      .getByRole("button", { name: "CLI credentials" })
      .click();
    await expect(bobPage.getByTestId("credentials-expiry")).toBeVisible();

    const page = await aliceContext.newPage();
    await signedInAs(page, s, "alice");
    const popupOpened = page.waitForEvent("popup");
    await roleRow(page, "acme-production", "Administrator")
      .getByRole("button", { name: /^Console:/ })
      .click();
    const consoleTab = await popupOpened;
    await consoleTab.waitForURL(/\/federation/);
    await expect(consoleTab.getByTestId("console-role")).toHaveText("Administrator");
    await consoleTab.close();

    await page.getByRole("link", { name: "Audit log", exact: true }).click();
    await page.waitForURL(`${s.portalUrl}/admin/audit`);
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    const table = page.getByTestId("audit-table");
    await expect(table).toBeVisible();

    const bobIssued = table
      .locator('[data-testid="audit-row"][data-action="credentials.issued"]')
      .filter({ hasText: "bob@corp.example" });
    await expect(bobIssued).toHaveCount(1);
    await expect(bobIssued).toContainText("arn:aws:iam::345678901234:role/Developer");
    await expect(bobIssued).toContainText(await roleSessionNameOf(s, "bob@corp.example"));
    await expect(bobIssued).toContainText(/ASIA[A-Z0-9]{16}/);

    const aliceIssued = table
      .locator('[data-testid="audit-row"][data-action="console.issued"]')
      .filter({ hasText: "alice@corp.example" });
    await expect(aliceIssued).toHaveCount(1);
    await expect(aliceIssued).toContainText("arn:aws:iam::210987654321:role/Administrator");
    await expect(aliceIssued).toContainText(await roleSessionNameOf(s, "alice@corp.example"));

    // Both sign-ins are there too.
    await expect(
      table
        .locator('[data-testid="audit-row"][data-action="auth.sign-in"]')
        .filter({ hasText: "bob@corp.example" }),
    ).not.toHaveCount(0);
    await expect(
      table
        .locator('[data-testid="audit-row"][data-action="auth.sign-in"]')
        .filter({ hasText: "alice@corp.example" }),
    ).not.toHaveCount(0);
  } finally {
    await bobContext.close();
    await aliceContext.close();
  }
});

test("a non-auditor who types the audit log's address gets the friendly 403 page", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "bob");
  await expect(page.getByRole("link", { name: "Audit log", exact: true })).toHaveCount(0);

  const response = await page.goto(`${s.portalUrl}/admin/audit`);
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId("forbidden")).toContainText("The audit log is for auditors");
  await expect(page.getByTestId("audit-table")).toHaveCount(0);
  await page.getByRole("link", { name: "Back to your accounts" }).click();
  await expect(page.getByTestId("signed-in-user")).toHaveText("bob@corp.example");
});

test("an auditor verifies the audit log's integrity from the page and is shown the head to keep", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "dave");
  // An auditor has no roles: the page says so and points to the audit log, as does the header.
  await expect(page.getByTestId("no-access-auditor")).toBeVisible();
  await page.getByRole("link", { name: "Audit log", exact: true }).click();
  await page.waitForURL(`${s.portalUrl}/admin/audit`);
  await page.getByRole("button", { name: "Verify integrity" }).click();
  const result = page.getByTestId("audit-verify-result");
  await expect(result).toHaveAttribute("data-intact", "true");
  await expect(result).toContainText("Intact: no event was changed, removed or inserted.");
  // The verification is itself in the log, by dave, naming the head it reached; the page shows
  // that head's hash.
  const verified = await s.db.auditEvent.findFirstOrThrow({
    where: { action: "audit.verified", actorEmail: "dave@corp.example" },
  });
  expect(verified.outcome).toBe("success");
  const { headSequence } = JSON.parse(verified.detailsJson) as { headSequence: number };
  const headEvent = await s.db.auditEvent.findFirstOrThrow({ where: { sequence: headSequence } });
  await expect(result).toContainText(`Head #${headSequence} ${headEvent.hash}`);
});

test("an auditor is shown each break a verification found, not only the first", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "dave");
  const rows = await s.db.auditEvent.findMany({
    where: { sequence: { not: null } },
    orderBy: { sequence: "asc" },
    take: 3,
  });
  expect(rows).toHaveLength(3);
  const [gone, , edited] = rows as [(typeof rows)[0], unknown, (typeof rows)[0]];
  // Someone with database access deletes one event and edits another, past the append-only
  // triggers (tests/integration/audit-chain.test.ts tampers every way; this is what a page shows).
  await asAttacker(s, async () => {
    await s.db.auditEvent.delete({ where: { id: gone.id } });
    await s.db.auditEvent.update({ where: { id: edited.id }, data: { outcome: "denied" } });
  });
  try {
    await page.goto(`${s.portalUrl}/admin/audit`);
    await page.getByRole("button", { name: "Verify integrity" }).click();
    const result = page.getByTestId("audit-verify-result");
    await expect(result).toHaveAttribute("data-intact", "false");
    await expect(result).toContainText("Broken: 2 problem(s) found.");
    await expect(page.getByTestId("audit-verify-breaks").getByRole("listitem")).toHaveText([
      `Events ${gone.sequence} are missing: the chain jumps from ${gone.sequence! - 1} to ${gone.sequence! + 1}.`,
      `Event ${edited.sequence} was changed after it was written: its contents no longer match its hash.`,
    ]);
  } finally {
    await asAttacker(s, async () => {
      await s.db.auditEvent.create({ data: gone });
      await s.db.auditEvent.update({
        where: { id: edited.id },
        data: { outcome: edited.outcome },
      });
    });
  }
});

test("an auditor types a request id into the filters and sees only that request's events, its user agent a click away", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  const event = await s.db.auditEvent.findFirstOrThrow({
    where: { action: "auth.sign-in", actorEmail: "alice@corp.example", userAgent: { not: null } },
    orderBy: { createdAt: "desc" },
  });
  await page.goto(`${s.portalUrl}/admin/audit`);
  await page.getByLabel("Request id (from an error or refusal page)").fill(event.requestId);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.waitForURL(/requestId=/);
  const rows = page.getByTestId("audit-row");
  await expect(rows).toHaveCount(
    await s.db.auditEvent.count({ where: { requestId: event.requestId } }),
  );
  const line = page.locator(`[data-id="${event.id}"]`).getByTestId("audit-request");
  const before = (await line.boundingBox())!.height;
  await line.getByText(event.requestId).click();
  await expect(line).toContainText(event.userAgent!);
  expect((await line.boundingBox())!.height).toBeGreaterThan(before);
});

test("on a desktop the filters are shown as before, and the active ones are also links that each remove one", async ({
  page,
}) => {
  const s = stack();
  await signedInAs(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/audit?outcome=success&user=alice%40corp.example`);
  // Nothing to unfold at this width: the fields are there, holding the filters.
  await expect(page.getByText(/^Filters/)).toBeHidden();
  await expect(page.getByLabel("User (email or user id)")).toHaveValue("alice@corp.example");
  await expect(page.getByLabel("Request id (from an error or refusal page)")).toBeEditable();
  await page.getByRole("link", { name: "Remove filter Outcome: success" }).click();
  await page.waitForURL(`${s.portalUrl}/admin/audit?user=alice%40corp.example`);
  await expect(page.getByLabel("Outcome", { exact: true })).toHaveValue("");
  await expect(page.getByTestId("audit-row").first()).toContainText("alice@corp.example");
  await page.getByRole("link", { name: "Remove filter User: alice@corp.example" }).click();
  await page.waitForURL(`${s.portalUrl}/admin/audit`);
  await expect(page.getByTestId("audit-active-filters")).toHaveCount(0);
});
