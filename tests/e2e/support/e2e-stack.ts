// What every e2e spec shares: one real stack per spec file (portal build, OIDC IdP, AWS stand-in,
// fresh database), a browser sign-in through the IdP's own login form, and small readers for the
// seeded world. Lives beside the specs; tests/support/ is the integration tier's and is reused as is.
import type { Cookie, Locator, Page } from "@playwright/test";
import { expect, test } from "./hydrated-test";
import { demoUsers } from "@/dev/demo-users";
import { startTestStack, type TestStack } from "@/tests/support/stack";

type StackOptions = Parameters<typeof startTestStack>[0];

export type { TestStack } from "@/tests/support/stack";

/** How long one stack may take to start: a cold `next start` plus migrations on PostgreSQL. */
const STACK_START_TIMEOUT_MS = 120_000;

/**
 * Starts one stack before the first test of the calling spec file and stops it after the last.
 * Returns a getter because the stack exists only once `beforeAll` has run. When a test fails, the
 * portal's server output is attached to the report: the browser only ever sees a request id.
 */
export function startStackPerFile<S extends TestStack = TestStack>(
  opts: {
    stack?: StackOptions;
    timeoutMs?: number;
    check?: (started: TestStack) => Promise<S>;
  } = {},
): () => S {
  let stack: S | undefined;
  test.beforeAll(async () => {
    test.setTimeout(opts.timeoutMs ?? STACK_START_TIMEOUT_MS);
    const started = await startTestStack(opts.stack);
    stack = opts.check ? await opts.check(started) : (started as S);
  });
  test.afterAll(async () => {
    await stack?.stop();
    stack = undefined;
  });
  test.afterEach(async () => {
    const testInfo = test.info();
    if (stack && testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach("portal-output.txt", {
        body: stack.portal.output().slice(-20_000),
        contentType: "text/plain",
      });
    }
  });
  return () => {
    if (!stack)
      throw new Error(
        "the test stack is not running (startStackPerFile() must be called at the top of the spec file)",
      );
    return stack;
  };
}

export type DemoUsername = "alice" | "bob" | "carol" | "dave";

function demoUser(username: DemoUsername) {
  const user = demoUsers.find((u) => u.username === username);
  if (!user) throw new TypeError(`no demo user ${username}`);
  return user;
}

/**
 * Signs in the way a person does: the portal sends an unauthenticated visitor to /signin, the
 * button leads to the IdP's own login page (another origin), and the IdP returns to /accounts.
 */
export async function signInThroughBrowser(
  page: Page,
  stack: TestStack,
  username: DemoUsername,
): Promise<void> {
  const user = demoUser(username);
  await page.goto(`${stack.portalUrl}/accounts`);
  await expect(page).toHaveURL(`${stack.portalUrl}/signin?callbackUrl=%2Faccounts`);
  await page.getByRole("button", { name: "Sign in with Corp Identity (demo)" }).click();

  const idpOrigin = new URL(stack.idp.issuer).origin;
  await page.waitForURL((url) => url.origin === idpOrigin);
  await page.locator('input[name="username"]').fill(user.username);
  await page.locator('input[name="password"]').fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();

  await page.waitForURL(`${stack.portalUrl}/accounts`);
  await expect(page.getByTestId("signed-in-user")).toHaveText(user.email);
}

/** Each stack's browser sessions, by user: the cookies a real sign-in left (see signedInAs). */
const savedSignIns = new WeakMap<TestStack, Map<DemoUsername, Cookie[]>>();

/**
 * A page signed in as `username`, ending on /accounts like signInThroughBrowser. The first call
 * for a stack and user signs in through the IdP and keeps the browser's cookies; later calls put
 * them into the page's fresh context — the same person's browser coming back — which costs one
 * page load instead of the IdP round trip. A session that has ended since (signed out, revoked,
 * expired) shows up as the sign-in page and is replaced by a real sign-in. Tests about signing in
 * or out, or about what a session carries (MFA), call signInThroughBrowser themselves.
 */
export async function signedInAs(
  page: Page,
  stack: TestStack,
  username: DemoUsername,
): Promise<void> {
  const saved = savedSignIns.get(stack)?.get(username);
  if (saved) {
    await page.context().addCookies(saved);
    await page.goto(`${stack.portalUrl}/accounts`);
    const signedIn = page.getByTestId("signed-in-user");
    if (
      new URL(page.url()).pathname === "/accounts" &&
      (await signedIn.count()) === 1 &&
      (await signedIn.innerText()).trim() === demoUser(username).email
    )
      return;
    await page.context().clearCookies();
  }
  await signInThroughBrowser(page, stack, username);
  const perStack = savedSignIns.get(stack) ?? new Map<DemoUsername, Cookie[]>();
  perStack.set(username, await page.context().cookies());
  savedSignIns.set(stack, perStack);
}

/** The RoleSessionName the portal assigned to a user at sign-in (what AWS and CloudTrail see). */
export async function roleSessionNameOf(stack: TestStack, email: string): Promise<string> {
  const user = await stack.db.user.findFirstOrThrow({
    where: { email },
    select: { roleSessionName: true },
  });
  return user.roleSessionName;
}

/** The database id of a seeded role, by account name and role name. */
export async function roleIdOf(
  stack: TestStack,
  accountName: string,
  roleName: string,
): Promise<string> {
  const role = await stack.db.role.findFirstOrThrow({
    where: { name: roleName, awsAccount: { name: accountName } },
    select: { id: true },
  });
  return role.id;
}

/** The accounts page as data: account name → its role names, in the order shown. */
export async function shownAccounts(
  page: Page,
): Promise<Array<{ account: string; roles: string[] }>> {
  const result: Array<{ account: string; roles: string[] }> = [];
  for (const account of await page.getByTestId("account").all()) {
    result.push({
      account: (await account.getByTestId("account-name").innerText()).trim(),
      roles: (await account.getByTestId("role-name").allInnerTexts()).map((t) => t.trim()),
    });
  }
  return result;
}

/** The row of one role on the accounts page. */
export function roleRow(page: Page, accountName: string, roleName: string): Locator {
  return page
    .getByTestId("account")
    .filter({ has: page.getByTestId("account-name").getByText(accountName, { exact: true }) })
    .getByTestId("role")
    .filter({ has: page.getByTestId("role-name").getByText(roleName, { exact: true }) });
}

/** Follows a link to `portalPath` from a page of another origin (the AWS stand-in's), as a click. */
export async function followLinkFromAnotherSite(
  page: Page,
  stack: TestStack,
  portalPath: string,
): Promise<void> {
  await page.goto(`${stack.aws.url}/__standin/health`);
  expect(new URL(page.url()).origin).not.toBe(stack.portalUrl);
  await page.evaluate((href) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = "open";
    document.body.append(a);
  }, `${stack.portalUrl}${portalPath}`);
  await page.getByRole("link", { name: "open" }).click();
  await page.waitForURL(`${stack.portalUrl}${portalPath}`);
}
