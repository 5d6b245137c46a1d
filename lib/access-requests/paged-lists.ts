import "server-only";
import type { Prisma } from "@gatehouse/db-sqlite";
import type { Db } from "@/lib/db/client";
import { encodeCursor, REQUEST_PAGE_SIZE, type ListQuery, type PageCursor } from "./list-query";
import { requestInclude, type RequestRow } from "./request-view";

/** One page of a list, with cursors to its neighbours (null at either end) and the list's size. */
export interface ListPage {
  total: number;
  next: string | null;
  previous: string | null;
}

/** A row a keyset list is ordered by: its creation time, then its id as the tie-break. */
interface KeysetRow {
  createdAt: Date;
  id: string;
}

/**
 * How to read one page of a list shown in `order` (createdAt, id): forward from a "next" cursor
 * (or from the start), backward from a "previous" one, `take` rows and one more to know whether
 * the list goes on. `where` narrows the list's own filter to the rows past the cursor.
 */
export function keysetRead(
  order: "asc" | "desc",
  cursor: PageCursor | undefined,
  size: number,
): { forward: boolean; direction: "asc" | "desc"; past: KeysetWhere | null; take: number } {
  const forward = cursor?.direction !== "previous";
  const direction = forward ? order : order === "asc" ? "desc" : "asc";
  return {
    forward,
    direction,
    past: cursor ? keysetWhere(cursor, direction) : null,
    take: size + 1,
  };
}

/** The page in its shown order, with cursors to its neighbours (null at either end). */
export function keysetPage<T extends KeysetRow>(
  found: T[],
  read: { forward: boolean; take: number },
  cursor: PageCursor | undefined,
): { rows: T[]; next: string | null; previous: string | null } {
  const more = found.length >= read.take;
  const rows = found.slice(0, read.take - 1);
  if (!read.forward) rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const nextExists = read.forward ? more : cursor !== undefined;
  const previousExists = read.forward ? cursor !== undefined : more;
  return {
    rows,
    next: nextExists && last ? encodeCursor("next", last) : null,
    previous: previousExists && first ? encodeCursor("previous", first) : null,
  };
}

/**
 * One page of requests in (createdAt, id) order — `asc` for the queue (oldest waits longest, and
 * what arrives while someone pages joins the end), `desc` for a person's own (newest first).
 * Keyset, never OFFSET: any page costs what the first does, and a request filed or decided while
 * someone pages never shifts a page, so walking it shows each request at most once.
 */
export async function pageOfRequests(
  db: Db,
  where: Prisma.AccessRequestWhereInput,
  order: "asc" | "desc",
  cursor: PageCursor | undefined,
): Promise<{ rows: RequestRow[]; page: ListPage }> {
  const read = keysetRead(order, cursor, REQUEST_PAGE_SIZE);
  const [found, total] = await Promise.all([
    db.accessRequest.findMany({
      where: read.past ? { AND: [where, read.past] } : where,
      include: requestInclude,
      orderBy: [{ createdAt: read.direction }, { id: read.direction }],
      take: read.take,
    }),
    db.accessRequest.count({ where }),
  ]);
  const { rows, next, previous } = keysetPage(found, read, cursor);
  return { rows, page: { total, next, previous } };
}

/** Rows strictly past a row in a reading direction: a range plus a tie-break on id. */
export type KeysetWhere = {
  createdAt: { gte: Date } | { lte: Date };
  OR: [{ createdAt: { gt: Date } | { lt: Date } }, { id: { gt: string } | { lt: string } }];
};

/** Strictly after `row` in the reading direction (any model ordered by createdAt, id). */
export function keysetWhere(row: KeysetRow, direction: "asc" | "desc"): KeysetWhere {
  if (direction === "asc") {
    return {
      createdAt: { gte: row.createdAt },
      OR: [{ createdAt: { gt: row.createdAt } }, { id: { gt: row.id } }],
    };
  }
  return {
    createdAt: { lte: row.createdAt },
    OR: [{ createdAt: { lt: row.createdAt } }, { id: { lt: row.id } }],
  };
}

/**
 * The queue's filters as a where: `requester` is every identity of each person who has an identity
 * with that email (in any case, as the audit log's user filter); `role` a role ARN, or every role
 * with that name. A filter naming nobody matches nothing.
 */
export async function queueFilterWhere(
  db: Db,
  query: Pick<ListQuery, "requester" | "role">,
): Promise<Prisma.AccessRequestWhereInput> {
  const where: Prisma.AccessRequestWhereInput = {};
  if (query.requester) {
    const people = await db.$queryRaw<Array<{ personId: string }>>`
      SELECT DISTINCT "personId" FROM "User" WHERE lower("email") = lower(${query.requester})`;
    where.personId = { in: people.map((p) => p.personId) };
  }
  if (query.role) {
    const roles = await db.role.findMany({
      where: query.role.startsWith("arn:") ? { arn: query.role } : { name: query.role },
      select: { id: true },
    });
    where.roleId = { in: roles.map((r) => r.id) };
  }
  return where;
}
