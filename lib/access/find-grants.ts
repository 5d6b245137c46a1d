import "server-only";
import type { Db } from "@/lib/db/client";
import { resolveGrants, type Grant, type Principal } from "./resolve-grants";

/** Every field resolveGrants reads (the access review adds its own on top). */
export const ruleSelect = {
  id: true,
  groupName: true,
  userId: true,
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
 * Every role the principal may use. The caller's identity is part of the query (their user id and
 * groups), so rules that don't name them are never even read.
 */
export async function findGrantsForPrincipal(
  db: Db,
  principal: Principal,
  now: Date,
): Promise<Grant[]> {
  const rules = await db.accessRule.findMany({
    where: {
      OR: [
        { userId: principal.userId },
        ...(principal.groups.length > 0 ? [{ groupName: { in: [...principal.groups] } }] : []),
      ],
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
    where: {
      roleId,
      OR: [
        { userId: principal.userId },
        ...(principal.groups.length > 0 ? [{ groupName: { in: [...principal.groups] } }] : []),
      ],
    },
    select: ruleSelect,
  });
  return resolveGrants(rules, principal, now)[0] ?? null;
}
