// An MFA-protected role (trust policy requires aws:MultiFactorAuthPresent): refused while the
// broker is locked, issued after an admin unlocks the broker with a code from its MFA device.
import { expect, test } from "./support/hydrated-test";
import { roleRow, signInThroughBrowser, startStackPerFile } from "./support/e2e-stack";

// The stand-in's clock stands still from its first reading (well within AWS's five minutes of
// allowed signing skew for this file), so its MFA device's code can't roll over mid-test.
let awsFrozenAt: Date | undefined;
const stack = startStackPerFile({ stack: { awsNow: () => (awsFrozenAt ??= new Date()) } });

interface MfaCode {
  serialNumber: string;
  code: string;
  secondsLeft: number;
}

/** The broker's virtual MFA device shows its current code at the stand-in (demo convenience). */
async function currentBrokerCode(awsUrl: string): Promise<string> {
  const codes = (await (await fetch(`${awsUrl}/__standin/mfa-codes`)).json()) as MfaCode[];
  const code = codes[0];
  if (!code) throw new Error("the stand-in world has no MFA device");
  return code.code;
}

test("BreakGlass is refused while the broker is locked and opens after the admin's MFA unlock", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "alice");
  const breakGlass = roleRow(page, "acme-production", "BreakGlass");

  // Locked: the portal explains instead of failing at AWS, and no console tab stays open.
  await breakGlass.getByRole("button", { name: "CLI credentials" }).click();
  await expect(page.getByRole("dialog").getByTestId("issue-error")).toContainText(
    "unlocked with MFA by an administrator",
  );
  await page.keyboard.press("Escape");

  // Admin → Broker: a wrong code is refused, the device's current code unlocks.
  await page.getByRole("link", { name: "Broker" }).click();
  const mfa = page.getByTestId("broker-mfa");
  await expect(mfa.getByTestId("broker-mfa-state")).toContainText("Locked");
  const wrong = (Number(await currentBrokerCode(s.aws.url)) + 1) % 1_000_000;
  const codeField = mfa.getByLabel("MFA code");
  await codeField.fill(String(wrong).padStart(6, "0"));
  await mfa.getByRole("button", { name: "Unlock" }).click();
  await expect(mfa.getByRole("alert")).toBeVisible();
  await expect(mfa.getByTestId("broker-mfa-state")).toContainText("Locked");
  // A screen reader on the field hears why it was refused, and that it is in error.
  await expect(codeField).toHaveAttribute("aria-invalid", "true");
  await expect(codeField).toHaveAccessibleDescription(/did not accept this MFA code/);

  // Pasted as authenticator apps show it ("123 456"), and sent from the keyboard.
  const code = await currentBrokerCode(s.aws.url);
  await codeField.fill(`${code.slice(0, 3)} ${code.slice(3)}`);
  await codeField.press("Enter");
  await expect(mfa.getByTestId("broker-mfa-state")).toContainText("Unlocked until");
  // Said once, in the pages' one format for a moment (the full instant for machines and on hover),
  // not again in a second message.
  await expect(mfa.getByText(/Unlocked until/)).toHaveCount(1);
  const state = mfa.getByTestId("broker-mfa-state");
  await expect(state).toContainText(/Unlocked until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  await expect(state.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
  await expect(state.locator("time")).toHaveAttribute(
    "title",
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
  );

  // Now the MFA-protected role is issued, through the broker's MFA session.
  await page.goto(`${s.portalUrl}/accounts`);
  const popupOpened = page.waitForEvent("popup");
  await roleRow(page, "acme-production", "BreakGlass")
    .getByRole("button", { name: /^Console:/ })
    .click();
  const consoleTab = await popupOpened;
  await consoleTab.waitForURL(/\/federation/);
  await expect(consoleTab.getByTestId("console-role")).toHaveText("BreakGlass");

  const calls = (await (await fetch(`${s.aws.url}/__standin/calls`)).json()) as Array<{
    action: string;
    serialNumber?: string;
  }>;
  expect(calls.some((c) => c.action === "GetSessionToken" && c.serialNumber)).toBe(true);
});
