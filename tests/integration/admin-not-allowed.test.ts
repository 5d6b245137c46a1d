// The "not allowed" suite: every admin and auditor page, API route and server action, asked by an
// anonymous visitor, by bob (signed in, a plain developer) and — for the admin-only ones — by dave
// (an auditor: he reads, he never changes), is refused by the entry point itself (docs/INVARIANTS.md
// invariant 4): pages answer 403 with the friendly page and nothing of their own, routes 401/403 as
// JSON, actions their refusal. Nothing changes (the tables, the broker and the STS stand-in are
// compared before and after), nothing leaks, and every refusal of a signed-in person or of an
// action is audited as admin.denied. Controls show the very same requests work for whoever may
// make them, so the refusals were about who asked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar } from "../support/cookie-jar";
import { expectNoInternalsIn, storedUser } from "../support/portal-assertions";
import { sessionFor, signIn, type PortalSession } from "../support/portal-client";
import { act, type ActionCall } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";

type Who = "anonymous" | "bob" | "dave" | "alice";
type Privilege = "admin" | "auditor";

let stack: TestStack;
let sessions: Record<Who, PortalSession>;
let ids: {
  account: string;
  accountId: string;
  role: string;
  roleName: string;
  rule: string;
  idp: string;
  /** bob's person, and dave's identity: what a crafted link request would join. */
  bobPerson: string;
  daveIdentity: string;
};

beforeAll(async () => {
  stack = await startTestStack({ saml: true });
  sessions = {
    anonymous: sessionFor(stack, new CookieJar()),
    bob: await signIn(stack, "bob"),
    dave: await signIn(stack, "dave"),
    alice: await signIn(stack, "alice"),
  };
  const role = await stack.db.role.findFirstOrThrow({
    where: { name: "Administrator", awsAccount: { name: "acme-production" } },
    include: { awsAccount: true, accessRules: true },
  });
  const idp = await stack.db.samlIdentityProvider.findFirstOrThrow();
  const [bob, dave] = await Promise.all([storedUser(stack, "bob"), storedUser(stack, "dave")]);
  ids = {
    bobPerson: bob.personId,
    daveIdentity: dave.id,
    account: role.awsAccountId,
    accountId: role.awsAccount.accountId,
    role: role.id,
    roleName: role.name,
    rule: role.accessRules[0]!.id,
    idp: idp.id,
  };
});
afterAll(async () => {
  await stack?.stop();
});

/** Strings that would tell someone without the privilege about accounts, roles, rules or users. */
const LEAKS = [
  "210987654321",
  "acme-production",
  "arn:aws:iam::",
  "gatehouse-admins",
  "Full administrative access",
  "BreakGlass",
  "alice@corp.example",
];

/** `asked` is what the request itself carried: a page echoes its own URL into its payload. */
function expectNothingLeaked(text: string, asked = ""): void {
  for (const s of LEAKS.filter((leak) => !decodeURIComponent(asked).includes(leak)))
    expect(text.includes(s), `the response mentions ${s}`).toBe(false);
}

/** Every row an admin or auditor request could change, to compare before and after. */
async function domainSnapshot(): Promise<string> {
  const [accounts, roles, rules, idps, favorites, users, people, sessions, tokens] =
    await Promise.all([
      stack.db.awsAccount.findMany({ orderBy: { id: "asc" } }),
      stack.db.role.findMany({ orderBy: { id: "asc" } }),
      stack.db.accessRule.findMany({ orderBy: { id: "asc" } }),
      stack.db.samlIdentityProvider.findMany({ orderBy: { id: "asc" } }),
      stack.db.favoriteRole.findMany({ orderBy: { id: "asc" } }),
      stack.db.user.findMany({ orderBy: { id: "asc" } }),
      stack.db.person.findMany({ orderBy: { id: "asc" } }),
      stack.db.portalSession.findMany({
        select: { id: true, revokedAt: true },
        orderBy: { id: "asc" },
      }),
      stack.db.cliToken.findMany({ select: { id: true, revokedAt: true }, orderBy: { id: "asc" } }),
    ]);
  return JSON.stringify({
    accounts,
    roles,
    rules,
    idps,
    favorites,
    users,
    people,
    sessions,
    tokens,
  });
}

/** How many calls the STS stand-in has seen: a refused broker action must not reach AWS. */
async function stsCallCount(): Promise<number> {
  const res = await fetch(`${stack.aws.url}/__standin/calls`);
  return ((await res.json()) as unknown[]).length;
}

async function expectAuditedDenial(
  requestId: string | null,
  who: Who,
  privilege: Privilege,
  /** Instead of the request id: every event written after this sequence number. */
  since?: number,
) {
  const events = await stack.db.auditEvent.findMany({
    where: since === undefined ? { requestId: requestId ?? "-" } : { sequence: { gt: since } },
  });
  // The denial is the only thing recorded for the request.
  expect(events.map((e) => e.action)).toEqual(["admin.denied"]);
  expect(events[0]).toMatchObject({
    outcome: "denied",
    actorEmail: who === "anonymous" ? null : `${who}@corp.example`,
  });
  expect(JSON.parse(events[0]!.detailsJson)).toMatchObject({
    reason:
      who === "anonymous"
        ? "not signed in"
        : privilege === "admin"
          ? "not an administrator"
          : "not an auditor or administrator",
  });
}

const PLAIN_USER_AND_AUDITOR = ["bob", "dave"] as const;

/** Who is refused an entry point with this privilege (besides anonymous visitors). */
function refusedSignedIn(privilege: Privilege): ReadonlyArray<"bob" | "dave"> {
  return privilege === "admin" ? PLAIN_USER_AND_AUDITOR : ["bob"];
}

// ---- pages ------------------------------------------------------------------------------------

/** Each page with what only someone allowed would see on it (a data-testid). */
const PAGES: Array<[string, Privilege, () => string, string]> = [
  ["the accounts list", "admin", () => "/admin/accounts", "admin-accounts-table"],
  ["add account", "admin", () => "/admin/accounts/new", "account-form"],
  ["an account", "admin", () => `/admin/accounts/${ids.account}`, "account-form"],
  [
    "an account's delete review",
    "admin",
    () => `/admin/accounts/${ids.account}/delete`,
    "delete-review",
  ],
  ["add role", "admin", () => `/admin/accounts/${ids.account}/roles/new`, "role-form"],
  ["a role", "admin", () => `/admin/accounts/${ids.account}/roles/${ids.role}`, "role-form"],
  [
    "a role's delete review",
    "admin",
    () => `/admin/accounts/${ids.account}/roles/${ids.role}/delete`,
    "delete-review",
  ],
  [
    "add rule",
    "admin",
    () => `/admin/accounts/${ids.account}/roles/${ids.role}/rules/new`,
    "rule-form",
  ],
  [
    "a rule",
    "admin",
    () => `/admin/accounts/${ids.account}/roles/${ids.role}/rules/${ids.rule}`,
    "rule-form",
  ],
  ["configuration as code", "admin", () => "/admin/config", "export-yaml"],
  ["the broker", "admin", () => "/admin/broker", "endpoint-table"],
  ["identity providers", "admin", () => "/admin/identity-providers", "idp-table"],
  ["an identity provider", "admin", () => `/admin/identity-providers/${ids.idp}`, "idp-edit-form"],
  ["people", "admin", () => "/admin/people?q=alice", "people-list"],
  ["webhook deliveries", "admin", () => "/admin/webhooks", "webhook-count-all"],
  ["the audit log", "auditor", () => "/admin/audit", "audit-count"],
  [
    "the audit log, filtered",
    "auditor",
    () => "/admin/audit?user=alice%40corp.example",
    "audit-count",
  ],
  [
    "access review by account",
    "auditor",
    () => "/admin/access?account=210987654321",
    "account-access",
  ],
  [
    "access review by user",
    "auditor",
    () => "/admin/access?user=alice%40corp.example",
    "user-access",
  ],
  [
    "explain",
    "auditor",
    () =>
      `/admin/access?explainUser=alice%40corp.example&explainRole=${encodeURIComponent("arn:aws:iam::210987654321:role/Administrator")}`,
    "explain-decision",
  ],
];

describe("pages", () => {
  for (const [name, privilege, pathOf, content] of PAGES) {
    it(`${name}: anonymous → sent to sign in with the page as the return address, nothing shown`, async () => {
      const res = await sessions.anonymous.request(pathOf());
      const text = await res.text();
      if (res.status === 200) {
        // A page streaming its search params redirects inside the payload instead.
        expect(text).toContain("NEXT_REDIRECT");
      } else {
        expect([303, 307, 308]).toContain(res.status);
        const location = new URL(res.headers.get("location") ?? "", stack.portalUrl);
        expect(location.pathname).toBe("/signin");
        // Back to the very page, filters included, after signing in.
        expect(location.searchParams.get("callbackUrl")).toBe(pathOf());
      }
      expectNothingLeaked(text, pathOf());
    });

    for (const who of refusedSignedIn(privilege)) {
      it(`${name} (${privilege}): ${who} → 403 with the friendly page only, audited as admin.denied`, async () => {
        const res = await sessions[who].request(pathOf());
        const html = await res.text();
        expect(res.status).toBe(403);
        // The friendly page arrives in the React payload; the page's own content does not.
        expect(html).toContain("Back to your accounts");
        expect(html).not.toContain(content);
        expectNothingLeaked(html, pathOf());
        await expectAuditedDenial(res.headers.get("x-request-id"), who, privilege);
      });
    }
  }

  it("the controls: dave (auditor) gets the audit log and the access review; alice gets every page", async () => {
    for (const [, , pathOf, content] of PAGES.filter(([, p]) => p === "auditor")) {
      const res = await sessions.dave.request(pathOf());
      expect(res.status, pathOf()).toBe(200);
      expect(await res.text()).toContain(`data-testid="${content}"`);
    }
    for (const [, , pathOf, content] of PAGES) {
      const res = await sessions.alice.request(pathOf());
      expect(res.status, pathOf()).toBe(200);
      expect(await res.text()).toContain(`data-testid="${content}"`);
    }
  });

  it("the header offers dave the audit log and access review, not the admin pages; his empty accounts page points him there", async () => {
    const html = await (await sessions.dave.request("/accounts")).text();
    expect(html).toContain('href="/admin/audit"');
    expect(html).toContain('href="/admin/access"');
    expect(html).not.toContain('href="/admin/accounts"');
    expect(html).not.toContain('href="/admin/broker"');
    expect(html).toContain('data-testid="no-access-auditor"');
    const bobs = await (await sessions.bob.request("/accounts")).text();
    expect(bobs).not.toContain('href="/admin/audit"');
    expect(bobs).not.toContain("no-access-auditor");
  });
});

// ---- API routes -------------------------------------------------------------------------------

const EMPTY_CONFIG = "version: 1\naccounts: []\n";

const ROUTES: Array<[string, Privilege, string, RequestInit & { json?: unknown }]> = [
  ["config export", "admin", "/admin/config/export?format=yaml", {}],
  [
    "config dry run",
    "admin",
    "/admin/config/import",
    { method: "POST", json: { mode: "dry-run", text: EMPTY_CONFIG } },
  ],
  [
    "config apply",
    "admin",
    "/admin/config/import",
    { method: "POST", json: { mode: "apply", text: EMPTY_CONFIG, expectedHash: "0".repeat(64) } },
  ],
  ["access CSV by account", "auditor", "/admin/access/export?account=210987654321", {}],
  ["access CSV by user", "auditor", "/admin/access/export?user=alice%40corp.example", {}],
  ["audit CSV export", "auditor", "/api/admin/audit/export?format=csv", {}],
  ["audit JSON Lines export", "auditor", "/api/admin/audit/export?format=jsonl", {}],
  ["audit chain verification", "auditor", "/api/admin/audit/verify", { method: "POST" }],
  [
    "webhook delivery retry",
    "admin",
    "/api/admin/webhooks/cxxxxxxxxxxxxxxxxxxxxxxx1/retry",
    { method: "POST" },
  ],
];

describe("API routes", () => {
  for (const [name, privilege, url, init] of ROUTES) {
    it(`${name} (${privilege}): anonymous → 401, nothing changes or leaks`, async () => {
      const before = await domainSnapshot();
      const res = await sessions.anonymous.request(url, init);
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: { code: "unauthenticated" } });
      expectNothingLeaked(text);
      expect(await domainSnapshot()).toBe(before);
    });

    for (const who of refusedSignedIn(privilege)) {
      it(`${name} (${privilege}): ${who} → 403, nothing changes or leaks, audited as admin.denied`, async () => {
        const before = await domainSnapshot();
        const res = await sessions[who].request(url, init);
        expect(res.status).toBe(403);
        const text = await res.text();
        expect(JSON.parse(text)).toMatchObject({ error: { code: "forbidden" } });
        expectNothingLeaked(text);
        expectNoInternalsIn(text);
        expect(await domainSnapshot()).toBe(before);
        await expectAuditedDenial(res.headers.get("x-request-id"), who, privilege);
      });
    }
  }

  it("the controls: dave gets every auditor route; alice's crafted config apply does change things", async () => {
    for (const [name, , url, init] of ROUTES.filter(([, p]) => p === "auditor")) {
      const res = await sessions.dave.request(url, init);
      expect(res.status, name).toBe(200);
      await res.arrayBuffer();
    }
    const dry = await sessions.alice.request("/admin/config/import", {
      method: "POST",
      json: { mode: "dry-run", text: EMPTY_CONFIG },
    });
    const { diff } = (await dry.json()) as { diff: { hash: string; total: number } };
    expect(diff.total).toBeGreaterThan(0);
    const crossSite = await sessions.alice.request("/admin/config/import", {
      method: "POST",
      json: { mode: "apply", text: EMPTY_CONFIG, expectedHash: diff.hash },
      headers: { Origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    expect(await stack.db.awsAccount.count()).toBeGreaterThan(0);
  });
});

// ---- server actions ---------------------------------------------------------------------------

const EDITOR_STATE = { ok: false, message: null, warnings: [], errors: {}, values: {} };
const EDITOR_REFUSAL = "Only Gatehouse administrators can change";

/** Well-formed requests that would change something real if the caller were an admin. */
const ACTIONS: ActionCall[] = [
  {
    name: "createAccountAction",
    page: () => "/admin/accounts/new",
    fields: () => ({
      accountId: "999999999999",
      name: "sneaky",
      alias: "",
      environment: "dev",
      description: "",
    }),
  },
  {
    name: "updateAccountAction",
    page: () => `/admin/accounts/${ids.account}`,
    fields: () => ({
      id: ids.account,
      version: "1",
      name: "renamed",
      alias: "",
      environment: "dev",
      description: "",
    }),
  },
  {
    name: "deleteAccountAction",
    page: () => `/admin/accounts/${ids.account}/delete`,
    fields: () => ({ id: ids.account, version: "1", confirmation: ids.accountId }),
  },
  {
    name: "createRoleAction",
    page: () => `/admin/accounts/${ids.account}/roles/new`,
    fields: () => ({
      accountDbId: ids.account,
      name: "Sneaky",
      arn: "",
      description: "",
      maxSessionDurationSeconds: "3600",
      assumeMethod: "assume-role",
      samlProviderArn: "",
      externalId: "",
    }),
  },
  {
    name: "updateRoleAction",
    page: () => `/admin/accounts/${ids.account}/roles/${ids.role}`,
    fields: () => ({
      accountDbId: ids.account,
      id: ids.role,
      version: "1",
      name: ids.roleName,
      arn: "",
      description: "changed",
      maxSessionDurationSeconds: "43200",
      assumeMethod: "assume-role",
      samlProviderArn: "",
      externalId: "",
    }),
  },
  {
    name: "deleteRoleAction",
    page: () => `/admin/accounts/${ids.account}/roles/${ids.role}/delete`,
    fields: () => ({
      accountDbId: ids.account,
      id: ids.role,
      version: "1",
      confirmation: ids.roleName,
    }),
  },
  {
    name: "createRuleAction",
    page: () => `/admin/accounts/${ids.account}/roles/${ids.role}/rules/new`,
    fields: () => ({
      accountDbId: ids.account,
      roleId: ids.role,
      subjectKind: "group",
      groupName: "developers",
      userEmail: "",
      maxSessionDurationSeconds: "3600",
      allowConsole: "on",
      allowCli: "on",
      expiresAt: "",
      sessionPolicy: "",
      description: "",
    }),
  },
  {
    name: "updateRuleAction",
    page: () => `/admin/accounts/${ids.account}/roles/${ids.role}/rules/${ids.rule}`,
    fields: () => ({
      accountDbId: ids.account,
      roleId: ids.role,
      id: ids.rule,
      version: "1",
      subjectKind: "group",
      groupName: "developers",
      userEmail: "",
      maxSessionDurationSeconds: "43200",
      allowConsole: "on",
      allowCli: "on",
      expiresAt: "",
      sessionPolicy: "",
      description: "",
    }),
  },
  {
    name: "deleteRuleAction",
    page: () => `/admin/accounts/${ids.account}/roles/${ids.role}/rules/${ids.rule}`,
    fields: () => ({ accountDbId: ids.account, roleId: ids.role, id: ids.rule, version: "1" }),
  },
].map((a) => ({ ...a, state: EDITOR_STATE, refusal: EDITOR_REFUSAL }));

ACTIONS.push(
  {
    name: "addIdentityProvider",
    page: () => "/admin/identity-providers",
    fields: () => ({
      displayName: "Sneaky IdP",
      slug: "sneaky",
      metadataXml: "<EntityDescriptor/>",
      groupsAttribute: "groups",
    }),
    state: { ok: false, message: null, errors: {} },
    refusal: "Only Gatehouse administrators can add identity providers",
  },
  {
    name: "toggleIdentityProvider",
    page: () => "/admin/identity-providers",
    fields: () => ({ id: ids.idp, enabled: "false" }),
  },
  ...[
    {
      name: "updateIdentityProvider",
      fields: () => ({
        id: ids.idp,
        version: "1",
        displayName: "Sneaky",
        entityId: "https://evil.example/idp",
        ssoUrl: "https://evil.example/sso",
        metadataUrl: "",
        groupsAttribute: "groups",
        userKeyAttribute: "",
        emailAttribute: "",
        displayNameAttribute: "",
        awsAppUrl: "",
        allowIdpInitiated: "on",
        requireSignedResponse: "",
      }),
    },
    {
      name: "addIdentityProviderCertificate",
      fields: () => ({ id: ids.idp, version: "1", certificate: "MIIB" }),
    },
    {
      name: "removeIdentityProviderCertificate",
      fields: () => ({ id: ids.idp, version: "1", fingerprint: "AA:BB" }),
    },
    {
      name: "applyIdentityProviderRefresh",
      fields: () => ({ id: ids.idp, version: "1", expectedHash: "0".repeat(64) }),
    },
  ].map((a) => ({
    ...a,
    page: () => `/admin/identity-providers/${ids.idp}`,
    state: EDITOR_STATE,
    refusal: "Only Gatehouse administrators can change identity providers",
  })),
  {
    // Fetching a URL from the server is an admin's privilege (SSRF), even though nothing changes.
    name: "previewIdentityProviderRefresh",
    page: () => `/admin/identity-providers/${ids.idp}`,
    fields: () => ({ id: ids.idp, version: "1" }),
    state: { error: null, preview: null },
    refusal: "Only Gatehouse administrators can change identity providers",
  },
  {
    name: "setIdentityProviderTrust",
    page: () => "/admin/identity-providers",
    fields: () => ({ id: ids.idp, trusted: "true" }),
  },
  {
    name: "linkIdentity",
    page: () => "/admin/people",
    fields: () => ({ personId: ids.bobPerson, identityId: ids.daveIdentity, q: "" }),
  },
  {
    name: "unlinkIdentityAction",
    page: () => "/admin/people",
    fields: () => ({ identityId: ids.daveIdentity, q: "" }),
  },
  {
    name: "revokePersonAction",
    page: () => "/admin/people",
    fields: () => ({ personId: ids.bobPerson, q: "" }),
  },
  {
    name: "setLinkByEmail",
    page: () => "/admin/people",
    fields: () => ({ id: ids.idp, linkByEmail: "true", q: "" }),
  },
  {
    name: "unlockBroker",
    page: () => "/admin/broker",
    fields: () => ({ tokenCode: "123456" }),
    state: { ok: false, message: null, error: null },
    refusal: "Only Gatehouse administrators can unlock the broker",
  },
  { name: "lockBroker", page: () => "/admin/broker", fields: () => ({}) },
  { name: "checkBrokerNow", page: () => "/admin/broker", fields: () => ({}) },
);

describe("server actions", () => {
  for (const who of ["anonymous", "bob", "dave"] as const) {
    for (const call of ACTIONS) {
      it(`${call.name} as ${who} → refused, nothing changed, nothing sent to AWS, nothing leaked, audited as admin.denied`, async () => {
        const [before, callsBefore] = [await domainSnapshot(), await stsCallCount()];
        const lastEvent = await stack.db.auditEvent.findFirst({ orderBy: { sequence: "desc" } });
        const reply = await act(sessions[who], call);
        expect(reply.status).toBe(200);
        if (who === "anonymous") {
          // A form posted without a session came from a tab whose session ended: off to sign in.
          expect(reply.redirect).toContain(
            `/signin?callbackUrl=${encodeURIComponent(call.page())}&reason=session-ended`,
          );
        } else {
          expect(reply.redirect).toBeNull();
          if (call.refusal) expect(reply.text).toContain(call.refusal);
        }
        expectNothingLeaked(reply.text);
        expectNoInternalsIn(reply.text);
        expect(await domainSnapshot()).toBe(before);
        expect(await stsCallCount()).toBe(callsBefore);
        // A redirected action's reply carries the id of the page it was sent to, not its own.
        await expectAuditedDenial(
          reply.requestId,
          who,
          "admin",
          who === "anonymous" ? (lastEvent?.sequence ?? 0) : undefined,
        );
      });
    }
  }

  it("CSRF: alice's own session, posting from another site, is refused by every action and changes nothing", async () => {
    for (const call of ACTIONS) {
      const [before, callsBefore] = [await domainSnapshot(), await stsCallCount()];
      const reply = await act(sessions.alice, call, "https://evil.example");
      expect(reply.status, call.name).toBeGreaterThanOrEqual(400);
      expect(reply.redirect, call.name).toBeNull();
      expectNoInternalsIn(reply.text);
      expect(await domainSnapshot(), call.name).toBe(before);
      expect(await stsCallCount(), call.name).toBe(callsBefore);
    }
  });

  it("the controls: alice's identical requests disable the identity provider and delete the account", async () => {
    const toggle = ACTIONS.find((a) => a.name === "toggleIdentityProvider")!;
    await act(sessions.alice, toggle);
    expect(
      (await stack.db.samlIdentityProvider.findUniqueOrThrow({ where: { id: ids.idp } })).enabled,
    ).toBe(false);
    const reply = await act(
      sessions.alice,
      ACTIONS.find((a) => a.name === "deleteAccountAction")!,
    );
    expect(reply.redirect).toContain("/admin/accounts?notice=account-deleted");
    expect(await stack.db.awsAccount.count({ where: { id: ids.account } })).toBe(0);
  });
});
