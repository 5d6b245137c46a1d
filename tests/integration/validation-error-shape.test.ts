// Bad input gets one answer on every API route that validates it with a schema: 400
// `validation_error` in the API's error shape (docs/API.md), its message naming the field and the
// problem ("durationSeconds: must be a number of seconds"), the same pair in `issues` — never a
// bare "The request is not valid.", never zod's JSON dump of its issues, never a 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliTokenFor, v1 } from "../support/cli-auth";
import { openApiChecker, type OpenApiChecker } from "../support/openapi";
import { expectApiError } from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;
let token: string;
let roleId: string;
let openapi: OpenApiChecker;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await signIn(stack, "alice");
  ({ token } = await cliTokenFor(stack, alice));
  roleId = await roleIdOf(stack, "acme-production", "DataAnalyst");
  openapi = await openApiChecker(stack);
});
afterAll(async () => {
  await stack?.stop();
});

/** A well-formed id of nothing: the input is refused before anything is looked up. */
const NO_SUCH_ID = "c".repeat(25);

interface Case {
  route: string;
  send: () => Promise<Response>;
  path: string;
  message: string;
  /** For the /api/v1 routes: the operation in the OpenAPI document, whose 400 the answer must be. */
  documented?: [method: string, path: string];
}

const post = (path: string, json: unknown) => alice.request(path, { method: "POST", json });

const cases: Case[] = [
  {
    route: "POST /api/roles/[roleId]/credentials: a duration in words",
    send: () => post(`/api/roles/${roleId}/credentials`, { durationSeconds: "1h" }),
    path: "durationSeconds",
    message: "must be a number of seconds",
  },
  {
    route: "POST /api/roles/[roleId]/console: a misspelt field",
    send: () => post(`/api/roles/${roleId}/console`, { regoin: "eu-west-1" }),
    path: "regoin",
    message: "is not a field this accepts",
  },
  {
    route: "POST /api/roles/[roleId]/console: a body that is a list",
    send: () => post(`/api/roles/${roleId}/console`, ["eu-west-1"]),
    path: "body",
    message: "must be a JSON object",
  },
  {
    route: "POST /api/roles/[roleId]/credentials: a malformed role id",
    send: () => post("/api/roles/not-an-id/credentials", {}),
    path: "roleId",
    message: "must be a record id",
  },
  {
    route: "POST /api/v1/credentials: a fractional duration",
    send: () =>
      v1(stack, "/credentials", {
        method: "POST",
        token,
        json: { role: roleId, durationSeconds: 900.5 },
      }),
    path: "durationSeconds",
    message: "must be a whole number of seconds",
    documented: ["POST", "/credentials"],
  },
  {
    route: "POST /api/v1/console: no role",
    send: () => v1(stack, "/console", { method: "POST", token, json: {} }),
    path: "role",
    message: "is required: a role id or <account>/<role name>",
    documented: ["POST", "/console"],
  },
  {
    route: "POST /api/v1/credentials: a role reference that is neither id nor account/role",
    send: () => v1(stack, "/credentials", { method: "POST", token, json: { role: "acme" } }),
    path: "role",
    message: "must be a role id or <account>/<role name>",
    documented: ["POST", "/credentials"],
  },
  {
    route: "GET /api/v1/roles: an over-long filter",
    send: () => v1(stack, `/roles?filter=${"a".repeat(201)}`, { token }),
    path: "filter",
    message: "must be at most 200 characters",
    documented: ["GET", "/roles"],
  },
  {
    route: "GET /api/v1/roles: a misspelt filter",
    send: () => v1(stack, "/roles?filtr=prod", { token }),
    path: "filtr",
    message: "is not a field this accepts",
    documented: ["GET", "/roles"],
  },
  {
    route: "POST /api/v1/credentials: a duration over the role's longest session",
    send: () =>
      v1(stack, "/credentials", {
        method: "POST",
        token,
        json: { role: "acme-staging/Developer", durationSeconds: 43_200 },
      }),
    path: "durationSeconds",
    message:
      "session duration must be at most 4 h (14400 s): your access rule for this role allows no longer (allowed: 15 min to 4 h)",
    documented: ["POST", "/credentials"],
  },
  {
    route: "POST /api/v1/credentials: a region that is a number",
    send: () =>
      v1(stack, "/credentials", { method: "POST", token, json: { role: roleId, region: 1 } }),
    path: "region",
    message: "must be text: an AWS region code like eu-west-1",
    documented: ["POST", "/credentials"],
  },
  {
    route: "POST /api/v1/console: a region that is a number",
    send: () => v1(stack, "/console", { method: "POST", token, json: { role: roleId, region: 1 } }),
    path: "region",
    message: "must be text: an AWS region code like eu-west-1",
    documented: ["POST", "/console"],
  },
  {
    route: "POST /api/v1/console: a destination that is a number",
    send: () =>
      v1(stack, "/console", { method: "POST", token, json: { role: roleId, destination: 7 } }),
    path: "destination",
    message: "must be text",
    documented: ["POST", "/console"],
  },
  {
    route: "POST /api/roles/[roleId]/credentials: a profile name that is a list",
    send: () => post(`/api/roles/${roleId}/credentials`, { profileName: ["dev"] }),
    path: "profileName",
    message: "must be text",
  },
  {
    route: "POST /api/v1/credentials: a body that is not JSON",
    send: () =>
      fetch(`${stack.portalUrl}/api/v1/credentials`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: '{"role": ',
      }),
    path: "body",
    message: "is not valid JSON",
    documented: ["POST", "/credentials"],
  },
  {
    route: "POST /api/roles/[roleId]/console: a body that is not JSON",
    send: () =>
      alice.request(`/api/roles/${roleId}/console`, {
        method: "POST",
        body: "{region",
        headers: { "Content-Type": "application/json" },
      }),
    path: "body",
    message: "is not valid JSON",
  },
  {
    route: "POST /api/access-requests: a duration under AWS's shortest session",
    send: () => post("/api/access-requests", { roleId, durationSeconds: 60, reason: "r" }),
    path: "durationSeconds",
    message: "must be at least 15 minutes (AWS's shortest session)",
  },
  {
    route: "POST /api/access-requests: a start that is no date",
    send: () =>
      post("/api/access-requests", { roleId, durationSeconds: 3600, startsAt: "tomorrow" }),
    path: "startsAt",
    message: "must be a date and time",
  },
  {
    route: "POST /api/access-requests/[requestId]/decision: an unknown decision",
    send: () => post(`/api/access-requests/${NO_SUCH_ID}/decision`, { decision: "maybe" }),
    path: "decision",
    message: 'must be "approve" or "deny"',
  },
  {
    route: "POST /api/access-requests/[requestId]/revoke: a comment that is no string",
    send: () => post(`/api/access-requests/${NO_SUCH_ID}/revoke`, { comment: 42 }),
    path: "comment",
    message: "must be text",
  },
  {
    route: "POST /api/device/decision: no code",
    send: () => post("/api/device/decision", { code: "", decision: "approve" }),
    path: "code",
    message: "is required",
  },
  {
    route: "POST /api/device/decision: a code that is not a code",
    send: () => post("/api/device/decision", { code: "BCDF-GHJ", decision: "approve" }),
    path: "code",
    message: "is not a code: a code has 8 letters, like BCDF-GHJK",
  },
  {
    route: "POST /api/admin/discovery/[runId]/apply: all that is not true",
    send: () => post(`/api/admin/discovery/${NO_SUCH_ID}/apply`, { all: false }),
    path: "all",
    message: "must be true",
  },
  {
    route: "POST /api/admin/discovery/[runId]/apply: no selection at all",
    send: () => post(`/api/admin/discovery/${NO_SUCH_ID}/apply`, {}),
    path: "body",
    message: 'send one of {"all": true}, {"keys": [change keys]} or {"kinds": [change kinds]}',
  },
  {
    route: "GET /api/admin/audit/export: an unknown format",
    send: () => alice.request("/api/admin/audit/export?format=xml"),
    path: "format",
    message: "must be csv or jsonl",
  },
];

describe("validation_error names the field and the problem, in the message and in issues", () => {
  it.each(cases)("$route", async ({ send, path, message, documented }) => {
    const body = await expectApiError(await send(), 400, "validation_error");
    if (documented) openapi.expectConforms(documented[0], documented[1], 400, body);
    expect(body.error.issues).toContainEqual({ path, message });
    expect(body.error.message).toContain(`${path}: ${message}`);
    // zod's own rendering of its issues is a JSON list; the answer never carries it.
    expect(body.error.message).not.toMatch(/^\s*\[|"code"\s*:/);
  });

  it("GET /api/admin/discovery/[runId]: a limit that is no number", async () => {
    const body = await expectApiError(
      await alice.request(`/api/admin/discovery/${NO_SUCH_ID}?limit=many`),
      400,
      "validation_error",
    );
    const [first] = (body.error.issues ?? []) as Array<{ path: string; message: string }>;
    expect(first?.path).toBe("limit");
    expect(body.error.message).toBe(`limit: ${first?.message}`);
  });
});
