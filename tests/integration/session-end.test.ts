// What a browser sees once its session has ended (docs/SINGLE-LOGOUT.md "After signing out",
// docs/SECURITY.md "Cookies"): /api/auth/session reads the session row, so it reports the row's
// own end while the session lives and nothing once it was signed out, revoked or expired; and a
// tab left open on an admin page, whose form is posted after the session ended, is sent to sign
// in with "Your session ended" and comes back to that page, instead of being told nothing or
// that its person is no administrator. Nothing the stale form asked for happens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedUser } from "../support/portal-assertions";
import { signIn, signOut, type PortalSession } from "../support/portal-client";
import { act } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function sessionAnswer(session: PortalSession) {
  const res = await session.request("/api/auth/session");
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toContain("no-store");
  return {
    body: (await res.json()) as { expires?: string },
    reissuedCookie: res.headers.getSetCookie().some((c) => c.includes("gatehouse.session=ey")),
  };
}

async function liveSessionOf(username: string) {
  const user = await storedUser(stack, username);
  return stack.db.portalSession.findFirstOrThrow({
    where: { userId: user.id, revokedAt: null },
    orderBy: { createdAt: "desc" },
  });
}

/** Ends a session as another replica, an admin's revoke or a sign-out elsewhere would: in its row. */
async function revokeRow(id: string) {
  await stack.db.portalSession.update({ where: { id }, data: { revokedAt: new Date() } });
}

describe("Back after signing out shows no stored copy", () => {
  let viewer: PortalSession | undefined;
  it.each([
    "/accounts",
    "/console?account=x&role=y",
    "/cli-sessions",
    "/device",
    "/requests",
    "/admin/broker",
    "/admin/cli-sessions",
    "/admin/people",
  ])("%s, signed in, is no-store", async (page) => {
    viewer ??= await signIn(stack, "alice");
    const res = await viewer.request(page);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
  });
});

describe("a stale tab's admin form after its session ended", () => {
  const forms = [
    {
      what: "Revoke access (a form that answers with a redirect)",
      name: "revokePersonAction",
      open: async () => ({
        page: "/admin/people?q=bob",
        form: { personId: (await storedUser(stack, "bob")).personId, q: "bob" },
      }),
      changedNothing: async () => {
        const bob = await storedUser(stack, "bob");
        const live = await stack.db.portalSession.count({
          where: { userId: bob.id, revokedAt: null },
        });
        expect(live, "bob's session is untouched").toBeGreaterThan(0);
      },
    },
    {
      what: "an account's settings (a form that answers with its state)",
      name: "updateAccountAction",
      open: async () => {
        const account = await stack.db.awsAccount.findFirstOrThrow({ orderBy: { name: "asc" } });
        return {
          page: `/admin/accounts/${account.id}`,
          form: { id: account.id, description: "written by a stale tab", version: "1" },
        };
      },
      changedNothing: async () => {
        const stale = await stack.db.awsAccount.count({
          where: { description: "written by a stale tab" },
        });
        expect(stale).toBe(0);
      },
    },
  ];
  const endings = [
    {
      how: "signed out (the cookie is gone)",
      end: async (session: PortalSession) => {
        expect((await signOut(stack, session)).status).toBe(200);
      },
    },
    {
      how: "revoked elsewhere (the cookie names an ended session)",
      end: async () => revokeRow((await liveSessionOf("alice")).id),
    },
  ];

  it.each(forms.flatMap((form) => endings.map((ending) => ({ ...form, ...ending }))))(
    "$what, $how: sent to sign in saying the session ended, back to the page after; nothing changes",
    async ({ name, open, changedNothing, end }) => {
      await signIn(stack, "bob");
      const alice = await signIn(stack, "alice");
      const { page, form } = await open();
      expect((await alice.request(page)).status).toBe(200);
      await end(alice);

      const reply = await act(alice, { name, page: () => page, fields: () => form, state: null });
      expect(reply.status).toBeLessThan(500);
      expect(reply.redirect ?? "").toContain(
        `/signin?callbackUrl=${encodeURIComponent(page)}&reason=session-ended`,
      );
      expect(reply.text).not.toContain("Only Gatehouse administrators");
      await changedNothing();

      const signinPage = await alice.request(
        (reply.redirect ?? "").replace(/^https?:\/\/[^/]+/, "").replace(/;.*$/, ""),
      );
      expect(await signinPage.text()).toContain("Your session ended");
    },
  );
});

describe("/api/auth/session reads the session row", () => {
  it("a live session: the row's own end, which reading again does not move", async () => {
    const carol = await signIn(stack, "carol");
    const row = await liveSessionOf("carol");
    expect((await sessionAnswer(carol)).body).toEqual({ expires: row.expiresAt.toISOString() });
    stack.portalClock.advance(60 * 60 * 1000);
    expect((await sessionAnswer(carol)).body).toEqual({ expires: row.expiresAt.toISOString() });
  });

  const endings = [
    { how: "revoked (an admin's revoke, a sign-out elsewhere)", end: revokeRow },
    {
      how: "expired (GATEHOUSE_SESSION_MAX_AGE_SECONDS passed)",
      end: async (id: string) => {
        const row = await stack.db.portalSession.findUniqueOrThrow({ where: { id } });
        stack.portalClock.advance(row.expiresAt.getTime() - row.createdAt.getTime() + 60_000);
      },
    },
  ];
  it.each(endings)(
    "a session $how: nobody signed in, and no session cookie is issued again",
    async ({ end }) => {
      const dave = await signIn(stack, "dave");
      await end((await liveSessionOf("dave")).id);
      const answer = await sessionAnswer(dave);
      expect(answer.body).toEqual({});
      expect(answer.reissuedCookie).toBe(false);
      expect((await dave.request("/accounts")).headers.get("location")).toContain(
        "reason=session-ended",
      );
    },
  );
});

describe("signing out from an address over its sign-in limit", () => {
  let limited: TestStack;
  beforeAll(async () => {
    limited = await startTestStack({ extraEnv: { GATEHOUSE_RATE_LIMITS: "signin=8/600" } });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it("still ends and audits the session: nobody stays signed in because their address is busy", async () => {
    const alice = await signIn(limited, "alice");
    const anonymousSignOut = () =>
      fetch(`${limited.portalUrl}/api/auth/sign-out`, {
        method: "POST",
        headers: { Origin: limited.portalUrl },
      });
    // Others behind the same address (or an outsider) use up its window.
    let status = 200;
    for (let i = 0; i < 20 && status !== 429; i += 1) status = (await anonymousSignOut()).status;
    expect(status, "the address is over its sign-in limit").toBe(429);

    const out = await signOut(limited, alice);
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((c) => /gatehouse\.session=;.*Max-Age=0/.test(c))).toBe(
      true,
    );
    const user = await storedUser(limited, "alice");
    expect(
      await limited.db.portalSession.count({ where: { userId: user.id, revokedAt: null } }),
    ).toBe(0);
    expect(
      await limited.db.auditEvent.count({
        where: { action: "auth.sign-out", actorUserId: user.id },
      }),
    ).toBe(1);
  });
});
