import "server-only";
/**
 * Applying some or all of a discovery run's changes (docs/DISCOVERY.md). Each selected change is
 * checked against the database as it is now (inside the transaction), so a change that no longer
 * holds — the account was added by hand meanwhile, the role was renamed — is skipped with the
 * reason instead of applied blindly. The run's version makes two concurrent applies of one run
 * a conflict, and the audit event commits with the changes.
 */
import type { Db } from "@/lib/db/client";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import { AppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import type { ChangeKind, DiscoveryChange } from "./changes";
import { isDuplicateKey, refuseSuperseded } from "./apply-checks";
import { applyChanges, type ApplyResult } from "./apply-changes";
import { parseRunChanges, parseApplied, type AppliedRecord } from "./run-record";

export type Selection =
  { all: true } | { keys: readonly string[] } | { kinds: readonly ChangeKind[] };

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
