import "server-only";
import { currentTime } from "@/lib/clock";
import { currentAuditOutage } from "@/lib/audit/audit-outage";
import { recordPendingAuditOutage } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import { databaseFaultOf, describeDatabaseFault } from "@/lib/db/database-fault";
import { log } from "@/lib/log";

/** One check's verdict: the words are safe to show to anyone (no driver detail). */
export interface CheckResult {
  ok: boolean;
  status: string;
}

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; audit: CheckResult };
}

const PROBE_ID = "write-probe";
/** A verdict is reused this long, so a flood of probes costs one database write a second. */
const REUSE_MS = 1000;

const cache = globalThis as unknown as {
  gatehouseReadiness?: { at: number; result: Promise<Readiness>; settled: boolean };
};

/**
 * Whether this replica should get traffic (docs/DATABASE-FAULTS.md): the database takes a durable
 * write (one row, updated), and the audit log is not in an outage — when it was, this probe
 * records the outage's summary itself, so a replica taken out of rotation still notices that the
 * log recovered. Concurrent callers share one probe.
 */
export function checkReadiness(db: Db, now: () => Date = () => currentTime()): Promise<Readiness> {
  const cached = cache.gatehouseReadiness;
  // A probe in flight is always shared; a finished one only while it is fresh and no audit write
  // has failed since (that changes the verdict at once).
  if (cached && (!cached.settled || (Date.now() - cached.at < REUSE_MS && !currentAuditOutage())))
    return cached.result;
  const entry = { at: Date.now(), result: probe(db, now()), settled: false };
  const settle = () => (entry.settled = true);
  entry.result.then(settle, settle);
  cache.gatehouseReadiness = entry;
  return entry.result;
}

async function probe(db: Db, at: Date): Promise<Readiness> {
  const database = await probeWrite(db, at);
  const audit = database.ok ? await probeAudit(db) : { ok: false, status: "not checked" };
  return { ready: database.ok && audit.ok, checks: { database, audit } };
}

async function probeWrite(db: Db, at: Date): Promise<CheckResult> {
  try {
    await db.readinessProbe.upsert({
      where: { id: PROBE_ID },
      create: { id: PROBE_ID, probedAt: at },
      update: { probedAt: at },
    });
    return { ok: true, status: "writable" };
  } catch (error) {
    const fault = databaseFaultOf(error);
    log.warn("readiness: the database does not take writes", {
      reason: fault ? describeDatabaseFault(fault) : undefined,
      ...(fault ? {} : { error }),
    });
    return { ok: false, status: `not writable (${fault?.kind ?? "error"})` };
  }
}

async function probeAudit(db: Db): Promise<CheckResult> {
  if (!currentAuditOutage()) return { ok: true, status: "writable" };
  try {
    await recordPendingAuditOutage(db);
  } catch {
    // Logged by the audit writer with the real cause.
  }
  const outage = currentAuditOutage();
  return outage
    ? { ok: false, status: `not writable since ${outage.since.toISOString()}` }
    : { ok: true, status: "writable" };
}
