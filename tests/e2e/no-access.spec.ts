// A user with no grants signs in fine and is told whom to ask, instead of an empty list.
import { expect, test } from "./support/hydrated-test";
import { signInThroughBrowser, startStackPerFile } from "./support/e2e-stack";

const stack = startStackPerFile();

test("a user with no grants sees the no-access page naming whom to ask", async ({ page }) => {
  const s = stack();
  await signInThroughBrowser(page, s, "carol");

  const notice = page.getByTestId("no-access");
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("Cloud Platform team");
  await expect(notice).toContainText("carol@corp.example");
  await expect(page.getByTestId("account")).toHaveCount(0);
  await expect(page.getByRole("searchbox", { name: "Search accounts and roles" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Audit log", exact: true })).toHaveCount(0);
});
