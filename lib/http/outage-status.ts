import type { ServerResponse } from "node:http";
import type { RequestRecord } from "@/lib/log/request-record";

/**
 * A request that met a database or audit outage and then failed with a generic 500 — a page whose
 * server render threw, which Next.js answers with its error page and status 500 — is answered 503
 * with Retry-After instead, as the API routes answer (docs/DATABASE-FAULTS.md). A load balancer
 * and a client then see "try again shortly", not a bug. Other statuses pass unchanged.
 */
export function answerOutagesAs503(res: ServerResponse, record: RequestRecord): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  // Node writes implicit headers through writeHead as well, so this sees every status.
  res.writeHead = (statusCode: number, ...rest: unknown[]) => {
    const seconds = record.outageRetryAfterSeconds;
    if (statusCode !== 500 || seconds === undefined) return writeHead(statusCode, ...rest);
    res.setHeader("Retry-After", String(seconds));
    res.setHeader("Cache-Control", "no-store");
    // A status message given for the 500 would be wrong for the 503.
    return writeHead(503, ...rest.filter((arg) => typeof arg !== "string"));
  };
}
