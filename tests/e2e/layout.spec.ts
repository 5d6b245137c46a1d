// Issue 13, "Layout", in Chromium: on a phone (390 × 844) and a laptop (1280 × 800), every page
// each demo user reaches (with its menus and dialogs open) is no wider than the screen, has no
// control on top of another control, a name or a badge, and cuts no text off unless its full text
// is in a tooltip (a role or account name never shrinks to nothing). Error toasts cover no button
// on the screen. One test per user: it signs in once, measures every page at both sizes, then
// checks each rule over all of them (soft), naming every page and element that breaks it.
//
// GATEHOUSE_LAYOUT_SCREENSHOTS=<directory> also saves a screenshot of every page measured (outside
// the repository).
import fs from "node:fs";
import path from "node:path";
import type { Browser, Locator, Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import { type DemoUsername, roleRow, signedInAs } from "./support/e2e-stack";
import { startSamlStackPerFile, type SamlTestStack } from "./support/saml-e2e-stack";

const stack = startSamlStackPerFile();
const SCREENSHOTS = process.env.GATEHOUSE_LAYOUT_SCREENSHOTS;

const VIEWPORTS = [
  { name: "phone", width: 390, height: 844 },
  { name: "laptop", width: 1280, height: 800 },
] as const;
type Viewport = (typeof VIEWPORTS)[number];

/** What one page looked like, as the rules read it. */
interface PageReport {
  page: string;
  pageWidth: number;
  screenWidth: number;
  /** When the page is too wide: elements reaching past the screen's right edge, unlike their parent. */
  widest: string[];
  /** "<control> overlaps <control, name or badge>" */
  overlaps: string[];
  /** Text cut off (ellipsis, clipped or a placeholder too long) with no tooltip holding it all. */
  cutTexts: string[];
  /** Role and account names narrower than a few letters. */
  collapsedNames: string[];
}

/** Runs in the page: measures it for the three rules. Self-contained (serialized to the browser). */
function measurePage(): Omit<PageReport, "page"> {
  const CONTROLS = 'a[href], button, input:not([type="hidden"]), select, textarea, [role="button"]';
  const NAMES =
    '[data-testid="role-name"], [data-testid="account-name"], [data-testid="role-account"]';
  const BADGES = '[data-testid="environment"]';
  /** A name shows at least this much of itself (about six letters), or all of itself. */
  const MIN_NAME_WIDTH = 44;
  /** Room Chromium keeps for a drop-down's arrow, right of its text. */
  const SELECT_ARROW_WIDTH = 20;

  const squash = (text: string | null | undefined) => (text ?? "").replace(/\s+/g, " ").trim();
  const label = (el: Element) => {
    const id = el.getAttribute("data-testid");
    const name = squash(
      el.getAttribute("aria-label") ||
        el.getAttribute("placeholder") ||
        (el.tagName === "SELECT" ? el.getAttribute("name") : el.textContent) ||
        el.getAttribute("name"),
    ).slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id ? ` ${id}` : ""}> "${name}"`;
  };
  const isShown = (el: Element) => {
    const box = el.getBoundingClientRect();
    return (
      box.width > 1 &&
      box.height > 1 &&
      el.checkVisibility({ visibilityProperty: true, opacityProperty: true })
    );
  };
  /** Controls are compared within one layer: the page, or a dialog, popover or fixed element on it. */
  const layers = new Map<Element, Element>();
  const layerOf = (el: Element): Element => {
    let layer = layers.get(el);
    if (!layer) {
      const parent = el.parentElement;
      const isLayer =
        el.matches('dialog, [role="dialog"]') || getComputedStyle(el).position === "fixed";
      layer = isLayer ? el : parent ? layerOf(parent) : document.body;
      layers.set(el, layer);
    }
    return layer;
  };
  const tooltipOf = (el: Element) => {
    const parts: string[] = [];
    for (let at: Element | null = el; at; at = at.parentElement) {
      parts.push(at.getAttribute("title") ?? "", at.getAttribute("aria-label") ?? "");
    }
    return squash(parts.join(" | "));
  };

  // Sticky bars cover what scrolls under them by design: compare positions unscrolled.
  window.scrollTo(0, 0);
  const overlaps: string[] = [];
  const controls = [...document.querySelectorAll(CONTROLS)].filter(isShown);
  const others = [...document.querySelectorAll(`${NAMES}, ${BADGES}`)].filter(isShown);
  const isControl = new Set(controls);
  const items = [...controls, ...others.filter((el) => !isControl.has(el))];
  const intersect = (a: DOMRect, b: DOMRect) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  for (let i = 0; i < controls.length; i += 1) {
    const a = controls[i]!;
    // A link that wraps has one box per line: compare those, not the box around them all.
    const boxesA = [...a.getClientRects()];
    for (const b of items.slice(i + 1)) {
      if (a.contains(b) || b.contains(a) || layerOf(a) !== layerOf(b)) continue;
      const boxesB = [...b.getClientRects()];
      if (boxesA.some((boxA) => boxesB.some((boxB) => intersect(boxA, boxB))))
        overlaps.push(`${label(a)} overlaps ${label(b)}`);
    }
  }

  const cutTexts: string[] = [];
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    const clipsX = style.overflowX === "hidden" || style.overflowX === "clip";
    const clipsY = style.overflowY === "hidden" || style.overflowY === "clip";
    if ((!clipsX && !clipsY) || el.clientWidth <= 1 || el.clientHeight <= 1 || !isShown(el))
      continue;
    const isCut =
      (clipsX && el.scrollWidth > el.clientWidth + 1) ||
      (clipsY && el.scrollHeight > el.clientHeight + 1);
    const text = squash(el.textContent);
    if (isCut && text !== "" && !tooltipOf(el).includes(text)) cutTexts.push(label(el));
  }
  const canvas = document.createElement("canvas").getContext("2d")!;
  for (const input of document.querySelectorAll<HTMLInputElement>("input[placeholder]")) {
    if (!isShown(input) || input.value !== "") continue;
    const style = getComputedStyle(input);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (canvas.measureText(input.placeholder).width > room + 1)
      cutTexts.push(`the placeholder of ${label(input)}`);
  }
  for (const select of document.querySelectorAll<HTMLSelectElement>("select:not([multiple])")) {
    const chosen = select.selectedOptions[0];
    if (!isShown(select) || !chosen) continue;
    const style = getComputedStyle(select);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room =
      select.clientWidth -
      parseFloat(style.paddingLeft) -
      parseFloat(style.paddingRight) -
      SELECT_ARROW_WIDTH;
    const isCut = canvas.measureText(chosen.text).width > room + 1;
    if (isCut && !tooltipOf(select).includes(squash(chosen.text)))
      cutTexts.push(`the chosen option of ${label(select)}: "${chosen.text}"`);
  }

  const collapsedNames: string[] = [];
  for (const el of document.querySelectorAll<HTMLElement>(NAMES)) {
    if (!el.checkVisibility()) continue;
    const shown = el.getBoundingClientRect().width;
    if (shown < Math.min(el.scrollWidth, MIN_NAME_WIDTH) - 1)
      collapsedNames.push(`${label(el)} is ${Math.round(shown)} px wide`);
  }

  const screenWidth = document.documentElement.clientWidth;
  const widest: string[] = [];
  const reachesOut = (el: Element) => el.getBoundingClientRect().right > screenWidth + 1;
  if (document.documentElement.scrollWidth > screenWidth) {
    for (const el of document.body.querySelectorAll("*")) {
      const parent = el.parentElement;
      if (widest.length < 5 && reachesOut(el) && parent && !reachesOut(parent))
        widest.push(`${label(el)} ends at ${Math.round(el.getBoundingClientRect().right)} px`);
    }
  }

  return {
    widest,
    pageWidth: document.documentElement.scrollWidth,
    screenWidth,
    overlaps,
    cutTexts,
    collapsedNames,
  };
}

/**
 * One page (or a menu or dialog on it) to measure: `open` gets there from wherever the last left.
 * A page laid out by CSS alone is opened once and measured at each screen size in turn; a menu or
 * dialog (placed by script when it opens) is opened again at each size.
 */
interface Visit {
  name: string;
  open(page: Page): Promise<void>;
  /** Undoes what `open` opened (a menu or dialog), after the page was measured; such a visit is repeated per screen size. */
  close?(page: Page): Promise<void>;
}

/** Goes to `pathname` and waits for its first heading (or `ready`). */
function goTo(
  s: SamlTestStack,
  name: string,
  pathname: string,
  ready?: (p: Page) => Locator,
): Visit {
  return {
    name,
    open: async (page) => {
      await page.goto(`${s.portalUrl}${pathname}`);
      await expect(
        ready ? ready(page) : page.locator("main").getByRole("heading").first(),
      ).toBeVisible();
    },
  };
}

/**
 * The accounts page with both Favorites and Recently used (a starred role; another role's CLI
 * credentials issued), its console options, CLI credentials and keyboard shortcuts. Idempotent:
 * the second screen size finds the star already set.
 */
function accountsPageVisits(
  s: SamlTestStack,
  starred: [string, string],
  issued: [string, string],
): Visit[] {
  const favorites = (page: Page) => page.getByTestId("favorites");
  return [
    {
      name: "CLI credentials dialog",
      open: async (page) => {
        await page.goto(`${s.portalUrl}/accounts`);
        const star = roleRow(page, ...starred).getByTestId("favorite-star");
        if ((await star.getAttribute("aria-pressed")) !== "true") await star.click();
        await expect(star).toHaveAttribute("aria-pressed", "true");
        await roleRow(page, ...issued)
          .getByRole("button", { name: "CLI" })
          .click();
        const dialog = page.getByTestId("credentials-dialog");
        await expect(dialog.getByText("export AWS_ACCESS_KEY_ID=", { exact: false })).toBeVisible();
      },
      close: async (page) => {
        await page.getByTestId("credentials-dialog").getByRole("button", { name: "Close" }).click();
        await expect(page.getByTestId("credentials-dialog")).toHaveCount(0);
      },
    },
    {
      name: "accounts page with Favorites and Recently used",
      open: async (page) => {
        await page.goto(`${s.portalUrl}/accounts`);
        await expect(favorites(page).getByTestId("favorite-role")).toHaveCount(1);
        await expect(page.getByTestId("recents").getByTestId("recent-role")).not.toHaveCount(0);
      },
      // Measured at each size from one load; the menus below are opened on it.
    },
    {
      name: "console options of a favorite",
      open: async (page) => {
        await favorites(page).getByTestId("console-options-button").click();
        await expect(page.getByTestId("console-options")).toBeVisible();
      },
      close: async (page) => {
        await page.keyboard.press("Escape");
        await expect(page.getByTestId("console-options")).toHaveCount(0);
      },
    },
    {
      name: "keyboard shortcuts",
      open: async (page) => {
        // A phone has no button for them (nor, mostly, a keyboard); `?` opens them anywhere.
        await page.getByRole("searchbox", { name: "Search accounts and roles" }).focus();
        await page.keyboard.press("?");
        await expect(page.getByTestId("keyboard-shortcuts")).toBeVisible();
      },
      close: async (page) => {
        await page.getByRole("button", { name: "Close keyboard shortcuts" }).click();
        await expect(page.getByTestId("keyboard-shortcuts")).toHaveCount(0);
      },
    },
  ];
}

const auditLog = (s: SamlTestStack) =>
  goTo(s, "audit log", "/admin/audit", (p) => p.getByTestId("audit-table"));

/** The auditor's pages (an admin sees the same ones under a longer menu: alice visits the log). */
function auditorVisits(s: SamlTestStack, explainRoleArn: string): Visit[] {
  return [
    auditLog(s),
    goTo(s, "access review", "/admin/access"),
    goTo(s, "access review of an account", "/admin/access?account=acme-prod", (p) =>
      p.getByTestId("account-access"),
    ),
    goTo(s, "access review of a user", "/admin/access?user=bob%40corp.example", (p) =>
      p.getByTestId("user-access"),
    ),
    goTo(
      s,
      "access review: explain",
      `/admin/access?explainUser=bob%40corp.example&explainRole=${encodeURIComponent(explainRoleArn)}`,
    ),
  ];
}

/** Every page (and menu and dialog) `user` can reach, after signing in. */
async function visitsOf(s: SamlTestStack, user: DemoUsername): Promise<Visit[]> {
  const production = await s.db.awsAccount.findFirstOrThrow({
    where: { name: "acme-production" },
  });
  const role = await s.db.role.findFirstOrThrow({
    where: { awsAccountId: production.id, name: "FederatedReadOnly" },
  });
  const rule = await s.db.accessRule.findFirstOrThrow({ where: { roleId: role.id } });
  const idp = await s.db.samlIdentityProvider.findFirstOrThrow();
  const rolePath = `/admin/accounts/${production.id}/roles/${role.id}`;
  switch (user) {
    case "bob":
      return [
        goTo(s, "command-line sessions", "/cli-sessions", (p) => p.getByTestId("cli-login-hint")),
        goTo(s, "gatehouse login's approval", `/device?code=${await startCliSignIn(s)}`, (p) =>
          p.getByTestId("device-request"),
        ),
        ...accountsPageVisits(s, ["acme-production", "ReadOnly"], ["acme-staging", "Developer"]),
        goTo(
          s,
          "console deep link with a refused destination",
          `/console?account=acme-production&role=ReadOnly&destination=${encodeURIComponent("https://evil.example/")}`,
          (p) => p.getByTestId("deep-link-destination"),
        ),
        goTo(s, "an admin page, refused", "/admin/accounts", (p) => p.getByTestId("forbidden")),
      ];
    case "carol":
      return [
        goTo(s, "no-access page", "/accounts", (p) => p.getByTestId("no-access")),
        goTo(s, "gatehouse login's approval, code unknown", "/device?code=BCDF-GHJK", (p) =>
          p.getByTestId("device-unknown"),
        ),
      ];
    case "dave":
      return [
        goTo(s, "no-access page of an auditor", "/accounts", (p) =>
          p.getByTestId("no-access-auditor"),
        ),
        ...auditorVisits(s, role.arn),
      ];
    case "alice":
      return [
        ...accountsPageVisits(
          s,
          ["acme-production", "BreakGlass"],
          ["acme-staging", "Administrator"],
        ),
        goTo(s, "admin: accounts", "/admin/accounts", (p) => p.getByTestId("admin-accounts-table")),
        goTo(s, "admin: new account", "/admin/accounts/new"),
        goTo(s, "admin: an account", `/admin/accounts/${production.id}`, (p) =>
          p.getByTestId("admin-roles-table"),
        ),
        goTo(s, "admin: delete an account", `/admin/accounts/${production.id}/delete`),
        goTo(s, "admin: new role", `/admin/accounts/${production.id}/roles/new`),
        goTo(s, "admin: a role and its access rules", rolePath),
        goTo(s, "admin: delete a role", `${rolePath}/delete`),
        goTo(s, "admin: new access rule", `${rolePath}/rules/new`),
        goTo(s, "admin: an access rule", `${rolePath}/rules/${rule.id}`),
        goTo(s, "admin: people", "/admin/people"),
        goTo(s, "admin: identity providers", "/admin/identity-providers", (p) =>
          p.getByTestId("idp-table"),
        ),
        goTo(s, "admin: an identity provider", `/admin/identity-providers/${idp.id}`),
        goTo(s, "admin: config as code", "/admin/config"),
        goTo(s, "admin: broker", "/admin/broker"),
        goTo(s, "admin: CLI sessions", "/admin/cli-sessions"),
        auditLog(s),
      ];
  }
}

/** Signs `user` in once (carol: after measuring the sign-in page), then measures every page. */
async function measureEveryPage(
  browser: Browser,
  s: SamlTestStack,
  user: DemoUsername,
): Promise<Array<PageReport & { viewport: Viewport }>> {
  const context = await browser.newContext({ viewport: VIEWPORTS[0] });
  const page = await context.newPage();
  const reports: Array<PageReport & { viewport: Viewport }> = [];
  const measureAt = async (viewport: Viewport, name: string) => {
    await page.setViewportSize(viewport);
    reports.push({ viewport, page: name, ...(await page.evaluate(measurePage)) });
    if (SCREENSHOTS) {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      const file = `${viewport.width}-${user}-${name.replace(/[^a-z0-9]+/gi, "-")}.png`;
      await page.screenshot({ path: path.join(SCREENSHOTS, file), fullPage: true });
    }
  };
  try {
    if (user === "carol") {
      await page.goto(`${s.portalUrl}/signin`);
      await expect(page.getByRole("heading", { name: "Sign in to Gatehouse" })).toBeVisible();
      for (const viewport of VIEWPORTS) await measureAt(viewport, "sign-in page");
    }
    await signedInAs(page, s, user);
    for (const visit of await visitsOf(s, user)) {
      if (visit.close) {
        for (const viewport of VIEWPORTS) {
          await page.setViewportSize(viewport);
          await visit.open(page);
          await measureAt(viewport, visit.name);
          await visit.close(page);
        }
      } else {
        await page.setViewportSize(VIEWPORTS[0]);
        await visit.open(page);
        for (const viewport of VIEWPORTS) await measureAt(viewport, visit.name);
      }
    }
  } finally {
    await context.close();
  }
  return reports;
}

const SIZES = VIEWPORTS.map((v) => `${v.width} × ${v.height}`).join(" and ");

for (const user of ["bob", "carol", "dave", "alice"] as const) {
  test(`at ${SIZES}, ${user}'s pages are no wider than the screen, put no control on another control, name or badge, and cut no name or text without a tooltip holding all of it`, async ({
    browser,
  }) => {
    const reports = await measureEveryPage(browser, stack(), user);
    const where = (r: { viewport: Viewport; page: string }) =>
      `${r.viewport.name} (${r.viewport.width} px), ${r.page}`;
    expect
      .soft(
        reports
          .filter((r) => r.pageWidth > r.screenWidth)
          .map((r) => `${where(r)}: ${r.pageWidth} px wide (${r.widest.join("; ")})`),
        "no page is wider than the screen",
      )
      .toEqual([]);
    expect
      .soft(
        reports.flatMap((r) => r.overlaps.map((o) => `${where(r)}: ${o}`)),
        "no control overlaps another control, a name or a badge",
      )
      .toEqual([]);
    expect
      .soft(
        reports.flatMap((r) => r.cutTexts.map((c) => `${where(r)}: ${c}`)),
        "no text is cut off without a tooltip holding all of it",
      )
      .toEqual([]);
    expect
      .soft(
        reports.flatMap((r) => r.collapsedNames.map((c) => `${where(r)}: ${c}`)),
        "no role or account name shrinks below a few letters",
      )
      .toEqual([]);
  });
}

/** Runs in the page: the visible controls on the screen that any toast card lies on. */
function controlsUnderToasts(): { isStackOnScreen: boolean; covered: string[] } {
  const stack = document.querySelector('[data-testid="toast-stack"]')!.getBoundingClientRect();
  // A card scrolled out of the stack (it scrolls when very tall) shows only where the stack is.
  const cards = [...document.querySelectorAll('[data-testid="toast-stack"] > *')].map((card) => {
    const box = card.getBoundingClientRect();
    return {
      left: box.left,
      right: box.right,
      top: Math.max(box.top, stack.top),
      bottom: Math.min(box.bottom, stack.bottom),
    };
  });
  const covered: string[] = [];
  const controls = 'a[href], button, input:not([type="hidden"]), select, textarea, [role="button"]';
  for (const el of document.querySelectorAll(controls)) {
    if (el.closest('[data-testid="toast-stack"]') || !el.checkVisibility()) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.bottom <= 0 || box.top >= window.innerHeight) continue;
    const isUnder = cards.some(
      (card) =>
        Math.min(card.right, box.right) - Math.max(card.left, box.left) > 0 &&
        Math.min(card.bottom, box.bottom) - Math.max(card.top, box.top) > 0,
    );
    const name = el.getAttribute("aria-label") || el.textContent?.trim() || el.tagName;
    if (isUnder) covered.push(`${name} at y=${Math.round(box.top)}`);
  }
  const isStackOnScreen = stack.height > 0 && stack.top >= 0 && stack.bottom <= window.innerHeight;
  return { isStackOnScreen, covered };
}

const TOAST_CHECKS = [
  {
    name: "at 1280 × 800, error toasts cover no button on the screen, before scrolling, halfway and at the end",
    viewport: { width: 1280, height: 800 },
    positions: ["top", "middle", "end"] as const,
  },
  {
    // A phone has no column free of controls: the stack sits at the bottom of the window and takes
    // its own room at the end of the page, so every button can be scrolled clear of it.
    name: "at 390 × 844, error toasts take their own room at the end of the page: scrolled there, no button is under one",
    viewport: { width: 390, height: 844 },
    positions: ["end"] as const,
  },
];

for (const check of TOAST_CHECKS) {
  test(check.name, async ({ page }) => {
    const s = stack();
    const { width, height } = check.viewport;
    await page.setViewportSize(check.viewport);
    await page.clock.install();
    await signedInAs(page, s, "bob");
    // With a favorite the list runs past the bottom of the window, under where the toasts go.
    const star = roleRow(page, "acme-production", "ReadOnly").getByTestId("favorite-star");
    if ((await star.getAttribute("aria-pressed")) !== "true") await star.click();
    await expect(page.getByTestId("favorite-role")).toHaveCount(1);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(
      height,
    );

    // Every STS endpoint refuses: each Console click ends in an error toast (the most shown at once).
    const toasts = page.getByTestId("issue-error");
    const rows = page.getByTestId("role");
    for (const endpoint of s.aws.faults())
      s.aws.setFault(endpoint.endpoint, { regionDisabled: true });
    try {
      for (const [n, index] of [1, 3, 4].entries()) {
        await rows
          .nth(index)
          .getByRole("button", { name: /^Console:/ })
          .click();
        await expect(toasts).toHaveCount(n + 1);
        // The blank tab opened during the click is closed again when issuance fails.
        for (const other of page.context().pages()) if (other !== page) await other.close();
      }
    } finally {
      for (const endpoint of s.aws.faults()) s.aws.setFault(endpoint.endpoint, null);
    }
    // Hold the toasts on screen while the page is measured (they close by themselves otherwise).
    await page.clock.pauseAt(Date.now() + 2_000);
    await expect(toasts).toHaveCount(3);

    for (const at of check.positions) {
      await page.evaluate((where) => {
        const end = document.documentElement.scrollHeight - window.innerHeight;
        window.scrollTo(0, where === "top" ? 0 : where === "middle" ? end / 2 : end);
      }, at);
      if (SCREENSHOTS)
        await page.screenshot({ path: path.join(SCREENSHOTS, `${width}-toasts-${at}.png`) });
      const { isStackOnScreen, covered } = await page.evaluate(controlsUnderToasts);
      expect(isStackOnScreen, `scrolled to the ${at}: the toasts are on screen`).toBe(true);
      expect(covered, `scrolled to the ${at}: no button under a toast`).toEqual([]);
    }
  });
}

/** A pending `gatehouse login` (device code), as the CLI starts it; its user code. */
async function startCliSignIn(s: SamlTestStack): Promise<string> {
  const res = await fetch(`${s.portalUrl}/api/v1/device/code`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: "gatehouse-cli",
      device_name: "a laptop with a rather long name, to wrap",
    }).toString(),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { user_code: string }).user_code;
}
