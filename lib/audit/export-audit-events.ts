import "server-only";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log";
import type { AuditQuery } from "./audit-query";
import { csvRecord } from "./csv";
import { iterateAuditEvents } from "./find-audit-events";

export type ExportFormat = "csv" | "jsonl";

/**
 * Every stored column, in a stable order: with prevHash and hash, anyone holding an export can
 * recompute the chain over it (lib/audit/canonical-event.ts describes the form). Never a secret:
 * the audit log holds none (docs/INVARIANTS.md invariant 3).
 */
export const EXPORT_COLUMNS = [
  "sequence",
  "createdAt",
  "id",
  "requestId",
  "action",
  "outcome",
  "actorUserId",
  "actorIssuer",
  "actorSubject",
  "actorEmail",
  "actorGroupsJson",
  "awsAccountId",
  "roleArn",
  "roleSessionName",
  "sourceIdentity",
  "durationSeconds",
  "accessKeyId",
  "ip",
  "userAgent",
  "detailsJson",
  "prevHash",
  "hash",
] as const;

const EXPORT_SELECT = Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, true])) as Record<
  (typeof EXPORT_COLUMNS)[number],
  true
>;

export const EXPORT_CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
};

/**
 * The filtered log as a byte stream, newest first, read from the database a page at a time as the
 * client consumes it (pull-based: a slow download holds one page, never the whole log). JSON Lines
 * carry the stored values (createdAt in ISO 8601 UTC, detailsJson as stored text).
 */
export function exportAuditEvents(
  db: Db,
  query: Omit<AuditQuery, "cursor" | "limit">,
  format: ExportFormat,
  meta: { requestId: string },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const rows = iterateAuditEvents(db, query, EXPORT_SELECT);
  let wroteHeader = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let chunk = "";
        if (format === "csv" && !wroteHeader) chunk += csvRecord(EXPORT_COLUMNS);
        wroteHeader = true;
        // ~500 rows per chunk: big enough to stream fast, small enough to stay light.
        for (let i = 0; i < 500; i += 1) {
          const next = await rows.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          const row = next.value as Record<(typeof EXPORT_COLUMNS)[number], unknown>;
          chunk +=
            format === "csv" ? csvRecord(EXPORT_COLUMNS.map((c) => cell(row[c]))) : jsonLine(row);
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        // Headers are gone by now: the download ends short, and the server log says why.
        log.error("audit export failed mid-stream", { requestId: meta.requestId, error });
        controller.error(new Error("audit export failed"));
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
}

function cell(value: unknown): string | number | null {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "string") return value;
  return null;
}

function jsonLine(row: Record<(typeof EXPORT_COLUMNS)[number], unknown>): string {
  const out: Record<string, unknown> = {};
  for (const column of EXPORT_COLUMNS) {
    const value = row[column];
    out[column] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  return `${JSON.stringify(out)}\n`;
}
