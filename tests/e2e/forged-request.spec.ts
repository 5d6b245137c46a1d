// "Not allowed" from inside a real browser session: Bob forges requests from the portal's own page
// (same origin, his cookies, a valid Origin header), so only the server's authorization stands
// between him and roles he was never granted.
import type { Page } from "@playwright/test";
import { expect, test } from "./support/hydrated-test";
import {
  roleIdOf,
  signInThroughBrowser,
  startStackPerFile,
  type TestStack,
} from "./support/e2e-stack";

const stack = startStackPerFile();

interface ForgedResponse {
  status: number;
  requestIdHeader: string | null;
  body: string;
}

/** POSTs from the page's own JavaScript, exactly as the portal's scripts would. */
async function postFromPage(page: Page, pathname: string, body: unknown): Promise<ForgedResponse> {
  return page.evaluate(
    async ({ pathname, json }) => {
      const res = await fetch(pathname, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: json,
      });
      return {
        status: res.status,
        requestIdHeader: res.headers.get("x-request-id"),
        body: await res.text(),
      };
    },
    { pathname, json: JSON.stringify(body) },
  );
}

interface ErrorJson {
  error: {
    code: string;
    message: string;
    requestId: string;
    issues?: Array<{ path: string; message: string }>;
  };
}

function expectNoCredentials(body: string): void {
  expect(body).not.toMatch(/ASIA[A-Z0-9]{16}/);
  for (const field of [
    "accessKeyId",
    "secretAccessKey",
    "sessionToken",
    "signinUrl",
    "SigninToken",
    "formats",
  ]) {
    expect(body).not.toContain(field);
  }
}

const OUTPUTS = [
  { endpoint: "console", auditOutput: "console" },
  { endpoint: "credentials", auditOutput: "cli" },
] as const;

test.describe("forged requests from a signed-in browser", () => {
  let page: Page;
  let s: TestStack;

  test.beforeAll(async ({ browser }) => {
    s = stack();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInThroughBrowser(page, s, "bob");
  });
  test.afterAll(async () => {
    await page?.close();
  });

  for (const { endpoint, auditOutput } of OUTPUTS) {
    test(`another group's role is not found at /${endpoint}, leaks nothing and is audited as a denial`, async () => {
      const adminRoleId = await roleIdOf(s, "acme-production", "Administrator");
      const before = await observe(s);
      const res = await postFromPage(page, `/api/roles/${adminRoleId}/${endpoint}`, {
        region: "eu-west-1",
      });

      expect(res.status).toBe(404);
      const json = JSON.parse(res.body) as ErrorJson;
      expect(json.error.code).toBe("not_found");
      expect(json.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.requestIdHeader).toBe(json.error.requestId);
      expectNoCredentials(res.body);
      // "Not yours" reads exactly like "does not exist": the role's name and account stay hidden.
      expect(res.body).not.toContain("Administrator");
      expect(res.body).not.toContain("210987654321");

      const denial = await s.db.auditEvent.findFirst({
        where: { action: "access.denied", requestId: json.error.requestId },
      });
      // The record names the role the id points at, so the audit filters find the attempt.
      expect(denial).toMatchObject({
        outcome: "denied",
        actorEmail: "bob@corp.example",
        roleArn: "arn:aws:iam::210987654321:role/Administrator",
        awsAccountId: "210987654321",
      });
      expect(JSON.parse(denial?.detailsJson ?? "{}")).toMatchObject({
        output: auditOutput,
        requestedRoleId: adminRoleId,
      });
      // Refused before AWS was asked, and nothing recorded as issued.
      expect(await observe(s)).toEqual(before);
    });

    test(`a roleArn in the body is refused with 400 at /${endpoint}, even for the user's own role`, async () => {
      const ownRoleId = await roleIdOf(s, "acme-staging", "Developer");
      const before = await observe(s);
      const res = await postFromPage(page, `/api/roles/${ownRoleId}/${endpoint}`, {
        roleArn: "arn:aws:iam::210987654321:role/Administrator",
      });

      expect(res.status).toBe(400);
      const json = JSON.parse(res.body) as ErrorJson;
      expect(json.error.code).toBe("validation_error");
      expect(json.error.issues?.length ?? 0, JSON.stringify(json.error.issues)).toBeGreaterThan(0);
      expect(json.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expectNoCredentials(res.body);
      expect(await observe(s)).toEqual(before);
    });
  }

  test("the same page and session, asking properly for the user's own role, is issued credentials", async () => {
    // The control for the refusals above: they were refused for what was forged, not because the
    // session, the Origin header or the observation were broken.
    const ownRoleId = await roleIdOf(s, "acme-staging", "Developer");
    const before = await observe(s);
    const res = await postFromPage(page, `/api/roles/${ownRoleId}/credentials`, {
      region: "eu-west-1",
    });

    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { accessKeyId: string }).accessKeyId).toMatch(
      /^ASIA[A-Z0-9]{16}$/,
    );
    expect(await observe(s)).toEqual({
      assumeRoleCalls: before.assumeRoleCalls + 1,
      issuedToBob: before.issuedToBob + 1,
    });
  });
});

/** What a forged request must not change: STS AssumeRole calls and issuance events for Bob. */
async function observe(s: TestStack): Promise<{ assumeRoleCalls: number; issuedToBob: number }> {
  const calls = (await (await fetch(`${s.aws.url}/__standin/calls`)).json()) as Array<{
    action: string | null;
  }>;
  const issuedToBob = await s.db.auditEvent.count({
    where: {
      actorEmail: "bob@corp.example",
      action: { in: ["console.issued", "credentials.issued"] },
    },
  });
  return { assumeRoleCalls: calls.filter((c) => c.action === "AssumeRole").length, issuedToBob };
}
