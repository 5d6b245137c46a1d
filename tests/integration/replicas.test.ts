// Two portal processes on one PostgreSQL database, as behind a load balancer (docs/OPERATIONS.md
// "Processes and state"): a browser signed in on one is signed in on the other; a SAML response
// used on one is refused on the other; a person revoked on one is refused by the other on the very
// next request; the broker unlocked with MFA on one is unlocked on the other, and locked on both
// from either.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "@/dev/aws-standin/totp";
import { demoBroker } from "@/dev/demo-world";
import type { RunningPortal } from "@/dev/local-stack";
import { expectApiError, storedUser } from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { auditRowsOf, signInWithDemoSaml } from "../support/saml-portal";
import { act, postAction } from "../support/server-actions";
import { startReplica, startTestStack, testDatabaseKind, type TestStack } from "../support/stack";

const onPostgres = testDatabaseKind() === "postgresql";
const LOCKED_STATUS = 409;

describe.runIf(onPostgres)("two replicas on one PostgreSQL database", () => {
  let stack: TestStack;
  let second: RunningPortal;
  let alice: PortalSession;
  let bob: PortalSession;

  beforeAll(async () => {
    stack = await startTestStack({ saml: true });
    second = await startReplica(stack);
    alice = await signIn(stack, "alice");
    bob = await signIn(stack, "bob");
  });
  afterAll(async () => {
    await second?.stop();
    await stack?.stop();
  });

  /** The same browser (cookies) talking to the other replica, as the load balancer may route it. */
  function onSecond(session: PortalSession): PortalSession {
    return {
      jar: session.jar,
      request: async (pathname, init = {}) => {
        const url = `${second.url}${pathname}`;
        const { json, ...rest } = init;
        const res = await fetch(url, {
          ...rest,
          redirect: "manual",
          headers: {
            // One public origin for both replicas (NEXTAUTH_URL), and the public host as a load
            // balancer forwards it (Next.js checks it against Origin for server actions).
            Origin: stack.portalUrl,
            "X-Forwarded-Host": new URL(stack.portalUrl).host,
            ...(json !== undefined ? { "Content-Type": "application/json" } : {}),
            ...(rest.headers as Record<string, string> | undefined),
            ...session.jar.headersFor(url),
          },
          ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
        });
        session.jar.storeFrom(url, res);
        return res;
      },
    };
  }

  it("signed in on one, the browser is signed in on the other: pages and issuance", async () => {
    const page = await onSecond(bob).request("/accounts");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("acme-staging");
    const role = await roleIdOf(stack, "acme-staging", "Developer");
    const issued = await onSecond(bob).request(`/api/roles/${role}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(issued.status).toBe(200);
    expect(((await issued.json()) as { accessKeyId: string }).accessKeyId).toMatch(/^ASIA/);
  });

  it("a SAML response accepted by one is refused by the other", async () => {
    // The same browser (its binding cookie too) posts the same response again, to the other one.
    const { posted, browser } = await signInWithDemoSaml(stack, "bob");
    const res = await browser.postForm(`${second.url}/api/auth/saml/acs`, {
      SAMLResponse: posted.samlResponse,
      ...(posted.relayState !== undefined ? { RelayState: posted.relayState } : {}),
    });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location") ?? "", stack.portalUrl);
    expect(location.pathname).toBe("/signin");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("gatehouse.session="))).toBe(false);
    const [row] = await auditRowsOf(stack, location.searchParams.get("requestId") ?? "");
    expect(row?.action).toBe("auth.sign-in-failed");
    // The other replica's memory never saw it: only the database can have told.
    expect(row?.detailsJson).toMatch(/"reason":"(replayed_assertion|reused_in_response_to)"/);
  });

  it("the broker unlocked with MFA on one is unlocked on the other; locked on either, on both", async () => {
    const breakGlass = await roleIdOf(stack, "acme-production", "BreakGlass");
    const issue = (session: PortalSession) =>
      session.request(`/api/roles/${breakGlass}/credentials`, { method: "POST", json: {} });
    await expectApiError(await issue(onSecond(alice)), LOCKED_STATUS, "broker_locked");

    const unlocked = await postAction<{ ok: boolean; error: string | null }>(
      alice,
      "/admin/broker",
      { file: "app/admin/broker/actions.ts", name: "unlockBroker" },
      { ok: false, message: null, error: null },
      { tokenCode: totpCode(demoBroker.mfaDevice!.totpSecret, new Date()) },
      (v) => "ok" in v && "error" in v,
    );
    expect(unlocked.state, unlocked.text.slice(0, 300)).toMatchObject({ ok: true });
    const onOther = await issue(onSecond(alice));
    expect(onOther.status, await onOther.clone().text()).toBe(200);

    const lock = await act(onSecond(alice), {
      name: "lockBroker",
      page: () => "/admin/broker",
      fields: () => ({}),
    });
    expect(lock.status).toBe(200);
    await expectApiError(await issue(alice), LOCKED_STATUS, "broker_locked");
  });

  it("a person revoked on one is refused by the other on the next request", async () => {
    const bobAgain = await signIn(stack, "bob");
    const role = await roleIdOf(stack, "acme-staging", "Developer");
    const before = await onSecond(bobAgain).request(`/api/roles/${role}/credentials`, {
      method: "POST",
      json: {},
    });
    expect(before.status).toBe(200);
    const bobUser = await storedUser(stack, "bob");
    const person = await stack.db.user.findUniqueOrThrow({ where: { id: bobUser.id } });
    const reply = await act(alice, {
      name: "revokePersonAction",
      page: () => "/admin/people",
      fields: () => ({ personId: person.personId, q: "bob" }),
    });
    expect(reply.redirect).toContain("notice=revoked");
    const after = await onSecond(bobAgain).request(`/api/roles/${role}/credentials`, {
      method: "POST",
      json: {},
    });
    await expectApiError(after, 401, "unauthenticated");
  });
});
