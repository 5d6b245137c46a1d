// The versioned bearer API (docs/API.md) against the running portal: what a CLI token may do —
// the same grants, caps, MFA rules and audit as the web page — and every "not allowed" case of
// every endpoint, each answer checked against the portal's own OpenAPI document.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliTokenFor, v1 } from "../support/cli-auth";
import { openApiChecker, type OpenApiChecker } from "../support/openapi";
import {
  auditRowsFor,
  expectApiError,
  parseDetails,
  withoutAwsCalls,
} from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let openapi: OpenApiChecker;
let bob: PortalSession;
let tokens: { bob: string; bobId: string; carol: string; revoked: string; expiring: string };

type Endpoint = { method: string; path: string; json?: unknown };
const ENDPOINTS: Endpoint[] = [
  { method: "GET", path: "/me" },
  { method: "GET", path: "/roles" },
  { method: "POST", path: "/credentials", json: { role: "acme-staging/Developer" } },
  { method: "POST", path: "/console", json: { role: "acme-staging/Developer" } },
  { method: "DELETE", path: "/token" },
];

beforeAll(async () => {
  stack = await startTestStack();
  bob = await signIn(stack, "bob");
  const carol = await signIn(stack, "carol");
  const bobs = await cliTokenFor(stack, bob);
  const revoked = await cliTokenFor(stack, bob);
  expect(
    (await bob.request(`/api/cli-sessions/${revoked.tokenId}`, { method: "DELETE" })).status,
  ).toBe(204);
  const expiring = await cliTokenFor(stack, bob);
  await stack.db.cliToken.update({
    where: { id: expiring.tokenId },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });
  tokens = {
    bob: bobs.token,
    bobId: bobs.tokenId,
    carol: (await cliTokenFor(stack, carol)).token,
    revoked: revoked.token,
    expiring: expiring.token,
  };
  openapi = await openApiChecker(stack);
});
afterAll(async () => {
  await stack?.stop();
});

async function ok<T>(res: Response, method: string, path: string): Promise<T> {
  const body = (await res.json()) as T;
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(res.headers.get("cache-control")).toContain("no-store");
  openapi.expectConforms(method, path, 200, body);
  return body;
}

async function refused(res: Response, status: number, code: string, endpoint: Endpoint) {
  const body = await expectApiError(res, status, code);
  openapi.expectConforms(endpoint.method, endpoint.path, status, body);
  return body;
}

describe("what a CLI token may do", () => {
  it("GET /me: the person and the token", async () => {
    const me = await ok<{ user: { email: string; isAdmin: boolean }; token: { id: string } }>(
      await v1(stack, "/me", { token: tokens.bob }),
      "GET",
      "/me",
    );
    expect(me.user).toMatchObject({ email: "bob@corp.example", isAdmin: false });
    expect(me.token.id).toBe(tokens.bobId);
  });

  it("GET /roles: the page's grouping, labels and caps; filter as the page's search", async () => {
    type Roles = {
      defaultRegion: string;
      accounts: Array<{
        name: string;
        alias: string;
        accountId: string;
        roles: Array<{
          roleName: string;
          allowConsole: boolean;
          allowCli: boolean;
          duration: { maxSeconds: number; cappedBy: string };
        }>;
      }>;
    };
    const all = await ok<Roles>(await v1(stack, "/roles", { token: tokens.bob }), "GET", "/roles");
    expect(all.defaultRegion).toBe("eu-west-1");
    expect(all.accounts.map((a) => a.name)).toEqual([
      "acme-production",
      "acme-sandbox",
      "acme-staging",
    ]);
    const staging = all.accounts.find((a) => a.name === "acme-staging")!;
    expect(staging.alias).toBe("acme-stg");
    expect(staging.roles.map((r) => r.roleName)).toEqual(["Developer"]);
    expect(staging.roles[0]!.duration).toMatchObject({ maxSeconds: 14400, cappedBy: "rule" });
    const dataScience = all.accounts
      .find((a) => a.name === "acme-sandbox")!
      .roles.find((r) => r.roleName === "DataScience")!;
    expect(dataScience).toMatchObject({ allowConsole: false, allowCli: true });

    const sandbox = await ok<Roles>(
      await v1(stack, "/roles?filter=wiped", { token: tokens.bob }),
      "GET",
      "/roles",
    );
    expect(sandbox.accounts.map((a) => a.name)).toEqual(["acme-sandbox"]);
    const byId = await ok<Roles>(
      await v1(stack, "/roles?filter=3456-7890", { token: tokens.bob }),
      "GET",
      "/roles",
    );
    expect(byId.accounts.map((a) => a.accountId)).toEqual(["345678901234"]);
    expect(all).not.toHaveProperty("filterReadAs");
    expect(byId).toMatchObject({ filterReadAs: "as-typed" });
    const slip = await ok<Roles & { filterReadAs: string }>(
      await v1(stack, "/roles?filter=stagng", { token: tokens.bob }),
      "GET",
      "/roles",
    );
    expect(slip.filterReadAs).toBe("close-spellings");
    expect(slip.accounts.map((a) => a.name)).toEqual(["acme-staging"]);
    const none = await ok<Roles>(
      await v1(stack, "/roles", { token: tokens.carol }),
      "GET",
      "/roles",
    );
    expect(none.accounts).toEqual([]);
  });

  it.each([
    ["account name", "acme-staging/Developer"],
    ["alias, any case", "ACME-STG/developer"],
    ["account id", "345678901234/Developer"],
  ])(
    "POST /credentials by %s: working credentials, audited with the token's id",
    async (_how, role) => {
      const res = await v1(stack, "/credentials", {
        method: "POST",
        token: tokens.bob,
        json: { role, region: "eu-central-1", durationSeconds: 3600 },
      });
      const creds = await ok<{
        accessKeyId: string;
        secretAccessKey: string;
        sessionToken: string;
        expiration: string;
        region: string;
        account: { accountId: string };
        roleName: string;
        durationSeconds: number;
      }>(res, "POST", "/credentials");
      expect(creds).toMatchObject({
        region: "eu-central-1",
        roleName: "Developer",
        durationSeconds: 3600,
        account: { accountId: "345678901234" },
      });
      const sts = new STSClient({
        region: "us-east-1",
        endpoint: stack.aws.stsEndpoint,
        credentials: {
          accessKeyId: creds.accessKeyId,
          secretAccessKey: creds.secretAccessKey,
          sessionToken: creds.sessionToken,
        },
      });
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toMatch(/^arn:aws:sts::345678901234:assumed-role\/Developer\//);
      const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
      expect(rows.map((r) => r.action)).toEqual(["credentials.authorized", "credentials.issued"]);
      for (const row of rows) expect(parseDetails(row.detailsJson).cliTokenId).toBe(tokens.bobId);
      expect(rows[1]!.accessKeyId).toBe(creds.accessKeyId);
    },
  );

  it("POST /credentials by role id", async () => {
    const roleId = await roleIdOf(stack, "acme-sandbox", "DataScience");
    await ok(
      await v1(stack, "/credentials", {
        method: "POST",
        token: tokens.bob,
        json: { role: roleId },
      }),
      "POST",
      "/credentials",
    );
  });

  it("POST /console: a one-time sign-in URL at the federation endpoint, with the destination", async () => {
    const res = await v1(stack, "/console", {
      method: "POST",
      token: tokens.bob,
      json: { role: "acme-production/ReadOnly", region: "us-west-2", destination: "ec2" },
    });
    const signIn = await ok<{ signinUrl: string; destinationUrl: string; region: string }>(
      res,
      "POST",
      "/console",
    );
    expect(signIn.signinUrl.startsWith(stack.aws.federationEndpoint)).toBe(true);
    expect(signIn.destinationUrl).toContain("us-west-2");
    const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
    expect(rows.at(-1)!.action).toBe("console.issued");
    expect(parseDetails(rows.at(-1)!.detailsJson).cliTokenId).toBe(tokens.bobId);
  });

  it("GET /roles: a role whose CLI credentials AWS holds to an hour carries cliDuration, as the OpenAPI document describes", async () => {
    const role = await stack.db.role.findFirstOrThrow({
      where: { name: "DataScience", awsAccount: { name: "acme-sandbox" } },
    });
    await stack.db.role.update({ where: { id: role.id }, data: { requiresBrokerMfa: true } });
    try {
      const roles = await ok<{
        accounts: Array<{ roles: Array<{ roleId: string; cliDuration?: unknown }> }>;
      }>(await v1(stack, "/roles?filter=sandbox", { token: tokens.bob }), "GET", "/roles");
      const listed = roles.accounts.flatMap((a) => a.roles).find((r) => r.roleId === role.id);
      expect(listed?.cliDuration).toMatchObject({ maxSeconds: 3600, cappedBy: "role-chaining" });
    } finally {
      await stack.db.role.update({ where: { id: role.id }, data: { requiresBrokerMfa: false } });
    }
  });

  it("every read is audited with the token's id", async () => {
    for (const [path, action] of [
      ["/me", "cli.whoami"],
      ["/roles", "cli.roles-listed"],
    ] as const) {
      const res = await v1(stack, path, { token: tokens.bob });
      expect(res.status).toBe(200);
      const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
      expect(rows.map((r) => r.action)).toEqual([action]);
      expect(parseDetails(rows[0]!.detailsJson).cliTokenId).toBe(tokens.bobId);
    }
  });

  it.each([["/me"], ["/roles"]])(
    "HEAD %s answers like GET without a body and writes no audit event",
    async (path) => {
      const res = await v1(stack, path, { method: "HEAD", token: tokens.bob });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
      expect(await auditRowsFor(stack, res.headers.get("x-request-id"))).toEqual([]);
    },
  );

  it("the token's last use is recorded", async () => {
    const row = await stack.db.cliToken.findUniqueOrThrow({ where: { id: tokens.bobId } });
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.lastUsedAddress).toMatch(/127\.0\.0\.1|::1/);
  });
});

describe("not allowed", () => {
  const AUTH_CASES: Array<[string, () => string | null]> = [
    ["no Authorization header", () => null],
    ["Basic credentials", () => "Basic Ym9iOnBhc3N3b3Jk"],
    ["a malformed bearer token", () => "Bearer not-a-token"],
    ["an unknown token", () => `Bearer gh_cli_${"A".repeat(43)}`],
    ["a revoked token", () => `Bearer ${tokens.revoked}`],
    ["an expired token", () => `Bearer ${tokens.expiring}`],
  ];
  for (const endpoint of ENDPOINTS) {
    it.each(AUTH_CASES)(
      `${endpoint.method} ${endpoint.path}: %s → 401, no AWS call`,
      async (_name, authorization) => {
        const res = await withoutAwsCalls(stack, () =>
          v1(stack, endpoint.path, {
            method: endpoint.method,
            authorization: authorization(),
            json: endpoint.json,
          }),
        );
        await refused(res, 401, "unauthenticated", endpoint);
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="gatehouse"/);
      },
    );

    it(`${endpoint.method} ${endpoint.path}: the browser's session cookie alone → 401`, async () => {
      const res = await withoutAwsCalls(stack, () =>
        bob.request(`/api/v1${endpoint.path}`, {
          method: endpoint.method,
          ...(endpoint.json ? { json: endpoint.json } : {}),
        }),
      );
      await refused(res, 401, "unauthenticated", endpoint);
    });
  }

  it("a refused token is audited as such, with the reason", async () => {
    const res = await v1(stack, "/me", { token: tokens.revoked });
    const [row] = await auditRowsFor(stack, res.headers.get("x-request-id"));
    expect(row!.action).toBe("cli.token-refused");
    expect(parseDetails(row!.detailsJson)).toMatchObject({ reason: "revoked" });
  });

  it.each([
    ["credentials", "/credentials"],
    ["console", "/console"],
  ])(
    "POST /%s of a role that is not yours: 404 like a missing one, audited, no AWS call",
    async (_n, path) => {
      const endpoint = { method: "POST", path };
      const administrator = await roleIdOf(stack, "acme-production", "Administrator");
      for (const [token, role] of [
        [tokens.carol, "acme-staging/Developer"],
        [tokens.bob, administrator],
        [tokens.bob, "acme-production/Administrator"],
        [tokens.bob, "acme-nowhere/Developer"],
      ] as const) {
        const res = await withoutAwsCalls(stack, () =>
          v1(stack, path, { method: "POST", token, json: { role } }),
        );
        await refused(res, 404, "not_found", endpoint);
        const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
        expect(rows.map((r) => r.action)).toEqual(["access.denied"]);
      }
    },
  );

  it("a refused reference names the role and account it points at, so the audit filters by account and role find the attempt", async () => {
    const roleIn = async (account: string, name: string) => {
      const role = await stack.db.role.findFirstOrThrow({
        where: { name, awsAccount: { name: account } },
        include: { awsAccount: true },
      });
      return { id: role.id, awsAccountId: role.awsAccount.accountId, roleArn: role.arn };
    };
    const administrator = await roleIn("acme-production", "Administrator");
    const developer = await roleIn("acme-staging", "Developer");
    const nothing = { awsAccountId: null, roleArn: null };
    const CASES: Array<
      [string, string, string, { awsAccountId: string | null; roleArn: string | null }]
    > = [
      ["a role id not theirs", tokens.bob, administrator.id, administrator],
      ["account name / role name", tokens.bob, "acme-production/Administrator", administrator],
      ["names in another case", tokens.bob, "ACME-PRODUCTION/administrator", administrator],
      [
        "account id / role name",
        tokens.bob,
        `${administrator.awsAccountId}/Administrator`,
        administrator,
      ],
      ["a role someone else holds", tokens.carol, "acme-staging/Developer", developer],
      [
        "an account that does not exist: nothing named",
        tokens.bob,
        "acme-nowhere/Developer",
        nothing,
      ],
      [
        "a role that does not exist: nothing named",
        tokens.bob,
        "acme-production/NoSuchRole",
        nothing,
      ],
    ];
    for (const [rule, token, role, target] of CASES) {
      const res = await withoutAwsCalls(stack, () =>
        v1(stack, "/credentials", { method: "POST", token, json: { role } }),
      );
      await refused(res, 404, "not_found", { method: "POST", path: "/credentials" });
      const rows = await auditRowsFor(stack, res.headers.get("x-request-id"));
      expect(rows, rule).toHaveLength(1);
      expect(
        { action: rows[0]!.action, awsAccountId: rows[0]!.awsAccountId, roleArn: rows[0]!.roleArn },
        rule,
      ).toEqual({
        action: "access.denied",
        awsAccountId: target.awsAccountId,
        roleArn: target.roleArn,
      });
    }
  });

  it("console for a CLI-only grant: 403, no AWS call", async () => {
    const res = await withoutAwsCalls(stack, () =>
      v1(stack, "/console", {
        method: "POST",
        token: tokens.bob,
        json: { role: "acme-sandbox/DataScience" },
      }),
    );
    await refused(res, 403, "forbidden", { method: "POST", path: "/console" });
  });

  it("a rule that requires MFA grants nothing to a token approved without MFA", async () => {
    const role = await stack.db.role.findFirstOrThrow({ where: { name: "SecurityAudit" } });
    await stack.db.accessRule.create({
      data: { roleId: role.id, groupName: "developers", requireMfa: true },
    });
    const res = await withoutAwsCalls(stack, () =>
      v1(stack, "/credentials", {
        method: "POST",
        token: tokens.bob,
        json: { role: "acme-security/SecurityAudit" },
      }),
    );
    await refused(res, 403, "mfa_required", { method: "POST", path: "/credentials" });
  });

  it("a reference naming two of your roles: 409 ambiguous_role with both ids", async () => {
    const bobPerson = (
      await stack.db.user.findFirstOrThrow({ where: { email: "bob@corp.example" } })
    ).personId;
    const ids: string[] = [];
    for (const accountId of ["111111111111", "222222222222"]) {
      const account = await stack.db.awsAccount.create({
        data: { accountId, name: `twin-${accountId}`, alias: "twins", environment: "dev" },
      });
      const role = await stack.db.role.create({
        data: {
          awsAccountId: account.id,
          name: "Twin",
          arn: `arn:aws:iam::${accountId}:role/Twin`,
        },
      });
      await stack.db.accessRule.create({ data: { roleId: role.id, personId: bobPerson } });
      ids.push(role.id);
    }
    const res = await withoutAwsCalls(stack, () =>
      v1(stack, "/credentials", {
        method: "POST",
        token: tokens.bob,
        json: { role: "twins/Twin" },
      }),
    );
    const body = await refused(res, 409, "ambiguous_role", {
      method: "POST",
      path: "/credentials",
    });
    for (const id of ids) expect(JSON.stringify(body.error.issues)).toContain(id);
  });

  it.each([
    [
      "an unknown field",
      { role: "acme-staging/Developer", roleArn: "arn:aws:iam::210987654321:role/Administrator" },
    ],
    ["no role", {}],
    ["a role that is neither id nor account/role", { role: "Developer" }],
    ["a region that is not one", { role: "acme-staging/Developer", region: "mars-1" }],
    ["a duration over the cap", { role: "acme-staging/Developer", durationSeconds: 43200 }],
    ["a fractional duration", { role: "acme-staging/Developer", durationSeconds: 900.5 }],
  ])("POST /credentials with %s: 400, no AWS call", async (_name, json) => {
    const res = await withoutAwsCalls(stack, () =>
      v1(stack, "/credentials", { method: "POST", token: tokens.bob, json }),
    );
    await refused(res, 400, "validation_error", { method: "POST", path: "/credentials" });
  });

  it("a body that is not JSON, or too large: 400 / 413", async () => {
    const notJson = await v1(stack, "/credentials", {
      method: "POST",
      token: tokens.bob,
      headers: { "Content-Type": "application/json" },
    });
    expect([400]).toContain(notJson.status);
    const big = await fetch(`${stack.portalUrl}/api/v1/credentials`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tokens.bob}`, "Content-Type": "application/json" },
      body: JSON.stringify({ role: "x".repeat(40_000) }),
    });
    await refused(big, 413, "payload_too_large", { method: "POST", path: "/credentials" });
  });

  it.each([
    ["credentials", "/credentials"],
    ["console", "/console"],
  ])(
    "POST /%s with a body not sent as JSON: 415, as the OpenAPI document describes",
    async (_n, path) => {
      const res = await withoutAwsCalls(stack, () =>
        fetch(`${stack.portalUrl}/api/v1${path}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${tokens.bob}`, "Content-Type": "text/plain" },
          body: JSON.stringify({ role: "acme-staging/Developer" }),
        }),
      );
      await refused(res, 415, "unsupported_media_type", { method: "POST", path });
    },
  );

  it("wrong methods are 405 and unknown paths 404, in the JSON error shape", async () => {
    await expectApiError(
      await v1(stack, "/credentials", { token: tokens.bob }),
      405,
      "method_not_allowed",
    );
    await expectApiError(
      await v1(stack, "/me", { method: "POST", token: tokens.bob }),
      405,
      "method_not_allowed",
    );
    await expectApiError(await v1(stack, "/nothing-here", { token: tokens.bob }), 404, "not_found");
  });

  it("the OpenAPI document and the authorization server metadata are public and consistent", async () => {
    const meta = (await (
      await fetch(`${stack.portalUrl}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({
      issuer: stack.portalUrl,
      device_authorization_endpoint: `${stack.portalUrl}/api/v1/device/code`,
      token_endpoint: `${stack.portalUrl}/api/v1/device/token`,
    });
    for (const path of [
      "/device/code",
      "/device/token",
      "/me",
      "/roles",
      "/credentials",
      "/console",
      "/token",
    ]) {
      expect(Object.keys(openapi.doc.paths)).toContain(path);
    }
  });
});
