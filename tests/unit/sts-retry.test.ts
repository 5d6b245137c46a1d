// The STS retry/failover loop with a controlled clock: which failures are retried, how long it
// sleeps, which endpoint goes first, and that a call never outlives its time budget.
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { classifyStsError, type StsFailureKind } from "@/lib/aws/aws-errors";
import { createStsFailover } from "@/lib/aws/sts-failover";
import { backoffDelayMs, type FailoverClock, type RetryPolicy } from "@/lib/aws/sts-retry-policy";
import { metrics } from "@/lib/metrics/registry";

const ENDPOINTS = ["eu-west-1", "eu-central-1", "us-east-1"].map((region) => ({
  url: `https://sts.${region}.amazonaws.com`,
  region,
  entry: region,
}));

const POLICY: RetryPolicy = {
  attemptsPerEndpoint: 2,
  timeoutMs: 3000,
  backoffBaseMs: 100,
  backoffCapMs: 2000,
  budgetMs: 10_000,
  circuitThreshold: 2,
  circuitCooldownMs: 30_000,
};

/** A clock that only moves when told to (sleeps move it), with a fixed "random". */
function fakeClock(random = 0.5): FailoverClock & { t: number; sleeps: number[] } {
  const clock = {
    t: 1_000_000,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
      return Promise.resolve();
    },
    random: () => random,
  };
  return clock;
}

/** An error shaped like the SDK's for an AWS error response. */
function awsError(code: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code} message`), {
    name: code,
    Code: code,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    ...extra,
  });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), {
    code,
    $metadata: { attempts: 1, totalRetryDelay: 0 },
  });
}

describe("classifyStsError: retry, fail over, or surface, from the error's shape", () => {
  const cases: Array<[string, unknown, StsFailureKind, string]> = [
    ["connection refused is retried", networkError("ECONNREFUSED"), "retry", "ECONNREFUSED"],
    ["connection reset is retried", networkError("ECONNRESET"), "retry", "ECONNRESET"],
    ["DNS failure (EAI_AGAIN) is retried", networkError("EAI_AGAIN"), "retry", "EAI_AGAIN"],
    [
      "the SDK handler's TimeoutError is retried",
      Object.assign(new Error("socket timed out"), { name: "TimeoutError" }),
      "retry",
      "TimeoutError",
    ],
    [
      "our own per-attempt abort is a timeout",
      Object.assign(new Error("aborted"), { name: "AbortError" }),
      "retry",
      "TimeoutError",
    ],
    ["Throttling (HTTP 400) is retried", awsError("Throttling", 400), "retry", "Throttling"],
    [
      "ThrottlingException is retried",
      awsError("ThrottlingException", 400),
      "retry",
      "ThrottlingException",
    ],
    [
      "RequestLimitExceeded is retried",
      awsError("RequestLimitExceeded", 400),
      "retry",
      "RequestLimitExceeded",
    ],
    [
      "TooManyRequests (429) is retried",
      awsError("TooManyRequests", 429),
      "retry",
      "TooManyRequests",
    ],
    [
      "InternalFailure (500) is retried",
      awsError("InternalFailure", 500),
      "retry",
      "InternalFailure",
    ],
    [
      "ServiceUnavailable (503) is retried",
      awsError("ServiceUnavailable", 503),
      "retry",
      "ServiceUnavailable",
    ],
    [
      "IDPCommunicationError is retried (the SDK marks it $retryable)",
      awsError("IDPCommunicationError", 400, {
        name: "IDPCommunicationErrorException",
        $retryable: {},
      }),
      "retry",
      "IDPCommunicationError",
    ],
    [
      "an unparseable 502 from a proxy is retried",
      Object.assign(new Error("Deserialization error"), { $metadata: { httpStatusCode: 502 } }),
      "retry",
      "HTTP502",
    ],
    [
      "RegionDisabledException moves to the next endpoint",
      awsError("RegionDisabledException", 403),
      "next-endpoint",
      "RegionDisabledException",
    ],
    ["AccessDenied surfaces", awsError("AccessDenied", 403), "surface", "AccessDenied"],
    ["ValidationError surfaces", awsError("ValidationError", 400), "surface", "ValidationError"],
    [
      "MalformedPolicyDocument surfaces (SDK class name normalized)",
      awsError("MalformedPolicyDocument", 400, { name: "MalformedPolicyDocumentException" }),
      "surface",
      "MalformedPolicyDocument",
    ],
    [
      "PackedPolicyTooLarge surfaces",
      awsError("PackedPolicyTooLarge", 400, { name: "PackedPolicyTooLargeException" }),
      "surface",
      "PackedPolicyTooLarge",
    ],
    ["ExpiredToken surfaces", awsError("ExpiredToken", 400), "surface", "ExpiredToken"],
    [
      "ExpiredTokenException surfaces",
      awsError("ExpiredTokenException", 400),
      "surface",
      "ExpiredTokenException",
    ],
    [
      "InvalidIdentityToken surfaces",
      awsError("InvalidIdentityToken", 400, { name: "InvalidIdentityTokenException" }),
      "surface",
      "InvalidIdentityToken",
    ],
    [
      "IDPRejectedClaim surfaces",
      awsError("IDPRejectedClaim", 403, { name: "IDPRejectedClaimException" }),
      "surface",
      "IDPRejectedClaim",
    ],
    [
      "InvalidClientTokenId surfaces",
      awsError("InvalidClientTokenId", 403),
      "surface",
      "InvalidClientTokenId",
    ],
    [
      "SignatureDoesNotMatch surfaces",
      awsError("SignatureDoesNotMatch", 403),
      "surface",
      "SignatureDoesNotMatch",
    ],
    [
      "the message text does not matter: 'Rate exceeded' on an AccessDenied still surfaces",
      Object.assign(awsError("AccessDenied", 403), {
        message: "Rate exceeded, timeout, ECONNRESET",
      }),
      "surface",
      "AccessDenied",
    ],
    [
      "no credentials from the default chain is a local problem, not an AWS answer",
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
      "no-credentials",
      "CredentialsProviderError",
    ],
    [
      "a credential scope for another region is this endpoint's misconfiguration: the next one is tried",
      awsError("SignatureDoesNotMatch", 403, {
        message: "Credential should be scoped to a valid region, not 'us-east-1'. ",
      }),
      "misconfigured",
      "SignatureDoesNotMatch",
    ],
    [
      "a wrong secret key is AWS's refusal (every endpoint would say it)",
      awsError("SignatureDoesNotMatch", 403, {
        message: "The request signature we calculated does not match the signature you provided.",
      }),
      "surface",
      "SignatureDoesNotMatch",
    ],
    [
      "the SDK refusing FIPS with a custom endpoint is a misconfiguration, not an outage",
      Object.assign(
        new Error("Invalid Configuration: FIPS and custom endpoint are not supported"),
        { name: "EndpointError" },
      ),
      "misconfigured",
      "EndpointError",
    ],
    ["a programming error surfaces", new TypeError("x is undefined"), "surface", "TypeError"],
    ["a thrown non-object surfaces", "boom", "surface", "UnknownError"],
  ];
  for (const [name, error, kind, code] of cases) {
    it(name, () => {
      expect(classifyStsError(error)).toEqual({ kind, code });
    });
  }
});

describe("backoff is full jitter, exponential, capped", () => {
  it("stays within [0, min(cap, base·2^retry)) for any random value", () => {
    for (const random of [0, 0.25, 0.999999]) {
      for (let retry = 0; retry < 12; retry += 1) {
        const delay = backoffDelayMs(retry, POLICY, () => random);
        const ceiling = Math.min(POLICY.backoffCapMs, POLICY.backoffBaseMs * 2 ** retry);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });
  it("grows with each retry until the cap", () => {
    const top = (retry: number) => backoffDelayMs(retry, POLICY, () => 0.999999);
    expect([top(0), top(1), top(2), top(3), top(4), top(5), top(10)]).toEqual([
      99, 199, 399, 799, 1599, 1999, 1999,
    ]);
  });
  it("a zero base means no sleep at all", () => {
    expect(backoffDelayMs(5, { backoffBaseMs: 0, backoffCapMs: 2000 }, () => 0.9)).toBe(0);
  });
});

describe("the failover loop", () => {
  it("retries a retryable failure exactly attemptsPerEndpoint times per endpoint, then moves on", async () => {
    const clock = fakeClock();
    const failover = createStsFailover(ENDPOINTS, POLICY, clock);
    const calls: number[] = [];
    const result = await failover.run("AssumeRole", (i) => {
      calls.push(i);
      if (i === 0) return Promise.reject(networkError("ECONNREFUSED"));
      if (i === 1) return Promise.reject(awsError("Throttling", 400));
      return Promise.resolve("ok");
    });
    expect(result).toBe("ok");
    expect(calls).toEqual([0, 0, 1, 1, 2]);
    // One backoff between the two attempts on each failing endpoint; none when moving on.
    expect(clock.sleeps).toEqual([50, 50]);
  });

  it("a refusal AWS meant is not retried and not failed over", async () => {
    const failover = createStsFailover(ENDPOINTS, POLICY, fakeClock());
    const calls: number[] = [];
    const error = await failover
      .run("AssumeRole", (i) => {
        calls.push(i);
        return Promise.reject(awsError("AccessDenied", 403));
      })
      .catch((e: unknown) => e);
    expect(calls).toEqual([0]);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "aws_refused", awsErrorCode: "AccessDenied" });
    // AWS answered, so the endpoint counts as healthy.
    expect(failover.getEndpointHealth()[0]).toMatchObject({ consecutiveFailures: 0, failures: 0 });
  });

  it("RegionDisabledException moves to the next endpoint without retrying there", async () => {
    const failover = createStsFailover(ENDPOINTS, POLICY, fakeClock());
    const calls: number[] = [];
    const result = await failover.run("AssumeRole", (i) => {
      calls.push(i);
      return i === 0
        ? Promise.reject(awsError("RegionDisabledException", 403))
        : Promise.resolve(i);
    });
    expect(result).toBe(1);
    expect(calls).toEqual([0, 1]);
  });

  it("RegionDisabledException on every endpoint surfaces as that refusal, not as unavailable", async () => {
    const failover = createStsFailover(ENDPOINTS, POLICY, fakeClock());
    const error = await failover
      .run("AssumeRole", () => Promise.reject(awsError("RegionDisabledException", 403)))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "aws_refused", awsErrorCode: "RegionDisabledException" });
  });

  it("every endpoint down → one aws_unavailable naming what each endpoint said", async () => {
    const failover = createStsFailover(ENDPOINTS, POLICY, fakeClock());
    let calls = 0;
    const error = await failover
      .run("AssumeRole", (i) => {
        calls += 1;
        return Promise.reject(
          i === 1 ? awsError("ServiceUnavailable", 503) : networkError("ECONNREFUSED"),
        );
      })
      .catch((e: unknown) => e);
    expect(calls).toBe(6);
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe("aws_unavailable");
    expect(appError.publicMessage).toContain("tried 3 of 3 endpoints");
    expect(appError.internalReason).toContain(`${ENDPOINTS[0]!.url} ECONNREFUSED×2`);
    expect(appError.internalReason).toContain(`${ENDPOINTS[1]!.url} ServiceUnavailable×2`);
  });

  it("an endpoint that keeps failing is tried last during its cool-down, and first again after", async () => {
    const clock = fakeClock();
    const failover = createStsFailover(ENDPOINTS, POLICY, clock);
    let isFirstDown = true;
    const attempt = (calls: number[]) => (i: number) => {
      calls.push(i);
      return i === 0 && isFirstDown
        ? Promise.reject(networkError("ECONNREFUSED"))
        : Promise.resolve(i);
    };
    const first: number[] = [];
    await failover.run("AssumeRole", attempt(first));
    expect(first).toEqual([0, 0, 1]);
    expect(failover.getEndpointHealth()[0]!.circuitOpenUntil).toBe(
      clock.t + POLICY.circuitCooldownMs,
    );

    const during: number[] = [];
    clock.t += 10_000;
    await failover.run("AssumeRole", attempt(during));
    expect(during).toEqual([1]);

    // Still tried when every other endpoint fails too.
    const allDown: number[] = [];
    await failover
      .run("AssumeRole", (i) => {
        allDown.push(i);
        return Promise.reject(networkError("ECONNREFUSED"));
      })
      .catch(() => undefined);
    expect(allDown).toEqual([1, 1, 2, 2, 0, 0]);

    isFirstDown = false;
    clock.t += POLICY.circuitCooldownMs + 1;
    const after: number[] = [];
    await failover.run("AssumeRole", attempt(after));
    expect(after).toEqual([0]);
    expect(failover.getEndpointHealth()[0]).toMatchObject({
      consecutiveFailures: 0,
      circuitOpenUntil: null,
    });
  });

  it("the time budget bounds a call: no attempt starts and no sleep begins past it", async () => {
    const clock = fakeClock(0.999);
    const policy = { ...POLICY, attemptsPerEndpoint: 5, budgetMs: 7000 };
    const failover = createStsFailover(ENDPOINTS, policy, clock);
    let calls = 0;
    const started = clock.t;
    const error = await failover
      .run("AssumeRole", (_i, _signal, timeoutMs) => {
        calls += 1;
        clock.t += timeoutMs; // each attempt times out
        return Promise.reject(Object.assign(new Error("timed out"), { name: "TimeoutError" }));
      })
      .catch((e: unknown) => e);
    expect(clock.t - started).toBeLessThanOrEqual(policy.budgetMs);
    // 3000 ms, sleep 99, 3000 ms, sleep 199, then a last attempt cut to the 702 ms left; the
    // next sleep would pass the budget, so the call ends there.
    expect(calls).toBe(3);
    expect(clock.sleeps).toEqual([99, 199]);
    expect(error).toMatchObject({ code: "aws_unavailable" });
    expect((error as AppError).internalReason).toContain("time budget of 7000 ms spent");
    expect((error as AppError).publicMessage).toContain("tried 1 of 3");
  });

  it("health: p50 latency over recent answers, last error code, counts", async () => {
    const clock = fakeClock();
    const failover = createStsFailover(
      ENDPOINTS.slice(0, 1),
      { ...POLICY, attemptsPerEndpoint: 1 },
      clock,
    );
    for (const latency of [10, 30, 20, 40, 50]) {
      await failover.run("GetCallerIdentity", () => {
        clock.t += latency;
        return Promise.resolve(null);
      });
    }
    await failover
      .run("AssumeRole", () => Promise.reject(awsError("Throttling", 400)))
      .catch(() => undefined);
    expect(failover.getEndpointHealth()[0]).toMatchObject({
      p50LatencyMs: 30,
      lastErrorCode: "Throttling",
      consecutiveFailures: 1,
      attempts: 6,
      failures: 1,
      circuitOpenUntil: null,
    });
  });

  it("misuse throws at once", () => {
    expect(() => createStsFailover([], POLICY)).toThrow(TypeError);
    expect(() => createStsFailover(ENDPOINTS, { ...POLICY, attemptsPerEndpoint: 0 })).toThrow(
      TypeError,
    );
  });
});

describe("gatehouse_sts_request_duration_seconds", () => {
  /** Observations so far of one operation, by outcome. */
  async function observed(operation: string): Promise<Record<string, number>> {
    const { values } = await metrics().stsRequestSeconds.get();
    const counts: Record<string, number> = {};
    for (const v of values)
      if (v.metricName?.endsWith("_count") && v.labels.operation === operation)
        counts[String(v.labels.outcome)] = v.value;
    return counts;
  }

  it.each<[string, () => Promise<string>, Record<string, number>]>([
    ["an answer is observed as answered", () => Promise.resolve("ok"), { answered: 1 }],
    [
      "a refusal AWS meant is observed as refused",
      () => Promise.reject(awsError("AccessDenied", 403)),
      { refused: 1 },
    ],
    [
      "a timeout on a single endpoint tried once is observed as failed",
      () => Promise.reject(networkError("ETIMEDOUT")),
      { failed: 1 },
    ],
    [
      "a call that never reached STS (no broker credentials) is not observed at all",
      () =>
        Promise.reject(
          Object.assign(new Error("Could not load credentials from any providers"), {
            name: "CredentialsProviderError",
          }),
        ),
      {},
    ],
  ])("only calls sent to STS are observed: %s", async (rule, attempt, expected) => {
    const operation = `Probe${rule.replace(/[^a-z]/gi, "")}`;
    const failover = createStsFailover(
      ENDPOINTS.slice(0, 1),
      { ...POLICY, attemptsPerEndpoint: 1 },
      fakeClock(),
    );
    await failover.run(`${operation} test`, attempt).catch(() => undefined);
    expect(await observed(operation)).toEqual(expected);
  });
});
