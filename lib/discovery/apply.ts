import "server-only";
/**
 * Applying some or all of a discovery run's changes (docs/DISCOVERY.md). Each selected change is
 * checked against the database as it is now (inside the transaction), so a change that no longer
 * holds — the account was added by hand meanwhile, the role was renamed — is skipped with the
 * reason instead of applied blindly. The run's version makes two concurrent applies of one run
 * a conflict, and the audit event commits with the changes.
 */
import type { Db } from "@/lib/db/client";
import { idMaker, insertRows, type SqlValue, type Tx } from "@/lib/config-as-code/insert-rows";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import { AppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import type { ChangeKind, DiscoveryChange, ProposedRole } from "./changes";
import { detailsEditedSince, isDuplicateKey, refuseSuperseded } from "./apply-checks";
import { trustFields } from "./diff";
import { readKnownAccounts } from "./known-state";
import { parseRunChanges, parseApplied, type AppliedRecord } from "./run-record";

export type Selection =
  { all: true } | { keys: readonly string[] } | { kinds: readonly ChangeKind[] };

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
  "name",
  "arn",
  "description",
  "maxSessionDurationSeconds",
  "assumeMethod",
  "samlProviderArn",
  "requiresBrokerMfa",
  "trustStatus",
  "discoveredAt",
  "createdAt",
  "updatedAt",
];

/**
 * @throws AppError not_found (no such run), conflict (run not complete, or applied concurrently),
 *   validation_error (keys the run does not have)
 */
export async function applyDiscoveryChanges(
  db: Db,
  input: {
    runId: string;
    selection: Selection;
    actor: AuditActor;
    actorLabel: string;
    meta: RequestMeta;
    now: Date;
    /** For the audit event, when not an admin's request: "schedule". */
    trigger?: string;
  },
): Promise<ApplyResult> {
  const run = await db.discoveryRun.findUnique({
    where: { id: input.runId },
    select: {
      id: true,
      status: true,
      startedAt: true,
      changesJson: true,
      appliedJson: true,
      version: true,
    },
  });
  if (!run) throw new AppError("not_found", "No such discovery run.");
  if (run.status !== "complete")
    throw new AppError(
      "conflict",
      `This discovery run is ${run.status}: only a complete run can be applied.`,
    );
  const changes = parseRunChanges(run.changesJson);
  const applied = parseApplied(run.appliedJson);
  const selected = select(changes, input.selection).filter((c) => !applied[c.key]);

  return db
    .$transaction(async (tx) => {
      const claimed = await tx.discoveryRun.updateMany({
        where: { id: run.id, version: run.version },
        data: { version: { increment: 1 } },
      });
      if (claimed.count !== 1)
        throw new AppError(
          "conflict",
          "Someone applied changes of this run at the same time: reload it and try again.",
        );
      await refuseSuperseded(tx, run);
      const result = await applyChanges(tx, selected, input.now);
      const record: AppliedRecord = { at: input.now.toISOString(), by: input.actorLabel };
      for (const key of result.applied) applied[key] = record;
      await tx.discoveryRun.update({
        where: { id: run.id },
        data: { appliedJson: JSON.stringify(applied), appliedCount: Object.keys(applied).length },
      });
      await writeAuditEvent(tx, {
        action: "discovery.applied",
        outcome: "success",
        actor: input.actor,
        meta: input.meta,
        details: {
          runId: run.id,
          ...(input.trigger ? { trigger: input.trigger } : {}),
          applied: result.applied.length,
          skipped: result.skipped.length,
          byKind: countByKind(selected.filter((c) => result.applied.includes(c.key))),
          keys: result.applied.slice(0, 50).join(" "),
        },
      });
      return result;
    })
    .catch((error: unknown) => {
      // The re-check read the database before inserting; an account or role someone added in
      // between (by hand, or another replica's sync) makes the insert fail and the whole apply
      // roll back. That is a conflict to reload, not a server error.
      if (isDuplicateKey(error))
        throw new AppError(
          "conflict",
          "An account or role this would create was added at the same moment: reload the run and apply again. Nothing was changed.",
        );
      throw error;
    });
}

function select(changes: DiscoveryChange[], selection: Selection): DiscoveryChange[] {
  if ("all" in selection) return changes;
  if ("kinds" in selection) {
    const kinds = new Set(selection.kinds);
    return changes.filter((c) => kinds.has(c.kind));
  }
  const byKey = new Map(changes.map((c) => [c.key, c]));
  const unknown = selection.keys.filter((k) => !byKey.has(k));
  if (unknown.length > 0)
    throw new AppError(
      "validation_error",
      `This run has no change ${unknown.slice(0, 3).join(", ")}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ""}.`,
    );
  return [...new Set(selection.keys)].map((k) => byKey.get(k)!);
}

function countByKind(changes: DiscoveryChange[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of changes) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
  return counts;
}

/**
 * Applies what still holds; the rest is skipped with its reason. (A role-new only ever names an
 * account Gatehouse had when the run read it, so no change depends on another of the same apply.)
 */
async function applyChanges(
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
