import "server-only";
import type { Db } from "@/lib/db/client";
import type { ConfigDiff } from "./diff";
import type { CurrentAccount } from "./state";

/** Access requests that go with a role an import removes (the database cascades them). */
export interface RemovedRequests {
  /** The role, as the diff labels it: `123456789012/Admin`. */
  role: string;
  total: number;
  pending: number;
  /** Approved and not yet ended: elevations that end with the role. */
  approved: number;
}

/**
 * A role's access requests, with their approvals, are deleted with the role (the schema cascades),
 * so a dry run must say so before anyone applies it: pending requests vanish unanswered, approved
 * ones stop granting, and the requests page loses their history (the audit log keeps the events).
 * Grouped counts over the whole table, so thousands of removed roles need no `IN` list.
 */
export async function requestsRemovedWith(
  db: Pick<Db, "accessRequest">,
  current: readonly CurrentAccount[],
  diff: ConfigDiff,
  now: Date,
): Promise<RemovedRequests[]> {
  const removed = new Set(
    diff.changes
      .filter((c) => c.op === "removed" && c.kind !== "rule")
      .map((c) => `${c.kind}:${c.key}`),
  );
  const roles = new Map<string, string>();
  for (const account of current)
    for (const role of account.roles)
      if (removed.has(`account:${account.key}`) || removed.has(`role:${role.key}`))
        roles.set(role.dbId, role.key);
  if (roles.size === 0) return [];
  const [all, live] = await Promise.all([
    db.accessRequest.groupBy({ by: ["roleId"], _count: { _all: true } }),
    db.accessRequest.groupBy({
      by: ["roleId", "state"],
      where: { OR: [{ state: "pending" }, { state: "approved", endsAt: { gt: now } }] },
      _count: { _all: true },
    }),
  ]);
  const out = new Map<string, RemovedRequests>();
  for (const row of all) {
    const role = roles.get(row.roleId);
    if (role) out.set(row.roleId, { role, total: row._count._all, pending: 0, approved: 0 });
  }
  for (const row of live) {
    const entry = out.get(row.roleId);
    if (entry && row.state === "pending") entry.pending = row._count._all;
    else if (entry) entry.approved = row._count._all;
  }
  return [...out.values()].sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
}
