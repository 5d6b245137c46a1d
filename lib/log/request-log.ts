import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestRecord } from "./request-record";

/**
 * One JSON line per request, written when the response is done (docs/OPERATIONS.md "Logs"): its
 * request id (the one in the x-request-id header and in every audit event it wrote), method,
 * path — never the query string, which can carry codes — status, duration and, once known, the
 * person. Nothing else from the request is read, so no secret can reach this line.
 */
export function logRequest(
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
  startedAt: number,
): void {
  const requestId = res.getHeader("x-request-id");
  const line = {
    time: new Date().toISOString(),
    level: "info",
    message: "request",
    requestId: typeof requestId === "string" ? requestId : undefined,
    method: req.method,
    path: (req.url ?? "/").split("?", 1)[0],
    status: res.statusCode,
    durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
    personId: record.personId,
    // The client went away before the answer was complete.
    ...(res.writableFinished ? {} : { aborted: true }),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
