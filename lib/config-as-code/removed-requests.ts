import "server-only";
import type { Db } from "@/lib/db/client";
import { requestCountsByRole, type RequestCounts } from "@/lib/access-requests/deleted-with-role";
import type { ConfigDiff } from "./diff";
import type { CurrentAccount } from "./state";

/** Access requests that go with a role an import removes (the database cascades them). */
export interface RemovedRequests extends RequestCounts {
  /** The role, as the diff labels it: `123456789012/Admin`. */
  role: string;
}

/** Per role an import removes (alone or with its account), the access requests deleted with it. */
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
  const counts = await requestCountsByRole(db, now);
  const out: RemovedRequests[] = [];
  for (const [dbId, role] of roles) {
    const entry = counts.get(dbId);
    if (entry) out.push({ role, ...entry });
  }
  return out.sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
}
