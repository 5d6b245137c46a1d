// "Not allowed" for the two issuance endpoints: every refused request gets the one JSON error shape
// with a request id, leaks nothing, and never reaches AWS (docs/INVARIANTS.md invariants 1, 4, 5). Denials
// of a role are audited with the reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar } from "../support/cookie-jar";
import {
  auditRowsFor,
  expectApiError,
  expectNoInternalsIn,
  parseDetails,
  resetStsCalls,
  storedUser,
  stsCalls,
  withoutAwsCalls,
} from "../support/portal-assertions";
import {
  roleIdOf,
  sessionFor,
  signIn,
  signOut,
  type PortalSession,
} from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

const ENDPOINTS = ["credentials", "console"] as const;
type Endpoint = (typeof ENDPOINTS)[number];
const SESSION_COOKIE = "gatehouse.session";

let stack: TestStack;
let sessions: Record<"bob" | "carol", PortalSession>;
let roles: {
  prodAdministrator: string;
  prodReadOnly: string;
  stagingDeveloper: string;
  dataScience: string;
};

beforeAll(async () => {
  stack = await startTestStack();
  sessions = { bob: await signIn(stack, "bob"), carol: await signIn(stack, "carol") };
  roles = {
    prodAdministrator: await roleIdOf(stack, "acme-production", "Administrator"),
    prodReadOnly: await roleIdOf(stack, "acme-production", "ReadOnly"),
    stagingDeveloper: await roleIdOf(stack, "acme-staging", "Developer"),
    dataScience: await roleIdOf(stack, "acme-sandbox", "DataScience"),
  };
});
afterAll(async () => {
  await stack?.stop();
});

function post(
  session: PortalSession,
  roleId: string,
  endpoint: Endpoint,
  init: RequestInit & { json?: unknown } = {},
): Promise<Response> {
  return session.request(`/api/roles/${roleId}/${endpoint}`, { method: "POST", ...init });
}

/** A POST carrying only the given cookie header and headers: no jar, no default Origin. */
function rawPost(
  pathname: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Response> {
  return fetch(`${stack.portalUrl}${pathname}`, {
    method: "POST",
    headers,
    redirect: "manual",
    ...(body !== undefined ? { body } : {}),
  });
}

function sessionCookieOf(session: PortalSession): string {
  const cookie = session.jar.cookiesFor(stack.portalUrl).find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error("no session cookie");
  return cookie.value;
}

describe("a role the caller has no grant for is not found, audited as denied, and never assumed", () => {
  const cases: Array<{ name: string; user: "bob" | "carol"; role: () => string }> = [
    {
      name: "bob asks for alice's acme-production/Administrator",
      user: "bob",
      role: () => roles.prodAdministrator,
    },
    {
      name: "carol (no groups) asks for acme-staging/Developer",
      user: "carol",
      role: () => roles.stagingDeveloper,
    },
    {
      name: "carol (no groups) asks for acme-production/ReadOnly",
      user: "carol",
      role: () => roles.prodReadOnly,
    },
    {
      name: "carol asks for bob's personal acme-sandbox/DataScience",
      user: "carol",
      role: () => roles.dataScience,
    },
    {
      name: "bob asks for a well-formed id that matches no role",
      user: "bob",
      role: () => "cnotarole0000000000000000",
    },
  ];
  for (const endpoint of ENDPOINTS) {
    for (const c of cases) {
      it(`${endpoint}: ${c.name} → 404 not_found, access.denied with a reason naming the role and account the id points at, no STS call`, async () => {
        const roleId = c.role();
        const res = await withoutAwsCalls(stack, () =>
          post(sessions[c.user], roleId, endpoint, { json: { region: "eu-west-1" } }),
        );
        await expectApiError(res, 404, "not_found");
        const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
        expect(rows).toHaveLength(1);
        const user = await storedUser(stack, c.user);
        expect(rows[0]).toMatchObject({
          action: "access.denied",
          outcome: "denied",
          actorUserId: user.id,
          accessKeyId: null,
        });
        const details = parseDetails(rows[0]!.detailsJson);
        expect(details).toMatchObject({
          output: endpoint === "console" ? "console" : "cli",
          requestedRoleId: roleId,
        });
        expect(typeof details.reason).toBe("string");
        expect((details.reason as string).length).toBeGreaterThan(0);
        // The audit filters by account and role find the attempt: the record names what the id
        // points at (the answer above is the same either way).
        const role = await stack.db.role.findUnique({
          where: { id: roleId },
          include: { awsAccount: true },
        });
        expect(rows[0]).toMatchObject({
          roleArn: role?.arn ?? null,
          awsAccountId: role?.awsAccount.accountId ?? null,
        });
      });
    }
  }

  it("an existing role that isn't yours answers exactly like one that doesn't exist", async () => {
    const theirs = (await (
      await post(sessions.bob, roles.prodAdministrator, "credentials")
    ).json()) as { error: Record<string, unknown> };
    const nowhere = (await (
      await post(sessions.bob, "cnotarole0000000000000000", "credentials")
    ).json()) as { error: Record<string, unknown> };
    expect({ ...theirs.error, requestId: "" }).toEqual({ ...nowhere.error, requestId: "" });
  });
});

describe("a grant without an output refuses that output", () => {
  it("bob's CLI-only acme-sandbox/DataScience: console → 403 forbidden, access.denied, no STS call", async () => {
    const res = await withoutAwsCalls(stack, () =>
      post(sessions.bob, roles.dataScience, "console"),
    );
    await expectApiError(res, 403, "forbidden");
    const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: "access.denied",
      outcome: "denied",
      roleArn: "arn:aws:iam::456789012345:role/DataScience",
      accessKeyId: null,
    });
    expect(parseDetails(rows[0]!.detailsJson)).toMatchObject({ output: "console" });
  });

  it("the same grant still yields CLI credentials (the refusal is about the output, not the role)", async () => {
    const res = await post(sessions.bob, roles.dataScience, "credentials", {
      json: { durationSeconds: 7_200 },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { durationSeconds: number }).durationSeconds).toBe(7_200);
  });
});

describe("malformed role ids are refused as bad input, never a crash", () => {
  const ids: Array<[string, string]> = [
    ["a path traversal", encodeURIComponent("../x")],
    ["an encoded traversal to a file", "..%2F..%2Fetc%2Fpasswd"],
    ["too short", "abc"],
    ["300 characters", "a".repeat(300)],
    ["a NUL byte", "%00"],
    ["a NUL byte inside an id", "cnotarole000000%0000000000"],
    ["a double-encoded NUL", "%2500"],
    ["unicode letters", encodeURIComponent("rôle-ünïcødé-ñame-0000")],
    ["a right-to-left override", encodeURIComponent("cnotarole\u202E0000000000000000")],
    ["upper case", "CNOTAROLE0000000000000000"],
    ["SQL", encodeURIComponent("' OR '1'='1")],
    ["JSON", encodeURIComponent('{"$ne":null}')],
  ];
  for (const endpoint of ENDPOINTS) {
    for (const [name, id] of ids) {
      it(`${endpoint}: ${name} → 400 or 404 with the JSON error shape, no STS call`, async () => {
        const res = await withoutAwsCalls(stack, () =>
          post(sessions.bob, id, endpoint, { json: {} }),
        );
        expect([400, 404]).toContain(res.status);
        await expectApiError(res, res.status, ["validation_error", "not_found"]);
      });
    }
  }
});

describe("every entry point authenticates for itself", () => {
  for (const endpoint of ENDPOINTS) {
    it(`${endpoint}: no session → 401 unauthenticated, no STS call`, async () => {
      const res = await withoutAwsCalls(stack, () =>
        rawPost(
          `/api/roles/${roles.stagingDeveloper}/${endpoint}`,
          { Origin: stack.portalUrl, "Content-Type": "application/json" },
          "{}",
        ),
      );
      await expectApiError(res, 401, "unauthenticated");
    });
  }

  const forged: Array<[string, () => string]> = [
    ["garbage", () => "garbage"],
    ["an empty value", () => ""],
    [
      "an unsigned JWT (alg none) naming a session",
      () => `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ sid: "x".repeat(43) })}.`,
    ],
    [
      "a JWE header with junk parts",
      () =>
        `${b64url({ alg: "dir", enc: "A256GCM" })}.${"A".repeat(10)}.${"B".repeat(16)}.${"C".repeat(40)}.${"D".repeat(22)}`,
    ],
    ["bob's cookie with one character changed", () => tamper(sessionCookieOf(sessions.bob))],
    ["bob's cookie truncated", () => sessionCookieOf(sessions.bob).slice(0, -10)],
    ["a bare session id", () => "A".repeat(43)],
  ];
  for (const [name, value] of forged) {
    it(`a forged session cookie (${name}) → 401 unauthenticated, no STS call`, async () => {
      const res = await withoutAwsCalls(stack, () =>
        rawPost(
          `/api/roles/${roles.stagingDeveloper}/credentials`,
          {
            Origin: stack.portalUrl,
            "Content-Type": "application/json",
            cookie: `${SESSION_COOKIE}=${value()}`,
          },
          "{}",
        ),
      );
      await expectApiError(res, 401, "unauthenticated");
    });
  }

  it("after sign-out the old session cookie → 401 on both endpoints (the server-side session is revoked)", async () => {
    const secondBob = await signIn(stack, "bob");
    const oldCookie = sessionCookieOf(secondBob);
    expect((await post(secondBob, roles.stagingDeveloper, "credentials")).status).toBe(200);

    const out = await signOut(stack, secondBob);
    expect(out.status).toBeLessThan(400);

    const sessionRows = await stack.db.portalSession.findMany({
      where: { userId: (await storedUser(stack, "bob")).id },
    });
    expect(sessionRows.filter((s) => s.revokedAt !== null)).toHaveLength(1);

    const replay = new CookieJar();
    replay.store(stack.portalUrl, `${SESSION_COOKIE}=${oldCookie}; Path=/`);
    const replayed = sessionFor(stack, replay);
    for (const endpoint of ENDPOINTS) {
      const res = await withoutAwsCalls(stack, () =>
        post(replayed, roles.stagingDeveloper, endpoint, { json: {} }),
      );
      await expectApiError(res, 401, "unauthenticated");
    }
    // The other bob session is untouched.
    expect((await post(sessions.bob, roles.stagingDeveloper, "credentials")).status).toBe(200);
  });
});

describe("the server never takes what to assume from the request", () => {
  const bodies: Array<[string, Record<string, unknown>]> = [
    ["roleArn", { roleArn: "arn:aws:iam::210987654321:role/Administrator" }],
    ["durationSeconds", { durationSeconds: 43_200 }],
    ["roleSessionName", { roleSessionName: "alice" }],
    ["sourceIdentity", { sourceIdentity: "alice" }],
    ["externalId", { externalId: "x" }],
    ["tags", { tags: [{ Key: "team", Value: "admins" }] }],
    ["policy", { policy: '{"Version":"2012-10-17","Statement":[]}' }],
    ["roleId", { roleId: "cnotarole0000000000000000" }],
    [
      "a valid region plus roleArn",
      { region: "eu-west-1", roleArn: "arn:aws:iam::210987654321:role/Administrator" },
    ],
    [
      "__proto__",
      JSON.parse(
        '{"__proto__":{"roleArn":"arn:aws:iam::210987654321:role/Administrator"}}',
      ) as Record<string, unknown>,
    ],
  ];
  for (const endpoint of ENDPOINTS) {
    for (const [name, json] of bodies) {
      it(`${endpoint}: a body with ${name} → 400 validation_error, no STS call`, async () => {
        const res = await withoutAwsCalls(stack, () =>
          post(sessions.bob, roles.stagingDeveloper, endpoint, { json }),
        );
        await expectApiError(res, 400, "validation_error");
      });
    }
  }
});

describe("bad bodies are refused with 400/413, never 500", () => {
  const regions: Array<[string, unknown]> = [
    ["moon-1", "moon-1"],
    ["a shell injection", "eu-west-1; rm -rf /"],
    ["a newline injection", "eu-west-1\nexport AWS_ACCESS_KEY_ID=x"],
    ["upper case", "EU-WEST-1"],
    ["an empty string", ""],
    ["an isolated partition", "us-iso-east-1"],
    ["a number", 5],
    ["null", null],
    ["an array", ["eu-west-1"]],
  ];
  for (const endpoint of ENDPOINTS) {
    for (const [name, region] of regions) {
      it(`${endpoint}: region ${name} → 400 validation_error, no STS call`, async () => {
        const res = await withoutAwsCalls(stack, () =>
          post(sessions.bob, roles.stagingDeveloper, endpoint, { json: { region } }),
        );
        await expectApiError(res, 400, "validation_error");
      });
    }
  }

  const nonJson: Array<[string, string]> = [
    ["plain text", "not json"],
    ["truncated JSON", '{"region":'],
    ["a JSON array", '["eu-west-1"]'],
    ["JSON null", "null"],
    ["a JSON string", '"eu-west-1"'],
    ["form encoding", "region=eu-west-1"],
  ];
  for (const endpoint of ENDPOINTS) {
    for (const [name, body] of nonJson) {
      it(`${endpoint}: ${name} as the body → 400 validation_error, no STS call`, async () => {
        const res = await withoutAwsCalls(stack, () =>
          post(sessions.bob, roles.stagingDeveloper, endpoint, {
            body,
            headers: { "Content-Type": "application/json" },
          }),
        );
        await expectApiError(res, 400, "validation_error");
      });
    }

    it(`${endpoint}: a 1 MB body → 413 payload_too_large (or 400), no STS call`, async () => {
      const body = JSON.stringify({ region: "eu-west-1", padding: "x".repeat(1024 * 1024) });
      const res = await withoutAwsCalls(stack, () =>
        post(sessions.bob, roles.stagingDeveloper, endpoint, {
          body,
          headers: { "Content-Type": "application/json" },
        }),
      );
      expect([413, 400]).toContain(res.status);
      await expectApiError(res, res.status, ["payload_too_large", "validation_error"]);
    });
  }
});

describe("the region must belong to the role's partition", () => {
  // acme-staging/Developer is arn:aws:… (commercial). Its sessions can't be used in GovCloud or
  // China, and the configured federation endpoint can't sign anyone into those consoles.
  const foreign: Array<[string, string]> = [
    ["GovCloud", "us-gov-west-1"],
    ["China", "cn-north-1"],
  ];
  for (const endpoint of ENDPOINTS) {
    for (const [partition, region] of foreign) {
      it(`${endpoint}: a ${partition} region (${region}) for a commercial-partition role → 400 validation_error, no STS call`, async () => {
        await resetStsCalls(stack);
        const res = await post(sessions.bob, roles.stagingDeveloper, endpoint, {
          json: { region },
        });
        await expectApiError(res, 400, "validation_error");
        expect(await stsCalls(stack)).toEqual([]);
      });
    }
  }
});

describe("cookie-authenticated writes must come from the portal's own origin", () => {
  const origins: Array<[string, (portalUrl: URL) => string | undefined]> = [
    ["missing", () => undefined],
    ["https://evil.example", () => "https://evil.example"],
    ["the string null", () => "null"],
    [
      "the portal's host on another port",
      (p) => `${p.protocol}//${p.hostname}:${Number(p.port) + 1}`,
    ],
    ["the portal's origin over https", (p) => `https://${p.host}`],
    ["a look-alike host", (p) => `${p.protocol}//${p.hostname}.evil.example:${p.port}`],
    ["the portal's origin with a path", (p) => `${p.origin}/accounts`],
  ];
  for (const endpoint of ENDPOINTS) {
    for (const [name, originOf] of origins) {
      it(`${endpoint}: Origin ${name} → 403 csrf_rejected, no STS call`, async () => {
        const origin = originOf(new URL(stack.portalUrl));
        const headers: Record<string, string> = {
          "Content-Type": "application/json",
          ...sessions.bob.jar.headersFor(stack.portalUrl),
          ...(origin !== undefined ? { Origin: origin } : {}),
        };
        const res = await withoutAwsCalls(stack, () =>
          rawPost(`/api/roles/${roles.stagingDeveloper}/${endpoint}`, headers, "{}"),
        );
        await expectApiError(res, 403, "csrf_rejected");
      });
    }
  }
});

describe("the issuance endpoints accept POST only", () => {
  const methods = ["GET", "PUT", "PATCH", "DELETE"] as const;
  for (const endpoint of ENDPOINTS) {
    for (const method of methods) {
      it(`${endpoint}: ${method} → 405 with a request id, no STS call`, async () => {
        const res = await withoutAwsCalls(stack, () =>
          sessions.bob.request(`/api/roles/${roles.stagingDeveloper}/${endpoint}`, {
            method,
            ...(method === "GET" ? {} : { json: {} }),
          }),
        );
        expect(res.status).toBe(405);
        expect(res.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9-]{8,64}$/);
        expectNoInternalsIn(await res.text());
      });
    }

    it(`${endpoint}: a wrong method gets the one JSON error shape (method_not_allowed + requestId)`, async () => {
      const res = await sessions.bob.request(`/api/roles/${roles.stagingDeveloper}/${endpoint}`);
      await expectApiError(res, 405, "method_not_allowed");
    });
  }
});

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** Changes one character in the middle of a token to another valid base64url character. */
function tamper(token: string): string {
  const i = Math.floor(token.length / 2);
  const ch = token[i] === "A" ? "B" : "A";
  return `${token.slice(0, i)}${ch}${token.slice(i + 1)}`;
}
