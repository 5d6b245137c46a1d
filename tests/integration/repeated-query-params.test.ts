// A query parameter given more than once is refused the same way on every API route: 400
// `validation_error` in the API's error shape, naming the parameter — never its first value on one
// route and its last on another (docs/SECURITY.md "Input"). Pages never pick one either, and never
// fail on one: Next.js hands them a string[].
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliTokenFor, v1 } from "../support/cli-auth";
import { expectApiError } from "../support/portal-assertions";
import { signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;
let token: string;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await signIn(stack, "alice");
  ({ token } = await cliTokenFor(stack, alice));
});
afterAll(async () => {
  await stack?.stop();
});

const RUN_ID = "c".repeat(25);

/** Asserts the refusal of a repeated `param`: 400, the API's shape, the parameter named as its issue's path. */
async function expectRepeatRefused(res: Response, param: string): Promise<void> {
  const body = await expectApiError(res, 400, "validation_error");
  expect(body.error.issues).toContainEqual({
    path: param,
    message: expect.stringMatching(/^is given 2 times; give it once$/) as unknown,
  });
}

describe("a single-valued query parameter given twice is a 400 naming it, on every API route", () => {
  it("GET /api/v1/roles?filter=…&filter=… (bearer token): refused, not the last value", async () => {
    await expectRepeatRefused(
      await v1(stack, "/roles?filter=staging&filter=production", { token }),
      "filter",
    );
  });

  it.each([
    [
      "/api/admin/discovery/[runId]: limit",
      `/api/admin/discovery/${RUN_ID}?limit=1&limit=2`,
      "limit",
    ],
    ["/api/admin/discovery/[runId]: kind", `/api/admin/discovery/${RUN_ID}?kind=x&kind=y`, "kind"],
    [
      "/api/admin/audit/export: format",
      "/api/admin/audit/export?format=csv&format=jsonl",
      "format",
    ],
    [
      "/api/admin/audit/export: a filter",
      "/api/admin/audit/export?user=alice%40corp.example&user=bob%40corp.example",
      "user",
    ],
    ["/admin/config/export: format", "/admin/config/export?format=yaml&format=json", "format"],
    [
      "/admin/access/export: account",
      "/admin/access/export?account=111111111111&account=222222222222",
      "account",
    ],
    ["/api/aws/saml/start: roleId", "/api/aws/saml/start?roleId=a&roleId=b", "roleId"],
    ["/api/aws/saml/claim: ticket", "/api/aws/saml/claim?ticket=a&ticket=b", "ticket"],
    ["/api/auth/step-up: returnTo", "/api/auth/step-up?returnTo=%2Fa&returnTo=%2Fb", "returnTo"],
    [
      "/api/auth/saml/[slug]/login: returnTo",
      "/api/auth/saml/demo/login?returnTo=%2Fa&returnTo=%2Fb",
      "returnTo",
    ],
    [
      "/api/auth/signin: callbackUrl",
      "/api/auth/signin?callbackUrl=%2Fa&callbackUrl=%2Fb",
      "callbackUrl",
    ],
    ["/api/auth/error: error", "/api/auth/error?error=OAuthSignin&error=Default", "error"],
    ["/api/auth/callback/oidc: state", "/api/auth/callback/oidc?code=x&state=a&state=b", "state"],
    [
      "/api/auth/csrf: any parameter",
      "/api/auth/csrf?callbackUrl=%2Fa&callbackUrl=%2Fb",
      "callbackUrl",
    ],
  ])("GET %s (signed in as an admin)", async (_name, path, param) => {
    await expectRepeatRefused(await alice.request(path), param);
  });

  it("POST /api/auth/signin/oidc with a step-up parameter given twice", async () => {
    const res = await alice.request("/api/auth/signin/oidc?prompt=login&prompt=none", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "json=true",
    });
    await expectRepeatRefused(res, "prompt");
  });

  it("the controls: each parameter given once is read as before", async () => {
    expect((await v1(stack, "/roles?filter=staging", { token })).status).toBe(200);
    expect((await alice.request("/api/admin/audit/export?format=jsonl")).status).toBe(200);
    expect((await alice.request("/admin/config/export?format=json")).status).toBe(200);
  });
});

describe("pages never fail on a repeated search parameter, and never pick one of its values", () => {
  it.each([
    "/accounts?notice=saml-ready&notice=saml-failed&requestId=a&requestId=b&continue=%2Fa&continue=%2Fb",
    "/console?account=111111111111&account=222222222222&role=Developer",
    "/device?code=BCDF-GHJK&code=BCDF-GHJL",
    "/signin/step-up?returnTo=%2Fa&returnTo=%2Fb&problem=no-mfa&problem=unavailable",
    "/admin/audit?user=a&user=b",
    "/admin/access?account=111111111111&account=222222222222&user=a&user=b",
    "/admin/webhooks?state=failed&state=delivered",
    "/admin/accounts?notice=a&notice=b",
    "/admin/accounts/discover?run=a&run=b",
    "/admin/people?q=a&q=b&notice=revoked&notice=linked&person=x&person=y",
    "/admin/identity-providers?notice=a&notice=b",
  ])("GET %s", async (path) => {
    const res = await alice.request(path);
    expect(res.status, `HTTP ${res.status}`).toBeLessThan(500);
  });

  it("the audit page says which filter is given twice, instead of searching by its first value", async () => {
    const res = await alice.request(
      "/admin/audit?user=alice%40corp.example&user=bob%40corp.example",
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/is given 2 times; give it once/);
  });
});
