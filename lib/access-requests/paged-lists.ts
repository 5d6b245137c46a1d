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
  const forward = cursor?.direction !== "previous";
  const direction = forward ? order : order === "asc" ? "desc" : "asc";
  const [found, total] = await Promise.all([
    db.accessRequest.findMany({
      where: cursor ? { AND: [where, keysetWhere(cursor, direction)] } : where,
      include: requestInclude,
      orderBy: [{ createdAt: direction }, { id: direction }],
      take: REQUEST_PAGE_SIZE + 1,
    }),
    db.accessRequest.count({ where }),
  ]);
  const more = found.length > REQUEST_PAGE_SIZE;
  const rows = found.slice(0, REQUEST_PAGE_SIZE);
  if (!forward) rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const nextExists = forward ? more : cursor !== undefined;
  const previousExists = forward ? cursor !== undefined : more;
  return {
    rows,
    page: {
      total,
      next: nextExists && last ? encodeCursor("next", last) : null,
      previous: previousExists && first ? encodeCursor("previous", first) : null,
    },
  };
}

/** Strictly after the cursor's row in the reading direction, as a range plus a tie-break on id. */
function keysetWhere(
  cursor: PageCursor,
  direction: "asc" | "desc",
): Prisma.AccessRequestWhereInput {
  if (direction === "asc") {
    return {
      createdAt: { gte: cursor.createdAt },
      OR: [{ createdAt: { gt: cursor.createdAt } }, { id: { gt: cursor.id } }],
    };
  }
  return {
    createdAt: { lte: cursor.createdAt },
    OR: [{ createdAt: { lt: cursor.createdAt } }, { id: { lt: cursor.id } }],
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
