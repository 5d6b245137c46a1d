// The portal for someone on a keyboard alone or with a screen reader (WCAG 2.2 AA), in Chromium:
// where focus lands after a refused form, what the approver queue's controls are called, how the
// outcome of an action and a copy are announced, and whether text stands out from its background.
import type { Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { createEligibleRule } from "@/tests/support/eligible-rule";
import { roleIdOf, signedInAs, startStackPerFile, type TestStack } from "./support/e2e-stack";

const stack = startStackPerFile();
test.beforeAll(async () =>
  seedQueue(stack(), {
    account: "acme-production",
    role: "DataAnalyst",
    reason: "quarterly numbers",
  }),
);

/** Two requests waiting for bob (developers approve), from carol and from dave, for one role. */
async function seedQueue(
  s: TestStack,
  wanted: { account: string; role: string; reason: string },
): Promise<void> {
  const roleId = await roleIdOf(s, wanted.account, wanted.role);
  const requesters = await s.db.user.findMany({
    where: { email: { in: ["carol@corp.example", "dave@corp.example"] } },
  });
  const now = Date.now();
  for (const who of requesters) {
    const rule = await createEligibleRule(s, { roleId, personId: who.personId });
    await s.db.accessRequest.create({
      data: {
        ruleId: rule.id,
        roleId,
        personId: who.personId,
        requesterUserId: who.id,
        requesterEmail: who.email!,
        reason: wanted.reason,
        durationSeconds: 3600,
        startsAt: new Date(now),
        decideBy: new Date(now + 24 * 3_600_000),
      },
    });
  }
}

/** Signs the page in as `username` after whoever it was signed in as. */
async function switchTo(page: Page, s: TestStack, username: "alice" | "bob" | "carol" | "dave") {
  await page.context().clearCookies();
  await signedInAs(page, s, username);
}

test("a refused account form puts focus on its first invalid field, which its error describes", async ({
  page,
}) => {
  const s = stack();
  await switchTo(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/accounts/new`);
  const form = page.getByTestId("account-form");
  await form.getByLabel("Name", { exact: true }).fill("finance");
  await form.getByRole("button", { name: "Add account" }).click();

  const accountId = form.getByRole("textbox", { name: "AWS account id" });
  await expect(accountId).toHaveAttribute("aria-invalid", "true");
  await expect(accountId).toBeFocused();
  await expect(accountId).toHaveAccessibleDescription(/exactly 12 digits/);
});

test("every Approve, Deny and Comment control in the approver queue names the request it acts on", async ({
  page,
}) => {
  const s = stack();
  await switchTo(page, s, "bob");
  await page.goto(`${s.portalUrl}/requests`);
  await expect(page.getByTestId("decide-request")).toHaveCount(2);

  for (const email of ["carol@corp.example", "dave@corp.example"]) {
    const request = page.getByTestId("decide-request").filter({ hasText: email });
    for (const [role, shown] of [
      ["button", "Approve"],
      ["button", "Deny"],
      ["textbox", "Comment"],
    ] as const) {
      const control = request.getByRole(role, { name: new RegExp(`^${shown}\\b`) });
      // Starts with what it shows (WCAG 2.5.3), then says whose request, for what.
      await expect(control).toHaveAccessibleName(
        `${shown}: ${email}, acme-production / DataAnalyst`,
      );
      await expect(page.getByRole(role, { name: `${shown}: ${email},` })).toHaveCount(1);
    }
  }
});

test("an approver's decision is announced by a live region that was on the page before it", async ({
  page,
}) => {
  const s = stack();
  await switchTo(page, s, "bob");
  await page.goto(`${s.portalUrl}/requests`);
  const queue = page.getByRole("region", { name: "Requests to decide" });
  // A live region inserted with its text already in it is often not read at all: the region must
  // be there, empty, before the change it reports.
  const status = queue.getByRole("status");
  await expect(status).toHaveCount(1);
  await expect(status).toHaveText("");
  const before = await status.elementHandle();

  await page.getByRole("button", { name: /^Deny: dave@corp\.example,/ }).click();
  await expect(status).toHaveText("Denied dave@corp.example's request.");
  expect(await before.evaluate((el) => el.isConnected && el.textContent)).toBe(
    "Denied dave@corp.example's request.",
  );
});

test("Copy in the credentials dialog reports the copy through a live region", async ({
  page,
  context,
}) => {
  const s = stack();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: s.portalUrl });
  await switchTo(page, s, "bob");
  await page.getByRole("button", { name: "CLI credentials: acme-production / ReadOnly" }).click();
  const dialog = page.getByRole("dialog", { name: "CLI credentials" });
  await expect(dialog.getByTestId("credentials-text")).toBeVisible();
  const status = dialog.getByRole("status");
  await expect(status).toHaveCount(1);
  await expect(status).toHaveText("");

  await dialog.getByRole("button", { name: "Copy" }).click();
  await expect(status).toHaveText("Copied to the clipboard.");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
});

/**
 * The visible text of `root` whose colour against the background behind it is under `minimum`
 * (WCAG 1.4.3), both as Chromium paints them: Tailwind's colours are lab()/oklch(), so each is
 * drawn on a canvas and read back in sRGB; translucent backgrounds are laid over what is behind
 * them. Controls shown as unavailable (disabled, aria-disabled) are exempt, as WCAG allows.
 */
async function lowContrastText(page: Page, root: string, minimum = 4.5): Promise<string[]> {
  return page.locator(root).evaluate((rootEl, min) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    const rgba = (css: string): [number, number, number, number] => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = "#000";
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      return [r!, g!, b!, a! / 255];
    };
    const over = (top: number[], below: number[]) =>
      [0, 1, 2].map((i) => top[i]! * top[3]! + below[i]! * (1 - top[3]!));
    const luminance = (rgb: number[]) => {
      const [r, g, b] = rgb.map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const backgroundOf = (el: Element): number[] => {
      const layers: Array<[number, number, number, number]> = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const layer = rgba(getComputedStyle(e).backgroundColor);
        if (layer[3] > 0) layers.push(layer);
        if (layer[3] === 1) break;
      }
      return layers.reverse().reduce<number[]>((below, top) => over(top, below), [255, 255, 255]);
    };
    const failures: string[] = [];
    const walker = document.createTreeWalker(rootEl, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      const text = node.textContent?.trim();
      if (!el || !text) continue;
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1 || el.closest("[hidden], .sr-only")) continue;
      if (el.closest(":disabled, [aria-disabled='true']")) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.display === "none") continue;
      const bg = backgroundOf(el);
      const fg = over(rgba(style.color), bg);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const ratio = (hi! + 0.05) / (lo! + 0.05);
      if (ratio < min) failures.push(`${ratio.toFixed(2)}:1 "${text.slice(0, 40)}"`);
    }
    return failures;
  }, minimum);
}

test("text on the accounts page, in the credentials dialog, the approver queue and the admin pages has at least 4.5:1 contrast", async ({
  page,
}) => {
  const s = stack();
  await switchTo(page, s, "alice");
  await expect(page.getByTestId("role").first()).toBeVisible();
  expect(await lowContrastText(page, "body")).toEqual([]);

  await page.getByRole("button", { name: "CLI credentials: acme-production / ReadOnly" }).click();
  await expect(page.getByTestId("credentials-text")).toBeVisible();
  expect(await lowContrastText(page, "dialog")).toEqual([]);
  await page.keyboard.press("Escape");

  // carol's request (seeded above) waits for alice too: she is in the developers group.
  await page.goto(`${s.portalUrl}/requests`);
  await expect(page.getByRole("button", { name: /^Approve: carol@corp\.example,/ })).toBeVisible();
  expect(await lowContrastText(page, "body")).toEqual([]);

  await page.goto(`${s.portalUrl}/admin/accounts`);
  expect(await lowContrastText(page, "body")).toEqual([]);
});

test("the credentials dialog's format tabs follow the WAI-ARIA tabs pattern: one Tab stop, Left/Right/Home/End move and select, and the panel is named by its tab", async ({
  page,
}) => {
  const s = stack();
  await switchTo(page, s, "bob");
  await page
    .getByRole("button", { name: "CLI credentials: acme-production / ReadOnly" })
    .last()
    .click();
  const dialog = page.getByRole("dialog", { name: "CLI credentials" });
  await expect(dialog.getByTestId("credentials-text")).toBeVisible();
  const tabs = dialog.getByRole("tablist").getByRole("tab");
  await expect(tabs).toHaveCount(6);
  const panel = dialog.getByRole("tabpanel");

  /** The selected tab is `name`, focused, the only one in the Tab order, and names the panel it controls. */
  const expectSelected = async (name: string, format: string) => {
    const selected = dialog.getByRole("tab", { selected: true });
    await expect(selected).toHaveAccessibleName(name);
    await expect(selected).toBeFocused();
    await expect(dialog.getByRole("tab", { selected: false })).toHaveCount(5);
    for (const tab of await dialog.getByRole("tab", { selected: false }).all())
      await expect(tab).toHaveAttribute("tabindex", "-1");
    await expect(selected).toHaveAttribute("tabindex", "0");
    await expect(selected).toHaveAttribute("aria-controls", (await panel.getAttribute("id"))!);
    await expect(panel).toHaveAccessibleName(name);
    await expect(panel.getByTestId("credentials-text")).toHaveAttribute("data-format", format);
  };

  await dialog.getByRole("tab", { selected: true }).focus();
  await expectSelected("bash / zsh", "bash");
  for (const [key, name, format] of [
    ["ArrowRight", "fish", "fish"],
    ["ArrowLeft", "bash / zsh", "bash"],
    ["ArrowLeft", "credential_process", "credential-process"],
    ["ArrowRight", "bash / zsh", "bash"],
    ["End", "credential_process", "credential-process"],
    ["Home", "bash / zsh", "bash"],
  ] as const) {
    await page.keyboard.press(key);
    await expectSelected(name, format);
  }
  // Tab leaves the tab list for the panel's first control.
  await page.keyboard.press("Tab");
  await expect(panel.getByRole("button", { name: "Copy" })).toBeFocused();
});

test("after Approve or Deny keyboard focus moves to the next request's first control, or to the outcome once none is left, never to the page body", async ({
  page,
}) => {
  const s = stack();
  // Two more requests waiting for bob, so one decided leaves one before and one after it.
  await seedQueue(s, { account: "acme-security", role: "SecurityAudit", reason: "pipeline fix" });
  await switchTo(page, s, "bob");
  await page.goto(`${s.portalUrl}/requests`);
  const rows = page.getByTestId("decide-request");
  const count = await rows.count();
  expect(count).toBeGreaterThanOrEqual(3);

  // The first: the request now first (the next one) has focus on its first control.
  const first = await rows.first().getAttribute("data-request-id");
  await rows
    .first()
    .getByRole("button", { name: /^Approve:/ })
    .focus();
  await page.keyboard.press("Enter");
  await expect(rows).toHaveCount(count - 1);
  await expect(rows.and(page.locator(`[data-request-id="${first}"]`))).toHaveCount(0);
  await expect(rows.first().getByTestId("decide-comment")).toBeFocused();

  // The last: nothing follows it, so the one before it.
  await rows
    .last()
    .getByRole("button", { name: /^Deny:/ })
    .focus();
  await page.keyboard.press("Enter");
  await expect(rows).toHaveCount(count - 2);
  await expect(rows.last().getByTestId("decide-comment")).toBeFocused();

  // None left: the outcome, which says what happened.
  for (let left = count - 2; left > 0; left--) {
    await rows
      .first()
      .getByRole("button", { name: /^Deny:/ })
      .focus();
    await page.keyboard.press("Enter");
    await expect(rows).toHaveCount(left - 1);
  }
  const status = page.getByRole("region", { name: "Requests to decide" }).getByRole("status");
  await expect(status).toHaveText(/^Denied .*'s request\.$/);
  await expect(status).toBeFocused();
});

test("after Send request closes its form keyboard focus moves to the confirmation, never to the page body", async ({
  page,
}) => {
  const s = stack();
  const carol = await s.db.user.findFirstOrThrow({ where: { email: "carol@corp.example" } });
  await createEligibleRule(s, {
    roleId: await roleIdOf(s, "acme-staging", "Administrator"),
    personId: carol.personId,
  });
  await switchTo(page, s, "carol");
  await page.goto(`${s.portalUrl}/requests`);
  const tester = page
    .getByTestId("eligible-role")
    .filter({ has: page.getByText("Administrator", { exact: true }) })
    .filter({ hasText: "acme-staging" });
  await tester.getByRole("button", { name: "Request access" }).click();
  await tester.getByTestId("request-reason").fill("release testing");
  await tester.getByRole("button", { name: "Send request" }).focus();
  await page.keyboard.press("Enter");
  const sent = page.getByRole("region", { name: "Request access" }).getByRole("status").first();
  await expect(sent).toContainText("Requested: approvers were told.");
  await expect(sent).toBeFocused();
});

/** The contrast of `locator`'s colour (an icon's currentColor, a text's colour) against white. */
async function contrastOnWhite(locator: ReturnType<Page["locator"]>): Promise<number> {
  return locator.evaluate((el) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, 1, 1);
    ctx.fillStyle = getComputedStyle(el).color;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b] = [...ctx.getImageData(0, 0, 1, 1).data].map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    const l = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    return 1.05 / (l + 0.05);
  });
}

test("the favourite star, set or not, has at least 3:1 contrast against its row", async ({
  page,
}) => {
  const s = stack();
  await switchTo(page, s, "alice");
  const star = page.getByTestId("favorite-star").first();
  await expect(star).toHaveAttribute("aria-pressed", "false");
  expect(await contrastOnWhite(star)).toBeGreaterThanOrEqual(3);
  await star.click();
  await expect(
    page.locator('[data-testid="favorite-star"][aria-pressed="true"]').first(),
  ).toBeVisible();
  expect(
    await contrastOnWhite(
      page.locator('[data-testid="favorite-star"][aria-pressed="true"]').first(),
    ),
  ).toBeGreaterThanOrEqual(3);
  await page.locator('[data-testid="favorite-star"][aria-pressed="true"]').first().click();
});

test("a pager's unavailable Previous/Newer is marked disabled, is no link to follow, and its text has at least 4.5:1 contrast", async ({
  page,
}) => {
  const s = stack();
  await switchTo(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/audit`);
  const pager = page.getByRole("navigation", { name: "Audit log pages" });
  const newer = pager.getByRole("link", { name: "← Newer" });
  await expect(newer).toHaveAttribute("aria-disabled", "true");
  await expect(newer).not.toHaveAttribute("href");
  expect(await contrastOnWhite(newer)).toBeGreaterThanOrEqual(4.5);
});

test("a refused audit filter opens the filters folded away on a phone and puts focus on the first refused field, which its error describes", async ({
  page,
}) => {
  const s = stack();
  await switchTo(page, s, "dave");
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto(`${s.portalUrl}/admin/audit?account=1234&from=2026-02-30`);
  const from = page.getByRole("textbox", { name: "From (UTC)" });
  await expect(from).toBeFocused();
  await expect(from).toHaveAccessibleDescription(/must be a date like 2026-11-26/);
  await expect(page.getByTestId("audit-filter-error-from")).toBeVisible();
  const account = page.getByRole("textbox", { name: "AWS account id" });
  await expect(account).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("audit-filter-error-account")).toBeVisible();
  await expect(page.getByTestId("audit-table")).toHaveCount(0);
});

test("heading levels never skip one: the accounts page goes h1 then h2, and Add account has an h1", async ({
  page,
}) => {
  const s = stack();
  const levels = () =>
    page
      .locator("main")
      .locator("h1, h2, h3, h4, h5, h6")
      .evaluateAll((hs) => hs.map((h) => Number(h.tagName.slice(1))));
  // dave, given one role here, has used none: no Favorites or Recently used sections, only cards.
  const dave = await s.db.user.findFirstOrThrow({ where: { email: "dave@corp.example" } });
  await s.db.accessRule.create({
    data: { roleId: await roleIdOf(s, "acme-sandbox", "Developer"), personId: dave.personId },
  });
  await switchTo(page, s, "dave");
  await expect(page.getByTestId("account-name").first()).toBeVisible();
  await expect(page.getByTestId("section-title")).toHaveCount(0);
  const seen = await levels();
  expect(seen[0]).toBe(1);
  for (let i = 1; i < seen.length; i++) expect(seen[i]! - seen[i - 1]!).toBeLessThanOrEqual(1);

  await switchTo(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/accounts/new`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Add an AWS account");
});

test("a refused SAML identity provider form and a refused broker MFA unlock put focus on the invalid field", async ({
  page,
}) => {
  const s = stack();
  await switchTo(page, s, "alice");
  await page.goto(`${s.portalUrl}/admin/identity-providers`);
  const form = page.getByTestId("idp-form");
  await form.locator('input[name="displayName"]').fill("Second IdP");
  await form.locator('input[name="slug"]').fill("second-idp");
  await form.locator('textarea[name="metadataXml"]').fill("<md:EntityDescriptor");
  await form.getByRole("button", { name: "Add identity provider" }).click();
  await expect(form.getByTestId("idp-form-error")).toBeVisible();
  const focused = form.locator(":focus");
  await expect(focused).toHaveAttribute("aria-invalid", "true");
  await expect(focused).toHaveAccessibleDescription(/XML/);

  await page.goto(`${s.portalUrl}/admin/broker`);
  const mfa = page.getByTestId("broker-mfa");
  const codes = (await (await fetch(`${s.aws.url}/__standin/mfa-codes`)).json()) as Array<{
    code: string;
  }>;
  const wrong = (Number(codes[0]!.code) + 1) % 1_000_000;
  await mfa.getByLabel("MFA code").fill(String(wrong).padStart(6, "0"));
  await mfa.getByRole("button", { name: "Unlock" }).click();
  await expect(mfa.getByRole("alert")).toBeVisible();
  await expect(mfa.getByLabel("MFA code")).toBeFocused();
});
