import "server-only";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { log } from "@/lib/log";
import { sweepAccessRequests } from "./sweep";
import { deliverDueWebhooks } from "./webhook-delivery";

/** How often the worker looks for due changes and deliveries without being asked. */
export const WORKER_INTERVAL_MS = 15_000;

interface Worker {
  running: Promise<void> | null;
  again: boolean;
}

// One worker per process, shared by every Next.js bundle (each has its own copy of this module).
const globalForWorker = globalThis as unknown as { gatehouseRequestWorker?: Worker };

async function runOnce(): Promise<void> {
  const config = getConfig();
  const db = getDb();
  const notify = { webhookUrl: config.accessRequests.webhookUrl, portalUrl: config.publicUrl };
  await sweepAccessRequests(db, currentTime(), notify);
  await deliverDueWebhooks(db, {
    secret: config.accessRequests.webhookSecret,
    clock: currentTime,
    timeoutMs: config.accessRequests.webhookTimeoutMs,
  });
}

/**
 * Runs the sweep and webhook delivery now (after a request's change commits, so its webhooks go
 * out at once), or right after the run in progress. Never throws: a failure is logged and the
 * next run retries.
 */
export function kickAccessRequestWorker(): void {
  const worker = (globalForWorker.gatehouseRequestWorker ??= { running: null, again: false });
  if (worker.running) {
    worker.again = true;
    return;
  }
  worker.running = (async () => {
    do {
      worker.again = false;
      try {
        await runOnce();
      } catch (error) {
        log.warn("access-request worker run failed; the next run retries", {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    } while (worker.again);
    worker.running = null;
  })();
}

/** Starts the periodic run (at boot). Idempotent. */
export function startAccessRequestWorker(): void {
  const g = globalThis as unknown as { gatehouseRequestWorkerTimer?: NodeJS.Timeout };
  if (g.gatehouseRequestWorkerTimer) return;
  g.gatehouseRequestWorkerTimer = setInterval(kickAccessRequestWorker, WORKER_INTERVAL_MS);
  g.gatehouseRequestWorkerTimer.unref();
}
