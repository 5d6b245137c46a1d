// `gatehouse login` as a person does it: the real CLI prints a code and a link, the person opens it
// in Chromium where they are signed in, checks the code and device, approves; the CLI is signed in
// and fetches credentials. Then the person revokes that terminal on "CLI sessions" and
// the CLI's next call is refused. An admin finds one person's terminals by email.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./support/hydrated-test";
import { runCli, CLI_BIN } from "@/tests/support/cli-process";
import { signIn } from "@/tests/support/portal-client";
import { signedInAs, signInThroughBrowser, startStackPerFile } from "./support/e2e-stack";

// One poll a second: the CLI waits `interval` between polls, as RFC 8628 says it must.
const stack = startStackPerFile({
  stack: { extraEnv: { GATEHOUSE_DEVICE_POLL_INTERVAL_SECONDS: "1" } },
});

test("bob approves gatehouse login in the browser, then revokes that terminal", async ({
  page,
}) => {
  const s = stack();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-e2e-cli-"));
  const env = { ...process.env, GATEHOUSE_HOME: home, GATEHOUSE_NO_BROWSER: "1" };
  await signInThroughBrowser(page, s, "bob");

  const login = spawn(
    process.execPath,
    [CLI_BIN, "login", "--portal", s.portalUrl, "--device-name", "bob's laptop"],
    {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  login.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => login.on("exit", resolve));
  await expect
    .poll(() => /https?:\/\/\S+\/device\?code=[A-Z-]+/.exec(stderr)?.[0] ?? "")
    .toMatch(/device\?code=/);
  const link = /https?:\/\/\S+\/device\?code=([A-Z-]+)/.exec(stderr)!;
  const userCode = link[1]!;

  await page.goto(link[0]);
  await expect(page.getByRole("heading", { name: "Sign in the command line" })).toBeVisible();
  await expect(page.getByTestId("device-code")).toHaveText(userCode);
  await expect(page.getByTestId("device-name")).toHaveText("bob's laptop");
  await expect(page.getByTestId("device-address")).toHaveText(/127\.0\.0\.1|::1/);
  await page.screenshot({ path: test.info().outputPath("device-approval.png"), fullPage: true });
  await page.getByTestId("device-approve").click();
  await expect(page.getByTestId("device-outcome")).toContainText("Approved");
  // The button that had focus is gone: focus lands on the outcome, not on the page's body.
  await expect(page.getByTestId("device-outcome")).toBeFocused();

  expect(await exited, stderr).toBe(0);
  const creds = await runCli(["creds", "acme-staging/Developer", "--portal", s.portalUrl], { env });
  expect(creds.code, creds.stderr).toBe(0);
  expect(JSON.parse(creds.stdout)).toMatchObject({
    Version: 1,
    AccessKeyId: expect.stringMatching(/^ASIA/),
  });

  await page.goto(`${s.portalUrl}/cli-sessions`);
  const row = page.getByTestId("cli-session").filter({ hasText: "bob's laptop" });
  await expect(row).toHaveCount(1);
  // Signed in, last used and expires, each a time with its full instant; Revoke names the device.
  await expect(row.locator("time")).toHaveCount(3);
  for (const time of await row.locator("time").all()) {
    expect(new Date((await time.getAttribute("datetime"))!).toISOString()).toBe(
      await time.getAttribute("datetime"),
    );
    await expect(time).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  }
  await expect(row.getByRole("button", { name: "Revoke bob's laptop" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("cli-sessions.png"), fullPage: true });
  await row.getByTestId("cli-session-revoke").click();
  await expect(page.getByTestId("cli-session-revoked")).toBeVisible();
  // The pressed button left with its row: focus is on the message saying what happened.
  await expect(page.locator(":focus")).toContainText("Revoked");
  await expect(page.getByTestId("cli-session")).toHaveCount(0);

  const after = await runCli(["ls", "--portal", s.portalUrl], { env });
  expect(after.code).toBe(3);
  expect(after.stderr).toMatch(/revoked/i);
});

test("a code typed on the device page has focus, and a refusal is read out with the field", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "carol");
  await page.goto(`${s.portalUrl}/device`);
  const field = page.getByRole("textbox", { name: "Code from your terminal" });
  await expect(field).toBeFocused();
  await expect(field).not.toHaveAttribute("aria-invalid", "true");

  await page.keyboard.type("bcdf ghjk");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/device\?code=bcdf\+ghjk$/);
  await expect(field).toBeFocused();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription(/No sign-in has this code/);

  await field.fill("BCDF-GHJ");
  await page.keyboard.press("Enter");
  await expect(field).toHaveAccessibleDescription(/it has 8 letters, like BCDF-GHJK/);
});

test("an admin finds one person's terminals on Admin → CLI sessions by their email", async ({
  page,
}) => {
  const s = stack();
  await signIn(s, "carol");
  await signedInAs(page, s, "alice");
  const users = await s.db.user.findMany({
    where: { email: { in: ["alice@corp.example", "carol@corp.example"] } },
  });
  const start = Date.now();
  await s.db.cliToken.createMany({
    data: ["carol's laptop", "carol's desktop", "alice's laptop", "alice's build box"].map(
      (deviceName, i) => ({
        tokenHash: `e2e-seeded-${i}-${start}`,
        userId: users.find((u) => u.email!.startsWith(deviceName.split("'")[0]!))!.id,
        deviceName,
        clientAddress: "192.0.2.10",
        method: "oidc",
        approvedBySessionId: "seeded",
        createdAt: new Date(start - i * 60_000),
        expiresAt: new Date(start + 3600_000),
      }),
    ),
  });

  await page.goto(`${s.portalUrl}/admin/cli-sessions`);
  const filter = page.getByRole("textbox", { name: "Filter by person" });
  await filter.fill("Carol@corp.example");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/admin\/cli-sessions\?person=Carol%40corp\.example$/);
  await expect(page.getByTestId("cli-session")).toHaveCount(2);
  await expect(page.getByTestId("cli-session").filter({ hasText: "alice" })).toHaveCount(0);
  await expect(page.getByTestId("cli-sessions-summary")).toHaveText(
    "2 live sessions of people matching “Carol@corp.example”.",
  );
  await expect(filter).toHaveValue("Carol@corp.example");
  await page.screenshot({ path: test.info().outputPath("admin-cli-sessions.png"), fullPage: true });
  await page.getByRole("link", { name: "Clear" }).click();
  await expect(page).toHaveURL(`${s.portalUrl}/admin/cli-sessions`);
  await expect(page.getByTestId("cli-session").filter({ hasText: "alice's" })).toHaveCount(2);
});
