// The e2e tier's `test`: Playwright's own, except that no click, hover or tap reaches a portal page
// before React has hydrated it. A server-rendered button is visible, enabled and stable before its
// click handler exists; on a busy machine Playwright could click it in that gap and the click did
// nothing (seen: "Request access" opened no form). Every page the portal renders loads Next.js's
// scripts, and components/hydration-marker.tsx sets <html data-hydrated> once hydration commits.
// Until then a style sheet added to every document turns off pointer events on such a page, so
// Playwright's own actionability check ("element receives pointer events") waits and retries, on
// full page loads reached any way (goto, a link, a redirect, a form post). Pages that are not the
// portal's (the IdP's login form, the AWS stand-ins) load no Next.js script and are left alone.
import { test as base, type Browser, type BrowserContext } from "@playwright/test";

export { expect } from "@playwright/test";

/** Runs in each new document before its own scripts. A constructed sheet needs no DOM to exist yet. */
function holdPointerUntilHydrated(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(
    'html:not([data-hydrated]):has(script[src*="/_next/static/"]) * { pointer-events: none !important; }',
  );
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

async function holdInContext(context: BrowserContext): Promise<BrowserContext> {
  await context.addInitScript(holdPointerUntilHydrated);
  return context;
}

/** The browser a test receives: contexts and pages it makes itself get the same wait. */
function holdingBrowser(browser: Browser): Browser {
  return new Proxy(browser, {
    get(target, key, receiver) {
      if (key === "newContext")
        return async (...args: Parameters<Browser["newContext"]>) =>
          holdInContext(await target.newContext(...args));
      if (key === "newPage")
        return async (...args: Parameters<Browser["newPage"]>) => {
          const page = await target.newPage(...args);
          await holdInContext(page.context());
          return page;
        };
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === "function"
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

export const test = base.extend({
  // Fixture callbacks name their second argument `provide`, not Playwright's `use`, so the React
  // hooks lint does not take it for React's use().
  context: async ({ context }, provide) => {
    await provide(await holdInContext(context));
  },
  browser: [
    async ({ browser }, provide) => {
      await provide(holdingBrowser(browser));
    },
    { scope: "worker" },
  ],
});
