import "server-only";
import type { Db } from "@/lib/db/client";

/** The issuance actions that count as "using" a role. */
const USE_ACTIONS = ["console.issued", "credentials.issued"];

/** How many roles the "Recently used" section shows. */
export const RECENT_LIMIT = 8;

/**
 * How far back "recently used" looks: the read is bounded by the person's activity in this window,
 * not by their whole history (a CLI user can leave tens of thousands of issuances over the years,
 * and every accounts page and `GET /api/v1/roles` reads this).
 */
export const RECENT_WINDOW_DAYS = 90;

/**
 * When the person last took a console link or credentials for each role within the last
 * RECENT_WINDOW_DAYS, newest first, with any of their identities, from the append-only audit log
 * (no table of its own to keep in sync). One aggregate over their own rows in the window, a range
 * of the (actorUserId, createdAt) index. Roles are keyed by ARN, as audited; the caller keeps only
 * roles the user can still use.
 */
export async function findLastRoleUses(
  db: Db,
  identityIds: readonly string[],
  now: Date,
): Promise<Map<string, Date>> {
  const rows = await db.auditEvent.groupBy({
    by: ["roleArn"],
    where: {
      actorUserId: identityIds.length === 1 ? identityIds[0] : { in: [...identityIds] },
      createdAt: { gt: new Date(now.getTime() - RECENT_WINDOW_DAYS * 86_400_000) },
      action: { in: USE_ACTIONS },
      outcome: "success",
      roleArn: { not: null },
    },
    _max: { createdAt: true },
  });
  const uses: Array<[string, Date]> = [];
  for (const row of rows) {
    const usedAt = row._max.createdAt;
    if (row.roleArn && usedAt) uses.push([row.roleArn, usedAt]);
  }
  uses.sort((a, b) => b[1].getTime() - a[1].getTime());
  return new Map(uses);
}
