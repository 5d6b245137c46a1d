import "server-only";
import type { Db } from "@/lib/db/client";

/**
 * The details of the audit events of `action` that mention a record id, parsed (an unreadable
 * details field reads as {}), oldest first unless `newestFirst`; at most `take`. For reading back
 * what an event recorded about a record — the caller still checks that the field it wants names
 * that record, since the id may appear in another field.
 */
export async function recordedDetailsMentioning(
  db: Pick<Db, "auditEvent">,
  action: string,
  recordId: string,
  opts: { take: number; newestFirst?: boolean },
): Promise<Array<Record<string, unknown>>> {
  const events = await db.auditEvent.findMany({
    // A record id is letters and digits: it can't be a LIKE wildcard.
    where: { action, detailsJson: { contains: recordId } },
    select: { detailsJson: true },
    orderBy: { sequence: opts.newestFirst ? "desc" : "asc" },
    take: opts.take,
  });
  return events.map((event) => parseDetailsJson(event.detailsJson));
}

/** An event's details as an object; unreadable or non-object details read as {}. */
export function parseDetailsJson(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
