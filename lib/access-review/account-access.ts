import "server-only";
import { resolveGrants } from "@/lib/access/resolve-grants";
import { ruleSelect as resolutionSelect } from "@/lib/access/rule-select";
import type { Db } from "@/lib/db/client";
import { parseGroupsJson } from "@/lib/users/upsert-signed-in-user";
import { knownUsersByGroup, reviewed, ruleSelect, type ReviewedRule } from "./reviewed-rules";

export interface RoleAccess {
  account: { accountId: string; name: string; environment: string };
  role: { id: string; name: string; arn: string; maxSessionDurationSeconds: number };
  rules: ReviewedRule[];
  /** Who holds the role now through an approved access request, and until when. */
  elevations: Array<{ requestId: string; requester: string; endsAt: Date; breakGlass: boolean }>;
}

/**
 * "Who can reach account X (or its role Y)": every rule on its roles (expired ones shown as such),
 * with the known members of each group. Null when there is no such account or role.
 */
export async function findAccountAccess(
  db: Db,
  query: { account: string; roleName?: string },
  now: Date,
): Promise<RoleAccess[] | null> {
  const accountId = await resolveAccountId(db, query.account);
  if (accountId === null) return null;
  const account = await db.awsAccount.findUnique({
    where: { accountId },
    include: {
      roles: {
        where: query.roleName ? { name: query.roleName } : {},
        orderBy: { name: "asc" },
        include: {
          accessRules: { select: ruleSelect, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
        },
      },
    },
  });
  if (!account || (query.roleName && account.roles.length === 0)) return null;
  const members = await knownUsersByGroup(db);
  const requests = await db.accessRequest.findMany({
    where: {
      roleId: { in: account.roles.map((r) => r.id) },
      state: "approved",
      startsAt: { lte: now },
      endsAt: { gt: now },
      rule: { kind: "eligible" },
    },
    select: {
      id: true,
      roleId: true,
      requesterEmail: true,
      endsAt: true,
      breakGlass: true,
      personId: true,
      rule: { select: resolutionSelect },
      person: { select: { identities: { select: { issuer: true, groupsJson: true } } } },
    },
    orderBy: { endsAt: "asc" },
  });
  // An approved request is held only while issuance would honour it: its rule still eligible,
  // unexpired and naming the requester (groups as last asserted), on a role AWS still has —
  // the same resolveGrants as every issuance (docs/ACCESS-REQUESTS.md).
  const elevations = requests.filter(
    (e) =>
      e.rule !== null &&
      e.endsAt !== null &&
      e.person.identities.some((identity) =>
        resolveGrants(
          [{ ...e.rule!, elevation: { requestId: e.id, endsAt: e.endsAt! } }],
          {
            personId: e.personId,
            issuer: identity.issuer,
            groups: parseGroupsJson(identity.groupsJson),
          },
          now,
        ).some((g) => g.roleId === e.roleId),
      ),
  );
  return account.roles.map((role) => ({
    account: { accountId: account.accountId, name: account.name, environment: account.environment },
    role: {
      id: role.id,
      name: role.name,
      arn: role.arn,
      maxSessionDurationSeconds: role.maxSessionDurationSeconds,
    },
    rules: role.accessRules.map((r) => reviewed(r, members, now)),
    elevations: elevations
      .filter((e) => e.roleId === role.id && e.endsAt !== null)
      .map((e) => ({
        requestId: e.id,
        requester: e.requesterEmail,
        endsAt: e.endsAt ?? now,
        breakGlass: e.breakGlass,
      })),
  }));
}

/**
 * The 12-digit id of the account an admin named by id, name or alias (a name wins over another
 * account's alias), or null when none matches.
 */
async function resolveAccountId(db: Pick<Db, "awsAccount">, ref: string): Promise<string | null> {
  if (/^\d{12}$/.test(ref)) return ref;
  const matches = await db.awsAccount.findMany({
    where: { OR: [{ name: ref }, { alias: ref.toLowerCase() }] },
    select: { accountId: true, name: true },
  });
  return (matches.find((m) => m.name === ref) ?? matches[0])?.accountId ?? null;
}
