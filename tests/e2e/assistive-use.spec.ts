// The portal for someone on a keyboard alone or with a screen reader (WCAG 2.2 AA), in Chromium:
// where focus lands after a refused form, what the approver queue's controls are called, how the
// outcome of an action and a copy are announced, and whether text stands out from its background.
import { expect, test, type Page } from "@playwright/test";
import { createEligibleRule } from "@/tests/support/eligible-rule";
import { roleIdOf, signedInAs, startStackPerFile, type TestStack } from "./support/e2e-stack";

const stack = startStackPerFile();
test.beforeAll(async () => seedQueue(stack()));

/** Two requests waiting for bob (developers approve), from carol and from dave, for DataAnalyst. */
async function seedQueue(s: TestStack): Promise<void> {
  const dataAnalyst = await roleIdOf(s, "acme-production", "DataAnalyst");
  const requesters = await s.db.user.findMany({
    where: { email: { in: ["carol@corp.example", "dave@corp.example"] } },
  });
  const now = Date.now();
  for (const who of requesters) {
    const rule = await createEligibleRule(s, { roleId: dataAnalyst, personId: who.personId });
    await s.db.accessRequest.create({
      data: {
        ruleId: rule.id,
        roleId: dataAnalyst,
        personId: who.personId,
        requesterUserId: who.id,
        requesterEmail: who.email!,
        reason: "quarterly numbers",
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
