import "server-only";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { sessionDurationBounds } from "@/lib/aws/session-duration";
import type { Db } from "@/lib/db/client";
import { identityIdsOf } from "@/lib/people/people";
import { findFavoriteRoleIds } from "./favorites";
import { findGrantsForPrincipal, principalOf } from "./find-grants";
import { groupGrantsByAccount, type AccountView } from "./group-by-account";
import { findLastRoleUses } from "./recents";

/**
 * The accounts page's view of what a person may use (docs/ARCHITECTURE.md): their grants grouped
 * by account, with each role's session bounds, favorite mark and last use. The page and the CLI's
 * API (GET /api/v1/roles) both show exactly this.
 */
export async function findAccountViews(
  db: Db,
  user: SignedInUser,
  opts: { now: Date; isBrokerRoleChained: Promise<boolean> },
): Promise<AccountView[]> {
  const grants = await findGrantsForPrincipal(db, principalOf(user), opts.now);
  const [favoriteRoleIds, lastUseByRoleArn, isBrokerChained] = await Promise.all([
    findFavoriteRoleIds(db, user.personId),
    identityIdsOf(db, user.personId).then((ids) => findLastRoleUses(db, ids, opts.now)),
    opts.isBrokerRoleChained,
  ]);
  return groupGrantsByAccount(grants, {
    // Role chaining applies to the broker's AssumeRole, not to roles assumed with SAML.
    durationOf: (g) =>
      sessionDurationBounds({
        ruleMaxSeconds: g.maxSessionDurationSeconds,
        roleMaxSeconds: g.roleMaxSessionDurationSeconds,
        isRoleChained: isBrokerChained && g.assumeMethod === "assume-role",
        accessRemainingSeconds:
          g.accessEndsAt === null ? null : (g.accessEndsAt.getTime() - opts.now.getTime()) / 1000,
      }),
    favoriteRoleIds,
    lastUseByRoleArn,
  });
}
