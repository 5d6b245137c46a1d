/**
 * Fault injection for one STS endpoint, so tests can prove how callers fail over and retry:
 * latency, AWS's throttling answer, 5xx, "STS not activated in this region", or a listener that
 * refuses connections, each optionally for only the next N requests. A fault answers before any
 * authentication or state change: a faulted request never mints credentials.
 */
import { z } from "zod";
import { StsError } from "./sts-errors";

/** What an endpoint does to the STS requests it receives (see AwsStandin.setFault). */
export interface StsFault {
  /** Wait this long (0–60,000 ms) before answering; combines with one error answer. */
  latencyMs?: number;
  /** Answer `Throttling` "Rate exceeded" (HTTP 400, Sender), as AWS does. */
  throttle?: boolean;
  /** Answer 500 InternalFailure or 503 ServiceUnavailable (Receiver). */
  serverError?: 500 | 503;
  /** Stop accepting connections (ECONNREFUSED) until the fault is cleared; reopens on the same port. */
  refuseConnections?: boolean;
  /** Answer 403 RegionDisabledException for the caller's account. */
  regionDisabled?: boolean;
  /** Apply the fault to the next N (1–1,000,000) STS requests only, then behave normally. */
  failFirst?: number;
}

export const MAX_FAULT_LATENCY_MS = 60_000;
const MAX_FAIL_FIRST = 1_000_000;
const ANSWERS = ["throttle", "serverError", "regionDisabled", "refuseConnections"] as const;

const faultSchema = z
  .strictObject({
    latencyMs: z.number().int().min(0).max(MAX_FAULT_LATENCY_MS).optional(),
    throttle: z.boolean().optional(),
    serverError: z.union([z.literal(500), z.literal(503)]).optional(),
    refuseConnections: z.boolean().optional(),
    regionDisabled: z.boolean().optional(),
    failFirst: z.number().int().min(1).max(MAX_FAIL_FIRST).optional(),
  })
  .superRefine((fault, ctx) => {
    const answers = ANSWERS.filter((name) => fault[name] !== undefined && fault[name] !== false);
    if (answers.length > 1) {
      ctx.addIssue({
        code: "custom",
        message: `${answers.join(" and ")} cannot be combined: a request gets one answer`,
      });
    }
    if (fault.refuseConnections === true && (fault.latencyMs ?? 0) > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["latencyMs"],
        message: "cannot delay a connection that is refused",
      });
    }
    if (fault.refuseConnections === true && fault.failFirst !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["failFirst"],
        message: "refused connections are never seen, so they cannot be counted; clear the fault",
      });
    }
    if (answers.length === 0 && (fault.latencyMs ?? 0) === 0) {
      ctx.addIssue({
        code: "custom",
        message: `a fault needs latencyMs > 0 or one of ${ANSWERS.join(", ")} (null clears)`,
      });
    }
  });

/**
 * Checks a fault from outside (JSON or a test) and drops the parts that do nothing (`false`, a
 * zero latency).
 *
 * @returns null for null (no fault).
 * @throws TypeError naming every invalid field.
 */
export function parseStsFault(value: unknown): StsFault | null {
  if (value === null) return null;
  const parsed = faultSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = ["fault", ...issue.path.map(String)].join(".");
      return `${path}: ${issue.message}`;
    });
    throw new TypeError(`invalid fault: ${problems.join("; ")}`);
  }
  const fault: StsFault = {};
  const { latencyMs, throttle, serverError, refuseConnections, regionDisabled, failFirst } =
    parsed.data;
  if (latencyMs !== undefined && latencyMs > 0) fault.latencyMs = latencyMs;
  if (throttle === true) fault.throttle = true;
  if (serverError !== undefined) fault.serverError = serverError;
  if (refuseConnections === true) fault.refuseConnections = true;
  if (regionDisabled === true) fault.regionDisabled = true;
  if (failFirst !== undefined) fault.failFirst = failFirst;
  return fault;
}

/** What the call log says answered: the fault's parts joined with "+", e.g. "latency+throttle". */
export function faultLabel(fault: StsFault): string {
  const parts: string[] = [];
  if (fault.latencyMs !== undefined) parts.push("latency");
  if (fault.throttle) parts.push("throttle");
  if (fault.serverError !== undefined) parts.push("serverError");
  if (fault.regionDisabled) parts.push("regionDisabled");
  if (fault.refuseConnections) parts.push("refuseConnections");
  return parts.join("+");
}

/**
 * The error a faulted request is answered with, in AWS's words, or null when the fault only
 * delays. `account` is asked only for RegionDisabledException.
 */
export function faultError(fault: StsFault, account: () => string): StsError | null {
  if (fault.throttle) return new StsError("Throttling", "Rate exceeded");
  if (fault.serverError === 500) {
    return new StsError(
      "InternalFailure",
      "The request processing has failed because of an unknown error, exception or failure.",
    );
  }
  if (fault.serverError === 503) {
    return new StsError(
      "ServiceUnavailable",
      "The request has failed due to a temporary failure of the server.",
    );
  }
  if (fault.regionDisabled) {
    return new StsError(
      "RegionDisabledException",
      `STS is not activated in this region for account:${account()}. Your account administrator can activate STS in this region using the IAM Console.`,
    );
  }
  return null;
}

/**
 * Resolves after `ms`, or early with false when `signal` aborts (the stand-in is closing): the
 * caller then answers nothing.
 */
export function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
