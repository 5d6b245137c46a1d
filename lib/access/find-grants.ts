import "server-only";
import type { Db } from "@/lib/db/client";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { elevationRulesFor } from "@/lib/access-requests/elevations";
import { bind, boundList, boundSql } from "@/lib/db/bound-sql";
import {
  resolveGrants,
  type Grant,
  type Principal,
  type RuleForResolution,
} from "./resolve-grants";

/** Who is asking, as the rules see them: the person, the IdP that vouched, its groups, MFA. */
export function principalOf(
  user: Pick<SignedInUser, "personId" | "issuer" | "groups" | "mfaAuthenticated">,
): Principal {
  return {
    personId: user.personId,
    issuer: user.issuer,
    groups: user.groups,
    mfaAuthenticated: user.mfaAuthenticated,
  };
}

/**
 * Every role the principal may use. The caller's identity is part of the query (their person and
 * groups), so rules that don't name them are never even read.
 */
export async function findGrantsForPrincipal(
  db: Db,
  principal: Principal,
  now: Date,
): Promise<Grant[]> {
  return resolveGrants(await findRulesForPrincipal(db, principal, now), principal, now);
}

/**
 * What findGrantsForPrincipal resolves: the rules naming the principal (expired and eligible ones
 * too) and their current elevations, so "why do I have this role" (lib/access-review/my-access.ts)
 * reads exactly the rules the accounts page was decided by.
 */
export async function findRulesForPrincipal(
  db: Db,
  principal: Principal,
  now: Date,
): Promise<RuleForResolution[]> {
  const rules = await rulesNamingPrincipal(db, principal);
  const elevations = await elevationsIfEligible(db, rules, principal, now);
  return [...rules, ...elevations];
}

/**
 * The principal's grant for one role, or null when they have none — "not yours" and "doesn't exist"
 * are the same answer, so role ids can't be probed.
 */
export async function findGrantForRole(
  db: Db,
  principal: Principal,
  roleId: string,
  now: Date,
): Promise<Grant | null> {
  const rules = await rulesNamingPrincipal(db, principal, roleId);
  const elevations = await elevationsIfEligible(db, rules, principal, now, roleId);
  return resolveGrants([...rules, ...elevations], principal, now)[0] ?? null;
}

/**
 * The rules that name the principal (on one role, when `roleId` is given), each with its role and
 * account: what `findMany({ where: namingPrincipal(principal), select: ruleSelect })` reads, in one
 * statement instead of three and without Prisma's client joining them in JavaScript. Every
 * issuance runs it for one role, the accounts page for all of them (docs/BENCHMARKS.md "Issuance
 * under load", "Accounts page"). The same conditions as namingPrincipal and groupRulesOf: the
 * person's rules, or a rule on one of their groups from any IdP or from the IdP that asserted
 * them. Expired rules are read too; resolveGrants drops them.
 */
async function rulesNamingPrincipal(
  db: Db,
  principal: Principal,
  roleId?: string,
): Promise<Array<RuleForResolution & { kind: string }>> {
  const groupCondition =
    principal.groups.length > 0
      ? [
          ` OR (r."groupName" IN (`,
          ...boundList(principal.groups),
          `) AND (r."groupIssuer" IS NULL OR r."groupIssuer" = `,
          bind(principal.issuer),
          `))`,
        ]
      : [];
  const rows = await db.$queryRaw<RuleRoleAccountRow[]>(
    ...boundSql([
      `SELECT r."id", r."groupName", r."groupIssuer", r."personId",
              r."maxSessionDurationSeconds", r."allowConsole", r."allowCli", r."expiresAt",
              r."requireMfa", r."sessionPolicy", r."kind",
              ro."id" AS "roleId", ro."name" AS "roleName", ro."arn" AS "roleArn",
              ro."description" AS "roleDescription",
              ro."maxSessionDurationSeconds" AS "roleMaxSessionDurationSeconds",
              ro."assumeMethod", ro."samlProviderArn", ro."externalId", ro."requiresBrokerMfa",
              ro."missingSince",
              a."accountId", a."name" AS "accountName", a."alias", a."environment",
              a."description" AS "accountDescription", a."organizationStatus"
       FROM "AccessRule" r
       JOIN "Role" ro ON ro."id" = r."roleId"
       JOIN "AwsAccount" a ON a."id" = ro."awsAccountId"
       WHERE `,
      ...(roleId === undefined ? [] : [`r."roleId" = `, bind(roleId), ` AND `]),
      `(r."personId" = `,
      bind(principal.personId),
      ...groupCondition,
      `)`,
    ]),
  );
  return rows.map(
    ({
      roleId,
      roleName,
      roleArn,
      roleDescription,
      roleMaxSessionDurationSeconds,
      assumeMethod,
      samlProviderArn,
      externalId,
      requiresBrokerMfa,
      missingSince,
      accountId,
      accountName,
      alias,
      environment,
      accountDescription,
      organizationStatus,
      ...rule
    }) => ({
      ...rule,
      role: {
        id: roleId,
        name: roleName,
        arn: roleArn,
        description: roleDescription,
        maxSessionDurationSeconds: roleMaxSessionDurationSeconds,
        assumeMethod,
        samlProviderArn,
        externalId,
        requiresBrokerMfa,
        missingSince,
        awsAccount: {
          accountId,
          name: accountName,
          alias,
          environment,
          description: accountDescription,
          organizationStatus,
        },
      },
    }),
  );
}

/**
 * One row of rulesNamingPrincipal: the rule's columns, then its role's and account's under names
 * of their own (both adapters map the declared column types: Date, boolean, number).
 */
type RuleRoleAccountRow = Omit<
  RuleForResolution,
  "role" | "kind" | "elevation" | "approversJson"
> & {
  kind: string;
  roleId: string;
  roleName: string;
  roleArn: string;
  roleDescription: string;
  roleMaxSessionDurationSeconds: number;
  assumeMethod: string;
  samlProviderArn: string | null;
  externalId: string | null;
  requiresBrokerMfa: boolean;
  missingSince: Date | null;
  accountId: string;
  accountName: string;
  alias: string;
  environment: string;
  accountDescription: string;
  organizationStatus: string;
};

/**
 * The principal's current elevations, read only when an eligible rule names them: an elevation
 * grants only through such a rule (resolveGrants checks), so everyone else's issuance costs no
 * extra query. The eligible rules read here grant nothing by themselves (resolveGrants skips them).
 */
function elevationsIfEligible(
  db: Db,
  rules: ReadonlyArray<{ kind: string }>,
  principal: Principal,
  now: Date,
  roleId?: string,
) {
  return rules.some((r) => r.kind === "eligible")
    ? elevationRulesFor(db, principal, now, roleId)
    : Promise.resolve([]);
}

/**
 * The rules that name the principal, as a Prisma filter: their person's, or one of their groups'
 * (rulesNamingPrincipal is the same condition in SQL).
 */
export function namingPrincipal(principal: Principal) {
  return {
    OR: [
      { personId: principal.personId },
      ...(principal.groups.length > 0 ? [groupRulesOf(principal)] : []),
    ],
  };
}

/**
 * The rules naming one of the principal's groups, from any IdP or from the IdP that asserted them
 * (a group of the same name from another IdP is someone else's group).
 */
export function groupRulesOf(principal: Pick<Principal, "groups" | "issuer">) {
  return {
    groupName: { in: [...principal.groups] },
    OR: [{ groupIssuer: null }, { groupIssuer: principal.issuer }],
  };
}
