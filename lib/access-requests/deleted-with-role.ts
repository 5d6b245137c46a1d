import "server-only";
import type { Db } from "@/lib/db/client";

/** A role's access requests, by what deleting the role does to them. */
export interface RequestCounts {
  total: number;
  pending: number;
  /** Approved and not yet ended: elevations that end with the role. */
  approved: number;
}

export const NO_REQUESTS: RequestCounts = Object.freeze({ total: 0, pending: 0, approved: 0 });

/** Which requests to count: one role's, one account's roles', or (no filter) every role's. */
export type RequestScope =
  { roleId: string } | { role: { awsAccountId: string } } | Record<string, never>;

/**
 * A role's access requests, with their approvals, are deleted with the role (the schema cascades),
 * so whoever deletes a role (an import, an admin deleting it or its account) must be told first
 * and the audit event must count them: pending requests vanish unanswered, approved ones stop
 * granting, and the requests page loses their history (the audit log keeps the events).
 * Grouped counts per role id (only roles that have requests), so thousands of roles need no `IN`
 * list. Read inside the deleting transaction, the counts are what the delete takes.
 */
export async function requestCountsByRole(
  db: Pick<Db, "accessRequest">,
  now: Date,
  scope: RequestScope = {},
): Promise<Map<string, RequestCounts>> {
  const [all, live] = await Promise.all([
    db.accessRequest.groupBy({ by: ["roleId"], where: scope, _count: { _all: true } }),
    db.accessRequest.groupBy({
      by: ["roleId", "state"],
      where: {
        AND: [scope, { OR: [{ state: "pending" }, { state: "approved", endsAt: { gt: now } }] }],
      },
      _count: { _all: true },
    }),
  ]);
  const out = new Map<string, RequestCounts>();
  for (const row of all) out.set(row.roleId, { total: row._count._all, pending: 0, approved: 0 });
  for (const row of live) {
    const entry = out.get(row.roleId);
    if (entry && row.state === "pending") entry.pending = row._count._all;
    else if (entry) entry.approved = row._count._all;
  }
  return out;
}

/** The counts of several roles added up. */
export function sumOfRequests(counts: Iterable<RequestCounts>): RequestCounts {
  const sum = { ...NO_REQUESTS };
  for (const c of counts) {
    sum.total += c.total;
    sum.pending += c.pending;
    sum.approved += c.approved;
  }
  return sum;
}
