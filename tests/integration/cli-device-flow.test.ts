// The gatehouse CLI's sign-in, the OAuth 2.0 Device Authorization Grant (RFC 8628; docs/API.md),
// end to end against the running portal: approve, deny, expire, slow_down, a sign-in meant for
// someone else, and what the token then may and may not do.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import {
  cliTokenFor,
  decide,
  pollCliToken,
  postForm,
  startCliSignIn,
  v1,
  CLI_CLIENT_ID,
  DEVICE_GRANT,
} from "../support/cli-auth";
import { openApiChecker, type OpenApiChecker } from "../support/openapi";
import { expectApiError, parseDetails, storedUser } from "../support/portal-assertions";
import { signIn, signOut, type PortalSession } from "../support/portal-client";
import { act } from "../support/server-actions";
import { startReplica, startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let bob: PortalSession;
let alice: PortalSession;
let openapi: OpenApiChecker;

beforeAll(async () => {
  stack = await startTestStack();
  [bob, alice] = [await signIn(stack, "bob"), await signIn(stack, "alice")];
  openapi = await openApiChecker(stack);
});
afterAll(async () => {
  await stack?.stop();
});

async function oauthError(res: Response, status: number, error: string, path: string) {
  const body = (await res.json()) as {
    error: string;
    error_description: string;
    requestId: string;
  };
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error).toBe(error);
  expect(body.requestId).toBe(res.headers.get("x-request-id"));
  expect(res.headers.get("cache-control")).toContain("no-store");
  openapi.expectConforms("POST", path, status, body);
  return body;
}

describe("device sign-in (RFC 8628)", () => {
  it("approved in the browser: the CLI gets a token once, for the person who approved", async () => {
    const started = await startCliSignIn(stack, { device_name: "bob's laptop" });
    openapi.expectConforms("POST", "/device/code", 200, started);
    expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(started.verification_uri).toBe(`${stack.portalUrl}/device`);
    expect(started.verification_uri_complete).toBe(
      `${stack.portalUrl}/device?code=${started.user_code}`,
    );
    expect(started).toMatchObject({ expires_in: 600, interval: 5 });

    // The approval page shows the code, the device's name and the address it asked from.
    const page = await bob.request(`/device?code=${started.user_code.toLowerCase()}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    const row = await stack.db.deviceAuthorization.findFirstOrThrow({
      where: { userCode: started.user_code.replace("-", "") },
    });
    expect(html).toContain(started.user_code);
    expect(html).toContain("bob&#x27;s laptop");
    expect(row.clientAddress).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
    expect(html).toContain(row.clientAddress!);
    // Only the hash of the device code is stored.
    expect(JSON.stringify(row)).not.toContain(started.device_code);

    await oauthError(
      await pollCliToken(stack, started.device_code),
      400,
      "authorization_pending",
      "/device/token",
    );
    expect((await decide(bob, started.user_code, "approve")).status).toBe(200);
    stack.portalClock.advance(5_000);
    const res = await pollCliToken(stack, started.device_code);
    const token = (await res.json()) as {
      access_token: string;
      token_id: string;
      user: { email: string };
    };
    expect(res.status, JSON.stringify(token)).toBe(200);
    openapi.expectConforms("POST", "/device/token", 200, token);
    expect(token.user.email).toBe("bob@corp.example");
    expect(res.headers.get("cache-control")).toContain("no-store");

    const me = await v1(stack, "/me", { token: token.access_token });
    const meBody = (await me.json()) as {
      user: { email: string };
      token: { id: string; deviceName: string };
    };
    expect(me.status).toBe(200);
    openapi.expectConforms("GET", "/me", 200, meBody);
    expect(meBody.user.email).toBe("bob@corp.example");
    expect(meBody.token).toMatchObject({ id: token.token_id, deviceName: "bob's laptop" });

    // Exchanged once: the same device code gives nothing more.
    stack.portalClock.advance(5_000);
    await oauthError(
      await pollCliToken(stack, started.device_code),
      400,
      "invalid_grant",
      "/device/token",
    );
    // The token is stored hashed; its issuance is audited with its id.
    const stored = await stack.db.cliToken.findUniqueOrThrow({ where: { id: token.token_id } });
    expect(JSON.stringify(stored)).not.toContain(token.access_token);
    const issued = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "cli.token-issued", detailsJson: { contains: token.token_id } },
    });
    expect(parseDetails(issued.detailsJson)).toMatchObject({
      cliTokenId: token.token_id,
      deviceName: "bob's laptop",
    });
    const approved = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "cli.device-approved", actorEmail: "bob@corp.example" },
    });
    expect(approved.outcome).toBe("success");
  });

  it("polling faster than the interval is slow_down, and the interval grows by 5 seconds", async () => {
    const started = await startCliSignIn(stack);
    // The rule counts seconds between polls: with the portal's clock stopped, only the test's
    // moves count, however long a busy machine takes between two polls.
    stack.portalClock.stop();
    onTestFinished(() => stack.portalClock.resume());
    await oauthError(
      await pollCliToken(stack, started.device_code),
      400,
      "authorization_pending",
      "/device/token",
    );
    await oauthError(
      await pollCliToken(stack, started.device_code),
      400,
      "slow_down",
      "/device/token",
    );
    stack.portalClock.advance(5_000);
    // 5 s later is now too soon: the interval became 10 s.
    await oauthError(
      await pollCliToken(stack, started.device_code),
      400,
      "slow_down",
      "/device/token",
    );
    stack.portalClock.advance(15_000);
    await oauthError(
      await pollCliToken(stack, started.device_code),
      400,
      "authorization_pending",
      "/device/token",
    );
  });

  it("denied in the browser: access_denied, no token, and the code can't be approved afterwards", async () => {
    const started = await startCliSignIn(stack);
    expect((await decide(bob, started.user_code, "deny")).status).toBe(200);
    await oauthError(
      await pollCliToken(stack, started.device_code),
      400,
      "access_denied",
      "/device/token",
    );
    await expectApiError(await decide(bob, started.user_code, "approve"), 404, "not_found");
    expect(
      await stack.db.auditEvent.count({ where: { action: "cli.device-denied" } }),
    ).toBeGreaterThan(0);
  });

  it("an expired code: expired_token, and the browser can no longer approve it", async () => {
    const started = await startCliSignIn(stack);
    stack.portalClock.advance(601_000);
    await oauthError(
      await pollCliToken(stack, started.device_code),
      400,
      "expired_token",
      "/device/token",
    );
    await expectApiError(await decide(bob, started.user_code, "approve"), 404, "not_found");
    const page = await (await bob.request(`/device?code=${started.user_code}`)).text();
    expect(page).toContain("This code has expired");
    expect(page).not.toContain('data-testid="device-approve"');
  });

  it.each([
    ["a code nobody was given", "unknown", "No sign-in has this code"],
    ["an expired code", "expired", "This code has expired"],
    ["a code already approved", "approved", "This code was already approved"],
    ["a code already exchanged for a token", "exchanged", "This code was already approved"],
    ["a denied code", "denied", "This code was denied"],
  ] as const)(
    "a code that can't be decided says which case it is: %s",
    async (_name, state, message) => {
      const started = await startCliSignIn(stack);
      let userCode = started.user_code;
      if (state === "unknown") {
        const unused = ["BCDF-GHJK", "BCDF-GHJL", "BCDF-GHJM"];
        const taken = await stack.db.deviceAuthorization.findMany({ select: { userCode: true } });
        userCode = unused.find((c) => !taken.some((t) => t.userCode === c.replace("-", "")))!;
      }
      if (state === "expired") stack.portalClock.advance(601_000);
      if (state === "approved" || state === "exchanged")
        expect((await decide(bob, userCode, "approve")).status).toBe(200);
      if (state === "exchanged") {
        stack.portalClock.advance(5_000);
        expect((await pollCliToken(stack, started.device_code)).status).toBe(200);
      }
      if (state === "denied") expect((await decide(bob, userCode, "deny")).status).toBe(200);
      try {
        const page = await (await bob.request(`/device?code=${userCode}`)).text();
        expect(page).toContain(message);
        expect(page).not.toContain('data-testid="device-approve"');
        const refused = await expectApiError(
          await decide(bob, userCode, "approve"),
          404,
          "not_found",
        );
        expect(refused.error.message).toContain(message);
      } finally {
        stack.portalClock.reset();
      }
    },
  );

  it.each([
    ["7 letters", "BCDF-GHJ"],
    ["a vowel", "BCDF-GHJA"],
    ["digits", "1234-5678"],
    ["words", "approve me"],
  ] as const)(
    "a decision on something that is not a code is a 400 validation_error naming the field (%s)",
    async (_name, code) => {
      const refused = await expectApiError(
        await decide(bob, code, "approve"),
        400,
        "validation_error",
      );
      expect(refused.error.issues).toEqual([
        { path: "code", message: expect.stringContaining("8 letters") as string },
      ]);
      expect(refused.error.message).toMatch(/^code: /);
    },
  );

  it.each([
    ["signed out", "signed-out"],
    ["revoked by an admin", "revoked"],
    ["expired", "expired"],
  ] as const)(
    "an approval whose browser session has ended before the CLI collects it gives no token, then or later: the CLI is told why, and the refusal is audited (%s)",
    async (_name, how) => {
      const approver = await signIn(stack, "dave");
      const dave = await storedUser(stack, "dave");
      if (how === "expired") {
        // Approve 5 minutes before the session's end, while the 10-minute code is still valid.
        const session = await stack.db.portalSession.findFirstOrThrow({
          where: { userId: dave.id },
          orderBy: { createdAt: "desc" },
        });
        stack.portalClock.advance(session.expiresAt.getTime() - Date.now() - 300_000);
      }
      const deviceName = `dave's laptop (${how})`;
      try {
        const started = await startCliSignIn(stack, { device_name: deviceName });
        expect((await decide(approver, started.user_code, "approve")).status).toBe(200);
        if (how === "signed-out") expect((await signOut(stack, approver)).status).toBe(200);
        if (how === "revoked") {
          const reply = await act(alice, {
            name: "revokePersonAction",
            page: () => "/admin/people",
            fields: () => ({ personId: dave.personId, q: "dave" }),
          });
          expect(reply.redirect).toContain("notice=revoked");
        }
        if (how === "expired") stack.portalClock.advance(360_000);
        // Every poll from now on says the same, and no later poll can exchange the code.
        for (let poll = 1; poll <= 2; poll++) {
          const body = await oauthError(
            await pollCliToken(stack, started.device_code),
            400,
            "expired_token",
            "/device/token",
          );
          expect(body.error_description).toContain(
            "the browser session that approved it has ended",
          );
          expect(body.error_description).toContain("gatehouse login");
          stack.portalClock.advance(5_000);
        }
        const userCode = started.user_code.replace("-", "");
        const row = await stack.db.deviceAuthorization.findUniqueOrThrow({ where: { userCode } });
        expect(row.status).toBe("session-ended");
        expect(await stack.db.cliToken.count({ where: { deviceName } })).toBe(0);
        const refusals = await stack.db.auditEvent.findMany({
          where: { action: "cli.token-issued", detailsJson: { contains: deviceName } },
        });
        expect(refusals).toHaveLength(1);
        expect(refusals[0]).toMatchObject({ outcome: "denied", actorEmail: "dave@corp.example" });
        expect(parseDetails(refusals[0]!.detailsJson)).toMatchObject({
          deviceName,
          reason: expect.stringContaining("has ended") as string,
        });
        // The approval page no longer calls it approved (which points at a terminal to revoke).
        stack.portalClock.reset(); // for the IdP's sign-in
        const again = await signIn(stack, "dave");
        const page = await (await again.request(`/device?code=${started.user_code}`)).text();
        expect(page).toContain("no terminal was signed in");
        expect(page).not.toContain("already approved");
      } finally {
        stack.portalClock.reset();
      }
    },
  );

  it("a sign-in started for alice (login_hint) can't be approved by bob; alice can", async () => {
    const started = await startCliSignIn(stack, { login_hint: "Alice@corp.example" });
    const page = await (await bob.request(`/device?code=${started.user_code}`)).text();
    expect(page).toContain('data-testid="device-other-person"');
    expect(page).not.toContain('data-testid="device-approve"');
    const refused = await expectApiError(
      await decide(bob, started.user_code, "approve"),
      403,
      "forbidden",
    );
    expect(refused.error.message).toContain("Alice@corp.example");
    const audit = await stack.db.auditEvent.findFirstOrThrow({
      where: { action: "cli.device-approved", outcome: "denied", actorEmail: "bob@corp.example" },
    });
    expect(audit.detailsJson).toContain("login_hint");
    await oauthError(
      await pollCliToken(stack, started.device_code),
      400,
      "authorization_pending",
      "/device/token",
    );
    expect((await decide(alice, started.user_code, "approve")).status).toBe(200);
    stack.portalClock.advance(5_000);
    const res = await pollCliToken(stack, started.device_code);
    expect(((await res.json()) as { user: { email: string } }).user.email).toBe(
      "alice@corp.example",
    );
  });

  it("a sign-in started for an email is not approved by an identity whose IdP did not verify that email", async () => {
    // bob's IdP sends alice's address as an email it does not vouch for (someone typed it).
    const bobRow = await storedUser(stack, "bob");
    await stack.db.user.update({
      where: { id: bobRow.id },
      data: { email: "alice@corp.example", emailVerified: false },
    });
    try {
      const started = await startCliSignIn(stack, { login_hint: "alice@corp.example" });
      // Told why, not "you are not that person" beside a label showing the same address.
      const page = await (await bob.request(`/device?code=${started.user_code}`)).text();
      expect(page).toContain("did not verify that this email address is yours");
      expect(page).not.toContain('data-testid="device-approve"');
      const refused = await expectApiError(
        await decide(bob, started.user_code, "approve"),
        403,
        "forbidden",
      );
      expect(refused.error.message).toContain("did not verify");
      const row = await stack.db.deviceAuthorization.findUniqueOrThrow({
        where: { userCode: started.user_code.replace("-", "") },
      });
      expect(row.status).toBe("pending");
    } finally {
      await stack.db.user.update({
        where: { id: bobRow.id },
        data: { email: bobRow.email, emailVerified: bobRow.emailVerified },
      });
    }
  });

  it("the approval page warns when the terminal asked from another address than the browser's", async () => {
    // The same machine: no warning (127.0.0.1 and ::1 count as one).
    const local = await startCliSignIn(stack);
    const localPage = await (await bob.request(`/device?code=${local.user_code}`)).text();
    expect(localPage).toContain('data-testid="device-browser-address"');
    expect(localPage).not.toContain('data-testid="device-other-address"');
    // A terminal elsewhere (a phish): started through a replica behind one trusted proxy, which
    // says the request came from 203.0.113.9.
    const replica = await startReplica(stack, { GATEHOUSE_TRUSTED_PROXY_HOPS: "1" });
    try {
      const res = await fetch(`${replica.url}/api/v1/device/code`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "X-Forwarded-For": "203.0.113.9",
        },
        body: new URLSearchParams({ client_id: CLI_CLIENT_ID, device_name: "bob's laptop" }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const { user_code } = (await res.json()) as { user_code: string };
      const page = await (await bob.request(`/device?code=${user_code}`)).text();
      expect(page).toContain('data-testid="device-other-address"');
      expect(page).toMatch(/asked for from (<!-- -->)?203\.0\.113\.9/);
      // A warning, not a refusal: someone who did run it elsewhere can still approve.
      expect(page).toContain('data-testid="device-approve"');
    } finally {
      await replica.stop();
    }
  });

  it("sign-ins expired for over a day are purged when a new one starts", async () => {
    const old = await startCliSignIn(stack);
    stack.portalClock.advance(25 * 3600 * 1000 + 600_000);
    await startCliSignIn(stack);
    stack.portalClock.reset();
    const userCode = old.user_code.replace("-", "");
    expect(await stack.db.deviceAuthorization.count({ where: { userCode } })).toBe(0);
  });

  it("two decisions on one code: exactly one counts", async () => {
    const started = await startCliSignIn(stack);
    const answers = await Promise.all([
      decide(bob, started.user_code, "approve"),
      decide(bob, started.user_code, "deny"),
      decide(bob, started.user_code, "approve"),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 404, 404]);
  });

  it.each([
    ["another client id", { client_id: "someone-else" }, 401, "invalid_client"],
    ["no client id", {}, 401, "invalid_client"],
    [
      "a device name with a newline",
      { client_id: CLI_CLIENT_ID, device_name: "a\nb" },
      400,
      "invalid_request",
    ],
    [
      "a 65-character device name",
      { client_id: CLI_CLIENT_ID, device_name: "x".repeat(65) },
      400,
      "invalid_request",
    ],
    [
      "a repeated client id",
      "client_id=gatehouse-cli&client_id=gatehouse-cli",
      400,
      "invalid_request",
    ],
  ] as const)("the code endpoint refuses %s", async (_name, form, status, error) => {
    const res =
      typeof form === "string"
        ? await fetch(`${stack.portalUrl}/api/v1/device/code`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: form,
          })
        : await postForm(stack, "/api/v1/device/code", form);
    await oauthError(res, status, error, "/device/code");
  });

  it.each([
    [
      "another grant type",
      { grant_type: "client_credentials", device_code: "x", client_id: CLI_CLIENT_ID },
      400,
      "unsupported_grant_type",
    ],
    ["no grant type", { device_code: "x", client_id: CLI_CLIENT_ID }, 400, "invalid_request"],
    [
      "no device code",
      { grant_type: DEVICE_GRANT, client_id: CLI_CLIENT_ID },
      400,
      "invalid_request",
    ],
    [
      "an unknown device code",
      { grant_type: DEVICE_GRANT, device_code: "x".repeat(43), client_id: CLI_CLIENT_ID },
      400,
      "invalid_grant",
    ],
  ] as const)("the token endpoint refuses %s", async (_name, form, status, error) => {
    await oauthError(
      await postForm(stack, "/api/v1/device/token", form),
      status,
      error,
      "/device/token",
    );
  });

  it("the token endpoint refuses another client's poll of a real code", async () => {
    const started = await startCliSignIn(stack);
    await oauthError(
      await pollCliToken(stack, started.device_code, "someone-else"),
      401,
      "invalid_client",
      "/device/token",
    );
  });

  it.each(["/device/code", "/device/token"])(
    "%s: a form over 4 KiB is 413 invalid_request, as the OpenAPI document describes",
    async (path) => {
      const res = await postForm(stack, `/api/v1${path}`, {
        client_id: CLI_CLIENT_ID,
        device_name: "x".repeat(5000),
      });
      await oauthError(res, 413, "invalid_request", path);
    },
  );

  it("a JSON body is not a form: invalid_request", async () => {
    const res = await fetch(`${stack.portalUrl}/api/v1/device/code`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ client_id: CLI_CLIENT_ID }),
    });
    await oauthError(res, 400, "invalid_request", "/device/code");
  });

  it("the decision needs a signed-in browser on the portal's own origin", async () => {
    const started = await startCliSignIn(stack);
    const anonymous = await fetch(`${stack.portalUrl}/api/device/decision`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: stack.portalUrl },
      body: JSON.stringify({ code: started.user_code, decision: "approve" }),
    });
    await expectApiError(anonymous, 401, "unauthenticated");
    const crossSite = await bob.request("/api/device/decision", {
      method: "POST",
      json: { code: started.user_code, decision: "approve" },
      headers: { Origin: "https://evil.example" },
    });
    await expectApiError(crossSite, 403, "csrf_rejected");
    await oauthError(
      await pollCliToken(stack, started.device_code),
      400,
      "authorization_pending",
      "/device/token",
    );
  });

  it("the approval page needs a sign-in and comes back to the code", async () => {
    const res = await fetch(`${stack.portalUrl}/device?code=BCDF-GHJK`, { redirect: "manual" });
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(400);
    expect(decodeURIComponent(res.headers.get("location") ?? "")).toContain(
      "/device?code=BCDF-GHJK",
    );
  });

  it("a token stops working when its owner revokes it, when it expires, and after logout", async () => {
    const first = await cliTokenFor(stack, bob);
    expect((await v1(stack, "/me", { token: first.token })).status).toBe(200);
    const revoke = await bob.request(`/api/cli-sessions/${first.tokenId}`, { method: "DELETE" });
    expect(revoke.status).toBe(204);
    const refused = await expectApiError(
      await v1(stack, "/me", { token: first.token }),
      401,
      "unauthenticated",
    );
    expect(refused.error.message).toContain("revoked");

    const second = await cliTokenFor(stack, bob);
    const loggedOut = await v1(stack, "/token", { method: "DELETE", token: second.token });
    expect(loggedOut.status).toBe(204);
    await expectApiError(await v1(stack, "/me", { token: second.token }), 401, "unauthenticated");

    const third = await cliTokenFor(stack, bob);
    stack.portalClock.advance(12 * 3600 * 1000);
    const expired = await expectApiError(
      await v1(stack, "/me", { token: third.token }),
      401,
      "unauthenticated",
    );
    expect(expired.error.message).toContain("expired");
    stack.portalClock.reset();
  });

  it("another person can't revoke bob's token (404, still works); an admin can", async () => {
    const carol = await signIn(stack, "carol");
    const token = await cliTokenFor(stack, bob);
    await expectApiError(
      await carol.request(`/api/cli-sessions/${token.tokenId}`, { method: "DELETE" }),
      404,
      "not_found",
    );
    expect((await v1(stack, "/me", { token: token.token })).status).toBe(200);
    const byAdmin = await alice.request(`/api/cli-sessions/${token.tokenId}`, { method: "DELETE" });
    expect(byAdmin.status).toBe(204);
    await expectApiError(await v1(stack, "/me", { token: token.token }), 401, "unauthenticated");
    const audit = await stack.db.auditEvent.findFirstOrThrow({
      where: {
        action: "cli.token-revoked",
        actorEmail: "alice@corp.example",
        detailsJson: { contains: token.tokenId },
      },
    });
    expect(parseDetails(audit.detailsJson)).toMatchObject({
      by: "admin",
      owner: "bob@corp.example",
    });
  });

  it.each([
    ["another person's session", "bob's"],
    ["a session that does not exist", "none"],
  ] as const)(
    "a refused revoke of %s is audited as a denial, and nothing is revoked",
    async (_name, target) => {
      const carol = await signIn(stack, "carol");
      const token = await cliTokenFor(stack, bob);
      const tokenId = target === "none" ? "cnotarealtokenid0000000000" : token.tokenId;
      const res = await carol.request(`/api/cli-sessions/${tokenId}`, { method: "DELETE" });
      const refused = await expectApiError(res, 404, "not_found");
      const audit = await stack.db.auditEvent.findFirstOrThrow({
        where: { action: "cli.token-revoked", requestId: refused.error.requestId },
      });
      expect(audit).toMatchObject({ outcome: "denied", actorEmail: "carol@corp.example" });
      expect(audit.detailsJson).toContain(tokenId);
      expect((await v1(stack, "/me", { token: token.token })).status).toBe(200);
    },
  );

  it("revoking all: every one of the person's tokens is refused at once and audited each; nobody else's", async () => {
    const dave = await signIn(stack, "dave");
    const mine = [await cliTokenFor(stack, dave), await cliTokenFor(stack, dave)];
    const carols = await cliTokenFor(stack, await signIn(stack, "carol"));
    const res = await dave.request("/api/cli-sessions", { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(await res.json()).toEqual({ revoked: 2 });
    for (const { token } of mine)
      await expectApiError(await v1(stack, "/me", { token }), 401, "unauthenticated");
    expect((await v1(stack, "/me", { token: carols.token })).status).toBe(200);
    for (const { tokenId } of mine) {
      const audit = await stack.db.auditEvent.findFirstOrThrow({
        where: { action: "cli.token-revoked", detailsJson: { contains: tokenId } },
      });
      expect(audit.actorEmail).toBe("dave@corp.example");
      expect(parseDetails(audit.detailsJson)).toMatchObject({ by: "owner", all: true });
    }
    // Nothing left: a second press revokes none.
    expect(await (await dave.request("/api/cli-sessions", { method: "DELETE" })).json()).toEqual({
      revoked: 0,
    });
    const crossSite = await dave.request("/api/cli-sessions", {
      method: "DELETE",
      headers: { Origin: "https://evil.example" },
    });
    await expectApiError(crossSite, 403, "csrf_rejected");
  });

  it("two terminals of one machine (the same device name) have Revoke buttons a screen reader tells apart", async () => {
    const dave = await signIn(stack, "dave");
    await dave.request("/api/cli-sessions", { method: "DELETE" });
    await cliTokenFor(stack, dave);
    stack.portalClock.advance(60_000);
    try {
      await cliTokenFor(stack, dave);
      const html = await (await dave.request("/cli-sessions")).text();
      const labels = [...html.matchAll(/aria-label="(Revoke [^"]*)"/g)].map((m) => m[1]);
      expect(labels).toHaveLength(2);
      expect(new Set(labels).size).toBe(2);
      expect(html).toContain('data-testid="cli-sessions-revoke-all"');
    } finally {
      stack.portalClock.reset();
    }
  });

  it("the admin CLI sessions page finds one person's terminals by email among many, a page at a time, saying how many there are", async () => {
    // 105 live sessions of carol's (more than a page), written as rows: the device flow for each
    // would only repeat what the tests above prove.
    const carolSession = await signIn(stack, "carol");
    const carol = await storedUser(stack, "carol");
    const { id: approvedBySessionId } = await stack.db.portalSession.findFirstOrThrow({
      where: { userId: carol.id },
      orderBy: { createdAt: "desc" },
    });
    const start = Date.now();
    await stack.db.cliToken.createMany({
      data: Array.from({ length: 105 }, (_, i) => ({
        tokenHash: `seeded-${i}-${start}`,
        userId: carol.id,
        deviceName: `carol terminal ${i}`,
        method: "oidc",
        approvedBySessionId,
        createdAt: new Date(start - i * 1000),
        expiresAt: new Date(start + 3600_000),
      })),
    });
    const bobsLaptop = await cliTokenFor(stack, bob);
    const page = async (query: string) => {
      const res = await alice.request(`/admin/cli-sessions${query}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      return {
        html,
        rows: [...html.matchAll(/data-token-id="([^"]+)"/g)].map((m) => m[1]),
        summary: /data-testid="cli-sessions-summary"[^>]*>([^<]*(?:<!-- -->[^<]*)*)</
          .exec(html)?.[1]
          ?.replaceAll("<!-- -->", ""),
      };
    };
    try {
      const all = await page("");
      const total = await stack.db.cliToken.count({
        where: { revokedAt: null, expiresAt: { gt: new Date() } },
      });
      expect(all.rows).toHaveLength(100);
      expect(all.summary).toBe(
        `Showing 1–100 of ${total} live sessions. Filter by person to find one.`,
      );
      expect(all.html).toContain('data-testid="cli-sessions-next"');

      // By email, in any case: only bob's, however many others there are.
      const bobs = await page("?person=BOB%40corp.example");
      expect(bobs.rows).toContain(bobsLaptop.tokenId);
      const bobUser = await storedUser(stack, "bob");
      const bobsLive = await stack.db.cliToken.findMany({
        where: { userId: bobUser.id, revokedAt: null, expiresAt: { gt: new Date() } },
      });
      expect(new Set(bobs.rows)).toEqual(new Set(bobsLive.map((t) => t.id)));
      expect(bobs.html).not.toContain("carol terminal");

      // Carol's 105 (and any of hers from the tests above) over two pages, the filter kept.
      const carols = await page("?person=carol%40corp.example");
      expect(carols.rows).toHaveLength(100);
      expect(carols.html).toContain(
        'href="/admin/cli-sessions?person=carol%40corp.example&amp;page=2"',
      );
      const second = await page("?person=carol%40corp.example&page=2");
      expect(second.rows.length).toBeGreaterThanOrEqual(5);
      expect(second.rows.filter((id) => carols.rows.includes(id))).toEqual([]);
      expect(second.summary).toMatch(
        /^Showing 101–\d+ of \d+ live sessions of people matching “carol@corp\.example”\.$/,
      );

      const nobody = await page("?person=nobody%40corp.example");
      expect(nobody.rows).toEqual([]);
      expect(nobody.summary).toBe("No live CLI session of people matching “nobody@corp.example”.");
      // A person filter is for admins only, as the page is.
      expect((await carolSession.request("/admin/cli-sessions?person=bob")).status).toBe(403);
    } finally {
      await stack.db.cliToken.updateMany({
        where: { tokenHash: { startsWith: "seeded-" } },
        data: { revokedAt: new Date() },
      });
    }
  });

  it("the sessions pages list live tokens: the owner's own, and everyone's for an admin only", async () => {
    const token = await cliTokenFor(stack, bob);
    expect(await (await bob.request("/cli-sessions")).text()).toContain(token.tokenId);
    const carol = await signIn(stack, "carol");
    expect(await (await carol.request("/cli-sessions")).text()).not.toContain(token.tokenId);
    expect(await (await alice.request("/admin/cli-sessions")).text()).toContain(token.tokenId);
    const forBob = await bob.request("/admin/cli-sessions");
    expect(forBob.status).toBe(403);
    expect(await forBob.text()).not.toContain(token.tokenId);
  });
});
