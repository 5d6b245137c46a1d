// A tab left open past the end of its portal session (GATEHOUSE_SESSION_MAX_AGE_SECONDS, 8 h by
// default; the portal's clock is moved instead of waiting): the next click meets a 401 and the
// browser signs in again. Back in the same tab, what the click meant is offered again — never done
// by itself when it would issue credentials or decide a request — and typed text is still there.
// Also: a role granted only with MFA says so on the accounts page before any click.
import type { Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { demoUsers } from "@/dev/demo-users";
import {
  roleIdOf,
  roleRow,
  signInThroughBrowser,
  startStackPerFile,
  type DemoUsername,
  type TestStack,
} from "./support/e2e-stack";
import { clickConsoleExpectingRefusal } from "./support/refused-console-tab";

const stack = startStackPerFile();

/** Past the default session length (8 h): every session signed in before this has ended. */
function endSessionsByTime(s: TestStack): void {
  s.portalClock.advance(8 * 3600 * 1000 + 60_000);
}

/**
 * On the sign-in page after the session ended, back to `path` through the IdP (its own session may
 * still be alive, then it asks for nothing).
 */
async function signInAgain(page: Page, s: TestStack, username: DemoUsername, path: string) {
  await expect(page.getByTestId("session-ended")).toBeVisible();
  await page.getByRole("button", { name: "Sign in with Corp Identity (demo)" }).click();
  const idpOrigin = new URL(s.idp.issuer).origin;
  await page.waitForURL((url) => url.origin === idpOrigin || url.pathname === path);
  if (new URL(page.url()).origin === idpOrigin) {
    const user = demoUsers.find((u) => u.username === username)!;
    await page.locator('input[name="username"]').fill(user.username);
    await page.locator('input[name="password"]').fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }
  await page.waitForURL((url) => url.origin === s.portalUrl && url.pathname === path);
  await expect(page.getByTestId("signed-in-user")).toBeVisible();
}

async function auditCount(s: TestStack, email: string, action: string): Promise<number> {
  return s.db.auditEvent.count({ where: { action, actorEmail: email } });
}

test("an expired session: Console on the accounts page signs in again and offers that console, opened only by a click", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "alice");
  endSessionsByTime(s);
  const issuedBefore = await auditCount(s, "alice@corp.example", "console.issued");

  await clickConsoleExpectingRefusal(
    page,
    roleRow(page, "acme-staging", "Developer").getByRole("button", { name: /^Console:/ }),
  );
  await signInAgain(page, s, "alice", "/accounts");

  const offer = page.getByTestId("resume-offer");
  await expect(offer).toContainText("AWS console for acme-staging / Developer");
  expect(await auditCount(s, "alice@corp.example", "console.issued")).toBe(issuedBefore);
  const popup = page.waitForEvent("popup");
  await offer.getByRole("button", { name: "Open console" }).click();
  const consoleTab = await popup;
  await consoleTab.waitForURL(/\/federation/);
  await expect(consoleTab.getByTestId("console-role")).toHaveText("Developer");
  await consoleTab.close();
  await expect(offer).toHaveCount(0);
});

test("an expired session: CLI credentials on the accounts page signs in again and offers them, issued only by a click", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "alice");
  endSessionsByTime(s);
  const issuedBefore = await auditCount(s, "alice@corp.example", "credentials.issued");

  await roleRow(page, "acme-staging", "Developer")
    .getByRole("button", { name: /^CLI credentials:/ })
    .click();
  await signInAgain(page, s, "alice", "/accounts");

  const offer = page.getByTestId("resume-offer");
  await expect(offer).toContainText("CLI credentials for acme-staging / Developer");
  await expect(page.getByTestId("credentials-dialog")).toHaveCount(0);
  expect(await auditCount(s, "alice@corp.example", "credentials.issued")).toBe(issuedBefore);
  await offer.getByRole("button", { name: "Get CLI credentials" }).click();
  const dialog = page.getByTestId("credentials-dialog");
  await expect(dialog).toContainText("acme-staging / Developer");
  await expect(dialog.getByTestId("credentials-expiry")).toBeVisible();
});

test("an expired session: someone else who signs in on the tab is not offered the last person's console or star", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "alice");
  endSessionsByTime(s);
  await clickConsoleExpectingRefusal(
    page,
    roleRow(page, "acme-staging", "Developer").getByRole("button", { name: /^Console:/ }),
  );
  const keptInTab = () =>
    page.evaluate(() =>
      Object.keys(window.sessionStorage).some((k) => k.startsWith("gatehouse.kept:")),
    );
  await expect(page.getByTestId("session-ended")).toBeVisible();
  expect(await keptInTab()).toBe(true);
  // alice walks away; her IdP session goes too (else the IdP would sign her in again).
  await page.context().clearCookies();
  await signInAgain(page, s, "bob", "/accounts");
  await expect(page.getByTestId("signed-in-user")).toHaveText("bob@corp.example");
  await expect(roleRow(page, "acme-staging", "Developer")).toBeVisible();
  // The page has read what the tab kept (reading forgets it) and rendered what followed.
  await expect.poll(keptInTab).toBe(false);
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  );
  await expect(page.getByTestId("resume-offer")).toHaveCount(0);
});

test("an expired session: a favorite starred on the accounts page is saved once signed in again", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "alice");
  const roleId = await roleIdOf(s, "acme-security", "SecurityAudit");
  endSessionsByTime(s);

  await roleRow(page, "acme-security", "SecurityAudit").getByTestId("favorite-star").click();
  await signInAgain(page, s, "alice", "/accounts");

  await expect(
    roleRow(page, "acme-security", "SecurityAudit").getByRole("button", {
      name: "Remove acme-security / SecurityAudit from favorites",
    }),
  ).toHaveAttribute("aria-pressed", "true");
  await expect
    .poll(() =>
      s.db.favoriteRole.count({
        where: { roleId, person: { identities: { some: { email: "alice@corp.example" } } } },
      }),
    )
    .toBe(1);
});

test("an expired session: an access request's typed reason and ticket are kept through signing in again, and it is sent only by a click", async ({
  page,
}) => {
  const s = stack();
  const dataAnalyst = await roleIdOf(s, "acme-production", "DataAnalyst");
  await signInThroughBrowser(page, s, "carol");
  await page.goto(`${s.portalUrl}/requests`);
  const eligible = page.locator(`[data-testid="eligible-role"][data-role-id="${dataAnalyst}"]`);
  await eligible.getByTestId("request-open").click();
  await eligible.getByTestId("request-duration").selectOption(String(2 * 3600));
  await eligible
    .getByTestId("request-reason")
    .fill("Quarterly numbers for the board, typed at length");
  await eligible.getByTestId("request-ticket").fill("OPS-4711");
  endSessionsByTime(s);

  await eligible.getByTestId("request-submit").click();
  await signInAgain(page, s, "carol", "/requests");

  await expect(eligible.getByTestId("request-reason")).toHaveValue(
    "Quarterly numbers for the board, typed at length",
  );
  await expect(eligible.getByTestId("request-ticket")).toHaveValue("OPS-4711");
  await expect(eligible.getByTestId("request-duration")).toHaveValue(String(2 * 3600));
  expect(await s.db.accessRequest.count({ where: { roleId: dataAnalyst } })).toBe(0);
  await eligible.getByTestId("request-submit").click();
  await expect(page.getByTestId("request-sent")).toContainText("Requested");
  const sent = await s.db.accessRequest.findFirstOrThrow({ where: { roleId: dataAnalyst } });
  expect(sent.reason).toBe("Quarterly numbers for the board, typed at length");
  expect(sent.ticket).toBe("OPS-4711");
});

test("an expired session: an approver's typed comment is kept through signing in again, and the request is decided only by a click", async ({
  page,
  browser,
}) => {
  const s = stack();
  const dataAnalyst = await roleIdOf(s, "acme-production", "DataAnalyst");
  let pending = await s.db.accessRequest.findFirst({
    where: { roleId: dataAnalyst, state: "pending" },
  });
  if (!pending) {
    const carol = await browser.newPage();
    await signInThroughBrowser(carol, s, "carol");
    await carol.goto(`${s.portalUrl}/requests`);
    const eligible = carol.locator(`[data-testid="eligible-role"][data-role-id="${dataAnalyst}"]`);
    await eligible.getByTestId("request-open").click();
    await eligible.getByTestId("request-reason").fill("board deck");
    await eligible.getByTestId("request-submit").click();
    await expect(carol.getByTestId("request-sent")).toBeVisible();
    await carol.close();
    pending = await s.db.accessRequest.findFirstOrThrow({
      where: { roleId: dataAnalyst, state: "pending" },
    });
  }
  await signInThroughBrowser(page, s, "alice");
  await page.goto(`${s.portalUrl}/requests`);
  const toDecide = page.locator(`[data-testid="decide-request"][data-request-id="${pending.id}"]`);
  await toDecide.getByTestId("decide-comment").fill("fine for the board deck, two hours");
  endSessionsByTime(s);

  await toDecide.getByTestId("decide-approve").click();
  await signInAgain(page, s, "alice", "/requests");

  await expect(toDecide.getByTestId("decide-comment")).toHaveValue(
    "fine for the board deck, two hours",
  );
  await expect(toDecide.getByTestId("decide-kept")).toContainText("not sent");
  expect((await s.db.accessRequest.findUniqueOrThrow({ where: { id: pending.id } })).state).toBe(
    "pending",
  );
  await toDecide.getByTestId("decide-approve").click();
  await expect(page.getByTestId("request-done")).toContainText("Approved carol@corp.example");
  const decision = await s.db.accessRequestDecision.findFirstOrThrow({
    where: { requestId: pending.id },
  });
  expect(decision.comment).toBe("fine for the board deck, two hours");
});

test("signing out forgets what the tab kept: a draft left behind by a sign-in that went elsewhere is not offered after it", async ({
  page,
}) => {
  const s = stack();
  const dataAnalyst = await roleIdOf(s, "acme-production", "DataAnalyst");
  // The earlier tests' requests would leave nothing to request.
  await s.db.accessRequest.deleteMany({ where: { roleId: dataAnalyst } });
  await signInThroughBrowser(page, s, "carol");
  await page.goto(`${s.portalUrl}/requests`);
  const eligible = page.locator(`[data-testid="eligible-role"][data-role-id="${dataAnalyst}"]`);
  await eligible.getByTestId("request-open").click();
  await eligible.getByTestId("request-reason").fill("A draft nobody came back for");
  endSessionsByTime(s);
  await eligible.getByTestId("request-submit").click();
  await expect(page.getByTestId("session-ended")).toBeVisible();

  // Signed in again, but through a link to the accounts page: the draft stays kept, unread.
  await page.goto(`${s.portalUrl}/signin?callbackUrl=${encodeURIComponent("/accounts")}`);
  await page.getByRole("button", { name: "Sign in with Corp Identity (demo)" }).click();
  await page.waitForURL((url) => url.origin === s.portalUrl && url.pathname === "/accounts");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.origin === s.portalUrl && url.pathname === "/signin");

  await signInThroughBrowser(page, s, "carol");
  await page.goto(`${s.portalUrl}/requests`);
  await eligible.getByTestId("request-open").click();
  await expect(eligible.getByTestId("request-reason")).toHaveValue("");
});
