// Deleting a role or an account deletes its access requests with it (the schema cascades): pending
// requests vanish unanswered and approved elevations end. The delete review says how many before
// anything goes, and the audit event counts what went, counted in the deleting transaction, so a
// request filed after the review was shown is counted too. Through the built portal's real pages
// and server actions; SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDetails, storedUser } from "../support/portal-assertions";
import { signIn, type PortalSession } from "../support/portal-client";
import { act } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;
let carol: PortalSession;

const HOUR = 3600_000;

beforeAll(async () => {
  stack = await startTestStack();
  [alice, carol] = await Promise.all([signIn(stack, "alice"), signIn(stack, "carol")]);
});
afterAll(async () => {
  await stack?.stop();
});

let counter = 0;
async function addAccountWithRoles(...roleNames: string[]) {
  counter += 1;
  const accountId = `6${String(Date.now() % 1e9).padStart(9, "0")}${String(counter).padStart(2, "0")}`;
  return stack.db.awsAccount.create({
    data: {
      accountId,
      name: `doomed-${accountId}`,
      environment: "dev",
      roles: {
        create: roleNames.map((name) => ({
          name,
          arn: `arn:aws:iam::${accountId}:role/${name}`,
        })),
      },
    },
    include: { roles: { orderBy: { name: "asc" } } },
  });
}

/** A request of bob's on `roleId` in `state` (approved ones still running or ended an hour ago). */
async function bobsRequest(roleId: string, state: "pending" | "approved" | "ended" | "denied") {
  const bob = await storedUser(stack, "bob");
  const now = Date.now();
  await stack.db.accessRequest.create({
    data: {
      roleId,
      personId: bob.personId,
      requesterUserId: bob.id,
      requesterEmail: "bob@corp.example",
      reason: "fixture",
      durationSeconds: 3600,
      startsAt: new Date(now - 2 * HOUR),
      decideBy: new Date(now + HOUR),
      state: state === "ended" ? "approved" : state,
      ...(state === "approved" ? { approvedAt: new Date(now), endsAt: new Date(now + HOUR) } : {}),
      ...(state === "ended" ? { approvedAt: new Date(now), endsAt: new Date(now - HOUR) } : {}),
    },
  });
}

/** carol files a request on `roleId` through the API, as a person would (an eligible rule first). */
async function carolFiles(roleId: string) {
  const carolUser = await storedUser(stack, "carol");
  await stack.db.accessRule.create({
    data: {
      roleId,
      personId: carolUser.personId,
      kind: "eligible",
      approversJson: JSON.stringify([{ group: "developers" }]),
      maxElevationSeconds: 3600,
      maxSessionDurationSeconds: 3600,
    },
  });
  const res = await carol.request("/api/access-requests", {
    method: "POST",
    json: { roleId, durationSeconds: 3600, reason: "on call" },
  });
  expect(res.status, await res.text()).toBe(201);
}

async function page(path: string): Promise<string> {
  const res = await alice.request(path);
  expect(res.status).toBe(200);
  return res.text();
}

const EMPTY_STATE = { ok: false, message: null, warnings: [], errors: {}, values: {} };

async function deleteVia(name: string, path: string, fields: Record<string, string>) {
  const reply = await act(alice, {
    name,
    page: () => path,
    fields: () => fields,
    state: EMPTY_STATE,
  });
  expect(reply.redirect, reply.text.slice(0, 500)).toContain("notice=");
}

async function latestDetails(action: string) {
  const event = await stack.db.auditEvent.findFirstOrThrow({
    where: { action },
    orderBy: { sequence: "desc" },
  });
  return parseDetails(event.detailsJson) as {
    removed: Record<string, unknown>;
    before: { roles?: Array<{ name: string; accessRequests: unknown }> };
  };
}

describe("deleting a role names and counts the access requests deleted with it", () => {
  it("the review states the counts; the audit event counts them, a request filed after the review included", async () => {
    const account = await addAccountWithRoles("Oncall");
    const role = account.roles[0]!;
    for (const state of ["pending", "approved", "ended", "denied"] as const)
      await bobsRequest(role.id, state);
    const path = `/admin/accounts/${account.id}/roles/${role.id}/delete`;

    const review = await page(path);
    expect(review).toContain(
      "This also deletes 4 access requests (1 pending, never to be answered; 1 approved elevation not yet ended, which ends now) and the approvals on them.",
    );
    expect(await page(`/admin/accounts/${account.id}/roles/${role.id}`)).toContain(
      "This also deletes 4 access requests",
    );

    await carolFiles(role.id);
    await deleteVia("deleteRoleAction", path, {
      accountDbId: account.id,
      id: role.id,
      version: String(role.version),
      confirmation: role.name,
    });

    expect(await stack.db.accessRequest.count({ where: { roleId: role.id } })).toBe(0);
    const details = await latestDetails("admin.role.deleted");
    expect(details.removed).toEqual({
      rules: 1,
      accessRequests: { total: 5, pending: 2, approved: 1 },
    });
  });

  it("a role without requests: the review says nothing of them and the event counts none", async () => {
    const account = await addAccountWithRoles("Quiet");
    const role = account.roles[0]!;
    const path = `/admin/accounts/${account.id}/roles/${role.id}/delete`;
    const review = await page(path);
    expect(review).toContain('data-testid="delete-review"');
    expect(review).not.toContain('data-testid="delete-takes-requests"');

    await deleteVia("deleteRoleAction", path, {
      accountDbId: account.id,
      id: role.id,
      version: String(role.version),
      confirmation: role.name,
    });
    expect((await latestDetails("admin.role.deleted")).removed).toEqual({
      rules: 0,
      accessRequests: { total: 0, pending: 0, approved: 0 },
    });
  });
});

describe("deleting an account names and counts the access requests its roles take", () => {
  it("the review states the total and each role's; the audit event counts them, a request filed after the review included", async () => {
    const account = await addAccountWithRoles("Admin", "Reader", "Unused");
    const [admin, reader] = account.roles;
    await bobsRequest(admin!.id, "approved");
    await bobsRequest(admin!.id, "denied");
    await bobsRequest(reader!.id, "pending");
    const path = `/admin/accounts/${account.id}/delete`;

    const review = await page(path);
    expect(review).toContain(
      "This also deletes 3 access requests (1 pending, never to be answered; 1 approved elevation not yet ended, which ends now) and the approvals on them.",
    );
    expect(review).toContain("2 access requests: 1 approved, not yet ended");
    expect(review).toContain("1 access request: 1 pending");
    expect(await page(`/admin/accounts/${account.id}`)).toContain(
      "This also deletes 3 access requests",
    );

    await carolFiles(reader!.id);
    await deleteVia("deleteAccountAction", path, {
      id: account.id,
      version: String(account.version),
      confirmation: account.accountId,
    });

    expect(
      await stack.db.accessRequest.count({ where: { roleId: { in: [admin!.id, reader!.id] } } }),
    ).toBe(0);
    const details = await latestDetails("admin.account.deleted");
    expect(details.removed).toEqual({
      roles: 3,
      rules: 1,
      accessRequests: { total: 4, pending: 2, approved: 1 },
    });
    expect(details.before.roles?.map((r) => [r.name, r.accessRequests])).toEqual([
      ["Admin", { total: 2, pending: 0, approved: 1 }],
      ["Reader", { total: 2, pending: 2, approved: 0 }],
      ["Unused", { total: 0, pending: 0, approved: 0 }],
    ]);
  });
});
