import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { metrics } from "../metrics/registry";

/**
 * Probes and metrics are always answered: a replica that is busy is alive, and a scraper or load
 * balancer that can't see that would make the overload worse.
 */
const NEVER_SHED = new Set(["/api/health", "/api/ready", "/api/metrics"]);

/** Health, readiness and metrics: answered whatever else is going on. */
export function isProbe(req: IncomingMessage): boolean {
  return NEVER_SHED.has((req.url ?? "/").split("?", 1)[0]!);
}

/**
 * A 503 written by the server itself, before Next.js sees the request: the API's JSON error shape
 * with its own request id, and Retry-After.
 */
export function answerUnavailable(
  res: ServerResponse,
  code: "overloaded" | "schema_outdated",
  message: string,
  retryAfterSeconds: number,
): void {
  const requestId = randomUUID();
  // setHeader, not writeHead's object: the request log reads the id back.
  res.statusCode = 503;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Retry-After", String(retryAfterSeconds));
  res.setHeader("x-request-id", requestId);
  res.end(JSON.stringify({ error: { code, message, requestId } }));
}

/**
 * Sheds load instead of queueing it without bound (docs/OPERATIONS.md "Overload"): while `limit`
 * requests are in flight, the next one is answered at once with 503, Retry-After and the same
 * JSON error shape as every API error. Runs in server.ts, before Next.js sees the request.
 */
export function admitRequest(limit: number): {
  admit(req: IncomingMessage, res: ServerResponse): boolean;
  inFlight(): number;
} {
  let inFlight = 0;
  return {
    inFlight: () => inFlight,
    admit(req, res) {
      if (isProbe(req)) return true;
      if (inFlight >= limit) {
        metrics().requestsShed.inc();
        answerUnavailable(res, "overloaded", "The portal is busy. Try again in a moment.", 1);
        return false;
      }
      inFlight += 1;
      res.once("close", () => (inFlight -= 1));
      return true;
    },
  };
}
