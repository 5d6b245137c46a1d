// Outsiders write nothing durable for free (DESIGN invariant 7, docs/SECURITY.md "Rate limits"):
// sign-in starts, the IdP's posts and issuance are limited (429 with Retry-After, counted in the
// database so every replica counts together); an address's anonymous refusals become a handful of
// audit rows with a count, not one row each; a browser keeps only a few SAML sign-ins in flight.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SAML_SLUG } from "@/dev/demo-saml";
import { rememberAuthnRequest } from "@/lib/saml/authn-requests";
import { createDb } from "@/lib/db/client";
import { cliTokenFor, startCliSignIn, v1 } from "../support/cli-auth";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import {
  createTestDatabase,
  startTestStack,
  testDatabaseKind,
  type TestStack,
} from "../support/stack";

const LIMITS =
  "signin=6/600,saml=50/600,issue=3/600,issue-address=1000/600,device=5/600,device-approval=4/600,api=3/600,audited-refusals=2/600";
let stack: TestStack;
let bob: PortalSession;

beforeAll(async () => {
  stack = await startTestStack({ saml: true, extraEnv: { GATEHOUSE_RATE_LIMITS: LIMITS } });
  // Counting windows restart on the clock's 600-second marks (lib/rate-limit/counter.ts): the
  // portal's clock starts this file just past one, so no count straddles two windows, however
  // slowly a busy machine runs the file.
  stack.portalClock.advanceToJustPastMark(600_000);
  bob = await signIn(stack, "bob"); // one of the 6 sign-in requests of this address
});
afterAll(async () => {
  await stack?.stop();
});

const postJunkSamlResponse = () =>
  fetch(`${stack.portalUrl}/api/auth/saml/acs`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://idp.example" },
    body: "SAMLResponse=bm90IGEgcmVzcG9uc2U%3D",
  });

describe("the ACS: junk from one address", () => {
  it("50 are refused as failed sign-ins, then 429 with Retry-After; the audit log holds 3 rows (2 in full, then one at 10 with the count)", async () => {
    const before = await stack.db.auditEvent.count({ where: { action: "auth.sign-in-failed" } });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 55; i++) {
      last = await postJunkSamlResponse();
      statuses.push(last.status);
      await last.arrayBuffer();
    }
    expect(statuses.slice(0, 50).every((s) => s === 303)).toBe(true);
    expect(statuses.slice(50)).toEqual([429, 429, 429, 429, 429]);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    const rows = await stack.db.auditEvent.findMany({
      where: { action: "auth.sign-in-failed" },
      orderBy: { sequence: "asc" },
      skip: before,
    });
    // The first two refusals in full, then the tenth with its count: not fifty rows.
    expect(rows.map((r) => JSON.parse(r.detailsJson).refusalsFromThisAddress)).toEqual([1, 2, 10]);
    expect(rows[0]!.ip).toMatch(/127\.0\.0\.1|::1/);
  });
});

describe("sign-in starts", () => {
  it("SAML and OIDC starts share the address's limit: the 7th is 429 with Retry-After, and stores no AuthnRequest", async () => {
    const rowsBefore = await stack.db.samlAuthnRequest.count();
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${stack.portalUrl}/api/auth/saml/${DEMO_SAML_SLUG}/login`, {
        redirect: "manual",
      });
      answers.push(res.status);
      await res.arrayBuffer();
    }
    // bob's sign-in used one start and one callback: four more starts reach the limit of 6.
    expect(answers).toEqual([302, 302, 302, 302]);
    const refused = await fetch(`${stack.portalUrl}/api/auth/saml/${DEMO_SAML_SLUG}/login`, {
      redirect: "manual",
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.text()).toContain("Too many sign-in attempts");
    const oidc = await fetch(`${stack.portalUrl}/api/auth/signin/oidc`, {
      method: "POST",
      headers: { Origin: stack.portalUrl, "Content-Type": "application/x-www-form-urlencoded" },
      body: "json=true",
    });
    expect(oidc.status).toBe(429);
    expect(((await oidc.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect(await stack.db.samlAuthnRequest.count()).toBe(rowsBefore + 4);
  });
});

describe("issuance, per person", () => {
  it("the 4th issuance within the window is 429 rate_limited with Retry-After, and asks STS nothing", async () => {
    const roleId = await roleIdOf(stack, "acme-staging", "Developer");
    const issue = () =>
      bob.request(`/api/roles/${roleId}/credentials`, { method: "POST", json: {} });
    for (let i = 0; i < 3; i++) expect((await issue()).status).toBe(200);
    const refused = await issue();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: "rate_limited" });
    expect(body.error.message).toMatch(/Too many requests/);
  });
});

describe("a browser keeps a bounded number of SAML sign-ins in flight", () => {
  it("the 15th start from one browser leaves only its 10 newest AuthnRequests", async () => {
    const database = await createTestDatabase(testDatabaseKind());
    const db = createDb(database.url);
    try {
      const idp = await db.samlIdentityProvider.create({
        data: {
          slug: "cap-test",
          displayName: "Cap test",
          entityId: "https://idp.cap.example",
          ssoUrl: "https://idp.cap.example/sso",
          certificatesJson: "[]",
        },
      });
      const start = Date.parse("2030-01-01T00:00:00Z");
      for (let i = 0; i < 15; i++) {
        await rememberAuthnRequest(db, {
          id: `_req${i.toString().padStart(3, "0")}`,
          idpId: idp.id,
          purpose: "login",
          bindingValue: "one-browser-binding-value-0000000000000000000",
          returnTo: "/accounts",
          now: new Date(start + i * 1000),
        });
      }
      const kept = await db.samlAuthnRequest.findMany({
        orderBy: { id: "asc" },
        select: { id: true },
      });
      expect(kept.map((r) => r.id)).toEqual(
        Array.from({ length: 10 }, (_, i) => `_req${(i + 5).toString().padStart(3, "0")}`),
      );
    } finally {
      await db.$disconnect();
      await database.drop();
    }
  });
});

describe("the CLI's endpoints", () => {
  it("device sign-ins from one address: past the limit 429 with Retry-After; API reads per person likewise", async () => {
    // 2 of the address's 5 device requests: the start and the one poll that gets the token.
    const { token } = await cliTokenFor(stack, bob);
    for (let i = 0; i < 3; i++) await startCliSignIn(stack);
    const over = await fetch(`${stack.portalUrl}/api/v1/device/code`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "client_id=gatehouse-cli",
    });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await over.json()) as { error: string }).error).toBe("slow_down");

    for (let i = 0; i < 3; i++) expect((await v1(stack, "/me", { token })).status).toBe(200);
    const tooMany = await v1(stack, "/me", { token });
    expect(tooMany.status).toBe(429);
    expect(((await tooMany.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect(Number(tooMany.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("the CLI approval page, per person", () => {
  it("user codes looked up past the limit are refused (RFC 8628 §5.1): the page says wait, the decision is 429, even for a real code", async () => {
    // A fresh window for every counter: the earlier tests spent bob's and this address's.
    stack.portalClock.advance(600_000);
    const real = await startCliSignIn(stack);
    const guesses = ["BCDF-GHJK", "BCDF-GHJL", "BCDF-GHJM"].filter(
      (code) => code !== real.user_code,
    );
    for (const code of guesses.slice(0, 2)) {
      const page = await (await bob.request(`/device?code=${code}`)).text();
      expect(page).toContain("No sign-in has this code");
    }
    const decide = (code: string) =>
      bob.request("/api/device/decision", { method: "POST", json: { code, decision: "approve" } });
    expect((await decide(guesses[0]!)).status).toBe(404);
    expect((await decide(guesses[1]!)).status).toBe(404);

    const page = await (await bob.request(`/device?code=${real.user_code}`)).text();
    expect(page).toContain("Too many codes were looked up from your account");
    expect(page).not.toContain('data-testid="device-approve"');
    const refused = await decide(real.user_code);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect(
      (
        await stack.db.deviceAuthorization.findFirstOrThrow({
          where: { userCode: real.user_code.replace("-", "") },
        })
      ).status,
    ).toBe("pending");
  });
});
