import "server-only";
import { countAuditedOutcome } from "@/lib/metrics/audited-outcomes";
import { metrics } from "@/lib/metrics/registry";
import { currentTime } from "@/lib/clock";
import { randomUUID } from "node:crypto";
import type { Prisma } from "@gatehouse/db-sqlite";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { databaseFaultOf, describeDatabaseFault, driverErrorDetail } from "@/lib/db/database-fault";
import { isWriteConflict } from "@/lib/db/serializable-transaction";
import { log } from "@/lib/log";
import { noteRequestOutage } from "@/lib/log/request-record";
import {
  claimAuditOutage,
  endAuditOutage,
  noteAuditWriteFailure,
  releaseAuditOutage,
  type AuditOutage,
} from "./audit-outage";
import { appendToChain, newAuditEventId } from "./append-to-chain";
import { SYSTEM_ACTOR, type AuditEventInput } from "./audit-event";

// The event's parts, with the writer that records them: most callers import both from here.
export {
  AUDIT_ACTIONS,
  ANONYMOUS_ACTOR,
  SYSTEM_ACTOR,
  type AuditAction,
  type AuditActor,
  type AuditEventInput,
  type AuditOutcome,
  type AuditTarget,
} from "./audit-event";

/** The root client or an interactive-transaction client: writeAuditEvent accepts either. */
export type AuditWriter = Db | Prisma.TransactionClient;

/** How long a writer may wait for the chain (concurrent writers queue on its head row). */
const CHAIN_TRANSACTION = { maxWait: 10_000, timeout: 15_000 } as const;

/**
 * Appends one audit event to the hash chain and waits until the database has it (docs/INVARIANTS.md
 * invariant 2). Callers issuing credentials call this before the response carries them, so a
 * failed write means no credentials leave the server.
 *
 * Chain contract: the event gets sequence = head.sequence + 1, prevHash = head.hash and its hash
 * (lib/audit/canonical-event.ts); the AuditChainHead row is updated FIRST in the same transaction,
 * so its row lock serialises writers on PostgreSQL (SQLite serialises writes anyway) and no two
 * events can share a predecessor.
 *
 * Pass the root client and this opens its own transaction; pass the `tx` of a caller's
 * `db.$transaction(async (tx) => …)` and the event commits (or rolls back) with the caller's change.
 * With the root client, a write that lost its connection is checked (did the event land?) and
 * written once more if it did not; the first write after failed ones also records the outage
 * (docs/DATABASE-FAULTS.md).
 * @throws AppError("audit_unavailable") when the event could not be recorded; inside a caller's
 *   transaction that error must be left to propagate so the change rolls back with it.
 */
export async function writeAuditEvent(db: AuditWriter, input: AuditEventInput): Promise<void> {
  await writeAuditEventIf(db, input, undefined);
}

/**
 * writeAuditEvent, with `onlyIf` run first in the event's transaction: the event is written only
 * when it answers true. For a check whose row locks must hold until the event is on record.
 * @returns whether the event was written
 * @throws AppError("audit_unavailable") as writeAuditEvent, also when `onlyIf` fails
 */
export async function writeAuditEventIf(
  db: AuditWriter,
  input: AuditEventInput,
  onlyIf: ((tx: Prisma.TransactionClient) => Promise<boolean>) | undefined,
): Promise<boolean> {
  try {
    const written = isRootClient(db)
      ? await writeInOwnTransaction(db, input, onlyIf)
      : await appendIf(db, input, newAuditEventId(), onlyIf);
    if (written) countAuditedOutcome(input);
    return written;
  } catch (error) {
    // A serializable caller that lost to a concurrent transaction reruns it: not a failure.
    if (isWriteConflict(error)) {
      log.warn("audit write lost a serialization conflict", {
        requestId: input.meta.requestId,
        action: input.action,
      });
    } else {
      const reason = auditFailureReason(error);
      metrics().auditWriteFailures.inc();
      noteAuditWriteFailure(input.meta.requestId, input.action, reason, currentTime());
      log.error("audit write failed", {
        requestId: input.meta.requestId,
        action: input.action,
        reason,
      });
    }
    const refusal = new AppError(
      "audit_unavailable",
      "The audit log could not record this request, so nothing was issued. Try again shortly.",
      { internalReason: `audit write failed: ${auditFailureReason(error)}`, cause: error },
    );
    noteRequestOutage(refusal.retryAfterSeconds ?? 1);
    throw refusal;
  }
}

/** What really refused the write: the driver's code and words (a trigger's RAISE, a disk error). */
function auditFailureReason(error: unknown): string {
  const fault = databaseFaultOf(error);
  if (fault) return describeDatabaseFault(fault);
  const detail = driverErrorDetail(error);
  if (detail)
    return `the database refused the write: ${detail.code ?? ""} ${detail.message}`.trim();
  return error instanceof Error ? error.message.split("\n").at(-1)!.slice(0, 300) : String(error);
}

/** Appends the event unless `onlyIf` answers false; whether it did. */
async function appendIf(
  tx: Prisma.TransactionClient,
  input: AuditEventInput,
  id: string,
  onlyIf: ((tx: Prisma.TransactionClient) => Promise<boolean>) | undefined,
): Promise<boolean> {
  if (onlyIf && !(await onlyIf(tx))) return false;
  await appendToChain(tx, input, id);
  return true;
}

async function writeInOwnTransaction(
  db: Db,
  input: AuditEventInput,
  onlyIf?: (tx: Prisma.TransactionClient) => Promise<boolean>,
): Promise<boolean> {
  const id = newAuditEventId();
  for (let attempt = 1; ; attempt++) {
    const outage = claimAuditOutage();
    try {
      const written = await db.$transaction(async (tx) => {
        // The check first: the rows it locks are taken before the chain's head, as every
        // transaction that writes both takes them.
        const allowed = onlyIf ? await onlyIf(tx) : true;
        if (outage) await appendToChain(tx, outageEvent(outage), newAuditEventId());
        if (allowed) await appendToChain(tx, input, id);
        return allowed;
      }, CHAIN_TRANSACTION);
      if (outage) endAuditOutage(outage);
      return written;
    } catch (error) {
      // A connection that dropped may have taken the COMMIT with it, or not: look before writing
      // again, so the event is recorded exactly once.
      const landed =
        attempt === 1 && databaseFaultOf(error)?.kind === "connection-lost"
          ? await db.auditEvent
              .findUnique({ where: { id }, select: { id: true } })
              .then(Boolean, () => null)
          : null;
      if (landed) {
        if (outage) endAuditOutage(outage);
        return true;
      }
      if (outage) releaseAuditOutage();
      if (landed === null) throw error;
      log.warn("audit write lost its connection before committing; writing it again", {
        requestId: input.meta.requestId,
        action: input.action,
      });
    }
  }
}

/**
 * Records a pending audit outage on its own (the readiness probe does, so a replica that gets no
 * traffic still notices the log recovered). No-op when there is none or another write records it.
 * @throws AppError("audit_unavailable") when the log still can't take it
 */
export async function recordPendingAuditOutage(db: Db): Promise<void> {
  const outage = claimAuditOutage();
  if (!outage) return;
  try {
    await db.$transaction(
      (tx) => appendToChain(tx, outageEvent(outage), newAuditEventId()),
      CHAIN_TRANSACTION,
    );
    endAuditOutage(outage);
  } catch (error) {
    releaseAuditOutage();
    const reason = auditFailureReason(error);
    log.error("audit write failed", { action: "audit.outage", reason });
    throw new AppError("audit_unavailable", "The audit log can't take writes.", {
      internalReason: `audit write failed: ${reason}`,
      cause: error,
    });
  }
}

/** The summary of an audit outage, written as the first event once the log takes writes again. */
function outageEvent(outage: AuditOutage): AuditEventInput {
  return {
    action: "audit.outage",
    outcome: "error",
    actor: SYSTEM_ACTOR,
    meta: { requestId: randomUUID(), ip: null, userAgent: null },
    details: {
      since: outage.since.toISOString(),
      until: currentTime().toISOString(),
      failedWrites: outage.failedWrites,
      // The requests refused meanwhile (the first ones): what was not issued, by request id.
      refusedRequestIds: outage.requestIds.join(" "),
      lastReason: outage.lastReason.slice(0, 500),
    },
  };
}

/** Interactive-transaction clients have no $transaction: that is how Prisma refuses nesting. */
function isRootClient(db: AuditWriter): db is Db {
  return typeof (db as { $transaction?: unknown }).$transaction === "function";
}
