import type { IncomingMessage, ServerResponse } from "node:http";
import { escapeMarkup } from "../escape-markup";
import { metrics } from "../metrics/registry";
import { requestIdOfAnswer } from "./request-id";

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
 * Whether the client asked for a page (a browser's navigation lists text/html in Accept) rather
 * than the API's JSON (fetch sends *\/*, the CLI application/json).
 */
export function wantsPage(accept: string | undefined): boolean {
  return /(^|[,\s])text\/html\s*(;|,|$)/i.test(accept ?? "");
}

const PAGE_TITLES = {
  overloaded: "Gatehouse is busy",
  schema_outdated: "Gatehouse is being updated",
} as const;

/**
 * The page a browser gets instead of the JSON error: self-contained (no script, no stylesheet to
 * fetch from a busy server), with a link that loads the same address again and the request id.
 */
export function unavailablePage(
  code: keyof typeof PAGE_TITLES,
  message: string,
  requestId: string,
): string {
  const title = PAGE_TITLES[code];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeMarkup(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a;margin:0}main{max-width:32rem;margin:15vh auto;padding:2rem;background:#fff;border:1px solid #e2e8f0;border-radius:.75rem}h1{font-size:1.25rem;margin:0 0 .75rem}a{color:#1d4ed8}small{color:#64748b}</style>
</head><body><main>
<h1>${escapeMarkup(title)}</h1>
<p>${escapeMarkup(message)}</p>
<p><a href="">Try again</a></p>
<p><small>Request id ${escapeMarkup(requestId)}</small></p>
</main></body></html>
`;
}

/**
 * A 503 written by the server itself, before Next.js sees the request: the API's JSON error shape
 * with its own request id, and Retry-After — or, for a browser asking for a page, a small page
 * that says the same.
 */
export function answerUnavailable(
  req: IncomingMessage,
  res: ServerResponse,
  code: "overloaded" | "schema_outdated",
  message: string,
  retryAfterSeconds: number,
): void {
  const requestId = requestIdOfAnswer(res);
  // setHeader, not writeHead's object: the request log reads the id back.
  res.statusCode = 503;
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Retry-After", String(retryAfterSeconds));
  if (wantsPage(req.headers.accept)) {
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    res.end(unavailablePage(code, message, requestId));
    return;
  }
  res.setHeader("Content-Type", "application/json");
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
        answerUnavailable(req, res, "overloaded", "The portal is busy. Try again in a moment.", 1);
        return false;
      }
      inFlight += 1;
      res.once("close", () => (inFlight -= 1));
      return true;
    },
  };
}
