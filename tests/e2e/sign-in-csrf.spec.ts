// The sign-in button in Chromium when next-auth refuses the sign-in start's CSRF token
// (docs/SECURITY.md "next-auth's endpoints"): the server answers 403 csrf_rejected, and the person
// still lands on /signin, told sign-in did not succeed, with that answer's request id as the
// reference — then signs in with the next press. The token is changed in flight, as a stale or
// foreign token would arrive.
import { expect, test } from "./support/hydrated-test";
import { startStackPerFile } from "./support/e2e-stack";
import { demoUsers } from "@/dev/demo-users";

const stack = startStackPerFile();

test("a refused CSRF token lands on /signin with the error and its reference; the next press signs in", async ({
  page,
}) => {
  const portal = stack().portalUrl;
  let refusal: { status: number; requestId: string | null } | undefined;
  await page.route(
    `${portal}/api/auth/signin/oidc`,
    async (route) => {
      const form = new URLSearchParams(route.request().postData() ?? "");
      form.set("csrfToken", "0".repeat(64));
      const response = await route.fetch({ postData: form.toString() });
      refusal = {
        status: response.status(),
        requestId: response.headers()["x-request-id"] ?? null,
      };
      await route.fulfill({ response });
    },
    { times: 1 },
  ); // only the first press

  await page.goto(`${portal}/signin?callbackUrl=%2Faccounts`);
  await page.getByRole("button", { name: "Sign in with Corp Identity (demo)" }).click();
  await page.waitForURL((url) => url.pathname === "/signin" && url.searchParams.has("error"));
  expect(refusal?.status).toBe(403);
  const alert = page.getByTestId("sign-in-error");
  await expect(alert).toContainText("Sign-in did not succeed");
  await expect(alert).toContainText("sign-in form had expired");
  await expect(page.getByTestId("request-id")).toHaveText(refusal?.requestId ?? "(none)");

  const user = demoUsers.find((u) => u.username === "bob")!;
  await page.getByRole("button", { name: "Sign in with Corp Identity (demo)" }).click();
  await page.waitForURL((url) => url.origin === new URL(stack().idp.issuer).origin);
  await page.locator('input[name="username"]').fill(user.username);
  await page.locator('input[name="password"]').fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(`${portal}/accounts`);
  await expect(page.getByTestId("signed-in-user")).toHaveText(user.email);
});
