import "server-only";
import type { Db } from "@/lib/db/client";
import type { Tx } from "@/lib/config-as-code/insert-rows";
import type { KnownAccount, KnownRole } from "./changes";

export interface StoredRole extends KnownRole {
  dbId: string;
}

export interface StoredAccount extends Omit<KnownAccount, "roles"> {
  dbId: string;
  roles: StoredRole[];
}

/** The accounts (all, or those with these ids) and roles as the diff compares them. */
export async function readKnownAccounts(
  db: Db | Tx,
  accountIds?: readonly string[],
): Promise<StoredAccount[]> {
  const rows = await db.awsAccount.findMany({
    ...(accountIds ? { where: { accountId: { in: [...accountIds] } } } : {}),
    select: {
      id: true,
      accountId: true,
      name: true,
      environment: true,
      tagsJson: true,
      organizationStatus: true,
      organizationPath: true,
      roles: {
        select: {
          id: true,
          arn: true,
          name: true,
          description: true,
          maxSessionDurationSeconds: true,
          assumeMethod: true,
          samlProviderArn: true,
          requiresBrokerMfa: true,
          missingSince: true,
          trustStatus: true,
          _count: { select: { accessRules: true } },
        },
      },
    },
  });
  return rows.map((a) => ({
    dbId: a.id,
    accountId: a.accountId,
    name: a.name,
    environment: a.environment,
    tags: parseTags(a.tagsJson),
    organizationStatus: a.organizationStatus,
    organizationPath: a.organizationPath,
    roles: a.roles.map(({ _count, id, ...r }) => ({
      ...r,
      dbId: id,
      ruleCount: _count.accessRules,
    })),
  }));
}

function parseTags(json: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
  } catch {
    return {};
  }
}
