import "server-only";
import type { Db } from "@/lib/db/client";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { elevationRulesFor } from "@/lib/access-requests/elevations";
import { ruleSelect } from "./rule-select";
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
  const elevations = await elevationsIfEligible(db, rules, principal, now);
  return resolveGrants([...rules, ...elevations], principal, now);
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
  const elevations = await elevationsIfEligible(db, rules, principal, now, roleId);
  return resolveGrants([...rules, ...elevations], principal, now)[0] ?? null;
}

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
