// The broker's MFA unlock as an administrator meets it, over HTTP through Admin → Broker's server
// action against the AWS stand-in: a code typed or pasted the way authenticator apps show it
// ("123 456") unlocks; anything but six digits is refused with a message and never reaches AWS; an
// unlock the audit log can't record is undone (docs/INVARIANTS.md invariant 2); a lock that can't
// reach the other replicas is said in the form and still recorded; and the page says
// truthfully where the unlock is kept (docs/OPERATIONS.md "The broker's sessions").
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "@/dev/aws-standin/totp";
import { demoBroker } from "@/dev/demo-world";
import { expectApiError, resetStsCalls, stsCalls } from "../support/portal-assertions";
import { roleIdOf, signIn, type PortalSession } from "../support/portal-client";
import { act, postAction } from "../support/server-actions";
import { startTestStack, type TestStack } from "../support/stack";
import { allowAuditActions, refuseAuditActions } from "../support/audit-refusal";

interface UnlockState {
  ok: boolean;
  message: string | null;
  error: string | null;
}

let stack: TestStack;
let alice: PortalSession;
let breakGlass: string;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await signIn(stack, "alice");
  breakGlass = await roleIdOf(stack, "acme-production", "BreakGlass");
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(async () => {
  await allowAuditActions(stack);
  await act(alice, { name: "lockBroker", page: () => "/admin/broker", fields: () => ({}) });
});

function currentCode(): string {
  return totpCode(demoBroker.mfaDevice!.totpSecret, new Date());
}

async function unlock(tokenCode: string, admin: PortalSession = alice) {
  const reply = await postAction<UnlockState>(
    admin,
    "/admin/broker",
    { file: "app/admin/broker/actions.ts", name: "unlockBroker" },
    { ok: false, message: null, error: null },
    { tokenCode },
    (v) => "ok" in v && "error" in v,
  );
  expect(reply.state, reply.text.slice(0, 300)).not.toBeNull();
  return reply.state!;
}

/** Whether the MFA-protected role issues now (the broker is unlocked) or is refused as locked. */
async function breakGlassOutcome(): Promise<"issued" | "locked"> {
  const res = await alice.request(`/api/roles/${breakGlass}/credentials`, {
    method: "POST",
    json: {},
  });
  if (res.status === 200) return "issued";
  await expectApiError(res, 409, "broker_locked");
  return "locked";
}

describe("the MFA code as the admin types it", () => {
  it.each([
    {
      shape: "grouped as authenticator apps show it",
      typed: (c: string) => `${c.slice(0, 3)} ${c.slice(3)}`,
    },
    { shape: "with spaces around it", typed: (c: string) => ` ${c} ` },
  ])("a code $shape unlocks the broker", async ({ typed }) => {
    const state = await unlock(typed(currentCode()));
    expect(state).toMatchObject({ ok: true, error: null });
    expect(await breakGlassOutcome()).toBe("issued");
  });

  it.each([
    { shape: "five digits", typed: "12345" },
    { shape: "seven digits", typed: "1234567" },
    { shape: "five digits grouped", typed: "123 45" },
    { shape: "a letter", typed: "12a456" },
    { shape: "nothing", typed: "" },
  ])("a code of $shape is refused by name and never reaches AWS", async ({ typed }) => {
    await resetStsCalls(stack);
    const state = await unlock(typed);
    expect(state).toMatchObject({ ok: false, error: "Enter the 6 digits your MFA device shows." });
    expect((await stsCalls(stack)).filter((c) => c.action === "GetSessionToken")).toEqual([]);
    expect(await breakGlassOutcome()).toBe("locked");
  });
});

describe("no unlock without its audit record", () => {
  it("an unlock the audit log can't record is undone: the broker stays locked and the admin is told", async () => {
    await refuseAuditActions(stack, ["broker.unlocked"]);
    const state = await unlock(currentCode());
    expect(await breakGlassOutcome()).toBe("locked");
    expect(await stack.db.brokerSession.count({ where: { kind: "mfa" } })).toBe(0);
    expect(state).toMatchObject({ ok: false });
    expect(state.error).toContain("the broker stays locked");
  });
});

describe("a lock that can't reach the other replicas", () => {
  const TRIGGER = "gatehouse_test_broker_session_down";

  /** The database refuses to delete the shared unlock, as it would when it is down. */
  async function refuseSharedLock(): Promise<void> {
    await stack.db.$executeRawUnsafe(
      `CREATE FUNCTION "${TRIGGER}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'database down'; END; $$`,
    );
    await stack.db.$executeRawUnsafe(
      `CREATE TRIGGER "${TRIGGER}" BEFORE DELETE ON "BrokerSession" FOR EACH ROW EXECUTE FUNCTION "${TRIGGER}"()`,
    );
  }
  async function allowSharedLock(): Promise<void> {
    await stack.db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "${TRIGGER}" ON "BrokerSession"`);
    await stack.db.$executeRawUnsafe(`DROP FUNCTION IF EXISTS "${TRIGGER}"()`);
  }

  // Only PostgreSQL shares the unlock (on SQLite there is nothing to reach).
  it.runIf((process.env.GATEHOUSE_TEST_DATABASE ?? "sqlite") === "postgresql")(
    "is said in the form, not as an error page, and is still recorded as broker.locked",
    async () => {
      expect(await unlock(currentCode())).toMatchObject({ ok: true });
      await refuseSharedLock();
      try {
        const reply = await postAction<{ error: string | null }>(
          alice,
          "/admin/broker",
          { file: "app/admin/broker/actions.ts", name: "lockBroker" },
          { error: null },
          {},
          (v) => "error" in v && Object.keys(v).length === 1,
        );
        expect(reply.status).toBe(200);
        expect(reply.state, reply.text.slice(0, 300)).toEqual({
          error:
            "The broker is locked on this replica, but the lock could not reach the others. Try again.",
        });
      } finally {
        await allowSharedLock();
      }
      const recorded = await stack.db.auditEvent.findFirst({
        where: { action: "broker.locked" },
        orderBy: { createdAt: "desc" },
      });
      expect(recorded).toMatchObject({ outcome: "error" });
      expect(recorded?.detailsJson).toContain('"reachedOtherReplicas":false');
    },
  );
});

describe("the page says where the unlock is kept", () => {
  it("shared through the database on PostgreSQL (the default), in this process's memory on SQLite", async () => {
    const html = await (await alice.request("/admin/broker")).text();
    const shared = "holds on every replica";
    const ownMemory = "each replica is unlocked separately";
    if (stack.database === "postgresql") {
      expect(html).toContain(shared);
      expect(html).not.toContain(ownMemory);
    } else {
      expect(html).toContain(ownMemory);
      expect(html).not.toContain(shared);
    }
  });
});

describe("an MFA device of another account than the broker's", () => {
  // AWS answers a device the broker's IAM user can't own with the same refusal as a mistyped code.
  const FOREIGN_DEVICE = "arn:aws:iam::999999999999:mfa/gatehouse-broker";
  let foreign: TestStack;
  let admin: PortalSession;

  beforeAll(async () => {
    foreign = await startTestStack({ extraEnv: { GATEHOUSE_BROKER_MFA_SERIAL: FOREIGN_DEVICE } });
    admin = await signIn(foreign, "alice");
  });
  afterAll(async () => {
    await foreign?.stop();
  });

  it("is named on the page as why unlock is unavailable, and an unlock posted anyway spends no code", async () => {
    const html = await (await admin.request("/admin/broker")).text();
    expect(html).toContain(
      `names a device of account 999999999999, but the broker (${demoBroker.arn}) is in account ${demoBroker.account}`,
    );
    expect(html).not.toContain('name="tokenCode"');

    await resetStsCalls(foreign);
    const state = await unlock(currentCode(), admin);
    expect(state).toMatchObject({ ok: false });
    expect(state.error).toContain(
      "GATEHOUSE_BROKER_MFA_SERIAL names a device of account 999999999999",
    );
    const unlocks = (await stsCalls(foreign)).filter((c) => c.serialNumber !== undefined);
    expect(unlocks).toEqual([]);
  });
});
