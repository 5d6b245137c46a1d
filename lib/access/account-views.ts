import "server-only";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { sessionDurationBounds } from "@/lib/aws/session-duration";
import type { Db } from "@/lib/db/client";
import type { Grant } from "./resolve-grants";
import { identityIdsOf } from "@/lib/people/people";
import { findFavoriteRoleIds } from "./favorites";
import { findGrantsForPrincipal, principalOf } from "./find-grants";
import {
  groupGrantsByAccount,
  type AccountView,
  type DurationBoundsView,
} from "./group-by-account";
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
    durationsOf: (g) => roleDurations(g, { isBrokerChained, now: opts.now }),
    favoriteRoleIds,
    lastUseByRoleArn,
  });
}

type DurationGrant = Pick<
  Grant,
  | "maxSessionDurationSeconds"
  | "roleMaxSessionDurationSeconds"
  | "accessEndsAt"
  | "assumeMethod"
  | "requiresBrokerMfa"
>;

/**
 * A role's session bounds, and its CLI credentials' when tighter (else null). Role chaining
 * applies to the broker's AssumeRole, not to roles assumed with SAML; CLI credentials for a role
 * that needs the broker's MFA session are signed with that session, which AWS caps at one hour as
 * role chaining (docs/AWS.md "Session length"), while a console sign-in's length is its own.
 */
export function roleDurations(
  g: DurationGrant,
  o: { isBrokerChained: boolean; now: Date },
): { duration: DurationBoundsView; cliDuration: DurationBoundsView | null } {
  const boundsOf = (isRoleChained: boolean) =>
    sessionDurationBounds({
      ruleMaxSeconds: g.maxSessionDurationSeconds,
      roleMaxSeconds: g.roleMaxSessionDurationSeconds,
      isRoleChained,
      accessRemainingSeconds:
        g.accessEndsAt === null ? null : (g.accessEndsAt.getTime() - o.now.getTime()) / 1000,
    });
  const viaBroker = g.assumeMethod === "assume-role";
  const duration = boundsOf(o.isBrokerChained && viaBroker);
  if (o.isBrokerChained || !viaBroker || !g.requiresBrokerMfa)
    return { duration, cliDuration: null };
  const cli = boundsOf(true);
  return { duration, cliDuration: cli.maxSeconds < duration.maxSeconds ? cli : null };
}
