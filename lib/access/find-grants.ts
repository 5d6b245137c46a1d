import "server-only";
import type { Db } from "@/lib/db/client";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { resolveGrants, type Grant, type Principal } from "./resolve-grants";

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

/** Every field resolveGrants reads (the access review adds its own on top). */
export const ruleSelect = {
  id: true,
  groupName: true,
  groupIssuer: true,
  personId: true,
  maxSessionDurationSeconds: true,
  allowConsole: true,
  allowCli: true,
  expiresAt: true,
  requireMfa: true,
  sessionPolicy: true,
  role: {
    select: {
      id: true,
      name: true,
      arn: true,
      description: true,
      maxSessionDurationSeconds: true,
      assumeMethod: true,
      samlProviderArn: true,
      externalId: true,
      requiresBrokerMfa: true,
      awsAccount: {
        select: { accountId: true, name: true, alias: true, environment: true, description: true },
      },
    },
  },
} as const;

/**
 * Every role the principal may use. The caller's identity is part of the query (their person and
 * groups), so rules that don't name them are never even read.
 */
export async function findGrantsForPrincipal(
  db: Db,
  principal: Principal,
  now: Date,
): Promise<Grant[]> {
  const rules = await db.accessRule.findMany({
    where: {
      ...namingPrincipal(principal),
      AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }],
    },
    select: ruleSelect,
  });
  return resolveGrants(rules, principal, now);
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
  const rules = await db.accessRule.findMany({
    where: { roleId, ...namingPrincipal(principal) },
    select: ruleSelect,
  });
  return resolveGrants(rules, principal, now)[0] ?? null;
}

/** The rules that name the principal: their person's, or one of their groups'. */
function namingPrincipal(principal: Principal) {
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
