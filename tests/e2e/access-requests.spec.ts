// Just-in-time access in the browser (docs/ACCESS-REQUESTS.md): carol, who has no standing access,
// requests DataAnalyst for an hour with a reason; alice approves; carol opens the console; alice
// revokes; carol is refused. The audit log records it in that order, and the webhook receiver (a
// local server) got each event.
import { expect, test } from "./support/hydrated-test";
import { createEligibleRule } from "@/tests/support/eligible-rule";
import type { TestStack } from "@/tests/support/stack";
import { startWebhookReceiver, type WebhookReceiver } from "@/tests/support/webhook-receiver";
import {
  roleIdOf,
  roleRow,
  signedInAs,
  signInThroughBrowser,
  startStackPerFile,
} from "./support/e2e-stack";

let hooks: WebhookReceiver | undefined;

const stack = startStackPerFile({
  stack: {
    envFromAws: async () => {
      hooks = await startWebhookReceiver();
      return { GATEHOUSE_ACCESS_REQUEST_WEBHOOK_URL: hooks.url };
    },
  },
});

test.afterAll(async () => {
  await hooks?.close();
});

/** An eligible rule under which carol may request staging's Developer, approved by developers. */
async function carolMayRequestStagingDeveloper(s: TestStack, extra: { breakGlass?: boolean } = {}) {
  const stagingDeveloper = await roleIdOf(s, "acme-staging", "Developer");
  const carol = await s.db.user.findFirstOrThrow({ where: { email: "carol@corp.example" } });
  const rule = await createEligibleRule(
    s,
    { roleId: stagingDeveloper, personId: carol.personId },
    { maxElevationSeconds: 4 * 3600, ...extra },
  );
  return { stagingDeveloper, rule };
}

/** Closes every open request a test left for staging's Developer and removes the test's rule. */
async function removeStagingDeveloperRequests(
  s: TestStack,
  { stagingDeveloper, rule }: Awaited<ReturnType<typeof carolMayRequestStagingDeveloper>>,
) {
  await s.db.accessRequest.updateMany({
    where: { roleId: stagingDeveloper, state: { in: ["pending", "approved"] } },
    data: { state: "cancelled" },
  });
  await s.db.accessRule.deleteMany({ where: { id: rule.id } });
}

test("carol requests DataAnalyst, alice approves, carol opens the console, alice revokes, carol is refused", async ({
  page,
  browser,
}) => {
  const s = stack();
  const dataAnalyst = await roleIdOf(s, "acme-production", "DataAnalyst");

  // carol: no standing access, but the no-access page offers the role she may request.
  await signInThroughBrowser(page, s, "carol");
  await expect(page.getByTestId("no-access")).toBeVisible();
  await page.getByTestId("no-access-request").getByRole("link", { name: "Request access" }).click();
  await expect(page).toHaveURL(`${s.portalUrl}/requests`);
  const eligible = page.locator(`[data-testid="eligible-role"][data-role-id="${dataAnalyst}"]`);
  await expect(eligible).toContainText("DataAnalyst");
  await expect(eligible).toContainText("acme-production");
  await eligible.getByTestId("request-open").click();
  await eligible.getByTestId("request-duration").selectOption(String(3600));
  await eligible.getByTestId("request-reason").fill("Q3 revenue review for the board deck");
  await eligible.getByTestId("request-submit").click();
  const mine = page.getByTestId("my-request").first();
  await expect(mine.getByTestId("request-status")).toHaveText("pending");
  await expect(mine).toContainText("Q3 revenue review");

  // alice, in her own browser, decides it.
  const aliceContext = await browser.newContext();
  const alicePage = await aliceContext.newPage();
  await signInThroughBrowser(alicePage, s, "alice");
  await alicePage.getByRole("link", { name: "Access requests", exact: true }).click();
  const toDecide = alicePage.getByTestId("decide-request").first();
  await expect(toDecide).toContainText("carol@corp.example");
  await expect(toDecide).toContainText("DataAnalyst");
  await expect(toDecide).toContainText("Q3 revenue review for the board deck");
  await expect(toDecide.getByTestId("requester-history")).toContainText("requests so far: 1");
  await toDecide.getByTestId("decide-comment").fill("ok for the board deck");
  await toDecide.getByTestId("decide-approve").click();
  await expect(alicePage.getByTestId("request-done")).toContainText("Approved carol@corp.example");

  // carol: the role is on her accounts page now, with its end, and the console opens.
  await page.goto(`${s.portalUrl}/accounts`);
  const row = roleRow(page, "acme-production", "DataAnalyst");
  // The end as a time alone on its own day, else the day alone; the full instant in dateTime.
  const accessEnds = row.getByTestId("role-access-ends");
  await expect(accessEnds).toHaveText(/^until (\d\d:\d\d UTC|\d{4}-\d\d-\d\d)$/);
  await expect(accessEnds.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT.*Z$/);
  const popupOpened = page.waitForEvent("popup");
  await row.getByRole("button", { name: /^Console:/ }).click();
  const consoleTab = await popupOpened;
  await consoleTab.waitForURL(/\/federation/);
  await expect(consoleTab.getByTestId("console-role")).toHaveText("DataAnalyst");
  await consoleTab.close();

  // alice ends it early.
  await alicePage.reload();
  const overseen = alicePage.getByTestId("overseen-elevation").first();
  await expect(overseen).toContainText("carol@corp.example");
  await overseen.getByTestId("elevation-revoke").click();
  await expect(alicePage.getByTestId("request-done")).toContainText("Ended carol@corp.example");
  await expect(alicePage.getByTestId("overseen-elevation")).toHaveCount(0);
  await aliceContext.close();

  // carol's page still shows the role; using it is refused, and a reload shows no access again.
  await row.getByRole("button", { name: /^Console:/ }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "acme-production / DataAnalyst" }),
  ).toContainText("no access to it");
  await page.reload();
  await expect(page.getByTestId("no-access")).toBeVisible();
  await page.goto(`${s.portalUrl}/requests`);
  await expect(page.getByTestId("my-request").first().getByTestId("request-status")).toHaveText(
    "revoked",
  );

  // The audit log, in order.
  const carolUser = await s.db.user.findFirstOrThrow({ where: { email: "carol@corp.example" } });
  const events = await s.db.auditEvent.findMany({
    where: {
      OR: [
        { action: { startsWith: "access-request." } },
        { action: { startsWith: "elevation." } },
        { actorUserId: carolUser.id, roleArn: { contains: ":role/DataAnalyst" } },
        // The refusal after the revoke (also matched above: it names the role it points at).
        { actorUserId: carolUser.id, action: "access.denied" },
      ],
    },
    orderBy: { sequence: "asc" },
  });
  expect(events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
    "access-request.requested:success",
    "access-request.approved:success",
    "elevation.activated:success",
    "console.authorized:success",
    "console.issued:success",
    "elevation.revoked:success",
    "access.denied:denied",
  ]);

  // The webhook receiver got each event.
  const got = await hooks!.waitForMatching(4, (h) => h.body.text.includes("DataAnalyst"));
  expect(got.map((h) => h.body.event)).toEqual(["requested", "approved", "activated", "ended"]);
});

test("a start time must be given and to come, the Starting radios are one group, and a sent request is confirmed and shown as pending", async ({
  page,
}) => {
  const s = stack();
  const dataAnalyst = await roleIdOf(s, "acme-production", "DataAnalyst");
  const carol = await s.db.user.findFirstOrThrow({ where: { email: "carol@corp.example" } });
  const pendingOfCarol = () =>
    s.db.accessRequest.count({ where: { personId: carol.personId, state: "pending" } });
  expect(await pendingOfCarol()).toBe(0);

  await signedInAs(page, s, "carol");
  await page.goto(`${s.portalUrl}/requests`);
  const eligible = page.locator(`[data-testid="eligible-role"][data-role-id="${dataAnalyst}"]`);
  await eligible.getByTestId("request-open").click();
  const whenApproved = eligible.getByRole("radio", { name: "when approved" });
  const at = eligible.getByRole("radio", { name: "at" });
  const names = [await whenApproved.getAttribute("name"), await at.getAttribute("name")];
  expect(names[0]).toBeTruthy();
  expect(names[1]).toBe(names[0]);
  await at.focus();
  await page.keyboard.press("ArrowLeft");
  await expect(whenApproved).toBeChecked();
  await at.check();
  await expect(whenApproved).not.toBeChecked();
  await eligible.getByTestId("request-reason").fill("Month-end numbers");

  // "at" with no time: refused in the form, nothing sent.
  await eligible.getByTestId("request-submit").click();
  await expect(eligible.getByTestId("request-start-error")).toContainText(
    "Choose the date and time to start",
  );
  // A past time: refused too, saying why.
  const localInput = (offsetMs: number) =>
    page.evaluate((offset) => {
      const d = new Date(Date.now() + offset);
      const two = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
    }, offsetMs);
  await eligible.getByTestId("request-starts-at").fill(await localInput(-2 * 3_600_000));
  await expect(eligible.getByTestId("request-start-error")).toHaveCount(0);
  await eligible.getByTestId("request-submit").click();
  await expect(eligible.getByTestId("request-start-error")).toContainText("That time has passed");
  await expect(eligible.getByTestId("request-starts-at")).toHaveAttribute("aria-invalid", "true");
  expect(await pendingOfCarol()).toBe(0);

  // Two hours ahead: sent; the confirmation stays on screen after the form closes.
  const startAt = await localInput(2 * 3_600_000);
  await eligible.getByTestId("request-starts-at").fill(startAt);
  await eligible.getByTestId("request-submit").click();
  await expect(page.getByTestId("request-sent")).toContainText("Requested: approvers were told.");
  await expect(page.getByTestId("request-form")).toHaveCount(0);
  const requested = page.locator(`[data-testid="requested-role"][data-role-id="${dataAnalyst}"]`);
  await expect(requested).toContainText("Your request is waiting for approval");
  await expect(page.getByTestId("eligible-empty")).toHaveText(
    "No other role is open to you by request.",
  );
  await page.screenshot({ path: "test-results/request-sent.png", fullPage: true });
  const request = await s.db.accessRequest.findFirstOrThrow({
    where: { personId: carol.personId, state: "pending" },
  });
  const chosen = await page.evaluate((v) => new Date(v).getTime(), startAt);
  expect(request.startsAt.getTime()).toBe(chosen);

  // A reload says the same: the role has a pending request.
  await page.reload();
  await expect(requested).toContainText("Your request is waiting for approval");
});

test("my requests say who ended an elevation early and why, a request cancelled after its approval shows no end that never came, and one whose rule was removed says nobody can approve it", async ({
  page,
  browser,
}) => {
  const s = stack();
  const { stagingDeveloper, rule } = await carolMayRequestStagingDeveloper(s, {
    breakGlass: true,
  });
  try {
    await signedInAs(page, s, "carol");
    await page.goto(`${s.portalUrl}/requests`);
    const eligible = page.locator(
      `[data-testid="eligible-role"][data-role-id="${stagingDeveloper}"]`,
    );
    // Break-glass: active at once, with no approval to name who ended it.
    await eligible.getByTestId("request-open").click();
    await eligible.getByTestId("request-reason").fill("staging is down");
    await eligible.getByTestId("request-break-glass").click();
    await expect(page.getByTestId("request-sent")).toContainText("Break-glass access is active");

    // bob, an approver, ends it early.
    const bobContext = await browser.newContext();
    const bobPage = await bobContext.newPage();
    await signInThroughBrowser(bobPage, s, "bob");
    await bobPage.goto(`${s.portalUrl}/requests`);
    const overseen = bobPage.locator('[data-testid="overseen-elevation"]', {
      hasText: "carol@corp.example",
    });
    await overseen.getByTestId("elevation-revoke").click();
    await expect(bobPage.getByTestId("request-done")).toContainText("Ended carol@corp.example");

    await page.reload();
    const revoked = page.getByTestId("my-request").first();
    await expect(revoked.getByTestId("request-status")).toHaveText("revoked");
    await expect(revoked).toContainText("ended early");
    await expect(revoked.getByTestId("request-closed")).toHaveText(
      "Ended early by bob@corp.example: “revoked by an approver”",
    );

    // A request to start in two hours, approved by bob, then cancelled by carol before it starts.
    await eligible.getByTestId("request-open").click();
    await eligible.getByTestId("request-reason").fill("release rehearsal");
    await eligible.getByTestId("request-start-at").check();
    const startAt = await page.evaluate(() => {
      const d = new Date(Date.now() + 2 * 3_600_000);
      const two = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
    });
    await eligible.getByTestId("request-starts-at").fill(startAt);
    await eligible.getByTestId("request-submit").click();
    await expect(page.getByTestId("request-sent")).toContainText("Requested");
    const pending = page.getByTestId("my-request").first();
    await expect(pending.getByTestId("request-status")).toHaveText("pending");
    // The start asked for is shown while it waits, not only the length.
    await expect(pending).toContainText(/asked for 1 h from \S/);

    await bobPage.reload();
    const toDecide = bobPage.locator('[data-testid="decide-request"]', {
      hasText: "release rehearsal",
    });
    await toDecide.getByTestId("decide-approve").click();
    await expect(bobPage.getByTestId("request-done")).toContainText("Approved carol@corp.example");
    await bobContext.close();

    await page.reload();
    const approved = page.getByTestId("my-request").first();
    await expect(approved.getByTestId("request-status")).toHaveText("approved");
    await approved.getByTestId("request-cancel").click();
    await expect(page.getByTestId("request-done")).toContainText("Request cancelled.");
    const cancelled = page.getByTestId("my-request").first();
    await expect(cancelled.getByTestId("request-status")).toHaveText("cancelled");
    await expect(cancelled).toContainText("cancelled by carol@corp.example");
    await expect(cancelled).not.toContainText("ended");

    // A request whose rule is then removed: nobody can approve it, and the page says so.
    await eligible.getByTestId("request-open").click();
    await eligible.getByTestId("request-reason").fill("one more try");
    await eligible.getByTestId("request-submit").click();
    await expect(page.getByTestId("request-sent")).toContainText("Requested");
    await s.db.accessRule.delete({ where: { id: rule.id } });
    await page.reload();
    const stuck = page.getByTestId("my-request").first();
    await expect(stuck.getByTestId("request-status")).toHaveText("pending");
    await expect(stuck.getByTestId("request-rule-removed")).toHaveText(
      "The rule this request was made under was removed: nobody can approve it. Cancel it, and request again if the role is still offered.",
    );
    await page.screenshot({ path: ".tmp/my-requests-closed.png", fullPage: true });
  } finally {
    await removeStagingDeveloperRequests(s, { stagingDeveloper, rule });
  }
});

test("a waiting request of a break-glass role offers break glass instead: activating cancels the request, and My requests says why", async ({
  page,
}) => {
  const s = stack();
  const { stagingDeveloper, rule } = await carolMayRequestStagingDeveloper(s, {
    breakGlass: true,
  });
  try {
    await signedInAs(page, s, "carol");
    await page.goto(`${s.portalUrl}/requests`);
    const eligible = page.locator(
      `[data-testid="eligible-role"][data-role-id="${stagingDeveloper}"]`,
    );
    await eligible.getByTestId("request-open").click();
    await eligible.getByTestId("request-reason").fill("deploy tomorrow");
    await eligible.getByTestId("request-submit").click();
    await expect(page.getByTestId("request-sent")).toContainText("Requested");

    // 3 a.m., nobody answers: the waiting role offers break glass instead.
    const requested = page.locator(
      `[data-testid="requested-role"][data-role-id="${stagingDeveloper}"]`,
    );
    await expect(requested).toContainText("Your request is waiting for approval");
    await requested.getByTestId("break-glass-instead").click();
    await expect(requested.getByTestId("break-glass-replaces")).toContainText(
      "cancels your waiting request",
    );
    await expect(requested.getByTestId("request-submit")).toBeHidden();
    await requested.getByTestId("request-reason").fill("staging is down, nobody answers");
    await requested.getByTestId("request-break-glass").click();
    await expect(page.getByTestId("request-sent")).toContainText(
      "Break-glass access is active; your waiting request was cancelled",
    );
    await page.screenshot({ path: ".tmp/break-glass-instead.png", fullPage: true });

    await page.reload();
    const [active, replaced] = [
      page.getByTestId("my-request").nth(0),
      page.getByTestId("my-request").nth(1),
    ];
    await expect(active.getByTestId("request-status")).toHaveText("active");
    await expect(active).toContainText("break-glass");
    await expect(replaced.getByTestId("request-status")).toHaveText("cancelled");
    await expect(replaced.getByTestId("request-closed")).toContainText(
      "Replaced by break-glass access",
    );
    await expect(requested).toContainText("You have this access now");
    await expect(requested.getByTestId("break-glass-instead")).toHaveCount(0);
  } finally {
    await removeStagingDeveloperRequests(s, { stagingDeveloper, rule });
  }
});

test("an approver follows a notification's link, signs in and comes back to that request; a decision another approver made first is shown with who made it", async ({
  page,
  browser,
}) => {
  const s = stack();
  const { stagingDeveloper, rule } = await carolMayRequestStagingDeveloper(s);
  const contexts: Array<{ close(): Promise<void> }> = [];
  try {
    await signedInAs(page, s, "carol");
    await page.goto(`${s.portalUrl}/requests`);
    const eligible = page.locator(
      `[data-testid="eligible-role"][data-role-id="${stagingDeveloper}"]`,
    );
    await eligible.getByTestId("request-open").click();
    await eligible.getByTestId("request-reason").fill("hotfix for the login page");
    await eligible.getByTestId("request-submit").click();
    const [told] = await hooks!.waitForMatching(
      1,
      (h) => h.body.event === "requested" && h.body.text.includes("hotfix for the login page"),
    );
    const link = (told?.body.request as { url?: string } | undefined)?.url ?? "";
    const id = told?.body.request.id ?? "";
    expect(link).toBe(`${s.portalUrl}/requests?request=${id}`);

    // alice, signed out, opens the link: she signs in and lands on that request, marked.
    const aliceContext = await browser.newContext();
    contexts.push(aliceContext);
    const alicePage = await aliceContext.newPage();
    await alicePage.goto(link);
    await expect(alicePage).toHaveURL(
      `${s.portalUrl}/signin?callbackUrl=${encodeURIComponent(`/requests?request=${id}`)}`,
    );
    await alicePage.getByRole("button", { name: "Sign in with Corp Identity (demo)" }).click();
    await alicePage.waitForURL((url) => url.origin === new URL(s.idp.issuer).origin);
    await alicePage.locator('input[name="username"]').fill("alice");
    await alicePage.locator('input[name="password"]').fill("alice-demo-password");
    await alicePage.getByRole("button", { name: "Sign in", exact: true }).click();
    await alicePage.waitForURL(link);
    const linked = alicePage.locator(`[data-testid="decide-request"][data-linked="true"]`);
    await expect(linked).toHaveAttribute("data-request-id", id);
    await expect(linked).toContainText("hotfix for the login page");

    // bob approves it first, from the same link.
    const bobContext = await browser.newContext();
    contexts.push(bobContext);
    const bobPage = await bobContext.newPage();
    await signedInAs(bobPage, s, "bob");
    await bobPage.goto(link);
    await bobPage
      .locator('[data-testid="decide-request"][data-linked="true"]')
      .getByTestId("decide-approve")
      .click();
    await expect(bobPage.getByTestId("request-done")).toContainText("Approved carol@corp.example");

    // alice's page is stale: her deny is refused, saying who approved it, and the page catches up.
    await linked.getByTestId("decide-comment").fill("not during the freeze");
    await linked.getByTestId("decide-deny").click();
    await expect(alicePage.getByTestId("request-error")).toContainText(
      "already approved by bob@corp.example",
    );
    await expect(alicePage.getByTestId("linked-request-note")).toContainText(
      "already approved by bob@corp.example",
    );
    await expect(
      alicePage.locator(`[data-testid="decide-request"][data-request-id="${id}"]`),
    ).toHaveCount(0);
  } finally {
    for (const c of contexts) await c.close();
    await removeStagingDeveloperRequests(s, { stagingDeveloper, rule });
  }
});

test("a console deep link to a role one may only request says so and leads to the request, not 'no such role'", async ({
  page,
}) => {
  const s = stack();
  const eligibility = await carolMayRequestStagingDeveloper(s);
  try {
    await signedInAs(page, s, "carol");
    await page.goto(`${s.portalUrl}/console?account=acme-stg&role=developer&region=eu-west-1`);
    const panel = page.getByTestId("deep-link-requestable");
    await expect(panel).toContainText("Developer in acme-staging");
    await expect(panel.getByTestId("deep-link-message")).toContainText("You may request this role");
    await panel.getByRole("link", { name: "Request access" }).click();
    await page.waitForURL(`${s.portalUrl}/requests`);
    await expect(
      page.locator(`[data-testid="eligible-role"][data-role-id="${eligibility.stagingDeveloper}"]`),
    ).toBeVisible();

    // A role nobody offers her stays one answer, whether or not it exists.
    await page.goto(`${s.portalUrl}/console?account=acme-production&role=ReadOnly`);
    await expect(page.getByTestId("deep-link-not-found")).toBeVisible();
  } finally {
    await removeStagingDeveloperRequests(s, eligibility);
  }
});
