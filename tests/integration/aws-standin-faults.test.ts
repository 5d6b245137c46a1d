/**
 * The AWS stand-in's named STS endpoints and their injected faults, observed through the real
 * @aws-sdk/client-sts: each fault reaches the SDK as AWS's own error and is classified by the SDK's
 * retry middleware the way a real AWS failure would be (throttling, transient, client error).
 */
import fs from "node:fs";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  startAwsStandin,
  type AwsStandin,
  type StsCallRecord,
  type StsFault,
} from "@/dev/aws-standin/server";
import {
  keysOf,
  recordingRetryStrategy,
  roleArnOf,
  stsClient,
  TEST_ACCOUNT,
  testBroker,
  testWorld,
  type Keys,
} from "@/tests/support/aws-standin";

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];
let standin: AwsStandin;

beforeAll(async () => {
  standin = await startAwsStandin({ world: testWorld(), stsEndpointNames: REGIONS });
});
afterEach(async () => {
  standin.clearFaults();
  await fetch(`${standin.url}/__standin/reset-calls`, { method: "POST" });
});
afterAll(async () => {
  await standin.close();
});

function callerIdentity(endpointName: string, options: { keys?: Keys; maxAttempts?: number } = {}) {
  const retryStrategy = recordingRetryStrategy(options.maxAttempts ?? 1);
  const call = stsClient(standin, options.keys ?? testBroker, {
    endpointName,
    maxAttempts: options.maxAttempts ?? 1,
    retryStrategy,
  }).send(new GetCallerIdentityCommand({}));
  return { call, retryStrategy };
}

interface SdkFailure {
  name: string;
  code: unknown;
  status: number | undefined;
  message: string;
  attempts: number | undefined;
}

async function failureOf(call: Promise<unknown>): Promise<SdkFailure> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & {
      code?: unknown;
      Code?: unknown;
      $metadata?: { httpStatusCode?: number; attempts?: number };
    };
    return {
      name: e.name,
      code: e.Code ?? e.code,
      status: e.$metadata?.httpStatusCode,
      message: e.message,
      attempts: e.$metadata?.attempts,
    };
  }
  throw new Error("expected the STS call to fail, but it succeeded");
}

async function calls(): Promise<StsCallRecord[]> {
  const response = await fetch(`${standin.url}/__standin/calls`);
  return (await response.json()) as StsCallRecord[];
}

async function postFault(body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${standin.url}/__standin/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe("named STS endpoints", () => {
  it("lists default plus every name, each a distinct full STS endpoint sharing one state", async () => {
    expect(Object.keys(standin.stsEndpoints).sort()).toEqual(["default", ...REGIONS].sort());
    expect(standin.stsEndpoints.default).toBe(standin.stsEndpoint);
    const urls = Object.values(standin.stsEndpoints);
    expect(new Set(urls).size).toBe(urls.length);
    for (const url of urls) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    // Credentials minted on one endpoint are recognised on another, as IAM is global.
    const assumed = await stsClient(standin, testBroker, { endpointName: "us-west-2" }).send(
      new AssumeRoleCommand({ RoleArn: roleArnOf("Developer"), RoleSessionName: "multi" }),
    );
    const identity = await stsClient(standin, keysOf(assumed), { endpointName: "eu-west-1" }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Arn).toContain(":assumed-role/Developer/multi");

    expect((await calls()).map((c) => [c.endpoint, c.action, c.fault])).toEqual([
      ["us-west-2", "AssumeRole", undefined],
      ["eu-west-1", "GetCallerIdentity", undefined],
    ]);
  });

  it.each([
    ["the reserved name default", ["default"]],
    ["an uppercase name", ["US-EAST-1"]],
    ["a repeated name", ["us-east-1", "us-east-1"]],
    ["an empty name", [""]],
  ])("refuses %s at start", async (_rule, names) => {
    await expect(startAwsStandin({ world: testWorld(), stsEndpointNames: names })).rejects.toThrow(
      TypeError,
    );
  });
});

describe("each fault reaches the SDK as AWS's error, classified as AWS's would be", () => {
  const cases: Array<{
    rule: string;
    fault: StsFault;
    name: string;
    status: number;
    sdkErrorType: string;
    label: string;
  }> = [
    {
      rule: "throttle answers Throttling 400 and the SDK classifies it as throttling",
      fault: { throttle: true },
      name: "Throttling",
      status: 400,
      sdkErrorType: "THROTTLING",
      label: "throttle",
    },
    {
      rule: "serverError 500 answers InternalFailure, a transient error",
      fault: { serverError: 500 },
      name: "InternalFailure",
      status: 500,
      sdkErrorType: "TRANSIENT",
      label: "serverError",
    },
    {
      rule: "serverError 503 answers ServiceUnavailable, a transient error",
      fault: { serverError: 503 },
      name: "ServiceUnavailable",
      status: 503,
      sdkErrorType: "TRANSIENT",
      label: "serverError",
    },
    {
      rule: "regionDisabled answers RegionDisabledException 403, not retried",
      fault: { regionDisabled: true },
      name: "RegionDisabledException",
      status: 403,
      sdkErrorType: "CLIENT_ERROR",
      label: "regionDisabled",
    },
  ];

  it.each(cases)("$rule", async ({ fault, name, status, sdkErrorType, label }) => {
    standin.setFault("us-east-1", fault);
    const { call, retryStrategy } = callerIdentity("us-east-1");
    const failure = await failureOf(call);
    expect(failure).toMatchObject({ name, code: name, status });
    expect(retryStrategy.errorTypes).toEqual([sdkErrorType]);
    const [record] = await calls();
    expect(record).toMatchObject({
      endpoint: "us-east-1",
      action: "GetCallerIdentity",
      fault: label,
      errorCode: name,
      // Answered before authentication: nobody was identified, nothing was minted.
      callerArn: null,
    });
  });

  it("throttling says 'Rate exceeded', as AWS does", async () => {
    standin.setFault("us-east-1", { throttle: true });
    const failure = await failureOf(callerIdentity("us-east-1").call);
    expect(failure.message).toBe("Rate exceeded");
  });

  it("RegionDisabledException names the caller's account in AWS's words", async () => {
    standin.setFault("eu-west-1", { regionDisabled: true });
    const failure = await failureOf(callerIdentity("eu-west-1").call);
    expect(failure.message).toBe(
      `STS is not activated in this region for account:${TEST_ACCOUNT}. Your account administrator can activate STS in this region using the IAM Console.`,
    );
  });

  it("a fault answers before authentication: a wrong secret still gets the fault", async () => {
    standin.setFault("us-east-1", { serverError: 503 });
    const wrongSecret = { ...testBroker, secretAccessKey: "x".repeat(40) };
    const failure = await failureOf(callerIdentity("us-east-1", { keys: wrongSecret }).call);
    expect(failure.name).toBe("ServiceUnavailable");
    standin.setFault("us-east-1", null);
    expect((await failureOf(callerIdentity("us-east-1", { keys: wrongSecret }).call)).name).toBe(
      "SignatureDoesNotMatch",
    );
  });

  it("a faulted AssumeRole mints no credentials", async () => {
    standin.setFault("us-west-2", { throttle: true });
    const failure = await failureOf(
      stsClient(standin, testBroker, { endpointName: "us-west-2" }).send(
        new AssumeRoleCommand({ RoleArn: roleArnOf("Developer"), RoleSessionName: "faulted" }),
      ),
    );
    expect(failure.name).toBe("Throttling");
    const [record] = await calls();
    expect(record).toMatchObject({ action: "AssumeRole", fault: "throttle", callerArn: null });
  });
});

describe("failFirst applies a fault to the next N requests only", () => {
  it.each([
    { fault: { throttle: true, failFirst: 2 }, errorType: "THROTTLING", label: "throttle" },
    {
      fault: { serverError: 503 as const, failFirst: 2 },
      errorType: "TRANSIENT",
      label: "serverError",
    },
  ])("$label twice, then the SDK's third attempt succeeds", async ({ fault, errorType, label }) => {
    standin.setFault("us-east-1", fault);
    const { call, retryStrategy } = callerIdentity("us-east-1", { maxAttempts: 3 });
    const identity = await call;
    expect(identity.Arn).toBe(testBroker.arn);
    expect(identity.$metadata.attempts).toBe(3);
    expect(retryStrategy.errorTypes).toEqual([errorType, errorType]);
    expect((await calls()).map((c) => [c.endpoint, c.fault, c.errorCode])).toEqual([
      ["us-east-1", label, label === "throttle" ? "Throttling" : "ServiceUnavailable"],
      ["us-east-1", label, label === "throttle" ? "Throttling" : "ServiceUnavailable"],
      ["us-east-1", undefined, null],
    ]);
    expect(standin.faults().find((f) => f.endpoint === "us-east-1")?.fault).toBeNull();
  });

  it("the stock SDK retry strategy retries a 503 and succeeds", async () => {
    standin.setFault("eu-west-1", { serverError: 503, failFirst: 1 });
    const identity = await stsClient(standin, testBroker, {
      endpointName: "eu-west-1",
      maxAttempts: 2,
    }).send(new GetCallerIdentityCommand({}));
    expect(identity.$metadata.attempts).toBe(2);
  });

  it("reports the requests still to fail", async () => {
    standin.setFault("us-west-2", { regionDisabled: true, failFirst: 3 });
    await failureOf(callerIdentity("us-west-2").call);
    const listed = (await (await fetch(`${standin.url}/__standin/faults`)).json()) as Array<{
      endpoint: string;
      fault: StsFault | null;
    }>;
    expect(listed.find((e) => e.endpoint === "us-west-2")?.fault).toEqual({
      regionDisabled: true,
      failFirst: 2,
    });
  });
});

describe("refuseConnections closes the listener and clearing reopens it on the same port", () => {
  it("named endpoints listen below the kernel's ephemeral range, so no listen(0) elsewhere can take a refused port", () => {
    const [floor] = fs
      .readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    for (const name of REGIONS) {
      const port = Number(new URL(standin.stsEndpoints[name]!).port);
      expect(port, name).toBeLessThan(floor!);
    }
  });

  it("connects are refused (ECONNREFUSED, transient to the SDK), then served again at the same URL", async () => {
    const url = standin.stsEndpoints["us-west-2"];
    // A pooled keep-alive connection from before the refusal must not get through either.
    const warm = stsClient(standin, testBroker, {
      endpointName: "us-west-2",
      retryStrategy: recordingRetryStrategy(1),
    });
    await warm.send(new GetCallerIdentityCommand({}));

    const refused = await postFault({ endpoint: "us-west-2", fault: { refuseConnections: true } });
    expect(refused).toMatchObject({ status: 200, json: { isListening: false } });

    const { call, retryStrategy } = callerIdentity("us-west-2");
    expect((await failureOf(call)).code).toBe("ECONNREFUSED");
    expect(retryStrategy.errorTypes).toEqual(["TRANSIENT"]);
    await expect(fetch(url!)).rejects.toThrow();
    await expect(warm.send(new GetCallerIdentityCommand({}))).rejects.toThrow();
    // Other endpoints keep serving.
    await expect(callerIdentity("us-east-1").call).resolves.toBeDefined();

    const cleared = await postFault({ endpoint: "us-west-2", fault: null });
    expect(cleared).toMatchObject({ status: 200, json: { isListening: true, url } });
    expect(standin.stsEndpoints["us-west-2"]).toBe(url);
    const identity = await callerIdentity("us-west-2").call;
    expect(identity.Arn).toBe(testBroker.arn);
  });

  it("the in-process API refuses and restores too", async () => {
    standin.setFault("eu-west-1", { refuseConnections: true });
    expect((await failureOf(callerIdentity("eu-west-1").call)).code).toBe("ECONNREFUSED");
    standin.setFault("eu-west-1", null);
    await expect(callerIdentity("eu-west-1").call).resolves.toBeDefined();
  });
});

describe("latency", () => {
  it("delays the answer by at least latencyMs, on that endpoint only", async () => {
    standin.setFault("eu-west-1", { latencyMs: 400 });
    const slowStart = performance.now();
    await callerIdentity("eu-west-1").call;
    const slow = performance.now() - slowStart;
    const fastStart = performance.now();
    await callerIdentity("us-east-1").call;
    const fast = performance.now() - fastStart;
    expect(slow).toBeGreaterThanOrEqual(400);
    expect(fast).toBeLessThan(400);
    expect((await calls()).map((c) => [c.endpoint, c.fault, c.errorCode])).toEqual([
      ["eu-west-1", "latency", null],
      ["us-east-1", undefined, null],
    ]);
  });

  it("combines with an error answer", async () => {
    standin.setFault("us-east-1", { latencyMs: 200, throttle: true });
    const start = performance.now();
    const failure = await failureOf(callerIdentity("us-east-1").call);
    expect(performance.now() - start).toBeGreaterThanOrEqual(200);
    expect(failure.name).toBe("Throttling");
    expect((await calls())[0]?.fault).toBe("latency+throttle");
  });
});

describe("faults are isolated per endpoint", () => {
  it("a fault on one endpoint leaves the others and the default untouched", async () => {
    standin.setFault("us-east-1", { serverError: 500 });
    expect((await failureOf(callerIdentity("us-east-1").call)).name).toBe("InternalFailure");
    for (const name of ["default", "us-west-2", "eu-west-1"]) {
      await expect(callerIdentity(name).call).resolves.toBeDefined();
    }
    const records = await calls();
    expect(records.filter((c) => c.fault !== undefined).map((c) => c.endpoint)).toEqual([
      "us-east-1",
    ]);
    expect(records.map((c) => c.endpoint)).toEqual([
      "us-east-1",
      "default",
      "us-west-2",
      "eu-west-1",
    ]);
  });

  it("a fault on the default endpoint spares /__standin and the federation endpoint", async () => {
    standin.setFault("default", { throttle: true });
    expect((await failureOf(callerIdentity("default").call)).name).toBe("Throttling");
    const listing = await fetch(`${standin.url}/__standin/faults`);
    expect(listing.status).toBe(200);
    const federation = await fetch(`${standin.federationEndpoint}?Action=getSigninToken`);
    expect(federation.status).toBe(400);
    expect(await federation.text()).not.toContain("Throttling");
  });
});

describe("POST /__standin/faults refuses bad input with a clear message", () => {
  const cases: Array<{ rule: string; body: unknown; mentions: string }> = [
    { rule: "a body that is not JSON", body: "{not json", mentions: "JSON" },
    { rule: "a JSON array", body: [], mentions: "object" },
    { rule: "a missing endpoint", body: { fault: { throttle: true } }, mentions: "endpoint" },
    { rule: "a missing fault", body: { endpoint: "us-east-1" }, mentions: "fault" },
    { rule: "an unknown endpoint", body: { endpoint: "mars-1", fault: null }, mentions: "mars-1" },
    {
      rule: "an unknown top-level field",
      body: { endpoint: "us-east-1", fault: null, region: "x" },
      mentions: "region",
    },
    {
      rule: "an unknown fault field",
      body: { endpoint: "us-east-1", fault: { slow: true } },
      mentions: "slow",
    },
    {
      rule: "latency over 60,000 ms",
      body: { endpoint: "us-east-1", fault: { latencyMs: 60_001 } },
      mentions: "fault.latencyMs",
    },
    {
      rule: "a negative latency",
      body: { endpoint: "us-east-1", fault: { latencyMs: -1 } },
      mentions: "fault.latencyMs",
    },
    {
      rule: "a fractional latency",
      body: { endpoint: "us-east-1", fault: { latencyMs: 1.5 } },
      mentions: "fault.latencyMs",
    },
    {
      rule: "a server error other than 500 or 503",
      body: { endpoint: "us-east-1", fault: { serverError: 502 } },
      mentions: "fault.serverError",
    },
    {
      rule: "failFirst of zero",
      body: { endpoint: "us-east-1", fault: { throttle: true, failFirst: 0 } },
      mentions: "fault.failFirst",
    },
    {
      rule: "two answers at once",
      body: { endpoint: "us-east-1", fault: { throttle: true, serverError: 500 } },
      mentions: "cannot be combined",
    },
    {
      rule: "counting refused connections",
      body: { endpoint: "us-east-1", fault: { refuseConnections: true, failFirst: 1 } },
      mentions: "fault.failFirst",
    },
    {
      rule: "a fault that does nothing",
      body: { endpoint: "us-east-1", fault: { throttle: false } },
      mentions: "null clears",
    },
    {
      rule: "refusing connections on the default endpoint",
      body: { endpoint: "default", fault: { refuseConnections: true } },
      mentions: "named endpoint",
    },
  ];

  it.each(cases)("400 for $rule", async ({ body, mentions }) => {
    const response = await postFault(body);
    expect(response.status).toBe(400);
    expect((response.json as { error: string }).error).toContain(mentions);
    expect(standin.faults().every((e) => e.fault === null && e.isListening)).toBe(true);
  });

  it("the in-process API throws TypeError for the same mistakes", () => {
    expect(() => standin.setFault("mars-1", null)).toThrow(TypeError);
    expect(() => standin.setFault("us-east-1", { latencyMs: 60_001 })).toThrow(TypeError);
    expect(() => standin.setFault("default", { refuseConnections: true })).toThrow(TypeError);
  });

  it("GET lists every endpoint with its URL, region and fault", async () => {
    await postFault({ endpoint: "us-east-1", fault: { latencyMs: 50, failFirst: 5 } });
    const listed = (await (await fetch(`${standin.url}/__standin/faults`)).json()) as unknown[];
    expect(listed).toEqual(
      ["default", ...REGIONS].map((name) => ({
        endpoint: name,
        url: standin.stsEndpoints[name],
        region: name === "default" ? "us-east-1" : name,
        isListening: true,
        fault: name === "us-east-1" ? { latencyMs: 50, failFirst: 5 } : null,
      })),
    );
  });
});
