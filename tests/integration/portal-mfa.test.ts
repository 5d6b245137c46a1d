// MFA for access rules, over HTTP with the real demo OIDC IdP: a rule requiring MFA refuses a
// password-only sign-in (403 mfa_required + a step-up link, no STS call, an audited denial); the
// step-up goes through the IdP's code step and comes back with a new, MFA-carrying session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide, pollCliToken, startCliSignIn, v1 } from "../support/cli-auth";
import { CookieJar } from "../support/cookie-jar";
import {
  auditRowsFor,
  expectApiError,
  parseDetails,
  storedUser,
  withoutAwsCalls,
  assumeRoleCalls,
  resetStsCalls,
} from "../support/portal-assertions";
import { roleIdOf, sessionFor, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

const MFA_ACR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

let stack: TestStack;
let roleId: string;

beforeAll(async () => {
  stack = await startTestStack();
  roleId = await roleIdOf(stack, "acme-staging", "Developer");
  await stack.db.accessRule.updateMany({ where: { roleId }, data: { requireMfa: true } });
});
afterAll(async () => stack?.stop());

async function follow(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  let current = url;
  let request = init;
  for (let hop = 0; hop < 15; hop += 1) {
    const res = await fetch(current, {
      ...request,
      redirect: "manual",
      headers: { ...(request.headers as Record<string, string>), ...jar.headersFor(current) },
    });
    jar.storeFrom(current, res);
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) return res;
    current = new URL(location, current).toString();
    request = {};
  }
  throw new Error(`too many redirects from ${url}`);
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: "POST",
  // A browser's form post names the page's origin (the portal refuses writes without it).
  headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: stack.portalUrl },
  body: new URLSearchParams(fields).toString(),
});

function attribute(html: string, name: string): string {
  const raw = new RegExp(`${name}="([^"]*)"`).exec(html)?.[1];
  if (raw === undefined) throw new Error(`no ${name} in the page`);
  return raw
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * Follows a step-up link as the browser does: the portal's step-up route → its page → what
 * next-auth's signIn(provider, {callbackUrl}, authorizationParams) posts → the IdP's password and
 * code steps → back to the portal. `codes` are typed in order at the code step.
 */
async function stepUp(
  session: PortalSession,
  nextUrl: string,
  codes: Array<"right" | "wrong">,
): Promise<{ authorizeUrl: URL; end: Response; codeStatuses: number[] }> {
  const base = stack.portalUrl;
  const page = await follow(session.jar, `${base}${nextUrl}`);
  expect(new URL(page.url || base).pathname === "/signin/step-up" || page.status === 200).toBe(
    true,
  );
  const html = await page.text();
  const params = JSON.parse(attribute(html, "data-authorization-params")) as Record<string, string>;
  const callbackUrl = attribute(html, "data-callback-url");
  const provider = attribute(html, "data-provider");
  const { csrfToken } = (await (await follow(session.jar, `${base}/api/auth/csrf`)).json()) as {
    csrfToken: string;
  };
  const start = await follow(
    session.jar,
    `${base}/api/auth/signin/${provider}?${new URLSearchParams(params).toString()}`,
    form({ csrfToken, callbackUrl: `${base}${callbackUrl}`, json: "true" }),
  );
  const authorizeUrl = new URL(((await start.json()) as { url: string }).url);
  const loginPage = await follow(session.jar, authorizeUrl.toString());
  const loginHtml = await loginPage.text();
  const loginAction = /<form method="post" action="([^"]+)"/.exec(loginHtml)?.[1] ?? "";
  let res = await follow(
    session.jar,
    new URL(loginAction.replace(/&amp;/g, "&"), authorizeUrl).toString(),
    form({ username: "bob", password: "bob-demo-password" }),
  );
  const codeStatuses: number[] = [];
  for (const which of codes) {
    const codeHtml = await res.text();
    const action = /<form method="post" action="([^"]+)"/.exec(codeHtml)?.[1];
    const code = /data-testid="demo-code">(\d{6})</.exec(codeHtml)?.[1];
    if (!action || !code) throw new Error(`no code step at the IdP (HTTP ${res.status})`);
    const typed =
      which === "right" ? code : String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    res = await follow(
      session.jar,
      new URL(action.replace(/&amp;/g, "&"), authorizeUrl).toString(),
      form({ code: typed }),
    );
    codeStatuses.push(res.status);
  }
  return { authorizeUrl, end: res, codeStatuses };
}

async function latestSession(username: string) {
  const user = await storedUser(stack, username);
  return stack.db.portalSession.findFirstOrThrow({
    where: { userId: user.id },
    orderBy: { createdAt: "desc" },
  });
}

describe("an access rule requiring MFA", () => {
  it("a password-only sign-in is recorded without MFA, with what the IdP said", async () => {
    await signIn(stack, "bob");
    const row = await latestSession("bob");
    expect(row.mfaAuthenticated).toBe(false);
    expect(JSON.parse(row.authnContextJson)).toEqual({ method: "oidc", amr: ["pwd"], acr: null });
  });

  it.each(["console", "credentials"] as const)(
    "%s without MFA answers 403 mfa_required with a step-up link, audited, and no STS call",
    async (output) => {
      const bob = await signIn(stack, "bob");
      const res = await withoutAwsCalls(stack, () =>
        bob.request(`/api/roles/${roleId}/${output}`, { method: "POST", json: {} }),
      );
      const requestId = res.headers.get("x-request-id");
      const body = (await expectApiError(res, 403, "mfa_required")) as unknown as {
        error: { nextUrl?: string; message: string };
      };
      expect(body.error.message).toMatch(/multi-factor/);
      expect(body.error.nextUrl).toBe("/api/auth/step-up?returnTo=%2Faccounts");
      const [denial] = await auditRowsFor(stack, requestId);
      expect(denial).toMatchObject({ action: "access.denied", outcome: "denied" });
      expect(parseDetails(denial!.detailsJson).reason).toMatch(/require MFA/);
    },
  );

  it("the accounts page still lists the role, so the user can step up", async () => {
    const bob = await signIn(stack, "bob");
    const html = await (await bob.request("/accounts")).text();
    expect(html).toContain(roleId);
  });

  it("step-up: acr_values + prompt=login + max_age=0, a wrong code is refused, the right one gives a new MFA session that may issue", async () => {
    const bob = await signIn(stack, "bob");
    const before = await latestSession("bob");
    const { authorizeUrl, end, codeStatuses } = await stepUp(
      bob,
      "/api/auth/step-up?returnTo=%2Faccounts",
      ["wrong", "right"],
    );
    expect(authorizeUrl.searchParams.get("acr_values")).toBe(MFA_ACR);
    expect(authorizeUrl.searchParams.get("prompt")).toBe("login");
    expect(authorizeUrl.searchParams.get("max_age")).toBe("0");
    expect(codeStatuses[0]).toBe(401);
    expect(end.status).toBe(200);
    expect(new URL(end.url || stack.portalUrl).pathname === "/accounts" || end.status === 200).toBe(
      true,
    );

    const after = await latestSession("bob");
    expect(after.id).not.toBe(before.id);
    expect(after.mfaAuthenticated).toBe(true);
    expect(JSON.parse(after.authnContextJson)).toEqual({
      method: "oidc",
      amr: ["pwd", "mfa"],
      acr: MFA_ACR,
    });
    const signInAudit = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "auth.sign-in", actorUserId: after.userId },
      orderBy: { createdAt: "desc" },
    });
    expect(parseDetails(signInAudit.detailsJson)).toMatchObject({ mfaAuthenticated: true });

    await resetStsCalls(stack);
    const res = await bob.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await assumeRoleCalls(stack)).toHaveLength(1);
  });

  it("only wrong codes: the IdP gives up after five and no MFA session is made", async () => {
    const bob = await signIn(stack, "bob");
    const before = await latestSession("bob");
    const { codeStatuses } = await stepUp(bob, "/api/auth/step-up?returnTo=%2Faccounts", [
      "wrong",
      "wrong",
      "wrong",
      "wrong",
      "wrong",
    ]);
    expect(codeStatuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    const after = await latestSession("bob");
    expect(after.id).toBe(before.id);
    expect(after.mfaAuthenticated).toBe(false);
  });

  it("a step-up that came back without MFA says so instead of redirecting again (no loop)", async () => {
    const bob = await signIn(stack, "bob");
    const res = await bob.request("/api/auth/step-up?returnTo=%2Faccounts&completed=1");
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location") ?? "", stack.portalUrl);
    expect(location.pathname).toBe("/signin/step-up");
    expect(location.searchParams.get("problem")).toBe("no-mfa");
    const page = await bob.request(`${location.pathname}${location.search}`);
    const html = await page.text();
    expect(html).toContain("did not confirm a multi-factor sign-in");
    expect(html).not.toContain("data-authorization-params");
  });

  it("the step-up route refuses to send the browser off-site", async () => {
    const bob = await signIn(stack, "bob");
    for (const evil of ["https://evil.example/", "//evil.example/x", "/\\evil.example"]) {
      const res = await bob.request(
        `/api/auth/step-up?returnTo=${encodeURIComponent(evil)}&completed=1`,
      );
      const location = new URL(res.headers.get("location") ?? "", stack.portalUrl);
      expect(location.origin).toBe(stack.portalUrl);
      expect(location.searchParams.get("returnTo")).toBe("/accounts");
    }
  });

  it("the step-up route needs a signed-in session", async () => {
    const anonymous = sessionFor(stack, new CookieJar());
    const res = await anonymous.request("/api/auth/step-up?returnTo=%2Faccounts");
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get("location") ?? "", stack.portalUrl).pathname).toBe("/signin");
  });

  it("gatehouse login: the approval page's step-up gives the CLI token MFA, and the MFA rule then grants to it", async () => {
    const bob = await signIn(stack, "bob");
    const started = await startCliSignIn(stack);
    const page = await (await bob.request(`/device?code=${started.user_code}`)).text();
    const link = /href="(\/api\/auth\/step-up[^"]*)"/.exec(page)?.[1]?.replace(/&amp;/g, "&") ?? "";
    expect(decodeURIComponent(link)).toBe(
      `/api/auth/step-up?returnTo=/device?code=${started.user_code}`,
    );
    const { end } = await stepUp(bob, link, ["right"]);
    expect(end.status).toBe(200);
    expect(await end.text()).toContain('data-testid="device-approve"');
    expect((await decide(bob, started.user_code, "approve")).status).toBe(200);
    const res = await pollCliToken(stack, started.device_code);
    const { access_token: token } = (await res.json()) as { access_token: string };
    const me = (await (await v1(stack, "/me", { token })).json()) as {
      token: { mfaAuthenticated: boolean };
    };
    expect(me.token.mfaAuthenticated).toBe(true);
    const issued = await v1(stack, "/credentials", {
      method: "POST",
      token,
      json: { role: "acme-staging/Developer" },
    });
    expect(issued.status, await issued.clone().text()).toBe(200);
  });
});
