import type { Locator, Page } from "@playwright/test";

/**
 * Clicks a console control whose request the portal refuses (an ended session, an MFA step-up):
 * the click opens a blank tab (popup blockers allow only that), which closes on the refusal. Its
 * close is awaited from the moment it opens: a quick refusal closes it before the click's own
 * promise settles, and a listener added after that would wait forever.
 */
export async function clickConsoleExpectingRefusal(page: Page, control: Locator): Promise<void> {
  const blankTabClosed = page
    .waitForEvent("popup")
    .then((tab) => (tab.isClosed() ? undefined : tab.waitForEvent("close")));
  await control.click();
  await blankTabClosed;
}
