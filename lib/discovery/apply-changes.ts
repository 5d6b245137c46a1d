import "server-only";
/**
 * Writing a discovery run's selected changes inside the apply's transaction (docs/DISCOVERY.md):
 * each change is re-checked against the database as it is now and applied, or skipped with the
 * reason it no longer holds.
 */
import { ROLE_DETAIL_FIELDS } from "@/lib/admin/role-input";
import { idMaker, insertRows, type SqlValue, type Tx } from "@/lib/config-as-code/insert-rows";
import type { DiscoveryChange, ProposedRole } from "./changes";
import { detailsEditedSince } from "./apply-checks";
import { trustFields } from "./diff";
import { readKnownAccounts } from "./known-state";

export interface ApplyResult {
  applied: string[];
  skipped: Array<{ key: string; reason: string }>;
}

const ACCOUNT_COLUMNS = [
  "id",
  "accountId",
  "name",
  "environment",
  "description",
  "tagsJson",
  "organizationStatus",
  "organizationPath",
  "discoveredAt",
  "createdAt",
  "updatedAt",
];
const ROLE_COLUMNS = [
  "id",
  "awsAccountId",
  ...ROLE_DETAIL_FIELDS,
  "requiresBrokerMfa",
  "trustStatus",
  "discoveredAt",
  "createdAt",
  "updatedAt",
];

/**
 * Applies what still holds; the rest is skipped with its reason. (A role-new only ever names an
 * account Gatehouse had when the run read it, so no change depends on another of the same apply.)
 */
export async function applyChanges(
  tx: Tx,
  changes: readonly DiscoveryChange[],
  now: Date,
): Promise<ApplyResult> {
  const result: ApplyResult = { applied: [], skipped: [] };
  const skip = (key: string, reason: string) => result.skipped.push({ key, reason });
  const accountIds = [...new Set(changes.map((c) => c.accountId))];
  const known = new Map((await readKnownAccounts(tx, accountIds)).map((a) => [a.accountId, a]));
  const nextId = idMaker();
  const newAccounts: SqlValue[][] = [];
  const newRoles: SqlValue[][] = [];
  const takenArns = new Set<string>();
  const roleRow = (accountDbId: string, role: ProposedRole): SqlValue[] => {
    const trust = trustFields(role.trust);
    takenArns.add(role.arn);
    return [
      nextId(),
      accountDbId,
      role.name,
      role.arn,
      role.description,
      role.maxSessionDurationSeconds,
      trust.assumeMethod ?? "assume-role",
      trust.samlProviderArn,
      trust.requiresBrokerMfa ?? false,
      trust.trustStatus,
      now,
      now,
      now,
    ];
  };
  const newArns = changes.flatMap((c) =>
    c.kind === "account-new"
      ? c.roles.map((r) => r.arn)
      : c.kind === "role-new"
        ? [c.role.arn]
        : [],
  );
  const existingArns = new Set(
    newArns.length === 0
      ? []
      : (await tx.role.findMany({ where: { arn: { in: newArns } }, select: { arn: true } })).map(
          (r) => r.arn,
        ),
  );
  const goneArns: string[] = [];
  const returnedArns: string[] = [];

  for (const change of changes) {
    const stored = known.get(change.accountId);
    const role = "arn" in change ? stored?.roles.find((r) => r.arn === change.arn) : undefined;
    switch (change.kind) {
      case "account-new": {
        if (stored) {
          skip(change.key, "the account was added since discovery ran");
          break;
        }
        const dbId = nextId();
        newAccounts.push([
          dbId,
          change.accountId,
          change.name,
          change.environment,
          `Discovered in AWS Organizations (${change.path})`.slice(0, 500),
          JSON.stringify(change.tags),
          change.status,
          change.path,
          now,
          now,
          now,
        ]);
        for (const r of change.roles)
          if (!existingArns.has(r.arn) && !takenArns.has(r.arn)) newRoles.push(roleRow(dbId, r));
        result.applied.push(change.key);
        break;
      }
      case "role-new": {
        if (!stored) skip(change.key, "its account is not in Gatehouse: apply the account first");
        else if (
          existingArns.has(change.role.arn) ||
          takenArns.has(change.role.arn) ||
          stored.roles.some((r) => r.name === change.role.name)
        )
          skip(change.key, "the role was added since discovery ran");
        else {
          newRoles.push(roleRow(stored.dbId, change.role));
          result.applied.push(change.key);
        }
        break;
      }
      case "account-renamed":
        if (!stored || stored.name !== change.from)
          skip(change.key, "the account was renamed or removed since discovery ran");
        else {
          await tx.awsAccount.update({
            where: { id: stored.dbId },
            data: { name: change.to, version: { increment: 1 } },
          });
          result.applied.push(change.key);
        }
        break;
      case "account-status":
        if (!stored || stored.organizationStatus !== change.from)
          skip(change.key, "the account changed since discovery ran");
        else {
          await tx.awsAccount.update({
            where: { id: stored.dbId },
            data: { organizationStatus: change.to, discoveredAt: now, version: { increment: 1 } },
          });
          result.applied.push(change.key);
        }
        break;
      case "account-details":
        if (!stored) skip(change.key, "the account was removed since discovery ran");
        else if (detailsEditedSince(stored, change))
          skip(change.key, "its environment, OU path or tags were edited since discovery ran");
        else {
          await tx.awsAccount.update({
            where: { id: stored.dbId },
            data: {
              ...(change.environment ? { environment: change.environment.to } : {}),
              ...(change.path ? { organizationPath: change.path.to } : {}),
              ...(change.tags ? { tagsJson: JSON.stringify(change.tags.to) } : {}),
              ...(stored.organizationStatus === "" ? { organizationStatus: "ACTIVE" } : {}),
              discoveredAt: now,
              version: { increment: 1 },
            },
          });
          result.applied.push(change.key);
        }
        break;
      case "role-gone":
        if (!role || role.missingSince !== null)
          skip(change.key, "the role changed since discovery ran");
        else {
          goneArns.push(role.arn);
          result.applied.push(change.key);
        }
        break;
      case "role-returned":
        if (!role || role.missingSince === null)
          skip(change.key, "the role changed since discovery ran");
        else {
          returnedArns.push(role.arn);
          result.applied.push(change.key);
        }
        break;
      case "role-changed": {
        if (!role) {
          skip(change.key, "the role was removed since discovery ran");
          break;
        }
        const stale = change.fields.find(
          (f) =>
            f.field !== "trustStatus" &&
            (role as unknown as Record<string, unknown>)[f.field] !== f.from,
        );
        if (stale) {
          skip(change.key, `its ${stale.field} was edited since discovery ran`);
          break;
        }
        await tx.role.update({
          where: { id: role.dbId },
          data: {
            ...Object.fromEntries(change.fields.map((f) => [f.field, f.to])),
            discoveredAt: now,
            version: { increment: 1 },
          },
        });
        result.applied.push(change.key);
        break;
      }
    }
  }
  await insertRows(tx, "AwsAccount", ACCOUNT_COLUMNS, newAccounts);
  await insertRows(tx, "Role", ROLE_COLUMNS, newRoles);
  for (let i = 0; i < goneArns.length; i += 900)
    await tx.role.updateMany({
      where: { arn: { in: goneArns.slice(i, i + 900) } },
      data: { missingSince: now, version: { increment: 1 } },
    });
  for (let i = 0; i < returnedArns.length; i += 900)
    await tx.role.updateMany({
      where: { arn: { in: returnedArns.slice(i, i + 900) } },
      data: { missingSince: null, discoveredAt: now, version: { increment: 1 } },
    });
  return result;
}
