// Admins edit accounts, roles and access rules through the real server actions, posted over HTTP
// as the browser posts them: every field is validated (all issues, by field, values kept), every
// change is audited with before/after in the same transaction (a failing audit write rolls the
// change back), stale forms never overwrite (optimistic concurrency), deletes need confirmation
// and say what went with them, and an expiring rule stops granting between listing and issuance.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectApiError, parseDetails } from "../support/portal-assertions";
import { signIn, type PortalSession } from "../support/portal-client";
import { act as postAdminAction, stateInFlight } from "../support/server-actions";
import { RULE_FORM } from "../support/admin-forms";
import { createTypedEmailIdentity } from "../support/typed-email-identity";
import { startReplica, startTestStack, type TestStack } from "../support/stack";
import { allowAuditActions, refuseAuditActions } from "../support/audit-refusal";

let stack: TestStack;
let alice: PortalSession;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await signIn(stack, "alice");
});
afterAll(async () => {
  await stack?.stop();
});

// ---- posting server actions the way React does (tests/support/server-actions.ts) ---------------

interface FormState {
  ok: boolean;
  message: string | null;
  warnings: string[];
  errors: Record<string, string>;
  values: Record<string, string>;
}

const isFormState = (v: Record<string, unknown>) =>
  typeof v.ok === "boolean" && typeof v.errors === "object" && typeof v.values === "object";

const EMPTY_STATE: FormState = { ok: false, message: null, warnings: [], errors: {}, values: {} };

/** Posts (prevState, formData) to an admin action from `page`, as useActionState does. */
async function act(
  session: PortalSession,
  page: string,
  name: string,
  fields: Record<string, string>,
) {
  const reply = await postAdminAction(session, {
    name,
    page: () => page,
    fields: () => fields,
    state: EMPTY_STATE,
  });
  return { ...reply, state: stateInFlight<FormState>(reply.text, isFormState) };
}

// ---- fixtures ---------------------------------------------------------------------------------

const ACCOUNT = { accountId: "", name: "", alias: "", environment: "dev", description: "" };
const ROLE = {
  name: "",
  arn: "",
  description: "",
  maxSessionDurationSeconds: "3600",
  assumeMethod: "assume-role",
  samlProviderArn: "",
  externalId: "",
};
const RULE = RULE_FORM;

let counter = 0;
function uniqueAccountId(): string {
  counter += 1;
  return `7${String(Date.now() % 1e9).padStart(9, "0")}${String(counter).padStart(2, "0")}`;
}

async function addAccount(fields: Partial<typeof ACCOUNT> = {}) {
  const accountId = fields.accountId ?? uniqueAccountId();
  const reply = await act(alice, "/admin/accounts/new", "createAccountAction", {
    ...ACCOUNT,
    name: `acct-${accountId}`,
    ...fields,
    accountId,
  });
  expect(reply.redirect, JSON.stringify(reply.state)).toMatch(/^\/admin\/accounts\/[a-z0-9]+\?/);
  return stack.db.awsAccount.findUniqueOrThrow({ where: { accountId } });
}

async function addRole(account: { id: string }, fields: Partial<typeof ROLE> = {}) {
  const name = fields.name ?? `Role${++counter}`;
  const reply = await act(alice, `/admin/accounts/${account.id}/roles/new`, "createRoleAction", {
    ...ROLE,
    ...fields,
    name,
    accountDbId: account.id,
  });
  expect(reply.redirect, JSON.stringify(reply.state)).toContain("/roles/");
  return stack.db.role.findFirstOrThrow({ where: { awsAccountId: account.id, name } });
}

async function addRule(role: { id: string; awsAccountId: string }, fields: Partial<typeof RULE>) {
  const before = await stack.db.accessRule.count({ where: { roleId: role.id } });
  const reply = await act(
    alice,
    `/admin/accounts/${role.awsAccountId}/roles/${role.id}/rules/new`,
    "createRuleAction",
    { ...RULE, ...fields, accountDbId: role.awsAccountId, roleId: role.id },
  );
  expect(reply.redirect, JSON.stringify(reply.state)).toContain("notice=rule-created");
  expect(await stack.db.accessRule.count({ where: { roleId: role.id } })).toBe(before + 1);
  return stack.db.accessRule.findFirstOrThrow({
    where: { roleId: role.id },
    orderBy: { createdAt: "desc" },
  });
}

async function auditOf(requestId: string | null) {
  expect(requestId).toBeTruthy();
  return stack.db.auditEvent.findMany({ where: { requestId: requestId! } });
}

/**
 * The audit events of the request that made the newest `action` event. A redirecting action's reply
 * carries the request id of Next.js's internal render of the target page, not the action's own, so
 * the event is found by its action (tests run one at a time) and then all of its request's events.
 */
async function auditOfLatest(action: string) {
  const latest = await stack.db.auditEvent.findFirstOrThrow({
    where: { action },
    orderBy: { createdAt: "desc" },
  });
  return auditOf(latest.requestId);
}

// ---- accounts -----------------------------------------------------------------------------------

describe("accounts", () => {
  it("adding an account writes the row and admin.account.created (before null, after the values) in the same request", async () => {
    const accountId = uniqueAccountId();
    const reply = await act(alice, "/admin/accounts/new", "createAccountAction", {
      ...ACCOUNT,
      accountId,
      name: "acme-analytics",
      alias: "Acme-Analytics",
      environment: "Staging",
      description: "Dashboards",
    });
    expect(reply.redirect).toMatch(/^\/admin\/accounts\/[a-z0-9]{20,32}\?notice=account-created;/);
    const row = await stack.db.awsAccount.findUniqueOrThrow({ where: { accountId } });
    expect(row).toMatchObject({ alias: "acme-analytics", environment: "staging", version: 1 });
    const [event, ...more] = await auditOfLatest("admin.account.created");
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      action: "admin.account.created",
      outcome: "success",
      actorEmail: "alice@corp.example",
      awsAccountId: accountId,
    });
    expect(parseDetails(event!.detailsJson)).toMatchObject({
      before: null,
      after: { accountId, name: "acme-analytics", environment: "staging", version: 1 },
    });
  });

  const invalid: Array<[string, Partial<typeof ACCOUNT>, string[]]> = [
    ["an account id of 5 digits", { accountId: "12345" }, ["accountId"]],
    ["an account id with a letter", { accountId: "12345678901a" }, ["accountId"]],
    ["an empty name", { name: "" }, ["name"]],
    ["a 65-character name", { name: "n".repeat(65) }, ["name"]],
    ["an environment with a space", { environment: "prod env" }, ["environment"]],
    ["an alias with a space", { alias: "my alias" }, ["alias"]],
    [
      "several bad fields at once (all reported)",
      { accountId: "1", name: "", environment: "" },
      ["accountId", "name", "environment"],
    ],
    ["an account id already in Gatehouse", { accountId: "210987654321" }, ["accountId"]],
    ["a name another account has", { name: "acme-production" }, ["name"]],
    // The CLI, deep links and the access review find an account by name in any letter case.
    ["a name another account has, in another letter case", { name: "ACME-Production" }, ["name"]],
  ];
  for (const [name, fields, errorFields] of invalid) {
    it(`refuses ${name}: errors on ${errorFields.join(", ")}, the typed values kept, nothing written`, async () => {
      const accountsBefore = await stack.db.awsAccount.count();
      const submitted = {
        ...ACCOUNT,
        accountId: uniqueAccountId(),
        name: `x-${counter}`,
        ...fields,
      };
      const reply = await act(alice, "/admin/accounts/new", "createAccountAction", submitted);
      expect(reply.redirect).toBeNull();
      expect(reply.state?.ok).toBe(false);
      expect(Object.keys(reply.state!.errors).sort()).toEqual([...errorFields].sort());
      expect(reply.state!.values).toMatchObject(submitted);
      expect(await stack.db.awsAccount.count()).toBe(accountsBefore);
      expect(await auditOf(reply.requestId)).toEqual([]);
    });
  }

  it("renaming an account to another's name in another letter case is refused; a case change of its own name is saved", async () => {
    const account = await addAccount();
    const page = `/admin/accounts/${account.id}`;
    const fields = { ...ACCOUNT, id: account.id, environment: "dev", version: "1" };
    const taken = await act(alice, page, "updateAccountAction", {
      ...fields,
      name: "Acme-Sandbox",
    });
    expect(taken.state?.ok).toBe(false);
    expect(taken.state?.errors.name).toMatch(/Another account already has this name/);
    const own = await act(alice, page, "updateAccountAction", {
      ...fields,
      name: account.name.toUpperCase(),
    });
    expect(own.state).toMatchObject({ ok: true, values: { version: "2" } });
  });

  it("an edit from a stale version is refused and overwrites nothing", async () => {
    const account = await addAccount({ description: "first" });
    const page = `/admin/accounts/${account.id}`;
    const fields = { ...ACCOUNT, id: account.id, name: account.name, environment: "dev" };
    const first = await act(alice, page, "updateAccountAction", {
      ...fields,
      description: "second",
      version: "1",
    });
    expect(first.state).toMatchObject({ ok: true, values: { version: "2" } });
    const stale = await act(alice, page, "updateAccountAction", {
      ...fields,
      description: "stale",
      version: "1",
    });
    expect(stale.state?.ok).toBe(false);
    expect(stale.state?.errors.form).toMatch(/changed by someone else.*reload/);
    expect(stale.state?.values.description).toBe("stale");
    expect(
      await stack.db.awsAccount.findUniqueOrThrow({ where: { id: account.id } }),
    ).toMatchObject({ description: "second", version: 2 });
    const [updated] = await auditOf(first.requestId);
    expect(parseDetails(updated!.detailsJson)).toMatchObject({
      before: { description: "first", version: 1 },
      after: { description: "second", version: 2 },
    });
  });
});

// ---- roles ------------------------------------------------------------------------------------

describe("roles", () => {
  it("a role without a pasted ARN gets arn:aws:iam::<account>:role/<name>, audited with its ARN", async () => {
    const account = await addAccount();
    const reply = await act(alice, `/admin/accounts/${account.id}/roles/new`, "createRoleAction", {
      ...ROLE,
      accountDbId: account.id,
      name: "Analyst",
      externalId: "gatehouse-ext-1",
    });
    expect(reply.redirect).toContain("notice=role-created");
    const role = await stack.db.role.findFirstOrThrow({ where: { awsAccountId: account.id } });
    expect(role.arn).toBe(`arn:aws:iam::${account.accountId}:role/Analyst`);
    const [event] = await auditOfLatest("admin.role.created");
    expect(event).toMatchObject({ action: "admin.role.created", roleArn: role.arn });
    const details = parseDetails(event!.detailsJson);
    expect(details).toMatchObject({ before: null, after: { name: "Analyst", arn: role.arn } });
    // The ExternalId is recorded as a fingerprint only.
    expect(event!.detailsJson).not.toContain("gatehouse-ext-1");
    expect((details.after as { externalId: string }).externalId).toMatch(/^sha256:[0-9a-f]{12}$/);
  });

  const invalid: Array<[string, (acct: string) => Partial<typeof ROLE>, string[]]> = [
    ["a name with a space", () => ({ name: "Read Only" }), ["name"]],
    ["a name of 65 characters", () => ({ name: "R".repeat(65) }), ["name"]],
    [
      "a pasted ARN in another account",
      () => ({ name: "Ops", arn: "arn:aws:iam::111111111111:role/Ops" }),
      ["arn"],
    ],
    [
      "a pasted ARN naming another role",
      (a) => ({ name: "Ops", arn: `arn:aws:iam::${a}:role/Admin` }),
      ["arn"],
    ],
    ["a pasted user ARN", (a) => ({ name: "Ops", arn: `arn:aws:iam::${a}:user/Ops` }), ["arn"]],
    [
      "a max session of 3599 s",
      () => ({ maxSessionDurationSeconds: "3599" }),
      ["maxSessionDurationSeconds"],
    ],
    [
      "a max session of 43201 s",
      () => ({ maxSessionDurationSeconds: "43201" }),
      ["maxSessionDurationSeconds"],
    ],
    [
      "a max session that is not a number",
      () => ({ maxSessionDurationSeconds: "1h" }),
      ["maxSessionDurationSeconds"],
    ],
    ["an unknown assume method", () => ({ assumeMethod: "magic" }), ["assumeMethod"]],
    [
      "a SAML role without a provider",
      () => ({ assumeMethod: "assume-role-with-saml" }),
      ["samlProviderArn"],
    ],
    [
      "a SAML provider in another account",
      () => ({
        assumeMethod: "assume-role-with-saml",
        samlProviderArn: "arn:aws:iam::111111111111:saml-provider/corp",
      }),
      ["samlProviderArn"],
    ],
    [
      "a SAML role with an ExternalId",
      (a) => ({
        assumeMethod: "assume-role-with-saml",
        samlProviderArn: `arn:aws:iam::${a}:saml-provider/corp`,
        externalId: "abc123",
      }),
      ["externalId"],
    ],
    ["an ExternalId of one character", () => ({ externalId: "x" }), ["externalId"]],
    ["an ExternalId with a space", () => ({ externalId: "ab cd" }), ["externalId"]],
  ];
  for (const [name, fieldsOf, errorFields] of invalid) {
    it(`refuses ${name}: errors on ${errorFields.join(", ")}, nothing written`, async () => {
      const account = await stack.db.awsAccount.findFirstOrThrow({
        where: { name: "acme-sandbox" },
      });
      const rolesBefore = await stack.db.role.count();
      const submitted = { ...ROLE, name: "Ops", ...fieldsOf(account.accountId) };
      const reply = await act(
        alice,
        `/admin/accounts/${account.id}/roles/new`,
        "createRoleAction",
        {
          ...submitted,
          accountDbId: account.id,
        },
      );
      expect(reply.state?.ok).toBe(false);
      expect(Object.keys(reply.state!.errors).sort()).toEqual([...errorFields].sort());
      expect(reply.state!.values).toMatchObject(submitted);
      expect(await stack.db.role.count()).toBe(rolesBefore);
    });
  }

  it("a role name the account already has is refused on the name field", async () => {
    const account = await stack.db.awsAccount.findFirstOrThrow({ where: { name: "acme-sandbox" } });
    const reply = await act(alice, `/admin/accounts/${account.id}/roles/new`, "createRoleAction", {
      ...ROLE,
      accountDbId: account.id,
      name: "Developer",
    });
    expect(reply.state?.errors.name).toMatch(/already has a role/);
  });

  // IAM role names are unique in an account ignoring case ("ReadOnly" and "readonly" are one role):
  // a second Gatehouse role for it would split its rules and could never be assumed by its ARN.
  it("a role name the account already has in another letter case is refused, on create and on rename", async () => {
    const account = await stack.db.awsAccount.findFirstOrThrow({ where: { name: "acme-sandbox" } });
    const rolesBefore = await stack.db.role.count();
    const created = await act(
      alice,
      `/admin/accounts/${account.id}/roles/new`,
      "createRoleAction",
      {
        ...ROLE,
        accountDbId: account.id,
        name: "DEVELOPER",
      },
    );
    expect(created.state?.ok).toBe(false);
    expect(created.state?.errors.name).toMatch(/already has a role named Developer/);
    expect(await stack.db.role.count()).toBe(rolesBefore);

    const own = await addAccount();
    const role = await addRole(own, { name: "ReadOnly" });
    await addRole(own, { name: "Auditor" });
    const page = `/admin/accounts/${own.id}/roles/${role.id}`;
    const renamed = await act(alice, page, "updateRoleAction", {
      ...ROLE,
      accountDbId: own.id,
      id: role.id,
      name: "auditor",
      version: "1",
    });
    expect(renamed.state?.errors.name).toMatch(/already has a role named Auditor/);
    // A case change of the role's own name is a rename, not a duplicate.
    const recased = await act(alice, page, "updateRoleAction", {
      ...ROLE,
      accountDbId: own.id,
      id: role.id,
      name: "Readonly",
      version: "1",
    });
    expect(recased.state).toMatchObject({ ok: true, values: { version: "2" } });
  });

  it("lowering a role's maximum below a rule's says the rule is capped", async () => {
    const account = await addAccount();
    const role = await addRole(account, { maxSessionDurationSeconds: "43200" });
    await addRule(role, { maxSessionDurationSeconds: "28800" });
    const reply = await act(
      alice,
      `/admin/accounts/${account.id}/roles/${role.id}`,
      "updateRoleAction",
      { ...ROLE, accountDbId: account.id, id: role.id, name: role.name, version: "1" },
    );
    expect(reply.state).toMatchObject({ ok: true });
    expect(reply.state!.warnings.join(" ")).toMatch(/1 rule allows longer.*capped at 3600/);
  });
});

// ---- a portal in GovCloud or China ---------------------------------------------------------------

/**
 * A replica of the stack's portal whose broker is in another partition (docs/AWS.md "Partitions"),
 * and alice's session on it: same database and cookies, the public origin the proxy expects.
 */
async function partitionReplica(region: string, partition: string) {
  const env = stack.portalEnv;
  const inPartition = (arn: string | undefined) => arn?.replace(/^arn:aws:/, `arn:${partition}:`);
  const replica = await startReplica(stack, {
    AWS_REGION: region,
    GATEHOUSE_DEFAULT_REGION: region,
    GATEHOUSE_STS_ENDPOINT: env.GATEHOUSE_STS_ENDPOINT!.replace(/^[^=]+=/, `${region}=`),
    ...Object.fromEntries(
      ["GATEHOUSE_DISCOVERY_ORGANIZATION_ROLE_ARN", "GATEHOUSE_BROKER_MFA_SERIAL"]
        .filter((name) => env[name])
        .map((name) => [name, inPartition(env[name])!]),
    ),
  });
  const session: PortalSession = {
    jar: alice.jar,
    request: (pathname, init = {}) =>
      fetch(`${replica.url}${pathname}`, {
        ...init,
        redirect: "manual",
        headers: {
          ...(init.headers as Record<string, string> | undefined),
          ...alice.jar.headersFor(replica.url),
          origin: stack.portalUrl,
          "x-forwarded-host": new URL(stack.portalUrl).host,
        },
      }),
  };
  return { replica, session };
}

// One partition other than the commercial one is enough here: the form and parseRole take the
// partition as a value (China's messages: tests/unit/partitions.test.ts).
describe("roles in a GovCloud portal", () => {
  const [region, partition] = ["us-gov-west-1", "aws-us-gov"];

  it("the role form and its errors name aws-us-gov ARNs, and a role without one gets a GovCloud ARN", async () => {
    const account = await addAccount({ accountId: `0${uniqueAccountId().slice(1)}` });
    const { replica, session } = await partitionReplica(region, partition);
    try {
      const html = await (await session.request(`/admin/accounts/${account.id}/roles/new`)).text();
      expect(html).toContain(`arn:${partition}:iam::${account.accountId}:role/`);
      expect(html).not.toContain("arn:aws:iam::");
      // Another partition's ARN is refused (docs/AWS.md "Partitions"): the form must not invite one.
      expect(html).not.toMatch(/another partition/);

      const submit = (fields: Partial<typeof ROLE>) =>
        act(session, `/admin/accounts/${account.id}/roles/new`, "createRoleAction", {
          ...ROLE,
          name: "Ops",
          ...fields,
          accountDbId: account.id,
        });
      const malformed = await submit({
        arn: `arn:${partition}:iam::${account.accountId}:Ops`,
        assumeMethod: "assume-role-with-saml",
        samlProviderArn: "corp-idp",
      });
      expect(malformed.state?.errors.arn).toContain(
        `expected arn:${partition}:iam::${account.accountId}:role/`,
      );
      expect(malformed.state?.errors.samlProviderArn).toContain(
        `arn:${partition}:iam::${account.accountId}:saml-provider/`,
      );
      const commercial = await submit({ arn: `arn:aws:iam::${account.accountId}:role/Ops` });
      expect(commercial.state?.errors.arn).toMatch(/AWS \(commercial\), but this portal's broker/);
      expect(await stack.db.role.count({ where: { awsAccountId: account.id } })).toBe(0);

      const created = await submit({});
      expect(created.redirect, JSON.stringify(created.state)).toContain("notice=role-created");
      const role = await stack.db.role.findFirstOrThrow({ where: { awsAccountId: account.id } });
      expect(role.arn).toBe(`arn:${partition}:iam::${account.accountId}:role/Ops`);
    } finally {
      await replica.stop();
    }
  });
});

// ---- rules ------------------------------------------------------------------------------------

describe("rules", () => {
  let role: { id: string; awsAccountId: string; arn: string };
  beforeAll(async () => {
    const account = await addAccount();
    role = await addRole(account, { maxSessionDurationSeconds: "7200" });
  });
  const newRulePage = () => `/admin/accounts/${role.awsAccountId}/roles/${role.id}/rules/new`;

  it("a group rule is written with admin.rule.created naming the role and what it grants", async () => {
    const reply = await act(alice, newRulePage(), "createRuleAction", {
      ...RULE,
      accountDbId: role.awsAccountId,
      roleId: role.id,
      groupName: "data-team",
      requireMfa: "on",
      sessionPolicy:
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}',
    });
    expect(reply.redirect).toContain("notice=rule-created");
    const rule = await stack.db.accessRule.findFirstOrThrow({
      where: { roleId: role.id, groupName: "data-team" },
    });
    expect(rule).toMatchObject({ requireMfa: true, createdBy: "alice@corp.example", version: 1 });
    const [event] = await auditOfLatest("admin.rule.created");
    expect(event).toMatchObject({ action: "admin.rule.created", roleArn: role.arn });
    expect(parseDetails(event!.detailsJson)).toMatchObject({
      rule: rule.id,
      grants: "group data-team",
      before: null,
      after: { groupName: "data-team", requireMfa: true, allowConsole: true, allowCli: true },
    });
  });

  it("a by-request rule is stored eligible, with its approvers resolved and audited", async () => {
    const reply = await act(alice, newRulePage(), "createRuleAction", {
      ...RULE,
      accountDbId: role.awsAccountId,
      roleId: role.id,
      groupName: "analysts",
      access: "eligible",
      approvers: "data-leads, alice@corp.example",
      approvalsRequired: "2",
      maxElevationSeconds: "14400",
      requireReason: "on",
      requireTicket: "on",
      breakGlass: "on",
      webhookUrl: "https://hooks.example/data",
    });
    expect(reply.redirect).toContain("notice=rule-created");
    const rule = await stack.db.accessRule.findFirstOrThrow({
      where: { roleId: role.id, groupName: "analysts" },
    });
    const alicePerson = await stack.db.user.findFirstOrThrow({
      where: { email: "alice@corp.example" },
    });
    expect(rule).toMatchObject({
      kind: "eligible",
      approvalsRequired: 2,
      maxElevationSeconds: 14400,
      requireReason: true,
      requireTicket: true,
      requireMfaToRequest: false,
      breakGlass: true,
      webhookUrl: "https://hooks.example/data",
    });
    expect(JSON.parse(rule.approversJson)).toEqual([
      { group: "data-leads", issuer: null },
      { personId: alicePerson.personId, email: "alice@corp.example" },
    ]);
    const [event] = await auditOfLatest("admin.rule.created");
    expect(parseDetails(event!.detailsJson)).toMatchObject({
      after: { access: "eligible", approvers: ["data-leads", "alice@corp.example"] },
    });
  });

  it("a user rule names a known user by email", async () => {
    const rule = await addRule(role, { subjectKind: "user", userEmail: "Carol@corp.example" });
    const carol = await stack.db.user.findFirstOrThrow({ where: { email: "carol@corp.example" } });
    // A user rule names the person (whichever of their identities signs in).
    expect(rule).toMatchObject({ personId: carol.personId, groupName: null });
  });

  it("a rule names a person only by an email their IdP verified, in any letter case", async () => {
    // erin's identity carries an email its IdP did not vouch for (anyone could have typed it).
    const typed = await createTypedEmailIdentity(stack, "Erin.Typed@Corp.example");
    const { user: erin } = typed;
    const submit = (fields: Partial<typeof RULE>) =>
      act(alice, newRulePage(), "createRuleAction", {
        ...RULE,
        ...fields,
        accountDbId: role.awsAccountId,
        roleId: role.id,
      });
    try {
      const asUser = await submit({ subjectKind: "user", userEmail: "erin.typed@corp.example" });
      expect(asUser.state?.errors.userEmail).toContain("did not verify");
      const asApprover = await submit({
        access: "eligible",
        approvers: "erin.typed@corp.example",
      });
      expect(asApprover.state?.errors.approvers).toContain("did not verify");
      expect(await stack.db.accessRule.count({ where: { personId: erin.personId } })).toBe(0);

      // Once the IdP vouches for it, the same email in another letter case names erin.
      await stack.db.user.update({ where: { id: erin.id }, data: { emailVerified: true } });
      const rule = await addRule(role, {
        subjectKind: "user",
        userEmail: "erin.typed@corp.example",
      });
      expect(rule.personId).toBe(erin.personId);
      await stack.db.accessRule.delete({ where: { id: rule.id } });
    } finally {
      await typed.remove();
    }
  });

  const past = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
  const invalid: Array<[string, Partial<typeof RULE>, string[]]> = [
    ["neither console nor CLI", { allowConsole: "", allowCli: "" }, ["outputs"]],
    ["an expiry in the past", { expiresAt: past }, ["expiresAt"]],
    ["an expiry that is no date", { expiresAt: "next tuesday" }, ["expiresAt"]],
    ["an expiry on 31 February", { expiresAt: "2031-02-31T10:00" }, ["expiresAt"]],
    ["a session of 899 s", { maxSessionDurationSeconds: "899" }, ["maxSessionDurationSeconds"]],
    ["a session of 43201 s", { maxSessionDurationSeconds: "43201" }, ["maxSessionDurationSeconds"]],
    ["a session policy that is not JSON", { sessionPolicy: "{not json" }, ["sessionPolicy"]],
    [
      "a session policy with a Principal",
      {
        sessionPolicy:
          '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}',
      },
      ["sessionPolicy"],
    ],
    ["an empty group", { groupName: "" }, ["groupName"]],
    [
      "a user nobody knows",
      { subjectKind: "user", userEmail: "nobody@corp.example" },
      ["userEmail"],
    ],
    ["a user that is no email", { subjectKind: "user", userEmail: "carol" }, ["userEmail"]],
    ["a subject kind that is neither", { subjectKind: "robot" }, ["subjectKind"]],
    ["a by-request rule with no approvers", { access: "eligible", approvers: "" }, ["approvers"]],
    [
      "a by-request rule needing 9 approvals",
      { access: "eligible", approvers: "leads", approvalsRequired: "9" },
      ["approvalsRequired"],
    ],
    [
      "a by-request rule longer than 24 h",
      { access: "eligible", approvers: "leads", maxElevationSeconds: "86401" },
      ["maxElevationSeconds"],
    ],
    [
      "a by-request rule whose only approver is its own user",
      {
        access: "eligible",
        subjectKind: "user",
        userEmail: "carol@corp.example",
        approvers: "carol@corp.example",
      },
      ["approvers"],
    ],
    [
      "a by-request rule needing more approvals than the people it names (no group)",
      { access: "eligible", approvers: "carol@corp.example", approvalsRequired: "2" },
      ["approvalsRequired"],
    ],
    [
      "a by-request rule needing more approvals than the people it names, besides its user",
      {
        access: "eligible",
        subjectKind: "user",
        userEmail: "carol@corp.example",
        approvers: "carol@corp.example, alice@corp.example",
        approvalsRequired: "2",
      },
      ["approvalsRequired"],
    ],
    [
      "a by-request rule approved by someone unknown",
      { access: "eligible", approvers: "nobody@corp.example" },
      ["approvers"],
    ],
    [
      "a by-request webhook that is not http(s)",
      { access: "eligible", approvers: "leads", webhookUrl: "ftp://hooks.example/x" },
      ["webhookUrl"],
    ],
    [
      "several bad fields at once (all reported)",
      { allowConsole: "", allowCli: "", expiresAt: past, groupName: "" },
      ["outputs", "expiresAt", "groupName"],
    ],
  ];
  for (const [name, fields, errorFields] of invalid) {
    it(`refuses ${name}: errors on ${errorFields.join(", ")}, values kept, nothing written`, async () => {
      const rulesBefore = await stack.db.accessRule.count();
      const submitted = { ...RULE, ...fields };
      const reply = await act(alice, newRulePage(), "createRuleAction", {
        ...submitted,
        accountDbId: role.awsAccountId,
        roleId: role.id,
      });
      expect(reply.redirect).toBeNull();
      expect(reply.state?.ok).toBe(false);
      expect(Object.keys(reply.state!.errors).sort()).toEqual([...errorFields].sort());
      expect(reply.state!.values).toMatchObject(submitted);
      expect(await stack.db.accessRule.count()).toBe(rulesBefore);
    });
  }

  it("a rule longer than the role's maximum is saved with a warning that it is capped", async () => {
    const rule = await addRule(role, { groupName: "long-sessions" });
    const reply = await act(
      alice,
      `/admin/accounts/${role.awsAccountId}/roles/${role.id}/rules/${rule.id}`,
      "updateRuleAction",
      {
        ...RULE,
        accountDbId: role.awsAccountId,
        roleId: role.id,
        id: rule.id,
        version: "1",
        groupName: "long-sessions",
        maxSessionDurationSeconds: "14400",
      },
    );
    expect(reply.state).toMatchObject({ ok: true, values: { version: "2" } });
    expect(reply.state!.warnings.join(" ")).toMatch(/14400 s.*maximum is 7200 s.*capped/);
  });

  it("of two concurrent edits of one rule from the same version, exactly one wins and the other is told", async () => {
    const rule = await addRule(role, { groupName: "race" });
    const edit = (description: string) =>
      act(
        alice,
        `/admin/accounts/${role.awsAccountId}/roles/${role.id}/rules/${rule.id}`,
        "updateRuleAction",
        {
          ...RULE,
          accountDbId: role.awsAccountId,
          roleId: role.id,
          id: rule.id,
          version: "1",
          groupName: "race",
          description,
        },
      );
    const replies = await Promise.all([edit("from tab A"), edit("from tab B")]);
    const winners = replies.filter((r) => r.state?.ok);
    const losers = replies.filter((r) => r.state && !r.state.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]!.state!.errors.form).toMatch(
      /This rule was changed by someone else since you opened it; reload to see their change/,
    );
    const stored = await stack.db.accessRule.findUniqueOrThrow({ where: { id: rule.id } });
    expect(stored.version).toBe(2);
    expect(stored.description).toBe(winners[0]!.state!.values.description);
    const updates = await stack.db.auditEvent.findMany({
      where: { action: "admin.rule.updated", detailsJson: { contains: rule.id } },
    });
    expect(updates).toHaveLength(1);
  });

  it("deleting a rule from a stale version is refused; from the current one it is gone and audited", async () => {
    const rule = await addRule(role, { groupName: "short-lived" });
    const page = `/admin/accounts/${role.awsAccountId}/roles/${role.id}/rules/${rule.id}`;
    const ids = { accountDbId: role.awsAccountId, roleId: role.id, id: rule.id };
    const stale = await act(alice, page, "deleteRuleAction", { ...ids, version: "7" });
    expect(stale.state?.errors.form).toMatch(/changed by someone else/);
    expect(await stack.db.accessRule.count({ where: { id: rule.id } })).toBe(1);
    const done = await act(alice, page, "deleteRuleAction", { ...ids, version: "1" });
    expect(done.redirect).toContain("notice=rule-deleted");
    expect(await stack.db.accessRule.count({ where: { id: rule.id } })).toBe(0);
    const [event] = await auditOfLatest("admin.rule.deleted");
    expect(event).toMatchObject({ action: "admin.rule.deleted", roleArn: role.arn });
    expect(parseDetails(event!.detailsJson)).toMatchObject({
      before: { groupName: "short-lived" },
      after: null,
    });
  });

  it("a by-request rule's webhook URL is a secret: its audit events say where it points and that it changed, never the URL", async () => {
    // A Slack incoming-webhook URL is a bearer credential: whoever reads it can post as Gatehouse.
    const first = "https://hooks.slack.example/services/T0SECRET/B0SECRET/XFIRSTSECRETX";
    const second = "https://hooks.slack.example/services/T0SECRET/B0SECRET/XSECONDSECRETX";
    const eligible = { access: "eligible", approvers: "data-leads", groupName: "webhooked" };
    const rule = await addRule(role, { ...eligible, webhookUrl: first });
    const page = `/admin/accounts/${role.awsAccountId}/roles/${role.id}/rules/${rule.id}`;
    const ids = { accountDbId: role.awsAccountId, roleId: role.id, id: rule.id };
    const edited = await act(alice, page, "updateRuleAction", {
      ...RULE,
      ...eligible,
      ...ids,
      version: "1",
      webhookUrl: second,
    });
    expect(edited.state, JSON.stringify(edited.state)).toMatchObject({ ok: true });
    const deleted = await act(alice, page, "deleteRuleAction", { ...ids, version: "2" });
    expect(deleted.redirect).toContain("notice=rule-deleted");

    const events = await stack.db.auditEvent.findMany({
      where: { action: { startsWith: "admin.rule." }, detailsJson: { contains: rule.id } },
      orderBy: { sequence: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual([
      "admin.rule.created",
      "admin.rule.updated",
      "admin.rule.deleted",
    ]);
    for (const event of events)
      for (const secret of ["T0SECRET", "B0SECRET", "XFIRSTSECRETX", "XSECONDSECRETX"])
        expect(event.detailsJson.includes(secret), `${event.action} records ${secret}`).toBe(false);
    const updated = parseDetails(events[1]!.detailsJson) as {
      before: { webhookUrl: string };
      after: { webhookUrl: string };
    };
    expect(updated.before.webhookUrl).toMatch(/^https:\/\/hooks\.slack\.example\/services\/… /);
    expect(updated.after.webhookUrl).not.toBe(updated.before.webhookUrl);
  });
});

// ---- the audit record and the change are one transaction -------------------------------------

describe("a failing audit write rolls the change back", () => {
  afterEach(() => allowAuditActions(stack));

  it("creating a rule: no rule, and the form says the audit log could not record it", async () => {
    const account = await addAccount();
    const role = await addRole(account);
    await refuseAuditActions(stack, ["admin.rule.created"]);
    const reply = await act(
      alice,
      `/admin/accounts/${account.id}/roles/${role.id}/rules/new`,
      "createRuleAction",
      { ...RULE, accountDbId: account.id, roleId: role.id },
    );
    expect(reply.redirect).toBeNull();
    expect(reply.state?.errors.form).toMatch(/audit log could not record this change/);
    expect(await stack.db.accessRule.count({ where: { roleId: role.id } })).toBe(0);
  });

  it("deleting an account: the account, its roles and rules are all still there", async () => {
    const account = await addAccount();
    const role = await addRole(account);
    await addRule(role, {});
    await refuseAuditActions(stack, ["admin.account.deleted"]);
    const reply = await act(alice, `/admin/accounts/${account.id}/delete`, "deleteAccountAction", {
      id: account.id,
      version: "1",
      confirmation: account.accountId,
    });
    expect(reply.state?.errors.form).toMatch(/audit log could not record this change/);
    expect(await stack.db.awsAccount.count({ where: { id: account.id } })).toBe(1);
    expect(await stack.db.role.count({ where: { awsAccountId: account.id } })).toBe(1);
    expect(await stack.db.accessRule.count({ where: { roleId: role.id } })).toBe(1);
  });
});

// ---- deletes ----------------------------------------------------------------------------------

describe("deletes need confirmation and say what went with them", () => {
  it("a role: the wrong confirmation deletes nothing; its name deletes it and its rules in one audited event", async () => {
    const account = await addAccount();
    const role = await addRole(account, { name: "Doomed" });
    const a = await addRule(role, { groupName: "g-one" });
    const b = await addRule(role, { subjectKind: "user", userEmail: "bob@corp.example" });
    const page = `/admin/accounts/${account.id}/roles/${role.id}/delete`;
    const ids = { accountDbId: account.id, id: role.id, version: "1" };

    const wrong = await act(alice, page, "deleteRoleAction", { ...ids, confirmation: "doomed" });
    expect(wrong.state?.errors.confirmation).toMatch(/Type the role name Doomed/);
    expect(await stack.db.role.count({ where: { id: role.id } })).toBe(1);

    const done = await act(alice, page, "deleteRoleAction", { ...ids, confirmation: "Doomed" });
    expect(done.redirect).toContain(`/admin/accounts/${account.id}?notice=role-deleted`);
    expect(await stack.db.role.count({ where: { id: role.id } })).toBe(0);
    expect(await stack.db.accessRule.count({ where: { id: { in: [a.id, b.id] } } })).toBe(0);
    const [event, ...more] = await auditOfLatest("admin.role.deleted");
    expect(more).toEqual([]);
    expect(event).toMatchObject({ action: "admin.role.deleted", roleArn: role.arn });
    const details = parseDetails(event!.detailsJson) as {
      removed: { rules: number; accessRequests: unknown };
      before: { rules: Array<{ id: string; subject: string }> };
      after: null;
    };
    expect(details.removed).toEqual({
      rules: 2,
      accessRequests: { total: 0, pending: 0, approved: 0 },
    });
    expect(details.before.rules.map((r) => r.subject)).toEqual([
      "group g-one",
      "user bob@corp.example",
    ]);
    expect(details.after).toBeNull();
  });

  it("an account: the review page lists its roles and rules; the typed account id deletes all of it", async () => {
    const account = await addAccount({ name: "to-be-removed" });
    const role = await addRole(account, { name: "Reviewer" });
    await addRule(role, { groupName: "auditors" });
    const review = await alice.request(`/admin/accounts/${account.id}/delete`);
    const html = await review.text();
    expect(review.status).toBe(200);
    expect(html).toContain("Reviewer");
    expect(html).toContain("group auditors");

    const page = `/admin/accounts/${account.id}/delete`;
    const wrong = await act(alice, page, "deleteAccountAction", {
      id: account.id,
      version: "1",
      confirmation: "to-be-removed",
    });
    expect(wrong.state?.errors.confirmation).toMatch(/Type the account id/);
    expect(await stack.db.awsAccount.count({ where: { id: account.id } })).toBe(1);

    const done = await act(alice, page, "deleteAccountAction", {
      id: account.id,
      version: "1",
      confirmation: account.accountId,
    });
    expect(done.redirect).toContain("/admin/accounts?notice=account-deleted");
    expect(await stack.db.awsAccount.count({ where: { id: account.id } })).toBe(0);
    expect(await stack.db.role.count({ where: { id: role.id } })).toBe(0);
    expect(await stack.db.accessRule.count({ where: { roleId: role.id } })).toBe(0);
    const [event] = await auditOfLatest("admin.account.deleted");
    expect(event).toMatchObject({
      action: "admin.account.deleted",
      awsAccountId: account.accountId,
    });
    expect(parseDetails(event!.detailsJson)).toMatchObject({
      removed: { roles: 1, rules: 1 },
      before: { roles: [{ name: "Reviewer", rules: [{ subject: "group auditors" }] }] },
      after: null,
    });
  });
});

// ---- expiry between listing and issuance -------------------------------------------------------

describe("time-bound access", () => {
  it("a rule that expires after the accounts page listed the role refuses the issuance that follows", async () => {
    const carol = await signIn(stack, "carol");
    const role = await stack.db.role.findFirstOrThrow({
      where: { name: "Developer", awsAccount: { name: "acme-staging" } },
    });
    // An hour ahead: the portal's clock is then moved past it instead of waiting.
    const expiresAt = new Date(Date.now() + 3600_000);
    const reply = await act(
      alice,
      `/admin/accounts/${role.awsAccountId}/roles/${role.id}/rules/new`,
      "createRuleAction",
      {
        ...RULE,
        accountDbId: role.awsAccountId,
        roleId: role.id,
        subjectKind: "user",
        userEmail: "carol@corp.example",
        expiresAt: expiresAt.toISOString(),
      },
    );
    expect(reply.redirect).toContain("notice=rule-created");

    const listing = await (await carol.request("/accounts")).text();
    expect(Date.now(), "the listing came before the rule expired").toBeLessThan(
      expiresAt.getTime(),
    );
    expect(listing).toContain("acme-staging");
    expect(listing).toContain(role.id);

    stack.portalClock.advance(expiresAt.getTime() - Date.now() + 1_000);
    try {
      const res = await carol.request(`/api/roles/${role.id}/credentials`, {
        method: "POST",
        json: { region: "eu-west-1" },
      });
      await expectApiError(res, 404, "not_found");
      const listingAfter = await (await carol.request("/accounts")).text();
      expect(listingAfter).not.toContain(role.id);

      // The rule is still there, shown to admins as expired.
      const rolePage = await (
        await alice.request(`/admin/accounts/${role.awsAccountId}/roles/${role.id}`)
      ).text();
      expect(rolePage).toContain("user carol@corp.example");
      expect(rolePage).toContain("expired");
    } finally {
      stack.portalClock.reset();
    }
  });
});
