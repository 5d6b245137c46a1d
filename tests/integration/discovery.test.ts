// Account and role discovery end to end, over HTTP against the built portal and the AWS stand-in's
// Organizations and IAM (docs/DISCOVERY.md): the diff for each change kind against the demo
// organization, applying exactly the subset chosen, a vanished role or a suspended account
// refusing issuance at once (no STS call), a role whose trust no longer names the broker flagged,
// audit events for every run and apply, and the "not allowed" suite for the new routes and page.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoBroker, demoUndiscoveredAccounts } from "@/dev/demo-world";
import { createStsBroker } from "@/lib/aws/sts-broker";
import { loadConfig } from "@/lib/config/load-config";
import { syncOnce } from "@/lib/discovery/worker";
import { CookieJar } from "../support/cookie-jar";
import { allChanges, applyDiscovery, finishedRun, startDiscovery } from "../support/discovery";
import { expectApiError, withoutAwsCalls } from "../support/portal-assertions";
import { sessionFor, signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";
import { ROOT } from "@/dev/local-stack";
import { operatorCommand } from "@/tests/support/operator-command";

let stack: TestStack;
let alice: PortalSession;
let bob: PortalSession;
let dave: PortalSession;
let anonymous: PortalSession;

const [dataPlatform, qa, mlSandbox] = demoUndiscoveredAccounts;
const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

beforeAll(async () => {
  // Throttled calls are retried at once (the backoff's own timing is a unit rule), 4 tries each.
  stack = await startTestStack({
    extraEnv: { GATEHOUSE_DISCOVERY_BACKOFF_BASE_MS: "0", GATEHOUSE_DISCOVERY_MAX_ATTEMPTS: "4" },
  });
  [alice, bob, dave] = await Promise.all([
    signIn(stack, "alice"),
    signIn(stack, "bob"),
    signIn(stack, "dave"),
  ]);
  anonymous = sessionFor(stack, new CookieJar());
});
afterAll(async () => {
  await stack?.stop();
});

async function auditActions(runId: string): Promise<string[]> {
  const rows = await stack.db.auditEvent.findMany({
    where: { action: { startsWith: "discovery." } },
    orderBy: { sequence: "asc" },
    select: { action: true, detailsJson: true },
  });
  return rows.filter((r) => r.detailsJson.includes(runId)).map((r) => r.action);
}

/** A developers rule on a role, as an admin would add it. */
async function grantDevelopers(arn: string) {
  const role = await stack.db.role.findUniqueOrThrow({ where: { arn } });
  await stack.db.accessRule.create({
    data: {
      roleId: role.id,
      groupName: "developers",
      maxSessionDurationSeconds: 3600,
      allowConsole: true,
      allowCli: true,
      createdBy: "test",
      updatedBy: "test",
    },
  });
  return role.id;
}

function issueCli(roleId: string) {
  return bob.request(`/api/roles/${roleId}/credentials`, { method: "POST" });
}

describe("discovery of the demo organization", () => {
  let runId: string;

  it("a run proposes the accounts Gatehouse doesn't know, with the roles the portal can assume, and audits itself", async () => {
    runId = await startDiscovery(alice);
    const run = await finishedRun(alice, runId);
    expect(run.status, run.error).toBe("complete");
    expect(run.retries).toBe(0);
    const changes = await allChanges(alice, runId);
    const newAccounts = changes.filter((c) => c.kind === "account-new");
    for (const account of [dataPlatform!, qa!, mlSandbox!]) {
      const change = newAccounts.find((c) => c.key === `account-new:${account.id}`);
      expect(change, account.id).toBeDefined();
      if (change?.kind !== "account-new") continue;
      expect(change.name).toBe(account.name);
      const offered = account.roles
        .filter((r) => r.trustsBroker)
        .map((r) => r.name)
        .sort();
      expect(change.roles.map((r) => r.name).sort()).toEqual(offered);
      for (const role of change.roles) expect(role.trust.kind).toBe("broker");
    }
    // The demo accounts the seed entered are in the organization already: nothing to change there
    // but linking them to it (their OU path), and none of their roles is new or gone.
    expect(changes.filter((c) => c.kind === "role-gone")).toEqual([]);
    expect(changes.filter((c) => c.kind === "role-new")).toEqual([]);
    expect(await auditActions(runId)).toEqual(["discovery.started", "discovery.completed"]);
  });

  it("applying a subset applies exactly that subset, audited", async () => {
    const keys = [`account-new:${dataPlatform!.id}`, `account-new:${qa!.id}`];
    const result = await applyDiscovery(alice, runId, { keys });
    expect(result).toEqual({ applied: keys, skipped: [] });
    const stored = await stack.db.awsAccount.findMany({
      where: { accountId: { in: demoUndiscoveredAccounts.map((a) => a.id) } },
      include: { roles: true },
    });
    expect(stored.map((a) => a.accountId).sort()).toEqual([dataPlatform!.id, qa!.id].sort());
    const qaRoles = stored.find((a) => a.accountId === qa!.id)!.roles;
    expect(qaRoles.map((r) => r.name)).toEqual(["Tester"]); // CiDeploy doesn't trust the portal
    expect(qaRoles[0]).toMatchObject({ assumeMethod: "assume-role", trustStatus: "broker" });
    const run = await finishedRun(alice, runId, `kind=account-new&q=${mlSandbox!.id}`);
    expect(run.changes).toHaveLength(1);
    expect(run.changes[0]?.applied).toBeNull();
    expect(run.counts["account-new"].applied).toBe(2);
    const listed = (await (await alice.request("/api/admin/discovery")).json()) as {
      runs: Array<{ id: string; changes: { total: number; pending: number } | null }>;
    };
    const summary = listed.runs.find((r) => r.id === runId)?.changes;
    expect(summary?.total).toBeGreaterThanOrEqual(3);
    expect(summary && summary.total - summary.pending).toBe(2);
    expect(await auditActions(runId)).toEqual([
      "discovery.started",
      "discovery.completed",
      "discovery.applied",
    ]);
  });

  it("applying the same change again does nothing; a key the run doesn't have is refused", async () => {
    expect(await applyDiscovery(alice, runId, { keys: [`account-new:${qa!.id}`] })).toEqual({
      applied: [],
      skipped: [],
    });
    const res = await alice.request(`/api/admin/discovery/${runId}/apply`, {
      method: "POST",
      json: { keys: ["account-new:000000000000"] },
    });
    const body = await expectApiError(res, 400, "validation_error");
    expect(body.error.message).toContain("account-new:000000000000");
  });

  it("a role that disappears from AWS stops granting at once: refused with no STS call, its rule kept", async () => {
    const arn = roleArn(dataPlatform!.id, "DataEngineer");
    const roleId = await grantDevelopers(arn);
    const before = await issueCli(roleId);
    expect(before.status, await before.clone().text()).toBe(200);

    expect(stack.aws.removeRole(arn)).toBe(true);
    stack.aws.resetCalls();
    const gone = await finishedRun(alice, await startDiscovery(alice));
    // Missing from ListRoles, then confirmed with GetRole before it may be called gone.
    expect(
      stack.aws
        .serviceCalls()
        .filter((c) => c.action === "GetRole")
        .map((c) => c.errorCode),
    ).toEqual(["NoSuchEntity"]);
    const change = gone.changes.find((c) => c.key === `role-gone:${arn}`);
    expect(change).toMatchObject({ kind: "role-gone", ruleCount: 1 });
    await applyDiscovery(alice, gone.id, { keys: [`role-gone:${arn}`] });

    const refused = await withoutAwsCalls(stack, () => issueCli(roleId));
    await expectApiError(refused, 404, "not_found");
    expect(await stack.db.accessRule.count({ where: { roleId } })).toBe(1);
    const role = await stack.db.role.findUniqueOrThrow({ where: { id: roleId } });
    expect(role.missingSince).not.toBeNull();
  });

  it("renamed and suspended accounts, and a role whose trust no longer names the broker, are each one change", async () => {
    stack.aws.updateOrganizationMember(qa!.id, { name: "acme-qa-renamed" });
    stack.aws.updateOrganizationMember(dataPlatform!.id, { status: "SUSPENDED" });
    stack.aws.putRole(qa!.id, {
      name: "Tester",
      description: "Run test suites against the QA environment",
      maxSessionDurationSeconds: 7200,
      trustedPrincipalArns: ["arn:aws:iam::999999999999:root"],
      allowsSourceIdentity: true,
      allowsTagSession: true,
    });
    const run = await finishedRun(alice, await startDiscovery(alice));
    const byKey = new Map(run.changes.map((c) => [c.key, c]));
    expect(byKey.get(`account-renamed:${qa!.id}`)).toMatchObject({
      from: "acme-qa",
      to: "acme-qa-renamed",
    });
    expect(byKey.get(`account-status:${dataPlatform!.id}`)).toMatchObject({
      from: "ACTIVE",
      to: "SUSPENDED",
      ruleCount: 1,
    });
    const untrusted = byKey.get(`role-changed:${roleArn(qa!.id, "Tester")}`);
    expect(untrusted).toMatchObject({ kind: "role-changed", trust: { kind: "untrusted" } });

    const result = await applyDiscovery(alice, run.id, {
      kinds: ["account-renamed", "role-changed"],
    });
    // The demo's LegacyOps never trusted the broker (the role "Check a role" is shown with): the
    // first run that reads it flags it the same way.
    expect(result.applied.sort()).toEqual(
      [
        `account-renamed:${qa!.id}`,
        `role-changed:${roleArn("567890123456", "LegacyOps")}`,
        `role-changed:${roleArn(qa!.id, "Tester")}`,
      ].sort(),
    );
    expect(
      (await stack.db.awsAccount.findUniqueOrThrow({ where: { accountId: qa!.id } })).name,
    ).toBe("acme-qa-renamed");
    expect(
      (await stack.db.role.findUniqueOrThrow({ where: { arn: roleArn(qa!.id, "Tester") } }))
        .trustStatus,
    ).toBe("untrusted");
  });

  it("a role of a suspended account grants nothing once the status is applied", async () => {
    const arn = roleArn(dataPlatform!.id, "ReadOnly");
    const roleId = await grantDevelopers(arn);
    expect((await issueCli(roleId)).status).toBe(200);
    const run = await finishedRun(alice, await startDiscovery(alice));
    await applyDiscovery(alice, run.id, { keys: [`account-status:${dataPlatform!.id}`] });
    await expectApiError(await withoutAwsCalls(stack, () => issueCli(roleId)), 404, "not_found");
  });

  it("a second run while one is running is refused (409), and a run whose process died stops blocking", async () => {
    const stale = await stack.db.discoveryRun.create({
      data: { trigger: "manual", status: "running", heartbeatAt: new Date() },
    });
    await expectApiError(
      await alice.request("/api/admin/discovery", { method: "POST" }),
      409,
      "conflict",
    );
    await stack.db.discoveryRun.update({
      where: { id: stale.id },
      data: { heartbeatAt: new Date(Date.now() - 10 * 60_000) },
    });
    const run = await finishedRun(alice, await startDiscovery(alice));
    expect(run.status).toBe("complete");
    const interrupted = await stack.db.discoveryRun.findUniqueOrThrow({ where: { id: stale.id } });
    expect(interrupted).toMatchObject({ status: "failed" });
    expect(interrupted.error).toMatch(/interrupted/);
  });

  it("a run AWS Organizations refuses fails with AWS's reason, audited", async () => {
    stack.aws.setServiceThrottle("organizations", { everyNth: 1 });
    try {
      const run = await finishedRun(alice, await startDiscovery(alice));
      expect(run.status).toBe("failed");
      expect(run.error).toMatch(/failed 4 times; last: TooManyRequestsException/);
      const calls = stack.aws.serviceCalls().filter((c) => c.service === "organizations");
      expect(calls.at(-1)?.errorCode).toBe("TooManyRequestsException");
      expect(await auditActions(run.id)).toEqual(["discovery.started", "discovery.failed"]);
    } finally {
      stack.aws.setServiceThrottle("organizations", null);
    }
  });
});

describe("not allowed: only admins discover or apply", () => {
  const routes: Array<[string, string, unknown?]> = [
    ["GET", "/api/admin/discovery"],
    ["POST", "/api/admin/discovery"],
    ["GET", "/api/admin/discovery/cdiscoveryrun0000000000001"],
    ["POST", "/api/admin/discovery/cdiscoveryrun0000000000001/apply", { all: true }],
  ];
  it.each(routes)(
    "%s %s: 401 signed out, 403 for bob (user) and dave (auditor)",
    async (method, path, json) => {
      const init = { method, ...(json ? { json } : {}) };
      await expectApiError(await anonymous.request(path, init), 401, "unauthenticated");
      await expectApiError(await bob.request(path, init), 403, "forbidden");
      await expectApiError(await dave.request(path, init), 403, "forbidden");
    },
  );
  it("the Discover page is for admins only", async () => {
    expect((await alice.request("/admin/accounts/discover")).status).toBe(200);
    expect((await bob.request("/admin/accounts/discover")).status).toBe(403);
    expect((await dave.request("/admin/accounts/discover")).status).toBe(403);
  });
  it("hostile input gets a clear 400, never a 500", async () => {
    const runs = await stack.db.discoveryRun.findFirstOrThrow({ where: { status: "complete" } });
    const bad: unknown[] = [
      {},
      { all: false },
      { keys: [] },
      { kinds: ["delete-everything"] },
      { keys: "x" },
      { all: true, keys: ["x"] },
    ];
    for (const json of bad)
      await expectApiError(
        await alice.request(`/api/admin/discovery/${runs.id}/apply`, { method: "POST", json }),
        400,
        "validation_error",
      );
    await expectApiError(
      await alice.request(`/api/admin/discovery/${runs.id}?kind=nope`),
      400,
      "validation_error",
    );
    await expectApiError(
      await alice.request(`/api/admin/discovery/${runs.id}?limit=0`),
      400,
      "validation_error",
    );
    await expectApiError(
      await alice.request("/api/admin/discovery/not-an-id"),
      400,
      "validation_error",
    );
    await expectApiError(
      await alice.request("/api/admin/discovery/cdiscoveryrun0000000000001"),
      404,
      "not_found",
    );
  });
});

// The broker's account is the organization's management account: its only role is the
// discovery role, which is never offered.
it("the management account is proposed without the discovery role", async () => {
  const run = await stack.db.discoveryRun.findFirstOrThrow({
    where: { status: "complete" },
    orderBy: { startedAt: "asc" },
  });
  expect(run.changesJson).not.toContain(":role/GatehouseDiscovery");
  expect(run.changesJson).toContain(`account-new:${demoBroker.account}`);
});

describe("the periodic sync", () => {
  it("applies additions and marks removals by itself, leaves renames for an admin, audited as the system", async () => {
    stack.aws.putRole(mlSandbox!.id, {
      name: "Analyst",
      description: "Added in AWS after the last run",
      maxSessionDurationSeconds: 3600,
      trustedPrincipalArns: [demoBroker.arn],
      allowsSourceIdentity: true,
      allowsTagSession: true,
    });
    stack.aws.updateOrganizationMember(qa!.id, { name: "acme-qa-again" });
    const config = loadConfig(stack.portalEnv);
    const runId = await syncOnce({
      db: stack.db,
      broker: createStsBroker(config.aws),
      config,
      now: () => new Date(),
    });
    expect(runId).not.toBeNull();
    // acme-ml-sandbox was never applied: the sync creates it, with its new role.
    const sandbox = await stack.db.awsAccount.findUniqueOrThrow({
      where: { accountId: mlSandbox!.id },
      include: { roles: true },
    });
    expect(sandbox.roles.map((r) => r.name).sort()).toEqual(["Analyst", "ReadOnly", "Researcher"]);
    expect(
      (await stack.db.awsAccount.findUniqueOrThrow({ where: { accountId: qa!.id } })).name,
    ).toBe("acme-qa-renamed");
    const run = await finishedRun(alice, runId!, "kind=account-renamed");
    expect(run.changes).toMatchObject([
      { kind: "account-renamed", to: "acme-qa-again", applied: null },
    ]);
    const audited = await stack.db.auditEvent.findMany({
      where: { action: { startsWith: "discovery." }, detailsJson: { contains: runId! } },
      orderBy: { sequence: "asc" },
    });
    expect(audited.map((e) => [e.action, e.actorUserId])).toEqual([
      ["discovery.started", null],
      ["discovery.completed", null],
      ["discovery.applied", null],
    ]);
  });
});

describe("npm run discover", () => {
  const run = async (args: string[] = []) => {
    try {
      const discover = operatorCommand("discover", args);
      const { stdout, stderr } = await promisify(execFile)(discover.command, discover.args, {
        cwd: ROOT,
        env: { ...process.env, ...stack.portalEnv },
        timeout: 120_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };

  it("prints the same diff as the page, changes nothing without --apply, and applies with it", async () => {
    const dry = await run();
    // (On Node 20 the AWS SDK warns about its support window on stderr; nothing may fail.)
    expect(dry.stderr).not.toMatch(/discover failed|not configured|could not/);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/accounts, \d+ roles read in/);
    expect(dry.stdout).toContain(`~ account ${qa!.id} renamed: acme-qa-renamed → acme-qa-again`);
    expect(dry.stdout).toContain("dry run: nothing changed");
    expect(
      (await stack.db.awsAccount.findUniqueOrThrow({ where: { accountId: qa!.id } })).name,
    ).toBe("acme-qa-renamed");
    const applied = await run(["--apply"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/applied \d+ change\(s\)/);
    expect(
      (await stack.db.awsAccount.findUniqueOrThrow({ where: { accountId: qa!.id } })).name,
    ).toBe("acme-qa-again");
    const json = await run(["--json"]);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      runId: string;
      accounts: number;
      changes: unknown[];
    };
    expect(parsed.accounts).toBeGreaterThan(0);
    expect(parsed.changes).toEqual([]); // everything was just applied
    const bad = await run(["--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("usage: npm run discover");
  });
});

describe("applying one change from several requests at once", () => {
  it("applies it exactly once: the others get 409 or find it applied", async () => {
    const late = "901234567890";
    stack.aws.addOrganizationMember({
      id: late,
      name: "acme-late",
      email: "aws+late@corp.example",
    });
    const run = await finishedRun(alice, await startDiscovery(alice), "kind=account-new");
    const key = `account-new:${late}`;
    expect(run.changes.map((c) => c.key)).toContain(key);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        alice.request(`/api/admin/discovery/${run.id}/apply`, {
          method: "POST",
          json: { keys: [key] },
        }),
      ),
    );
    let appliedBy = 0;
    for (const res of responses) {
      if (res.status === 409) {
        await expectApiError(res, 409, "conflict");
        continue;
      }
      expect(res.status).toBe(200);
      const body = (await res.json()) as { applied: string[] };
      appliedBy += body.applied.includes(key) ? 1 : 0;
    }
    expect(appliedBy).toBe(1);
    expect(await stack.db.awsAccount.count({ where: { accountId: late } })).toBe(1);
    const audited = await stack.db.auditEvent.count({
      where: { action: "discovery.applied", detailsJson: { contains: key } },
    });
    expect(audited).toBe(1);
  });
});
