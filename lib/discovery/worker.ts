import "server-only";
/**
 * Starting discovery from the portal: a manual run executes in the background of the process that
 * claimed it (the page polls its progress), and the optional periodic sync runs discovery and
 * applies only additions and the marking of removals (SYNC_KINDS), audited as the system.
 */
import { getConfig } from "@/lib/config";
import { currentTime } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { getBroker } from "@/lib/issuance/context";
import { log } from "@/lib/log";
import { SYSTEM_ACTOR } from "@/lib/audit/write-audit-event";
import { applyDiscoveryChanges } from "./apply";
import { SYNC_KINDS } from "./changes";
import { parseRunChanges } from "./run-record";
import {
  createDiscoveryRun,
  executeDiscoveryRun,
  runDiscovery,
  systemStart,
  type DiscoveryDeps,
  type StartedBy,
} from "./run-discovery";

export function portalDiscoveryDeps(): DiscoveryDeps {
  return { db: getDb(), broker: getBroker(), config: getConfig(), now: currentTime };
}

/** Claims a run and reads AWS in the background; resolves with the run's id once claimed. */
export async function startManualDiscovery(by: StartedBy): Promise<string> {
  const deps = portalDiscoveryDeps();
  const runId = await createDiscoveryRun(deps, by);
  void executeDiscoveryRun(deps, runId, by);
  return runId;
}

/**
 * One periodic sync: discovery, then the additions and removal marks applied at once, audited
 * as discovery.applied by the system. Another run in progress is not an error: it is skipped.
 */
export async function syncOnce(deps: DiscoveryDeps): Promise<string | null> {
  const by = systemStart("schedule");
  let runId: string;
  try {
    runId = await runDiscovery(deps, by);
  } catch (error) {
    if (isAppError(error) && error.code === "conflict") return null;
    throw error;
  }
  const run = await deps.db.discoveryRun.findUnique({
    where: { id: runId },
    select: { status: true, changesJson: true },
  });
  if (run?.status !== "complete") return runId;
  const changes = parseRunChanges(run.changesJson).filter((c) => SYNC_KINDS.has(c.kind));
  if (changes.length === 0) return runId;
  await applyDiscoveryChanges(deps.db, {
    runId,
    selection: { kinds: [...SYNC_KINDS] },
    actor: SYSTEM_ACTOR,
    actorLabel: "periodic sync",
    meta: by.meta,
    now: deps.now(),
    trigger: "schedule",
  });
  return runId;
}

/** Starts the periodic sync when GATEHOUSE_DISCOVERY_SYNC_INTERVAL_SECONDS is set. Idempotent. */
export function startDiscoverySync(): void {
  const interval = getConfig().discovery?.syncIntervalSeconds ?? 0;
  const g = globalThis as unknown as { gatehouseDiscoveryTimer?: NodeJS.Timeout };
  if (interval <= 0 || g.gatehouseDiscoveryTimer) return;
  g.gatehouseDiscoveryTimer = setInterval(() => {
    syncOnce(portalDiscoveryDeps()).catch((error: unknown) => {
      log.warn("periodic discovery failed; the next run retries", {
        error: error instanceof Error ? error.message : String(error),
      });
    });
  }, interval * 1000);
  g.gatehouseDiscoveryTimer.unref();
}
