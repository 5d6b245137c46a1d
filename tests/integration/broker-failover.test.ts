// The broker over three STS endpoints of the AWS stand-in, with the real @aws-sdk/client-sts:
// failover on refused connections, throttling, 5xx, slowness and RegionDisabledException;
// refusals AWS meant are not retried; attempts per endpoint are exactly as configured (counted
// by the stand-in, or by the broker's own health for connections the stand-in never saw); and a
// call never outlives its time budget.
import { httpStatusOf } from "@/lib/http/errors";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  startAwsStandin,
  type AwsStandin,
  type StsCallRecord,
  type StsFault,
} from "@/dev/aws-standin/server";
import { createStsBroker, type StsBrokerDeps } from "@/lib/aws/sts-broker";
import { systemClock } from "@/lib/aws/sts-retry-policy";
import type { StsBroker } from "@/lib/aws/sts-broker-api";
import type { EndpointHealth } from "@/lib/aws/sts-endpoint-health";
import type { AppConfig } from "@/lib/config";
import { brokerAwsConfig, endpointsSetting } from "../support/broker-config";
import { AppError } from "@/lib/errors";
import { roleArnOf, testBroker, testWorld } from "../support/aws-standin";

const NAMES = ["sts-a", "sts-b", "sts-c"] as const;
type EndpointName = (typeof NAMES)[number];

let standin: AwsStandin;
let urls: string[];

beforeAll(async () => {
  standin = await startAwsStandin({ world: testWorld(), stsEndpointNames: [...NAMES] });
  urls = NAMES.map((name) => standin.stsEndpoints[name]!);
});
afterAll(async () => {
  await standin?.close();
});
afterEach(() => {
  standin.clearFaults();
});

function awsConfig(overrides: Partial<AppConfig["aws"]> = {}): AppConfig["aws"] {
  return {
    ...brokerAwsConfig({
      AWS_REGION: "us-east-1",
      GATEHOUSE_STS_ENDPOINTS: endpointsSetting(urls),
      GATEHOUSE_FEDERATION_ENDPOINT: standin.federationEndpoint,
      GATEHOUSE_BROKER_ACCESS_KEY_ID: testBroker.accessKeyId,
      GATEHOUSE_BROKER_SECRET_ACCESS_KEY: testBroker.secretAccessKey,
    }),
    stsAttemptsPerEndpoint: 2,
    // Long enough that a healthy answer on a busy machine is never abandoned (which would change
    // the attempts counted); the tests of slowness set their own.
    stsTimeoutMs: 5000,
    stsBackoffBaseMs: 20,
    brokerUsesSessionToken: true,
    brokerSessionSeconds: 43_200,
    brokerMfaSerial: undefined,
    ...overrides,
  };
}

/** A broker whose identity and session are already in hand, so only the call under test remains. */
async function warmBroker(
  overrides: Partial<AppConfig["aws"]> = {},
  deps: StsBrokerDeps = {},
): Promise<StsBroker> {
  const broker = createStsBroker(awsConfig(overrides), deps);
  await broker.getBrokerIdentity();
  await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
  return broker;
}

async function calls(action = "AssumeRole"): Promise<StsCallRecord[]> {
  const all = (await (await fetch(`${standin.url}/__standin/calls`)).json()) as StsCallRecord[];
  return all.filter((c) => c.action === action);
}

function countBy(records: StsCallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) {
    const key = `${r.endpoint}:${r.errorCode ?? "ok"}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Attempts and failures per endpoint since `before`, from the broker's own health. */
function attemptsSince(broker: StsBroker, before: EndpointHealth[]) {
  return broker.getEndpointHealth().map((h, i) => ({
    attempts: h.attempts - (before[i]?.attempts ?? 0),
    failures: h.failures - (before[i]?.failures ?? 0),
  }));
}

function fault(name: EndpointName, f: StsFault): void {
  standin.setFault(name, f);
}

const developer = (durationSeconds = 3600) => ({
  roleArn: roleArnOf("Developer"),
  roleSessionName: "alice",
  sourceIdentity: "user-alice",
  durationSeconds,
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => new Error("expected a failure"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("failover across ordered STS endpoints", () => {
  it("first refusing connections, second throttling → issued by the third; 2 attempts on each failing endpoint", async () => {
    const broker = await warmBroker();
    const before = broker.getEndpointHealth();
    fault("sts-a", { refuseConnections: true });
    fault("sts-b", { throttle: true });
    const assumed = await broker.assumeRole(developer());
    expect(assumed.credentials.accessKeyId).toMatch(/^ASIA/);
    // The stand-in never sees refused connections; it saw exactly 2 throttled attempts on sts-b
    // and 1 successful one on sts-c.
    expect(countBy(await calls())).toEqual({ "sts-b:Throttling": 2, "sts-c:ok": 1 });
    expect(attemptsSince(broker, before)).toEqual([
      { attempts: 2, failures: 2 },
      { attempts: 2, failures: 2 },
      { attempts: 1, failures: 0 },
    ]);
    const [a, b, c] = broker.getEndpointHealth();
    expect(a!.consecutiveFailures).toBe(2);
    expect(["ECONNREFUSED", "ECONNRESET"]).toContain(a!.lastErrorCode);
    expect(b).toMatchObject({ failures: 2, lastErrorCode: "Throttling" });
    expect(c!.consecutiveFailures).toBe(0);
  });

  it("HTTP 500 and 503 are retried then failed over", async () => {
    const broker = await warmBroker();
    fault("sts-a", { serverError: 500 });
    fault("sts-b", { serverError: 503 });
    await broker.assumeRole(developer());
    expect(countBy(await calls())).toEqual({
      "sts-a:InternalFailure": 2,
      "sts-b:ServiceUnavailable": 2,
      "sts-c:ok": 1,
    });
  });

  it("a transient failure is retried on the same endpoint, which then answers", async () => {
    const broker = await warmBroker();
    fault("sts-a", { throttle: true, failFirst: 1 });
    await broker.assumeRole(developer());
    expect(countBy(await calls())).toEqual({ "sts-a:Throttling": 1, "sts-a:ok": 1 });
  });

  it("AccessDenied is not retried and not failed over: exactly one call", async () => {
    const broker = await warmBroker();
    const error = await failure(
      broker.assumeRole({ ...developer(), roleArn: roleArnOf("Untrusted") }),
    );
    expect(error.code).toBe("aws_refused");
    expect(error.awsErrorCode).toBe("AccessDenied");
    expect(countBy(await calls())).toEqual({ "sts-a:AccessDenied": 1 });
  });

  it("ValidationError (duration above the role's maximum) is not retried", async () => {
    const broker = await warmBroker();
    const error = await failure(
      broker.assumeRole({ ...developer(7200), roleArn: roleArnOf("ReadOnly") }),
    );
    expect(error.awsErrorCode).toBe("ValidationError");
    expect(countBy(await calls())).toEqual({ "sts-a:ValidationError": 1 });
  });

  it("RegionDisabledException moves to the next endpoint at once (not retried there)", async () => {
    const broker = await warmBroker();
    fault("sts-a", { regionDisabled: true });
    await broker.assumeRole(developer());
    expect(countBy(await calls())).toEqual({
      "sts-a:RegionDisabledException": 1,
      "sts-b:ok": 1,
    });
  });

  it("RegionDisabledException everywhere surfaces as that refusal, one call per endpoint", async () => {
    const broker = await warmBroker();
    for (const name of NAMES) fault(name, { regionDisabled: true });
    const error = await failure(broker.assumeRole(developer()));
    expect(error.code).toBe("aws_refused");
    expect(error.awsErrorCode).toBe("RegionDisabledException");
    expect(Object.values(countBy(await calls()))).toEqual([1, 1, 1]);
  });

  it("every endpoint down → one aws_unavailable, quickly, after exactly 2 attempts each", async () => {
    // The broker's only waits are its backoff sleeps (timeouts can't be hit: every endpoint
    // answers at once), so they are what is measured, not this machine's speed. The jitter is
    // fixed at half its range: drawn at random, a draw under 1/20 makes a 0-ms backoff, which is
    // not slept at all, and one run in seven had only two sleeps to count.
    const slept: number[] = [];
    const clock = {
      ...systemClock,
      random: () => 0.5,
      sleep: (ms: number) => (slept.push(ms), systemClock.sleep(ms)),
    };
    const broker = await warmBroker({}, { clock });
    const before = broker.getEndpointHealth();
    fault("sts-a", { refuseConnections: true });
    fault("sts-b", { serverError: 503 });
    fault("sts-c", { throttle: true });
    const error = await failure(broker.assumeRole(developer()));
    expect(error.code).toBe("aws_unavailable");
    expect(httpStatusOf(error)).toBe(503);
    expect(error.publicMessage).toContain("tried 3 of 3 endpoints");
    // Quickly: one short backoff between an endpoint's two attempts, never the time budget.
    expect(error.internalReason).not.toContain("time budget");
    // Half of the first backoff's range (20 ms) on each endpoint.
    expect(slept).toEqual([10, 10, 10]);
    expect(countBy(await calls())).toEqual({
      "sts-b:ServiceUnavailable": 2,
      "sts-c:Throttling": 2,
    });
    expect(attemptsSince(broker, before)).toEqual([
      { attempts: 2, failures: 2 },
      { attempts: 2, failures: 2 },
      { attempts: 2, failures: 2 },
    ]);
  });

  it("a slow endpoint (latency beyond the timeout) is abandoned after the timeout", async () => {
    // A timeout a busy machine's healthy answer (sts-b's) stays well inside.
    const broker = await warmBroker({ stsAttemptsPerEndpoint: 1, stsTimeoutMs: 1000 });
    fault("sts-a", { latencyMs: 20_000 });
    const started = Date.now();
    await broker.assumeRole(developer());
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(990);
    // Abandoned: waiting for the answer would take the endpoint's 20 s.
    expect(elapsed).toBeLessThan(20_000);
    expect(broker.getEndpointHealth()[0]!.lastErrorCode).toBe("TimeoutError");
    const records = await calls();
    expect(records.filter((r) => r.endpoint === "sts-b" && r.errorCode === null)).toHaveLength(1);
  });

  it("the time budget bounds a call even when every endpoint hangs", async () => {
    const broker = await warmBroker(
      { stsAttemptsPerEndpoint: 5, stsTimeoutMs: 400 },
      { policy: { budgetMs: 1000 } },
    );
    for (const name of NAMES) fault(name, { latencyMs: 10_000 });
    const before = broker.getEndpointHealth();
    const started = Date.now();
    const error = await failure(broker.assumeRole(developer()));
    const elapsed = Date.now() - started;
    expect(error.code).toBe("aws_unavailable");
    expect(error.internalReason).toContain("time budget of 1000 ms spent");
    expect(elapsed).toBeGreaterThanOrEqual(950);
    // Bounded by the budget, not the hang: each attempt lasts its whole timeout (400, 400, then
    // what is left, give or take a timer's millisecond), so a handful of the 15 attempts allowed
    // are made, however busy the machine.
    const attempts = attemptsSince(broker, before).reduce((n, e) => n + e.attempts, 0);
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(elapsed).toBeLessThan(10_000);
  });

  it("an endpoint that keeps failing is tried last until its cool-down ends", async () => {
    const broker = await warmBroker();
    fault("sts-a", { serverError: 500 });
    await broker.assumeRole(developer());
    expect(broker.getEndpointHealth()[0]!.circuitOpenUntil).not.toBeNull();
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    await broker.assumeRole(developer());
    // sts-a still fails but is no longer in the way.
    expect(countBy(await calls())).toEqual({ "sts-b:ok": 1 });
  });

  it("GetSessionToken and GetCallerIdentity fail over too", async () => {
    fault("sts-a", { refuseConnections: true });
    const broker = createStsBroker(awsConfig());
    await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
    const identity = await broker.getBrokerIdentity();
    expect(identity.arn).toBe(testBroker.arn);
    expect(countBy(await calls("GetSessionToken"))).toEqual({ "sts-b:ok": 1 });
    expect(countBy(await calls("GetCallerIdentity"))).toEqual({ "sts-b:ok": 1 });
  });
});
