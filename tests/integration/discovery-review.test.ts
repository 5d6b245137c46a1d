// Discovery as the operator of a large organization meets it (docs/DISCOVERY.md): an account AWS
// reports CLOSED grants nothing and loses no role, two runs claimed at once never both run, a
// preview a newer run has replaced is not applied, details an admin edited after the run are not
// overwritten by it, and an account added by hand while an apply creates it is a clear conflict.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoUndiscoveredAccounts } from "@/dev/demo-world";
import { createStsBroker } from "@/lib/aws/sts-broker";
import { loadConfig } from "@/lib/config/load-config";
import { applyDiscoveryChanges } from "@/lib/discovery/apply";
import {
  createDiscoveryRun,
  executeDiscoveryRun,
  systemStart,
  type DiscoveryDeps,
} from "@/lib/discovery/run-discovery";
import { isAppError } from "@/lib/errors";
import { applyDiscovery, finishedRun, startDiscovery } from "../support/discovery";
import { expectApiError, withoutAwsCalls } from "../support/portal-assertions";
import { signIn, type PortalSession } from "../support/portal-client";
import { startTestStack, type TestStack } from "../support/stack";

let stack: TestStack;
let alice: PortalSession;
let bob: PortalSession;
let deps: DiscoveryDeps;

const [dataPlatform, qa, mlSandbox] = demoUndiscoveredAccounts;
const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

beforeAll(async () => {
  stack = await startTestStack({
    extraEnv: { GATEHOUSE_DISCOVERY_BACKOFF_BASE_MS: "0", GATEHOUSE_DISCOVERY_MAX_ATTEMPTS: "4" },
  });
  [alice, bob] = await Promise.all([signIn(stack, "alice"), signIn(stack, "bob")]);
  const config = loadConfig(stack.portalEnv);
  deps = { db: stack.db, broker: createStsBroker(config.aws), config, now: () => new Date() };
  // The demo's undiscovered accounts, applied as an admin would, so later runs compare with them.
  const first = await finishedRun(alice, await startDiscovery(alice));
  expect(first.status, first.error).toBe("complete");
  await applyDiscovery(alice, first.id, { kinds: ["account-new"] });
});
afterAll(async () => {
  await stack?.stop();
});

const adminApply = (runId: string, keys: string[]) =>
  applyDiscoveryChanges(stack.db, {
    runId,
    selection: { keys },
    actor: systemStart("cli").actor,
    actorLabel: "test",
    meta: systemStart("cli").meta,
    now: new Date(),
  });

describe("an account AWS reports CLOSED", () => {
  it("is proposed as closed, its roles neither read nor marked gone, and once applied its rules grant nothing, kept", async () => {
    const arn = roleArn(mlSandbox!.id, "ReadOnly");
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
    const issue = () => bob.request(`/api/roles/${role.id}/credentials`, { method: "POST" });
    expect((await issue()).status).toBe(200);

    stack.aws.updateOrganizationMember(mlSandbox!.id, { status: "CLOSED" });
    try {
      const run = await finishedRun(alice, await startDiscovery(alice));
      expect(run.status, run.error).toBe("complete");
      const forAccount = run.changes.filter((c) => c.accountId === mlSandbox!.id);
      expect(forAccount).toMatchObject([
        { kind: "account-status", from: "ACTIVE", to: "CLOSED", ruleCount: 1 },
      ]);
      expect(run.notices).toContainEqual({
        accountId: mlSandbox!.id,
        message: "roles not read: the account is closed",
      });
      await applyDiscovery(alice, run.id, { keys: [`account-status:${mlSandbox!.id}`] });

      await expectApiError(await withoutAwsCalls(stack, issue), 404, "not_found");
      expect(await stack.db.accessRule.count({ where: { roleId: role.id } })).toBe(1);
      expect(await stack.db.role.findUniqueOrThrow({ where: { arn } })).toMatchObject({
        missingSince: null,
      });
    } finally {
      stack.aws.updateOrganizationMember(mlSandbox!.id, { status: "ACTIVE" });
    }
  });
});

describe("two runs claimed at once", () => {
  it("creates exactly one running run; every other claim is refused as a conflict, unaudited", async () => {
    const startedBefore = await stack.db.auditEvent.count({
      where: { action: "discovery.started" },
    });
    const claims = await Promise.allSettled(
      Array.from({ length: 6 }, () => createDiscoveryRun(deps, systemStart("cli"))),
    );
    const created = claims.flatMap((c) => (c.status === "fulfilled" ? [c.value] : []));
    expect(created).toHaveLength(1);
    for (const claim of claims) {
      if (claim.status === "rejected")
        expect(isAppError(claim.reason) && claim.reason.code).toBe("conflict");
    }
    expect(await stack.db.discoveryRun.count({ where: { status: "running" } })).toBe(1);
    expect(await stack.db.auditEvent.count({ where: { action: "discovery.started" } })).toBe(
      startedBefore + 1,
    );
    await executeDiscoveryRun(deps, created[0]!, systemStart("cli"));
    const run = await stack.db.discoveryRun.findUniqueOrThrow({ where: { id: created[0]! } });
    expect(run.status, run.error).toBe("complete");
  });
});

describe("applying a preview that went stale", () => {
  it("refuses a run a newer complete run has replaced (409), changing nothing", async () => {
    stack.aws.updateOrganizationMember(qa!.id, { name: "acme-qa-one" });
    const older = await finishedRun(alice, await startDiscovery(alice));
    const key = `account-renamed:${qa!.id}`;
    expect(older.changes.map((c) => c.key)).toContain(key);
    stack.aws.updateOrganizationMember(qa!.id, { name: "acme-qa-two" });
    const newer = await finishedRun(alice, await startDiscovery(alice));

    const res = await alice.request(`/api/admin/discovery/${older.id}/apply`, {
      method: "POST",
      json: { keys: [key] },
    });
    const body = await expectApiError(res, 409, "conflict");
    expect(body.error.message).toMatch(/newer discovery .* has replaced this run/);
    const account = await stack.db.awsAccount.findUniqueOrThrow({ where: { accountId: qa!.id } });
    expect(account.name).toBe(qa!.name);

    expect(await applyDiscovery(alice, newer.id, { keys: [key] })).toEqual({
      applied: [key],
      skipped: [],
    });
    expect(
      (await stack.db.awsAccount.findUniqueOrThrow({ where: { accountId: qa!.id } })).name,
    ).toBe("acme-qa-two");
  });

  it("skips account details an admin edited after the run instead of overwriting them", async () => {
    stack.aws.updateOrganizationMember(dataPlatform!.id, { tags: { team: "data" } });
    const run = await finishedRun(alice, await startDiscovery(alice));
    const key = `account-details:${dataPlatform!.id}`;
    expect(run.changes.find((c) => c.key === key)).toMatchObject({
      tags: { to: { team: "data" } },
    });
    await stack.db.awsAccount.update({
      where: { accountId: dataPlatform!.id },
      data: { tagsJson: JSON.stringify({ team: "analytics" }) },
    });

    expect(await adminApply(run.id, [key])).toEqual({
      applied: [],
      skipped: [
        { key, reason: "its environment, OU path or tags were edited since discovery ran" },
      ],
    });
    const account = await stack.db.awsAccount.findUniqueOrThrow({
      where: { accountId: dataPlatform!.id },
    });
    expect(JSON.parse(account.tagsJson)).toEqual({ team: "analytics" });
  });
});

describe("an account added by hand while discovery creates it", () => {
  const LATE = "912345678901";
  const HOOK = "gatehouse_test_added_by_hand";

  // The race, made deterministic: as the apply inserts the account, a trigger first inserts the
  // same account id, as a concurrent "Add account" would have committed just before.
  async function addByHandDuringInsert(): Promise<void> {
    const copy = `("id", "accountId", "name", "environment", "createdAt", "updatedAt")
      VALUES ('cbyhand0000000000000000001', NEW."accountId", 'added by hand', 'dev', NEW."createdAt", NEW."updatedAt")`;
    if (stack.database === "sqlite") {
      await stack.db.$executeRawUnsafe(
        `CREATE TRIGGER "${HOOK}" BEFORE INSERT ON "AwsAccount"
         WHEN NEW."accountId" = '${LATE}' AND NEW."name" <> 'added by hand'
         BEGIN INSERT INTO "AwsAccount" ${copy}; END`,
      );
      return;
    }
    await stack.db.$executeRawUnsafe(
      `CREATE FUNCTION "${HOOK}"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN INSERT INTO "AwsAccount" ${copy}; RETURN NEW; END; $$`,
    );
    await stack.db.$executeRawUnsafe(
      `CREATE TRIGGER "${HOOK}" BEFORE INSERT ON "AwsAccount" FOR EACH ROW
       WHEN (NEW."accountId" = '${LATE}' AND NEW."name" <> 'added by hand')
       EXECUTE FUNCTION "${HOOK}"()`,
    );
  }

  async function removeHook(): Promise<void> {
    if (stack.database === "sqlite") {
      await stack.db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "${HOOK}"`);
      return;
    }
    await stack.db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "${HOOK}" ON "AwsAccount"`);
    await stack.db.$executeRawUnsafe(`DROP FUNCTION IF EXISTS "${HOOK}"()`);
  }

  it("is a 409 conflict saying so, never a 500, and the apply changes nothing", async () => {
    stack.aws.addOrganizationMember({
      id: LATE,
      name: "acme-late",
      email: "aws+late@corp.example",
    });
    const run = await finishedRun(alice, await startDiscovery(alice), "kind=account-new");
    const key = `account-new:${LATE}`;
    expect(run.changes.map((c) => c.key)).toContain(key);
    await addByHandDuringInsert();
    try {
      const res = await alice.request(`/api/admin/discovery/${run.id}/apply`, {
        method: "POST",
        json: { keys: [key] },
      });
      const body = await expectApiError(res, 409, "conflict");
      expect(body.error.message).toMatch(/added at the same moment/);
    } finally {
      await removeHook();
    }
    expect(await stack.db.awsAccount.count({ where: { accountId: LATE } })).toBe(0);
    expect(
      await stack.db.auditEvent.count({
        where: { action: "discovery.applied", detailsJson: { contains: key } },
      }),
    ).toBe(0);
    // Nothing was half-applied: the same change applies cleanly once the race is over.
    expect(await applyDiscovery(alice, run.id, { keys: [key] })).toEqual({
      applied: [key],
      skipped: [],
    });
  });
});
