import "server-only";
import type { Prisma } from "@gatehouse/db-sqlite";
import type { Db } from "@/lib/db/client";
import { encodeCursor } from "./audit-filter-values";
import type { ChainedAuditRow } from "./canonical-event";
import type { AuditQuery } from "./audit-query";
import { hasRecordIdFilter, matchesRecordIds, recordIdWhere } from "./record-id-filters";
import { parseDetailsJson } from "./recorded-details";

export interface AuditEventView {
  id: string;
  /** Position in the hash chain; null for events written before the chain existed. */
  sequence: number | null;
  createdAt: Date;
  requestId: string;
  action: string;
  outcome: string;
  actorUserId: string | null;
  actorEmail: string | null;
  actorSubject: string | null;
  awsAccountId: string | null;
  roleArn: string | null;
  roleSessionName: string | null;
  sourceIdentity: string | null;
  durationSeconds: number | null;
  accessKeyId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

export interface AuditPage {
  events: AuditEventView[];
  /** Cursor for the next page of older events, or null at the oldest. */
  older: string | null;
  /** Cursor for the page of newer events, or null on the newest page. */
  newer: string | null;
}

const VIEW_SELECT = {
  id: true,
  sequence: true,
  createdAt: true,
  requestId: true,
  action: true,
  outcome: true,
  actorUserId: true,
  actorEmail: true,
  actorSubject: true,
  awsAccountId: true,
  roleArn: true,
  roleSessionName: true,
  sourceIdentity: true,
  durationSeconds: true,
  accessKeyId: true,
  ip: true,
  userAgent: true,
  detailsJson: true,
} as const;

/** The selected columns, typed as the chain types a stored row (every one is hashed). */
type ViewRow = Pick<ChainedAuditRow, keyof typeof VIEW_SELECT>;

/**
 * One page of audit events matching the filters, newest first. Keyset pagination on
 * (createdAt, id) — never OFFSET — so any page costs what the first one does, and events written
 * while someone pages never shift a page: nothing is shown twice or skipped. Caller must be an
 * auditor or admin.
 */
export async function findAuditEvents(db: Db, query: AuditQuery): Promise<AuditPage> {
  const where = await filterWhere(db, query);
  const cursor = query.cursor;
  const newerFirst = cursor?.direction !== "newer";
  const rows = await readMatching(db, query, where, cursor, newerFirst, query.limit + 1);
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (!newerFirst) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const olderExists = newerFirst ? hasMore : cursor !== undefined;
  const newerExists = newerFirst ? cursor !== undefined : hasMore;
  return {
    events: page.map(toView),
    older: olderExists && last ? encodeCursor(last) : null,
    newer: newerExists && first ? encodeCursor(first) : null,
  };
}

/**
 * The first `want` events past the cursor that match, in the page's order. With a filter on a
 * record id the database returns candidates (record-id-filters.ts): read on in batches until
 * enough of them match, so a page is never short while older matches exist.
 */
async function readMatching(
  db: Db,
  query: AuditQuery,
  where: Prisma.AuditEventWhereInput,
  cursor: AuditQuery["cursor"],
  newerFirst: boolean,
  want: number,
): Promise<ViewRow[]> {
  const exact = !hasRecordIdFilter(query);
  const batch = exact ? want : Math.max(want * 2, 200);
  const matched: ViewRow[] = [];
  let from = cursor;
  for (;;) {
    const rows: ViewRow[] = await db.auditEvent.findMany({
      where: from ? { AND: [where, keysetWhere(from)] } : where,
      orderBy: newerFirst
        ? [{ createdAt: "desc" }, { id: "desc" }]
        : [{ createdAt: "asc" }, { id: "asc" }],
      take: batch,
      select: VIEW_SELECT,
    });
    for (const row of rows) {
      if (!exact && !matchesRecordIds(query, row)) continue;
      matched.push(row);
      if (matched.length === want) return matched;
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < batch) return matched;
    from = { direction: newerFirst ? "older" : "newer", createdAt: last.createdAt, id: last.id };
  }
}

/**
 * Every event matching the filters, newest first, a page at a time (for exports: constant memory
 * at any size). Events written after the walk starts are newer than its first page and not included.
 */
export async function* iterateAuditEvents(
  db: Db,
  query: Omit<AuditQuery, "cursor" | "limit">,
  select: Prisma.AuditEventSelect,
  pageSize = 1000,
): AsyncGenerator<Record<string, unknown>> {
  const where = await filterWhere(db, { ...query, limit: pageSize });
  const exact = !hasRecordIdFilter(query);
  let cursor: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const rows: Array<Record<string, unknown>> = await db.auditEvent.findMany({
      where: cursor ? { AND: [where, keysetWhere({ direction: "older", ...cursor })] } : where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: pageSize,
      select: { ...select, id: true, createdAt: true, action: true, detailsJson: true },
    });
    for (const row of rows) {
      if (exact || matchesRecordIds(query, row as { action: string; detailsJson: string }))
        yield row;
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < pageSize) return;
    cursor = { createdAt: last.createdAt as Date, id: last.id as string };
  }
}

/**
 * The filters as a Prisma where. A user given by email means every identity of the people with an
 * identity of that email (in any case); a role given by name means the roles with that name in the portal now (see
 * audit-query.ts). Each condition is an equality or IN on an indexed column (with createdAt after
 * it in the index).
 */
async function filterWhere(db: Db, query: AuditQuery): Promise<Prisma.AuditEventWhereInput> {
  const where: Prisma.AuditEventWhereInput = {};
  if (query.from || query.to) {
    where.createdAt = {
      ...(query.from ? { gte: query.from } : {}),
      ...(query.to ? { lt: query.to } : {}),
    };
  }
  if (query.user) {
    if (query.user.includes("@")) {
      // Case-insensitively, as emails compare everywhere in the portal: IdPs send the case they
      // like (Bob@Corp.example), and an auditor types it as they like.
      // The whole person, not the one identity: someone whose identities were linked
      // (docs/SECURITY.md) under other emails is found with any one of them.
      const users = await db.$queryRaw<Array<{ id: string }>>`
        SELECT "id" FROM "User" WHERE "personId" IN (
          SELECT "personId" FROM "User" WHERE lower("email") = lower(${query.user}))`;
      where.actorUserId = { in: users.map((u) => u.id) };
    } else {
      where.actorUserId = query.user;
    }
  }
  if (query.account) where.awsAccountId = query.account;
  if (query.role) {
    if (query.role.startsWith("arn:")) {
      where.roleArn = query.role;
    } else {
      const roles = await db.role.findMany({ where: { name: query.role }, select: { arn: true } });
      where.roleArn = { in: roles.map((r) => r.arn) };
    }
  }
  if (query.action) where.action = query.action;
  if (query.outcome) where.outcome = query.outcome;
  // The key id has an index of its own; a session name or source identity is read among the
  // events of the time range given (or of the whole log), the other filters' indexes narrowing it.
  if (query.accessKeyId) where.accessKeyId = query.accessKeyId;
  if (query.sessionName) where.roleSessionName = query.sessionName;
  if (query.sourceIdentity) where.sourceIdentity = query.sourceIdentity;
  // Like a session name, read among the events the other filters leave (README "The audit trail").
  if (query.requestId) where.requestId = query.requestId;
  const narrowing = recordIdWhere(query);
  if (narrowing.length > 0) where.AND = narrowing;
  return where;
}

/**
 * Strictly older (or newer) than the cursor's event in (createdAt, id) order. Written as a range
 * on createdAt plus a tie-break, so the database can seek in its createdAt index.
 */
function keysetWhere(cursor: NonNullable<AuditQuery["cursor"]>): Prisma.AuditEventWhereInput {
  if (cursor.direction === "older") {
    return {
      createdAt: { lte: cursor.createdAt },
      OR: [{ createdAt: { lt: cursor.createdAt } }, { id: { lt: cursor.id } }],
    };
  }
  return {
    createdAt: { gte: cursor.createdAt },
    OR: [{ createdAt: { gt: cursor.createdAt } }, { id: { gt: cursor.id } }],
  };
}

function toView(row: ViewRow): AuditEventView {
  const { detailsJson, ...rest } = row;
  return { ...rest, details: parseDetailsJson(detailsJson) };
}
