import "server-only";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log";
import type { AuditExportFormat, AuditQuery } from "./audit-query";
import { CSV_BOM, csvRecord } from "./csv";
import { iterateAuditEvents } from "./find-audit-events";

export type ExportFormat = AuditExportFormat;

/**
 * Every stored column, in a stable order: with prevHash and hash, anyone holding a JSON Lines
 * export can recompute the chain over it (lib/audit/canonical-event.ts describes the form); a CSV
 * cell defused against formulas (csv.ts) is no longer the stored text. Never a secret: the audit
 * log holds none (docs/INVARIANTS.md invariant 3).
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

/** A chunk is sent once it holds this many characters or rows: streamed fast, light on long rows. */
const CHUNK_CHARS = 64 * 1024;
const CHUNK_ROWS = 500;

/**
 * Opens an export of the filtered log, newest first: reads its first page before anything is
 * answered, so a database failure there throws here and the route answers the API's error (503 for
 * a database fault) with nothing sent. The caller records `audit.exported` after this and before it
 * returns the stream (docs/DATABASE-FAULTS.md "Audit exports"); it must cancel the stream if that
 * record fails.
 */
export async function openAuditExport(
  db: Db,
  query: Omit<AuditQuery, "cursor" | "limit">,
  format: ExportFormat,
  meta: { requestId: string },
): Promise<ReadableStream<Uint8Array>> {
  const rows = iterateAuditEvents(db, query, EXPORT_SELECT);
  const first = await rows.next();
  return exportStream(rows, first, format, meta);
}

/**
 * The rows as a byte stream, read from the database a page at a time as the client consumes it
 * (pull-based: a slow download holds one page, never the whole log). A CSV starts with the UTF-8
 * byte order mark, so a spreadsheet reads names and user agents as UTF-8. JSON Lines carry the
 * stored values (createdAt in ISO 8601 UTC, detailsJson as stored text). A failure after the response
 * began errors the stream, which ends the connection without the chunked encoding's last chunk:
 * every HTTP/1.1 client reports the download as failed instead of keeping a short file.
 */
function exportStream(
  rows: AsyncGenerator<Record<string, unknown>>,
  first: IteratorResult<Record<string, unknown>>,
  format: ExportFormat,
  meta: { requestId: string },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let pending: IteratorResult<Record<string, unknown>> | null = first;
  let wroteHeader = false;
  let rowsSent = 0;
  const next = async () => {
    if (pending) {
      const result = pending;
      pending = null;
      return result;
    }
    return rows.next();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = "";
      let count = 0;
      try {
        if (format === "csv" && !wroteHeader) chunk += CSV_BOM + csvRecord(EXPORT_COLUMNS);
        wroteHeader = true;
        while (count < CHUNK_ROWS && chunk.length < CHUNK_CHARS) {
          const result = await next();
          if (result.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          const row = result.value as Record<(typeof EXPORT_COLUMNS)[number], unknown>;
          chunk +=
            format === "csv" ? csvRecord(EXPORT_COLUMNS.map((c) => cell(row[c]))) : jsonLine(row);
          count += 1;
        }
        controller.enqueue(encoder.encode(chunk));
        rowsSent += count;
      } catch (error) {
        // The status and the first rows are gone: the download is cut off, and the log says why.
        log.error("audit export failed mid-stream", { requestId: meta.requestId, rowsSent, error });
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
