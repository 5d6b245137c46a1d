import { currentTime } from "@/lib/clock";
import { z } from "zod";
import { parseAuditExportQuery } from "@/lib/audit/audit-query";
import { EXPORT_CONTENT_TYPE, openAuditExport } from "@/lib/audit/export-audit-events";
import { recordAuditExport } from "@/lib/audit/record-audit-access";
import { getDb } from "@/lib/db/client";
import { NO_STORE, withSession } from "@/lib/http/api-handler";
import { validationErrorOf } from "@/lib/validation-error";
import { otherMethods } from "@/lib/http/fallback-handlers";
import { actorOf } from "@/lib/audit/actor";

/**
 * GET ?format=csv|jsonl&<the audit page's filters>: the whole filtered log (not one page), streamed,
 * never cached; a parameter it does not read (a misspelt filter, a page cursor) is a 400. Auditors
 * and admins only. The first page is read before anything is answered (a database fault there is a
 * 503, nothing sent, nothing recorded); `audit.exported` is written after it and before the first
 * byte leaves (docs/DATABASE-FAULTS.md "Audit exports").
 */
export const GET = withSession(
  z.object({}).optional(),
  async ({ request, user, meta }) => {
    const parsed = parseAuditExportQuery(request.nextUrl.searchParams);
    if (!parsed.ok) throw validationErrorOf(parsed.issues);
    const format = parsed.format;
    const stamp = currentTime().toISOString().replace(/[:.]/g, "-");
    const headers = {
      ...NO_STORE,
      "Content-Type": EXPORT_CONTENT_TYPE[format],
      "Content-Disposition": `attachment; filename="gatehouse-audit-${stamp}.${format}"`,
      "X-Content-Type-Options": "nosniff",
    };
    // Next.js answers HEAD with this handler: a HEAD exports nothing, so it reads and records
    // nothing either (an `audit.exported` event must mean the log left the portal).
    if (request.method === "HEAD") return new Response(null, { headers });
    const db = getDb();
    const body = await openAuditExport(db, parsed.query, format, meta);
    try {
      await recordAuditExport(db, actorOf(user), meta, format, parsed.query);
    } catch (error) {
      await body.cancel();
      throw error;
    }
    return new Response(body, { headers });
  },
  { privilege: "auditor" },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
