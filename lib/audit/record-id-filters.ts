import type { Prisma } from "@gatehouse/db-sqlite";
import type { AuditQuery } from "./audit-query";
import { parseDetailsJson } from "./recorded-details";

/**
 * The filters on record ids the audit log keeps in an event's details, not in a column of its
 * own: an access request's id and a CLI token's id. Where each is recorded:
 * - an access request: `request` in its own events (`access-request.*`, `elevation.*`, and the
 *   refusals naming it, lib/access-requests/events.ts and request-access.ts), `accessRequestId`
 *   in `admin.webhook.retried`, and `accessRequests` (a list) in the `*.authorized` and `*.issued`
 *   records of an issuance resting on it (lib/issuance/issuance-audit.ts);
 * - a CLI token: `cliTokenId` in every event a request made with it writes
 *   (lib/audit/append-to-chain.ts).
 *
 * Details are JSON text on both databases, and neither reads JSON the same way, so the database
 * only narrows: the details must contain the id (a LIKE, portable; the id is letters and digits,
 * never a wildcard, and SQLite's LIKE ignoring case only lets more through). Each candidate is
 * then parsed and kept only if the right field names that id exactly — an id mentioned in another
 * field (a comment, a rule's session tag named cliTokenId) is not a match.
 */
export type RecordIdFilter = Pick<AuditQuery, "accessRequestId" | "cliTokenId">;

export function hasRecordIdFilter(query: RecordIdFilter): boolean {
  return Boolean(query.accessRequestId || query.cliTokenId);
}

/** The narrowing conditions for the database (none when neither filter is given). */
export function recordIdWhere(query: RecordIdFilter): Prisma.AuditEventWhereInput[] {
  return [query.accessRequestId, query.cliTokenId]
    .filter((id): id is string => Boolean(id))
    .map((id) => ({ detailsJson: { contains: id } }));
}

/** Whether an event's recorded details name the filters' records in the fields that hold them. */
export function matchesRecordIds(
  query: RecordIdFilter,
  event: { action: string; detailsJson: string },
): boolean {
  if (!hasRecordIdFilter(query)) return true;
  const details = parseDetailsJson(event.detailsJson);
  if (query.cliTokenId && details.cliTokenId !== query.cliTokenId) return false;
  if (query.accessRequestId && !namesAccessRequest(event.action, details, query.accessRequestId))
    return false;
  return true;
}

function namesAccessRequest(action: string, details: Record<string, unknown>, id: string): boolean {
  if (action.startsWith("access-request.") || action.startsWith("elevation."))
    return details.request === id;
  if (action === "admin.webhook.retried") return details.accessRequestId === id;
  if (action.endsWith(".authorized") || action.endsWith(".issued"))
    return Array.isArray(details.accessRequests) && details.accessRequests.includes(id);
  return false;
}
