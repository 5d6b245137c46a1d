import { expect, type Page } from "@playwright/test";

/** The page is no wider than the window: nothing makes the whole page scroll sideways. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({
    content: document.documentElement.scrollWidth,
    window: document.documentElement.clientWidth,
  }));
  expect(widths.content, "the page is no wider than the screen").toBeLessThanOrEqual(widths.window);
}
