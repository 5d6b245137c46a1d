import "server-only";
import { countAuditedOutcome } from "@/lib/metrics/audited-outcomes";
import { metrics } from "@/lib/metrics/registry";
import { currentTime } from "@/lib/clock";
import { randomBytes, randomUUID } from "node:crypto";
import type { Prisma } from "@gatehouse/db-sqlite";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { boundList, boundSql } from "@/lib/db/bound-sql";
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
import { CHAIN_HEAD_ID } from "./chain-head";
import { computeAuditHash, type ChainedAuditRow } from "./canonical-event";

/** Every action the audit log records (the audit page offers them as a filter). */
export const AUDIT_ACTIONS = [
  "auth.sign-in",
  "auth.sign-in-failed",
  "auth.sign-out",
  "auth.single-logout",
  "access.denied",
  "console.authorized",
  "console.issued",
  "console.failed",
  "credentials.authorized",
  "credentials.issued",
  "credentials.failed",
  "admin.saml-idp.created",
  "admin.saml-idp.updated",
  "broker.unlocked",
  "broker.unlock-failed",
  "broker.locked",
  "admin.account.created",
  "admin.account.updated",
  "admin.account.deleted",
  "admin.role.created",
  "admin.role.updated",
  "admin.role.deleted",
  "admin.role.checked",
  "admin.rule.created",
  "admin.rule.updated",
  "admin.rule.deleted",
  "admin.person.linked",
  "admin.person.unlinked",
  "admin.person.revoked",
  "admin.config.imported",
  "admin.denied",
  "audit.verified",
  "audit.exported",
  "audit.outage",
  "cli.device-approved",
  "cli.device-denied",
  "cli.token-issued",
  "cli.token-refused",
  "cli.token-revoked",
  "cli.whoami",
  "cli.roles-listed",
  "access-request.requested",
  "access-request.approval-recorded",
  "access-request.approved",
  "access-request.denied",
  "access-request.cancelled",
  "access-request.expired",
  "access-request.refused",
  "elevation.activated",
  "elevation.break-glass",
  "elevation.ended",
  "elevation.revoked",
  "admin.webhook.retried",
  "discovery.started",
  "discovery.completed",
  "discovery.failed",
  "discovery.applied",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = "success" | "denied" | "error";

export interface AuditActor {
  userId: string | null;
  issuer: string | null;
  subject: string | null;
  email: string | null;
  groups: string[] | null;
}

/** The portal itself, for events no person caused (e.g. an audit outage's summary). */
export const SYSTEM_ACTOR: AuditActor = {
  userId: null,
  issuer: null,
  subject: null,
  email: null,
  groups: null,
};

/** Someone not signed in (a failed sign-in, a refused anonymous request): nothing is known. */
export const ANONYMOUS_ACTOR: AuditActor = SYSTEM_ACTOR;

export interface AuditTarget {
  awsAccountId?: string;
  roleArn?: string;
  roleSessionName?: string;
  sourceIdentity?: string;
  durationSeconds?: number;
  /** Never a secret key, session token or sign-in token: only the access key id. */
  accessKeyId?: string;
}

export interface AuditEventInput {
  action: AuditAction;
  outcome: AuditOutcome;
  actor: AuditActor;
  meta: RequestMeta;
  target?: AuditTarget;
  /** Why: the specific reason for a denial or error. Must not contain secrets. */
  details?: Record<string, string | number | boolean | null | Record<string, unknown>>;
  /** The event's time (tests); default: the moment the chain position is taken. */
  at?: Date;
}

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
  try {
    if (isRootClient(db)) await writeInOwnTransaction(db, input);
    else await appendToChain(db, input, newAuditEventId());
    countAuditedOutcome(input);
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

async function writeInOwnTransaction(db: Db, input: AuditEventInput): Promise<void> {
  const id = newAuditEventId();
  for (let attempt = 1; ; attempt++) {
    const outage = claimAuditOutage();
    try {
      await db.$transaction(async (tx) => {
        if (outage) await appendToChain(tx, outageEvent(outage), newAuditEventId());
        await appendToChain(tx, input, id);
      }, CHAIN_TRANSACTION);
      if (outage) endAuditOutage(outage);
      return;
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
        return;
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

async function appendToChain(
  tx: Prisma.TransactionClient,
  input: AuditEventInput,
  id: string,
): Promise<void> {
  // Three plain statements rather than the model API: every issuance writes two events, and a
  // model call costs several times a raw one in CPU (docs/BENCHMARKS.md "Fewer statements per
  // issuance"). Taking the next sequence is the head row's update: on PostgreSQL it locks the row
  // until commit, so a concurrent writer waits here and then sees this event as its predecessor.
  const [head] = await tx.$queryRaw<Array<{ sequence: number | bigint; hash: string }>>`
    UPDATE "AuditChainHead" SET "sequence" = "sequence" + 1 WHERE "id" = ${CHAIN_HEAD_ID}
    RETURNING "sequence", "hash"`;
  if (!head) throw new Error("the audit chain's head row is missing");
  const row: ChainedAuditRow = {
    id,
    sequence: Number(head.sequence),
    prevHash: head.hash,
    // Taken after the lock, so time order follows chain order on one clock.
    createdAt: input.at ?? currentTime(),
    requestId: input.meta.requestId,
    action: input.action,
    outcome: input.outcome,
    actorUserId: input.actor.userId,
    actorIssuer: input.actor.issuer,
    actorSubject: input.actor.subject,
    actorEmail: input.actor.email,
    actorGroupsJson: input.actor.groups ? JSON.stringify(input.actor.groups) : null,
    awsAccountId: input.target?.awsAccountId ?? null,
    roleArn: input.target?.roleArn ?? null,
    roleSessionName: input.target?.roleSessionName ?? null,
    sourceIdentity: input.target?.sourceIdentity ?? null,
    durationSeconds: input.target?.durationSeconds ?? null,
    accessKeyId: input.target?.accessKeyId ?? null,
    ip: input.meta.ip,
    userAgent: input.meta.userAgent,
    detailsJson: JSON.stringify(
      input.meta.cliTokenId !== undefined
        ? { ...input.details, cliTokenId: input.meta.cliTokenId }
        : (input.details ?? {}),
    ),
  };
  const hash = computeAuditHash(head.hash, row);
  const columns = [...Object.keys(row), "hash"].map((name) => `"${name}"`).join(", ");
  await tx.$executeRaw(
    ...boundSql([
      `INSERT INTO "AuditEvent" (${columns}) VALUES (`,
      ...boundList([...Object.values(row), hash]),
      ")",
    ]),
  );
  await tx.$executeRaw`
    UPDATE "AuditChainHead" SET "hash" = ${hash}, "updatedAt" = ${currentTime()}
    WHERE "id" = ${CHAIN_HEAD_ID}`;
}

/** A cuid-shaped id (lowercase letters and digits, 25 characters), chosen here so it is hashed. */
function newAuditEventId(): string {
  const time = Date.now().toString(36).padStart(9, "0");
  const random = BigInt(`0x${randomBytes(12).toString("hex")}`)
    .toString(36)
    .padStart(19, "0")
    .slice(-15);
  return `c${time}${random}`;
}
