// The broker's exchanged sessions shared by replicas through the database (docs/OPERATIONS.md
// "The broker's sessions"): two brokers — two replicas' worth — on one database make one
// GetSessionToken between them; an MFA unlock on one opens MFA roles on the other, and a lock on
// either closes them on both before the next STS call; an MFA session AWS ends early is deleted
// from the store only while it is still the stored one; what is stored is sealed and bound to its
// row and to the long-term key that exchanged it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAwsStandin, type AwsStandin, type StsCallRecord } from "@/dev/aws-standin/server";
import { totpCode } from "@/dev/aws-standin/totp";
import { createDbBrokerSessionStore } from "@/lib/aws/broker-session-store";
import { openValue, sealValue } from "@/lib/crypto/sealed-value";
import { createStsBroker } from "@/lib/aws/sts-broker";
import type { StsBroker } from "@/lib/aws/sts-broker-api";
import { systemClock, type FailoverClock } from "@/lib/aws/sts-retry-policy";
import type { AppConfig } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import {
  roleArnOf,
  testBroker,
  testWorldWithBrokerMfa,
  TEST_ACCOUNT,
} from "../support/aws-standin";
import { brokerAwsConfig, endpointsSetting } from "../support/broker-config";
import { withTestDatabase } from "../support/test-database";

const MFA_SERIAL = `arn:aws:iam::${TEST_ACCOUNT}:mfa/shared-broker`;
const MFA_SECRET = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF";
const SEAL_SECRET = "x".repeat(43);

let standin: AwsStandin;
let db: Db;

beforeAll(async () => {
  const world = testWorldWithBrokerMfa({ serialNumber: MFA_SERIAL, totpSecret: MFA_SECRET });
  standin = await startAwsStandin({ world, stsEndpointNames: ["sts-a"] });
});
afterAll(async () => {
  await standin?.close();
});
withTestDatabase((created) => {
  db = created;
});
beforeEach(async () => {
  await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
  await db.brokerSession.deleteMany();
});

function awsConfig(): AppConfig["aws"] {
  return {
    ...brokerAwsConfig({
      AWS_REGION: "us-east-1",
      GATEHOUSE_STS_ENDPOINTS: endpointsSetting([standin.stsEndpoints["sts-a"]!]),
      GATEHOUSE_FEDERATION_ENDPOINT: standin.federationEndpoint,
      GATEHOUSE_BROKER_ACCESS_KEY_ID: testBroker.accessKeyId,
      GATEHOUSE_BROKER_SECRET_ACCESS_KEY: testBroker.secretAccessKey,
    }),
    stsTimeoutMs: 10_000,
    brokerUsesSessionToken: true,
    brokerSessionSeconds: 43_200,
    brokerMfaSerial: MFA_SERIAL,
  };
}

/** One replica's broker: its own memory, the shared database. */
function replica(
  opts: { sealSecret?: string; sourceKeyId?: string; clock?: FailoverClock } = {},
): StsBroker {
  return createStsBroker(awsConfig(), {
    sessionStore: createDbBrokerSessionStore(db, {
      sealSecret: opts.sealSecret ?? SEAL_SECRET,
      sourceKeyId: opts.sourceKeyId ?? testBroker.accessKeyId,
    }),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
}

async function calls(action: string): Promise<StsCallRecord[]> {
  const all = (await (await fetch(`${standin.url}/__standin/calls`)).json()) as StsCallRecord[];
  return all.filter((c) => c.action === action);
}

const developer = () => ({
  roleArn: roleArnOf("Developer"),
  roleSessionName: "alice",
  sourceIdentity: "user-alice",
  durationSeconds: 3600,
});
const breakGlass = () => ({
  ...developer(),
  roleArn: roleArnOf("BreakGlass"),
  requiresBrokerMfa: true,
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => new Error("expected a refusal"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("the exchanged session is shared", () => {
  it("two replicas make one GetSessionToken between them and sign with the same session", async () => {
    const a = replica();
    const b = replica();
    await a.assumeRole(developer());
    await b.assumeRole(developer());
    expect(await calls("GetSessionToken")).toHaveLength(1);
    const [first, second] = await calls("AssumeRole");
    expect(first!.errorCode).toBeNull();
    expect(second!.errorCode).toBeNull();
    expect(second!.accessKeyId).toBe(first!.accessKeyId);
    expect(first!.accessKeyId).not.toBe(testBroker.accessKeyId);
  });

  it("is stored sealed: neither the secret key nor the session token is readable in the row", async () => {
    await replica().assumeRole(developer());
    const row = await db.brokerSession.findUniqueOrThrow({ where: { kind: "session" } });
    expect(row.accessKeyId).toBe((await calls("AssumeRole"))[0]!.accessKeyId);
    expect(row.sourceKeyId).toBe(testBroker.accessKeyId);
    const secret = JSON.parse(
      openValue(
        SEAL_SECRET,
        "broker-session",
        row.sealed,
        `session|${row.sourceKeyId}|${row.accessKeyId}`,
      ),
    ) as { secretAccessKey: string; sessionToken: string };
    expect(secret.secretAccessKey.length).toBeGreaterThanOrEqual(40);
    expect(secret.sessionToken.length).toBeGreaterThan(100);
    const rowText = JSON.stringify(row);
    expect(rowText).not.toContain(secret.secretAccessKey);
    expect(rowText).not.toContain(secret.sessionToken.slice(0, 40));
  });

  it.each([
    ["sealed under another secret", { sealSecret: "y".repeat(43) }],
    ["exchanged by another long-term key (rotated)", { sourceKeyId: "AKIAOTHERKEY00000000" }],
  ])("a stored session %s is not used: the replica exchanges its own", async (_name, opts) => {
    await replica().assumeRole(developer());
    await replica(opts).assumeRole(developer());
    expect(await calls("GetSessionToken")).toHaveLength(2);
  });

  it("a sealed value moved into another row does not open", async () => {
    await replica().assumeRole(developer());
    const row = await db.brokerSession.findUniqueOrThrow({ where: { kind: "session" } });
    await db.brokerSession.create({ data: { ...row, kind: "mfa" } });
    const error = await refusal(replica().assumeRole(breakGlass()));
    expect(error.code).toBe("broker_locked");
    expect(await calls("AssumeRole")).toHaveLength(1);
  });
});

describe("the MFA unlock is shared", () => {
  it("unlocked on one replica, the MFA role works on the other; locked on either, it stops on both before any STS call", async () => {
    const a = replica();
    const b = replica();
    expect((await refusal(b.assumeRole(breakGlass()))).code).toBe("broker_locked");

    await a.unlockWithMfa(totpCode(MFA_SECRET, new Date()));
    const assumed = await b.assumeRole(breakGlass());
    expect(assumed.assumedRoleArn).toContain(":assumed-role/BreakGlass/");
    expect((await b.getStatus()).mfa.state).toBe("unlocked");

    await b.lock();
    const before = (await calls("AssumeRole")).length;
    expect((await refusal(a.assumeRole(breakGlass()))).code).toBe("broker_locked");
    expect((await refusal(b.assumeRole(breakGlass()))).code).toBe("broker_locked");
    expect(await calls("AssumeRole")).toHaveLength(before);
    expect((await a.getStatus()).mfa.state).toBe("locked");
  });
});

describe("an MFA session AWS ends early", () => {
  /** An unlock of another replica's, stored as it would be, that AWS no longer accepts. */
  async function storeRefusedUnlock(accessKeyId: string): Promise<void> {
    const boundTo = `mfa|${testBroker.accessKeyId}|${accessKeyId}`;
    const secret = JSON.stringify({
      secretAccessKey: "s".repeat(40),
      sessionToken: "t".repeat(200),
    });
    await db.brokerSession.create({
      data: {
        kind: "mfa",
        sourceKeyId: testBroker.accessKeyId,
        accessKeyId,
        sealed: sealValue(SEAL_SECRET, "broker-session", secret, boundTo),
        expiresAt: new Date(Date.now() + 3_600_000),
        exchangedAt: new Date(),
      },
    });
  }

  it("deletes only that session from the store: an unlock made meanwhile on another replica stays", async () => {
    const refusedKey = "ASIAENDEDEARLY000001";
    await storeRefusedUnlock(refusedKey);
    // Replica a's first try is throttled; while it waits to retry, replica b unlocks again.
    let retryWaits!: () => void;
    const waiting = new Promise<void>((resolve) => (retryWaits = resolve));
    let letRetry!: () => void;
    const clock: FailoverClock = {
      ...systemClock,
      random: () => 0.5,
      sleep: () =>
        new Promise<void>((resolve) => {
          letRetry = resolve;
          retryWaits();
        }),
    };
    const a = replica({ clock });
    const b = replica();
    await a.assumeRole(developer()); // its everyday session, so the fault meets the MFA call
    standin.setFault("sts-a", { throttle: true, failFirst: 1 });
    try {
      const refused = refusal(a.assumeRole(breakGlass()));
      await waiting;
      await b.unlockWithMfa(totpCode(MFA_SECRET, new Date()));
      letRetry();
      expect((await refused).code).toBe("broker_locked");
    } finally {
      standin.clearFaults();
    }

    expect((await calls("AssumeRole")).map((c) => c.errorCode)).toContain("InvalidClientTokenId");
    const row = await db.brokerSession.findUnique({ where: { kind: "mfa" } });
    expect(row?.accessKeyId).toMatch(/^ASIA/);
    expect(row?.accessKeyId).not.toBe(refusedKey);
    expect((await replica().assumeRole(breakGlass())).assumedRoleArn).toContain(
      ":assumed-role/BreakGlass/",
    );
  });
});
