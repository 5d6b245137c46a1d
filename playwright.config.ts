// End-to-end tier: Playwright drives Debian's Chromium through the real sign-in (portal → OIDC IdP's
// own login page → portal) against the production build. Each spec file starts its own stack
// (tests/e2e/support/e2e-stack.ts), so files never share a database or sessions.
//
// Run as `NODE_OPTIONS=--conditions=react-server npx playwright test`: the stack imports lib/ modules
// that `import "server-only"`, whose react-server export is the no-op (vitest aliases it instead).
import { defineConfig } from "@playwright/test";

/** Debian's Chromium: Playwright's own browser download is unreachable here (so the Debian package is used). */
const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? "/usr/bin/chromium";

// The runner loads the spec files itself, so the condition must be on the command line from the
// start (it cannot be added from here); say so plainly instead of failing inside "server-only".
const hasReactServerCondition = /(?:^|\s)(?:--conditions[= ]|-C ?)react-server(?:\s|$)/.test(
  `${process.env.NODE_OPTIONS ?? ""} ${process.execArgv.join(" ")}`,
);
if (!hasReactServerCondition) {
  throw new Error(
    "Run the e2e tier as: NODE_OPTIONS=--conditions=react-server npx playwright test",
  );
}

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  // One portal, IdP and database per file on a two-core machine: one file at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: "list",
  // Timeouts only catch a hang: a long journey (two browsers, a dozen pages) takes ~15 s on a quiet
  // machine and was seen past 60 s on one eight times oversubscribed, so every limit sits well
  // above any honest run, as in the integration tier (vitest.config.mts).
  timeout: 180_000,
  expect: { timeout: 20_000 },
  use: {
    browserName: "chromium",
    viewport: { width: 1280, height: 800 },
    headless: true,
    screenshot: "only-on-failure",
    trace: "off",
    video: "off",
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    },
  },
});
