// A console deep link in Chromium: a signed-out user opens it, signs in at the IdP's own page and
// lands straight in the AWS console (the stand-in) in the link's account, role, region and service.
// Opened from another site, the same link waits for the user's click.
import { expect, test } from "./support/hydrated-test";
import {
  followLinkFromAnotherSite,
  signInThroughBrowser,
  startStackPerFile,
} from "./support/e2e-stack";

const stack = startStackPerFile();

const DEEP_LINK =
  "/console?account=acme-production&role=ReadOnly&region=eu-central-1&destination=ec2";

test("a signed-out user opens a deep link, signs in, and lands in the EC2 console in eu-central-1", async ({
  page,
}) => {
  const s = stack();
  await page.goto(`${s.portalUrl}${DEEP_LINK}`);
  await page.waitForURL(`${s.portalUrl}/signin?callbackUrl=${encodeURIComponent(DEEP_LINK)}`);
  await page.getByRole("button", { name: "Sign in with Corp Identity (demo)" }).click();
  const idpOrigin = new URL(s.idp.issuer).origin;
  await page.waitForURL((url) => url.origin === idpOrigin);
  await page.locator('input[name="username"]').fill("bob");
  await page.locator('input[name="password"]').fill("bob-demo-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();

  // No click on the portal: back at the deep link, it goes on to the console by itself.
  const federationOrigin = new URL(s.aws.federationEndpoint).origin;
  await page.waitForURL((url) => url.origin === federationOrigin);
  await expect(page.getByTestId("console-account")).toHaveText("210987654321");
  await expect(page.getByTestId("console-role")).toHaveText("ReadOnly");
  await expect(page.getByTestId("console-region")).toHaveText("eu-central-1");
  const destination = new URL(await page.getByTestId("console-destination").innerText());
  expect(destination.host).toBe("eu-central-1.console.aws.amazon.com");
  expect(destination.pathname).toMatch(/^\/ec2\//);
});

test("the same link followed from another site asks before opening the console", async ({
  page,
}) => {
  const s = stack();
  await signInThroughBrowser(page, s, "bob");
  const issuedBefore = await s.db.auditEvent.count({ where: { action: "console.issued" } });
  // A page of another origin (the AWS stand-in's) links to the portal.
  await followLinkFromAnotherSite(page, s, DEEP_LINK);
  await expect(page.getByTestId("deep-link-title")).toHaveText(
    "Open ReadOnly in acme-production (eu-central-1)",
  );
  // The page renders in its "confirm" state (an automatic open would render "opening" from the
  // start) and stays there: nothing is issued until the click.
  await expect(page.getByTestId("deep-link-confirm")).toBeVisible();
  await expect(page.getByTestId("deep-link-opening")).toHaveCount(0);
  expect(new URL(page.url()).origin).toBe(s.portalUrl);
  expect(await s.db.auditEvent.count({ where: { action: "console.issued" } })).toBe(issuedBefore);

  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("console-region")).toHaveText("eu-central-1");
});
