// When the database can't be reached, a page says the portal is briefly unavailable — not a generic
// "Something went wrong" — with the request id as the reference and a way back to the accounts
// page, a missing page is still a 404, and "Try again" works once the database is back
// (docs/DATABASE-FAULTS.md). PostgreSQL, so the test can close the database to new connections
// for a moment (ALLOW_CONNECTIONS false) the way maintenance or a restart would.
import { expect, test } from "./support/hydrated-test";
import pg from "pg";
import { signInThroughBrowser, startStackPerFile } from "./support/e2e-stack";

const stack = startStackPerFile({ stack: { database: "postgresql" } });

test("a page while the database is unreachable says so with a reference, and Try again recovers", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "bob");
  const name = new URL(s.databaseUrl).pathname.slice(1);
  const adminUrl = new URL(s.databaseUrl);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [
      name,
    ]);
    const response = await page.goto(`${s.portalUrl}/accounts`);
    const requestId = response?.headers()["x-request-id"];
    const alert = page.getByRole("alert").filter({ hasText: "unavailable" });
    await expect(alert.getByRole("heading")).toHaveText("The portal is briefly unavailable");
    await expect(alert).toContainText("Try again in a few seconds");
    await expect(page.getByTestId("error-reference")).toHaveText(requestId!);
    await expect(alert.getByRole("link", { name: "Back to your accounts" })).toHaveAttribute(
      "href",
      "/accounts",
    );
    // A page that does not exist is still a 404 (its header can't name who is signed in).
    const missing = await page.goto(`${s.portalUrl}/no-such-page`);
    expect(missing?.status()).toBe(404);
    await expect(page.getByTestId("not-found")).toContainText("Page not found");
    await page.goto(`${s.portalUrl}/accounts`);
    await expect(alert.getByRole("heading")).toHaveText("The portal is briefly unavailable");
  } finally {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    await admin.end();
  }
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByTestId("account").first()).toBeVisible();
});
