import type { Prisma } from "@gatehouse/db-sqlite";
import { MIN_SESSION_SECONDS } from "@/lib/aws/partitions";

/**
 * A person's requests that stand in the way of another for the same role (docs/ACCESS-REQUESTS.md
 * invariant 5): pending and still decidable, or approved with at least AWS's shortest session still
 * to run, under a rule that is still eligible. An elevation closer to its end than that issues
 * nothing (issuance refuses it and says to request more time), so it must not block that request,
 * nor a break-glass activation.
 */
export function openRequestWhere(now: Date): Prisma.AccessRequestWhereInput {
  return {
    rule: { kind: "eligible" },
    OR: [
      { state: "pending", decideBy: { gt: now } },
      { state: "approved", endsAt: { gte: new Date(now.getTime() + MIN_SESSION_SECONDS * 1000) } },
    ],
  };
}
