import "server-only";

/**
 * Audit writes that failed since the last one that succeeded, kept in this process's memory until
 * the log takes writes again; then the summary becomes an `audit.outage` event, so the log itself
 * says when it could not record and which requests were refused meanwhile (docs/DATABASE-FAULTS.md).
 * Every failure is also logged with its request id at once, so nothing depends on this surviving a
 * restart.
 */
export interface AuditOutage {
  since: Date;
  failedWrites: number;
  /** The first refused requests' ids (at most MAX_REQUEST_IDS). */
  requestIds: string[];
  lastReason: string;
}

const MAX_REQUEST_IDS = 50;

// One record per process: Next.js bundles route handlers, pages and server actions separately,
// each with its own copy of this module, and all of them write audit events.
const state = globalThis as unknown as {
  gatehouseAuditOutage?: AuditOutage | null;
  /** Whether a write is recording the outage now: only one may, or it would appear twice. */
  gatehouseAuditOutageClaimed?: boolean;
};

export function noteAuditWriteFailure(
  requestId: string,
  action: string,
  reason: string,
  at: Date,
): void {
  const current = (state.gatehouseAuditOutage ??= {
    since: at,
    failedWrites: 0,
    requestIds: [],
    lastReason: reason,
  });
  current.failedWrites += 1;
  current.lastReason = `${action}: ${reason}`;
  if (current.requestIds.length < MAX_REQUEST_IDS) current.requestIds.push(requestId);
}

/**
 * The outage not yet recorded, for the caller to record (null when there is none, or another write
 * is recording it). The caller must end with endAuditOutage or releaseAuditOutage.
 */
export function claimAuditOutage(): AuditOutage | null {
  const current = state.gatehouseAuditOutage;
  if (!current || state.gatehouseAuditOutageClaimed) return null;
  state.gatehouseAuditOutageClaimed = true;
  return { ...current, requestIds: [...current.requestIds] };
}

/** The claimed outage could not be recorded: the next write tries. */
export function releaseAuditOutage(): void {
  state.gatehouseAuditOutageClaimed = false;
}

/** The outage as it stands (readiness reports it), without claiming it. */
export function currentAuditOutage(): Readonly<AuditOutage> | null {
  return state.gatehouseAuditOutage ?? null;
}

/** After `recorded` is in the log: keep only the failures that came after that snapshot. */
export function endAuditOutage(recorded: AuditOutage): void {
  state.gatehouseAuditOutageClaimed = false;
  const current = state.gatehouseAuditOutage;
  if (!current) return;
  if (current.failedWrites <= recorded.failedWrites) {
    state.gatehouseAuditOutage = null;
    return;
  }
  state.gatehouseAuditOutage = {
    since: current.since,
    failedWrites: current.failedWrites - recorded.failedWrites,
    requestIds: current.requestIds.slice(recorded.requestIds.length),
    lastReason: current.lastReason,
  };
}
