import "server-only";
import { currentTime } from "@/lib/clock";
import { currentAuditOutage } from "@/lib/audit/audit-outage";
import { recordPendingAuditOutage } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import { databaseFaultOf, describeDatabaseFault } from "@/lib/db/database-fault";
import { noteSchemaCurrent } from "@/lib/db/schema-gate";
import { checkSchemaCurrent, LATEST_MIGRATION } from "@/lib/db/schema-version";
import { isAppError } from "@/lib/errors";
import { log } from "@/lib/log";

/** One check's verdict: the words are safe to show to anyone (no driver detail). */
export interface CheckResult {
  ok: boolean;
  status: string;
}

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; schema: CheckResult; audit: CheckResult; broker: CheckResult };
}

/** What readiness asks besides the database (injected so tests and scripts can give their own). */
export interface ReadinessDeps {
  databaseUrl: string;
  /** Resolves with the broker's identity (cached by the broker), or rejects. */
  brokerIdentity: (() => Promise<{ account: string }>) | null;
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
export function checkReadiness(
  db: Db,
  deps: ReadinessDeps,
  now: () => Date = () => currentTime(),
): Promise<Readiness> {
  const cached = cache.gatehouseReadiness;
  // A probe in flight is always shared; a finished one only while it is fresh and no audit write
  // has failed since (that changes the verdict at once).
  if (cached && (!cached.settled || (Date.now() - cached.at < REUSE_MS && !currentAuditOutage())))
    return cached.result;
  const entry = { at: Date.now(), result: probe(db, deps, now()), settled: false };
  const settle = () => (entry.settled = true);
  entry.result.then(settle, settle);
  cache.gatehouseReadiness = entry;
  return entry.result;
}

async function probe(db: Db, deps: ReadinessDeps, at: Date): Promise<Readiness> {
  const database = await probeWrite(db, at);
  const notChecked = { ok: false, status: "not checked" };
  const [schema, audit] = database.ok
    ? await Promise.all([probeSchema(deps.databaseUrl), probeAudit(db)])
    : [notChecked, notChecked];
  const broker = await probeBroker(deps.brokerIdentity);
  return {
    ready: database.ok && schema.ok && audit.ok && broker.ok,
    checks: { database, schema, audit, broker },
  };
}

/** Once current, always current: a schema does not go back while this process runs. */
let schemaConfirmed = false;

async function probeSchema(databaseUrl: string): Promise<CheckResult> {
  if (schemaConfirmed) return { ok: true, status: `current (${LATEST_MIGRATION})` };
  const state = await checkSchemaCurrent(databaseUrl);
  if (state.current) {
    schemaConfirmed = true;
    noteSchemaCurrent();
    return { ok: true, status: `current (${LATEST_MIGRATION})` };
  }
  log.warn("readiness: schema not current", { reason: state.reason });
  return {
    ok: false,
    status: state.behind ? `older than this code (needs ${LATEST_MIGRATION})` : "not checked",
  };
}

/** The broker's account, once known: a later STS hiccup does not take the replica out. */
let brokerKnown: string | null = null;

async function probeBroker(identity: ReadinessDeps["brokerIdentity"]): Promise<CheckResult> {
  if (identity === null) return { ok: true, status: "not required" };
  try {
    brokerKnown = (await identity()).account;
    return { ok: true, status: `known (account ${brokerKnown})` };
  } catch (error) {
    if (brokerKnown !== null)
      return { ok: true, status: `known (account ${brokerKnown}); last refresh failed` };
    log.warn("readiness: the broker's identity is not known", {
      reason: error instanceof Error ? error.message : String(error),
    });
    return {
      ok: false,
      status: `unknown (${isAppError(error) ? error.code : "error"}; see the Broker page)`,
    };
  }
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
