import "server-only";
import type { Db } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/request-meta";
import { describeFilter, type AuditQuery } from "./audit-query";
import type { ExportFormat } from "./export-audit-events";
import { verifyAuditChain, type ChainProgress, type ChainReport } from "./verify-chain";
import { writeAuditEvent, type AuditActor } from "./write-audit-event";

/** Records an export (who, which format, which filter) before any row of it leaves the server. */
export async function recordAuditExport(
  db: Db,
  actor: AuditActor,
  meta: RequestMeta,
  format: ExportFormat,
  query: AuditQuery,
): Promise<void> {
  await writeAuditEvent(db, {
    action: "audit.exported",
    outcome: "success",
    actor,
    meta,
    details: { format, filter: describeFilter(query) },
  });
}

/**
 * Verifies the chain and records that it was verified, with the result: `success` when intact,
 * `error` when broken (the first break's kind and sequence in the details).
 * @throws AppError("audit_unavailable") when the result could not be recorded.
 */
export async function verifyAndRecord(
  db: Db,
  actor: AuditActor,
  meta: RequestMeta,
  via: "portal" | "cli",
  onProgress?: (progress: ChainProgress) => void | Promise<void>,
): Promise<ChainReport> {
  const report = await verifyAuditChain(db, onProgress ? { onProgress } : {});
  await recordVerification(db, actor, meta, via, report);
  return report;
}

/** The audit.verified event for a finished verification. */
export async function recordVerification(
  db: Db,
  actor: AuditActor,
  meta: RequestMeta,
  via: "portal" | "cli",
  report: ChainReport,
): Promise<void> {
  await writeAuditEvent(db, {
    action: "audit.verified",
    outcome: report.intact ? "success" : "error",
    actor,
    meta,
    details: {
      via,
      intact: report.intact,
      checked: report.checked,
      breaks: report.breaks,
      legacyEvents: report.legacyEvents,
      headSequence: report.head.sequence,
      headHash: report.head.hash,
      firstBreakKind: report.firstBreak?.kind ?? null,
      firstBreakSequence: report.firstBreak?.sequence ?? null,
    },
  });
}
