// What a request no page of the portal would send gets: a clear 4xx in the API's error shape, never
// a 5xx, and nothing stored that differs from what was sent (docs/SECURITY.md "Input").
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliTokenFor, v1 } from "../support/cli-auth";
import { expectApiError } from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { actionId } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;
let bob: PortalSession;
let carol: PortalSession;
let dataAnalyst: string;
let stagingDeveloper: string;

beforeAll(async () => {
  stack = await startTestStack();
  [alice, bob, carol] = await Promise.all([
    signIn(stack, "alice"),
    signIn(stack, "bob"),
    signIn(stack, "carol"),
  ]);
  dataAnalyst = await roleIdOf(stack, "acme-production", "DataAnalyst");
  stagingDeveloper = await roleIdOf(stack, "acme-staging", "Developer");
});
afterAll(async () => {
  await stack?.stop();
});

/** A POST with a body exactly as given (bytes, any Content-Type), with the session's cookies. */
function rawPost(
  session: PortalSession,
  path: string,
  body: Buffer | string,
  contentType: string | null,
) {
  return session.request(path, {
    method: "POST",
    // A Blob without a type: fetch adds no Content-Type of its own (a string would get text/plain).
    body: new Blob([typeof body === "string" ? body : new Uint8Array(body)]),
    headers: contentType === null ? {} : { "Content-Type": contentType },
  });
}

describe("a path whose %-escapes don't decode to UTF-8 gets 400 before any route runs", () => {
  it.each([
    ["PUT", "/api/favorites/%ZZ"],
    ["POST", "/api/roles/%C0%AF/credentials"],
    ["DELETE", "/api/cli-sessions/%FF%FE"],
    ["GET", "/admin/accounts/%ZZ"],
    ["GET", "/api/health%ZZ"],
    ["GET", "/api/auth/%E0%A4"],
    ["GET", "/api/v1/%ZZ"],
  ])("%s %s", async (method, path) => {
    const body = await expectApiError(
      await alice.request(path, { method }),
      400,
      "validation_error",
    );
    expect(body.error.message).toMatch(/%-escape/);
  });

  it("a valid escape is decoded as usual (the control)", async () => {
    const res = await alice.request(`/api/favorites/%${"6e"}o-such-role`, { method: "PUT" });
    await expectApiError(res, 404, "not_found");
  });
});

describe("a body that is not UTF-8 is refused, not stored with replacement characters", () => {
  it("JSON: an access request's reason with bytes FF FE", async () => {
    const bytes = Buffer.concat([
      Buffer.from(`{"roleId":"${dataAnalyst}","durationSeconds":3600,"reason":"ab`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('cd"}'),
    ]);
    const body = await expectApiError(
      await rawPost(carol, "/api/access-requests", bytes, "application/json"),
      400,
      "validation_error",
    );
    expect(body.error.message).toBe("The request body is not valid UTF-8.");
    expect(await stack.db.accessRequest.count({ where: { roleId: dataAnalyst } })).toBe(0);
  });

  it("a form: a device name sent as %FF%FE", async () => {
    const res = await fetch(`${stack.portalUrl}/api/v1/device/code`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "client_id=gatehouse-cli&device_name=%FF%FE",
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/not UTF-8/);
  });
});

describe("a JSON endpoint reads only a body declared as JSON (415 otherwise)", () => {
  it.each([
    ["text/plain", "text/plain;charset=UTF-8"],
    ["a form type", "application/x-www-form-urlencoded"],
    ["no Content-Type", null],
  ])("%s: 415, and no credentials", async (_rule, contentType) => {
    const before = await stack.db.auditEvent.count({ where: { action: "credentials.issued" } });
    const body = await expectApiError(
      await rawPost(bob, `/api/roles/${stagingDeveloper}/credentials`, "{}", contentType),
      415,
      "unsupported_media_type",
    );
    expect(body.error.message).toMatch(/Content-Type: application\/json/);
    expect(await stack.db.auditEvent.count({ where: { action: "credentials.issued" } })).toBe(
      before,
    );
  });

  it.each([
    ["application/json with a charset", "application/json; charset=utf-8", "{}"],
    ["an empty body needs no type", null, ""],
  ])("%s is read (the control)", async (_rule, contentType, text) => {
    const res = await rawPost(bob, `/api/roles/${stagingDeveloper}/credentials`, text, contentType);
    expect(res.status, await res.clone().text()).toBe(200);
  });
});

describe("access requests: what is sent is what is read", () => {
  it.each([
    ["a number in a string", "3600"],
    ["hexadecimal", "0x1000"],
    ["an exponent in a string", "1e4"],
    ["a list", [3600]],
    ["true", true],
    ["null", null],
  ])("durationSeconds as %s is refused as not a number", async (_rule, durationSeconds) => {
    const body = await expectApiError(
      await carol.request("/api/access-requests", {
        method: "POST",
        json: { roleId: dataAnalyst, durationSeconds, reason: "r" },
      }),
      400,
      "validation_error",
    );
    expect(body.error.issues).toEqual([
      { path: "durationSeconds", message: "must be a number of seconds" },
    ]);
  });

  it("an unknown field in a new request is refused, not dropped", async () => {
    const body = await expectApiError(
      await carol.request("/api/access-requests", {
        method: "POST",
        json: { roleId: dataAnalyst, durationSeconds: 3600, reason: "r", reson: "typo" },
      }),
      400,
      "validation_error",
    );
    expect(JSON.stringify(body.error.issues)).toContain("reson");
  });

  it("a misspelt comment on a decision is refused, and the request stays pending", async () => {
    const created = await carol.request("/api/access-requests", {
      method: "POST",
      json: { roleId: dataAnalyst, durationSeconds: 3600, reason: "quarterly report" },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    try {
      const body = await expectApiError(
        await alice.request(`/api/access-requests/${id}/decision`, {
          method: "POST",
          json: { decision: "deny", coment: "why" },
        }),
        400,
        "validation_error",
      );
      expect(JSON.stringify(body.error.issues)).toContain("coment");
      const row = await stack.db.accessRequest.findUniqueOrThrow({
        where: { id },
        include: { decisions: true },
      });
      expect(row.decisions).toEqual([]);
    } finally {
      await carol.request(`/api/access-requests/${id}/cancel`, { method: "POST" });
    }
  });
});

describe("a server action called with arguments no page sends is refused, not a 500", () => {
  async function callWith(session: PortalSession, name: string, args: unknown[]) {
    const res = await session.request("/admin/accounts", {
      method: "POST",
      body: JSON.stringify(args),
      headers: {
        "Next-Action": actionId(name),
        "Content-Type": "text/plain;charset=UTF-8",
        Accept: "text/x-component",
      },
    });
    return { status: res.status, text: await res.text() };
  }

  it("a non-admin's delete with a string for the form: refused as not an admin", async () => {
    const accounts = await stack.db.awsAccount.count();
    const reply = await callWith(bob, "deleteAccountAction", ["$undefined", "x"]);
    expect(reply.status).toBe(200);
    expect(reply.text).toContain("Only Gatehouse administrators");
    expect(await stack.db.awsAccount.count()).toBe(accounts);
  });

  it("an admin's revoke with no arguments: nothing revoked, no 500", async () => {
    const revoked = await stack.db.auditEvent.count({ where: { action: "admin.person.revoked" } });
    const reply = await callWith(alice, "revokePersonAction", []);
    expect(reply.status).toBeLessThan(500);
    expect(await stack.db.auditEvent.count({ where: { action: "admin.person.revoked" } })).toBe(
      revoked,
    );
  });
});

/**
 * A request with any method Node's HTTP parser knows (fetch refuses TRACE), as a Response. A name
 * the parser doesn't know (FOO) gets Node's own 400 before the server runs any code.
 */
function rawMethod(path: string, method: string) {
  return new Promise<Response>((resolve, reject) => {
    const req = http.request(`${stack.portalUrl}${path}`, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          if (typeof value === "string") answer.set(name, value);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: answer }));
      });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a method no route serves gets 501 in the API's error shape, never Next.js's bare 500 or empty 400", () => {
  it.each([
    ["TRACE", "/api/v1/me"],
    ["TRACE", "/"],
    ["PURGE", "/api/health"],
    ["PROPFIND", "/api/v1/credentials"],
    ["REPORT", "/api/v1/roles"],
  ])("%s %s", async (method, path) => {
    const res = await rawMethod(path, method);
    const body = await expectApiError(res, 501, "method_not_allowed");
    expect(body.error.message).toContain(`The method ${method} is not served here`);
  });
});

describe("a GET-only endpoint answers other methods with 405 and an Allow naming GET", () => {
  it.each([
    ["/api/auth/saml/metadata", "GET, HEAD, OPTIONS"],
    ["/api/aws/saml/claim", "GET, HEAD, OPTIONS"],
    ["/api/aws/saml/start", "GET, HEAD, OPTIONS"],
    ["/api/auth/saml/demo/login", "GET, HEAD, OPTIONS"],
  ])("POST %s: Allow %s", async (path, allowed) => {
    const res = await alice.request(path, { method: "POST", json: {} });
    await expectApiError(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe(allowed);
  });
});

describe("the audit log's time filters stay within the years the databases hold", () => {
  it("to=9999-12-31 means everything up to the end: the export answers 200", async () => {
    const res = await alice.request("/api/admin/audit/export?format=jsonl&to=9999-12-31");
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split("\n").length).toBeGreaterThan(0);
  });

  it.each([
    ["a time an offset pushes into year 10000", "from=9999-12-31T23:59:59.999-23:59", "from"],
    ["a page cursor past year 9999", "before=OTk5OTk5OTk5OTk5OTk5LmFiYw", "before"],
  ])("%s: 400 naming the field, and no export recorded", async (_rule, query, field) => {
    const exports = await stack.db.auditEvent.count({ where: { action: "audit.exported" } });
    const body = await expectApiError(
      await alice.request(`/api/admin/audit/export?format=jsonl&${query}`),
      400,
      "validation_error",
    );
    expect(JSON.stringify(body.error.issues)).toContain(`"path":"${field}"`);
    expect(await stack.db.auditEvent.count({ where: { action: "audit.exported" } })).toBe(exports);
  });

  it("the audit page with such a filter says what is wrong (200, no error page)", async () => {
    const res = await alice.request("/admin/audit?before=OTk5OTk5OTk5OTk5OTk5LmFiYw");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("is not a page cursor from this log");
  });
});

describe("the CLI API", () => {
  it("the bearer scheme's name is case-insensitive (RFC 7235)", async () => {
    const { token } = await cliTokenFor(stack, bob);
    const res = await v1(stack, "/me", { authorization: `bearer ${token}` });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it("a role that is not a string is named as the wrong type, not as missing", async () => {
    const { token } = await cliTokenFor(stack, bob);
    const body = await expectApiError(
      await v1(stack, "/credentials", { method: "POST", token, json: { role: 5 } }),
      400,
      "validation_error",
    );
    expect(body.error.issues).toEqual([
      { path: "role", message: "must be a string: a role id or <account>/<role name>" },
    ]);
  });

  it("a device code longer than any issued is unknown (invalid_grant), not missing", async () => {
    const res = await fetch(`${stack.portalUrl}/api/v1/device/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:device_code",
        client_id: "gatehouse-cli",
        device_code: "x".repeat(129),
      }).toString(),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
  });
});
