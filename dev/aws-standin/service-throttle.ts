/**
 * Deterministic throttling of the IAM and Organizations APIs, so tests can prove how callers
 * wait out `TooManyRequestsException` / `Throttling` without depending on real rates: every Nth
 * request of a service, or its first N, counted from when the throttle was set.
 */
import { z } from "zod";
import type { GlobalService } from "./service-routing";

export interface ServiceThrottle {
  /** Throttle every Nth request (1 = every request). */
  everyNth?: number;
  /** Throttle the first N requests, then let requests through (unless everyNth says otherwise). */
  failFirst?: number;
}

const MAX_COUNT = 1_000_000;
const throttleSchema = z
  .strictObject({
    everyNth: z.number().int().min(1).max(MAX_COUNT).optional(),
    failFirst: z.number().int().min(1).max(MAX_COUNT).optional(),
  })
  .refine((t) => t.everyNth !== undefined || t.failFirst !== undefined, {
    message: "a throttle needs everyNth or failFirst (null clears)",
  });

export class ServiceThrottles {
  private readonly active = new Map<GlobalService, { throttle: ServiceThrottle; seen: number }>();

  /**
   * Sets (or with null clears) a service's throttle; counting starts again.
   *
   * @throws TypeError for an unknown service or an invalid throttle (every problem named).
   */
  set(service: unknown, throttle: unknown): void {
    if (service !== "iam" && service !== "organizations") {
      throw new TypeError(
        `unknown throttled service ${JSON.stringify(service)} (iam, organizations)`,
      );
    }
    if (throttle === null) {
      this.active.delete(service);
      return;
    }
    const parsed = throttleSchema.safeParse(throttle);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${["throttle", ...issue.path.map(String)].join(".")}: ${issue.message}`,
      );
      throw new TypeError(`invalid throttle: ${problems.join("; ")}`);
    }
    this.active.set(service, { throttle: parsed.data, seen: 0 });
  }

  /** Counts one request of the service; true when it is to be answered with throttling. */
  take(service: GlobalService): boolean {
    const entry = this.active.get(service);
    if (!entry) return false;
    entry.seen += 1;
    const { everyNth, failFirst } = entry.throttle;
    return (
      (failFirst !== undefined && entry.seen <= failFirst) ||
      (everyNth !== undefined && entry.seen % everyNth === 0)
    );
  }

  /** Each service's throttle, or null. */
  status(): Record<GlobalService, ServiceThrottle | null> {
    const of = (service: GlobalService) => {
      const throttle = this.active.get(service)?.throttle;
      return throttle ? { ...throttle } : null;
    };
    return { iam: of("iam"), organizations: of("organizations") };
  }
}
