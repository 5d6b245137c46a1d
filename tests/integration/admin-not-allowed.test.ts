// "Not allowed" for the account, role and rule editors: every page and every server action, asked
// by an anonymous visitor or by bob (signed in, not an admin), is refused on its own (not by
// middleware), changes nothing (the tables are compared before and after), leaks nothing about
// accounts, roles or rules, and the refusals of signed-in users and of actions are audited as
// admin.denied. A control shows the very same crafted request works for alice.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "@/dev/local-stack";
import { CookieJar } from "../support/cookie-jar";
import { expectNoInternalsIn } from "../support/portal-assertions";
import { sessionFor, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let sessions: Record<"anonymous" | "bob" | "alice", PortalSession>;
let ids: { account: string; accountId: string; role: string; roleName: string; rule: string };

beforeAll(async () => {
  stack = await startTestStack();
  sessions = {
    anonymous: sessionFor(stack, new CookieJar()),
    bob: await signIn(stack, "bob"),
    alice: await signIn(stack, "alice"),
  };
  const role = await stack.db.role.findFirstOrThrow({
    where: { name: "Administrator", awsAccount: { name: "acme-production" } },
    include: { awsAccount: true, accessRules: true },
  });
  ids = {
    account: role.awsAccountId,
    accountId: role.awsAccount.accountId,
    role: role.id,
    roleName: role.name,
    rule: role.accessRules[0]!.id,
  };
});
afterAll(async () => {
  await stack?.stop();
});

/** Strings that would tell a non-admin something about accounts, roles or rules. */
const SECRETS_OF_THE_ADMIN_PAGES = [
  "210987654321",
  "acme-production",
  "arn:aws:iam::",
  "gatehouse-admins",
  "Full administrative access",
  "BreakGlass",
];

function expectNothingLeaked(text: string): void {
  for (const s of SECRETS_OF_THE_ADMIN_PAGES)
    expect(text.includes(s), `the response mentions ${s}`).toBe(false);
}

/** Every row of the tables an admin action may change, to compare before and after. */
async function domainSnapshot(): Promise<string> {
  const [accounts, roles, rules, idps, favorites] = await Promise.all([
    stack.db.awsAccount.findMany({ orderBy: { id: "asc" } }),
    stack.db.role.findMany({ orderBy: { id: "asc" } }),
    stack.db.accessRule.findMany({ orderBy: { id: "asc" } }),
    stack.db.samlIdentityProvider.findMany({ orderBy: { id: "asc" } }),
    stack.db.favoriteRole.findMany({ orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ accounts, roles, rules, idps, favorites });
}

// ---- pages ------------------------------------------------------------------------------------

const PAGES: Array<[string, () => string]> = [
  ["the accounts list", () => "/admin/accounts"],
  ["add account", () => "/admin/accounts/new"],
  ["an account", () => `/admin/accounts/${ids.account}`],
  ["an account's delete review", () => `/admin/accounts/${ids.account}/delete`],
  ["add role", () => `/admin/accounts/${ids.account}/roles/new`],
  ["a role", () => `/admin/accounts/${ids.account}/roles/${ids.role}`],
  ["a role's delete review", () => `/admin/accounts/${ids.account}/roles/${ids.role}/delete`],
  ["add rule", () => `/admin/accounts/${ids.account}/roles/${ids.role}/rules/new`],
  ["a rule", () => `/admin/accounts/${ids.account}/roles/${ids.role}/rules/${ids.rule}`],
];

describe("pages", () => {
  for (const [name, pathOf] of PAGES) {
    it(`${name}: anonymous → sent to sign in with the page as the return address, nothing shown`, async () => {
      const res = await sessions.anonymous.request(pathOf());
      expect([303, 307, 308]).toContain(res.status);
      const location = new URL(res.headers.get("location") ?? "", stack.portalUrl);
      expect(location.pathname).toBe("/signin");
      expect(location.searchParams.get("callbackUrl")).toBe(pathOf());
      expectNothingLeaked(await res.text());
    });

    it(`${name}: bob → the 403 notice only, audited as admin.denied`, async () => {
      const res = await sessions.bob.request(pathOf());
      const html = await res.text();
      expect(html).toContain('data-testid="admin-forbidden"');
      expect(html).not.toContain('data-testid="account-form"');
      expect(html).not.toContain('data-testid="admin-rules-table"');
      expectNothingLeaked(html);
      const denial = await stack.db.auditEvent.findFirst({
        where: { requestId: res.headers.get("x-request-id") ?? "-", action: "admin.denied" },
      });
      expect(denial).toMatchObject({ outcome: "denied", actorEmail: "bob@corp.example" });
    });
  }

  it("alice (the control) sees the role page with its rules", async () => {
    const html = await (await sessions.alice.request(PAGES[5]![1]())).text();
    expect(html).toContain('data-testid="admin-rules-table"');
    expect(html).toContain("group gatehouse-admins");
  });
});

// ---- server actions ---------------------------------------------------------------------------

type ActionName =
  | "createAccountAction"
  | "updateAccountAction"
  | "deleteAccountAction"
  | "createRoleAction"
  | "updateRoleAction"
  | "deleteRoleAction"
  | "createRuleAction"
  | "updateRuleAction"
  | "deleteRuleAction";

function actionId(name: ActionName): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(ROOT, ".next/server/server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, { filename: string; exportedName: string }> };
  const entry = Object.entries(manifest.node).find(
    ([, v]) => v.filename.startsWith("app/admin/accounts/") && v.exportedName === name,
  );
  if (!entry) throw new Error(`no server action ${name} in the build`);
  return entry[0];
}

async function act(
  session: PortalSession,
  page: string,
  name: ActionName,
  fields: Record<string, string>,
): Promise<{ status: number; requestId: string | null; redirect: string | null; text: string }> {
  const body = new FormData();
  for (const [key, value] of Object.entries(fields)) body.append(`_1_${key}`, value);
  body.append(
    "0",
    JSON.stringify([{ ok: false, message: null, warnings: [], errors: {}, values: {} }, "$K1"]),
  );
  const res = await session.request(page, {
    method: "POST",
    body,
    headers: { "Next-Action": actionId(name), Accept: "text/x-component" },
  });
  return {
    status: res.status,
    requestId: res.headers.get("x-request-id"),
    redirect: res.headers.get("x-action-redirect"),
    text: await res.text(),
  };
}

/** Well-formed requests that would change something real if the caller were an admin. */
const ACTIONS: Array<[ActionName, () => string, () => Record<string, string>]> = [
  [
    "createAccountAction",
    () => "/admin/accounts/new",
    () => ({
      accountId: "999999999999",
      name: "sneaky",
      alias: "",
      environment: "dev",
      description: "",
    }),
  ],
  [
    "updateAccountAction",
    () => `/admin/accounts/${ids.account}`,
    () => ({
      id: ids.account,
      version: "1",
      name: "renamed",
      alias: "",
      environment: "dev",
      description: "",
    }),
  ],
  [
    "deleteAccountAction",
    () => `/admin/accounts/${ids.account}/delete`,
    () => ({ id: ids.account, version: "1", confirmation: ids.accountId }),
  ],
  [
    "createRoleAction",
    () => `/admin/accounts/${ids.account}/roles/new`,
    () => ({
      accountDbId: ids.account,
      name: "Sneaky",
      arn: "",
      description: "",
      maxSessionDurationSeconds: "3600",
      assumeMethod: "assume-role",
      samlProviderArn: "",
      externalId: "",
    }),
  ],
  [
    "updateRoleAction",
    () => `/admin/accounts/${ids.account}/roles/${ids.role}`,
    () => ({
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
  ],
  [
    "deleteRoleAction",
    () => `/admin/accounts/${ids.account}/roles/${ids.role}/delete`,
    () => ({ accountDbId: ids.account, id: ids.role, version: "1", confirmation: ids.roleName }),
  ],
  [
    "createRuleAction",
    () => `/admin/accounts/${ids.account}/roles/${ids.role}/rules/new`,
    () => ({
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
  ],
  [
    "updateRuleAction",
    () => `/admin/accounts/${ids.account}/roles/${ids.role}/rules/${ids.rule}`,
    () => ({
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
  ],
  [
    "deleteRuleAction",
    () => `/admin/accounts/${ids.account}/roles/${ids.role}/rules/${ids.rule}`,
    () => ({ accountDbId: ids.account, roleId: ids.role, id: ids.rule, version: "1" }),
  ],
];

describe("server actions", () => {
  for (const who of ["anonymous", "bob"] as const) {
    for (const [name, pageOf, fieldsOf] of ACTIONS) {
      it(`${name} as ${who} → refused, nothing changed, nothing leaked, audited as admin.denied`, async () => {
        const before = await domainSnapshot();
        const reply = await act(sessions[who], pageOf(), name, fieldsOf());
        expect(reply.redirect).toBeNull();
        expect(reply.text).toContain("Only Gatehouse administrators can change");
        expectNothingLeaked(reply.text);
        expectNoInternalsIn(reply.text);
        expect(await domainSnapshot()).toBe(before);
        const denial = await stack.db.auditEvent.findFirst({
          where: { requestId: reply.requestId ?? "-", action: "admin.denied" },
        });
        expect(denial).toMatchObject({
          outcome: "denied",
          actorEmail: who === "bob" ? "bob@corp.example" : null,
        });
        expect(JSON.parse(denial!.detailsJson)).toMatchObject({
          reason: who === "bob" ? "not an administrator" : "not signed in",
        });
        // Nothing but the denial was recorded for this request.
        expect(
          await stack.db.auditEvent.count({ where: { requestId: reply.requestId ?? "-" } }),
        ).toBe(1);
      });
    }
  }

  it("the control: alice's identical delete request deletes the account (the refusals above were about who asked)", async () => {
    const [, pageOf, fieldsOf] = ACTIONS[2]!;
    const reply = await act(sessions.alice, pageOf(), "deleteAccountAction", fieldsOf());
    expect(reply.redirect).toContain("/admin/accounts?notice=account-deleted");
    expect(await stack.db.awsAccount.count({ where: { id: ids.account } })).toBe(0);
  });
});
