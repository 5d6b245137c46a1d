import "server-only";
import { createHash } from "node:crypto";
import type { AppConfig } from "@/lib/config/load-config";
import { oidcIssuerOf } from "@/lib/identity/identity-providers";
import type { AwsPartition } from "@/lib/aws/partitions";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import type { Db } from "@/lib/db/client";
import { serializableTransaction } from "@/lib/db/serializable-transaction";
import type { RequestMeta } from "@/lib/request-meta";
import { alignRuleKeys } from "./align-rules";
import { applyConfig } from "./apply-config";
import { auditedChanges } from "./audited-changes";
import { loadCurrentConfig, loadPeopleDirectory } from "./current-state";
import { diffConfig, type Change, type ConfigDiff } from "./diff";
import type { ImportProblem } from "./document";
import { parseConfigText, type ConfigFormat } from "./parse-text";
import { requestsRemovedWith, type RemovedRequests } from "./removed-requests";
import type { AccountState, CurrentAccount } from "./state";
import { validateDocument, type CappedRule } from "./validate-document";

/** How many changes a dry run lists, and how many problems a refusal names (the counts are exact). */
export const MAX_LISTED_CHANGES = 500;
export const MAX_LISTED_PROBLEMS = 1000;
/** How many changes the audit event names, each with before and after (its counts cover them all). */
const MAX_AUDITED_CHANGES = 50;
/** Reading and writing 50,000 rules takes seconds; the default 5 s transaction limit is too short. */
const TRANSACTION = { timeout: 180_000, maxWait: 20_000 } as const;

/**
 * What a dry run or an apply reports: exact counts, the first changes, the access requests that
 * removed roles take with them, and a hash of it all (what "Apply" must still find).
 */
export interface DiffSummary {
  hash: string;
  counts: ConfigDiff["counts"];
  total: number;
  changes: Change[];
  truncated: boolean;
  removedRequests: RemovedRequests[];
  /**
   * What the file may not mean, though valid: each rule added or changed (or whose role changed)
   * that allows longer sessions than its role, which are capped, as the admin editors warn.
   */
  warnings: ImportProblem[];
}

export type ImportResult =
  | { ok: true; applied: boolean; diff: DiffSummary }
  | { ok: false; reason: "invalid"; problems: ImportProblem[]; problemCount: number }
  /** The database changed since the dry run: here is the diff as it would be now. */
  | { ok: false; reason: "stale"; diff: DiffSummary };

/**
 * The hash covers the requests a removal deletes: a request filed on a removed role after the dry
 * run makes the review stale, as a changed rule does.
 */
export function summariseDiff(
  diff: ConfigDiff,
  removedRequests: RemovedRequests[],
  warnings: ImportProblem[] = [],
): DiffSummary {
  const hash =
    removedRequests.length === 0
      ? diff.hash
      : createHash("sha256")
          .update(diff.hash)
          .update(JSON.stringify(removedRequests))
          .digest("hex");
  return {
    hash,
    counts: diff.counts,
    total: diff.changes.length,
    changes: diff.changes.slice(0, MAX_LISTED_CHANGES),
    truncated: diff.changes.length > MAX_LISTED_CHANGES,
    removedRequests,
    warnings: warnings.slice(0, MAX_LISTED_PROBLEMS),
  };
}

/** The capped rules this import touches: a rule or role it adds or changes. */
function warningsOf(diff: ConfigDiff, capped: readonly CappedRule[]): ImportProblem[] {
  const touched = new Set(
    diff.changes.filter((c) => c.op !== "removed").map((c) => `${c.kind}:${c.key}`),
  );
  return capped
    .filter((c) => touched.has(`rule:${c.rule.key}`) || touched.has(`role:${c.roleKey}`))
    .map(({ path, line, message }) => ({ path, line, message }));
}

type Reader = Pick<
  Db,
  "awsAccount" | "role" | "accessRule" | "user" | "samlIdentityProvider" | "accessRequest"
>;

export function importSiteOf(config: Pick<AppConfig, "aws" | "oidc">): ImportSite {
  return { partition: config.aws.partition, oidcIssuer: oidcIssuerOf(config) };
}

/** What an import needs to know about this portal's configuration (not its database). */
export interface ImportSite {
  /** The broker's partition: roles and SAML providers of another are refused. */
  partition: AwsPartition;
  /** The configured OIDC issuer (no trailing slash), or null. */
  oidcIssuer: string | null;
}

type Plan =
  | {
      ok: true;
      desired: AccountState[];
      current: CurrentAccount[];
      diff: ConfigDiff;
      summary: DiffSummary;
    }
  | { ok: false; problems: ImportProblem[] };

async function plan(
  db: Reader,
  text: string,
  format: ConfigFormat | undefined,
  now: Date,
  site: ImportSite,
): Promise<Plan> {
  const parsed = parseConfigText(text, format);
  if (!parsed.ok) return parsed;
  const [people, samlIdps] = await Promise.all([
    loadPeopleDirectory(db),
    db.samlIdentityProvider.findMany({ select: { entityId: true } }),
  ]);
  const current = await loadCurrentConfig(db, people);
  const knownIssuers = new Set(samlIdps.map((idp) => idp.entityId));
  if (site.oidcIssuer !== null) knownIssuers.add(site.oidcIssuer);
  const expiries = new Map<string, Date | null>();
  for (const a of current)
    for (const r of a.roles)
      for (const rule of r.rules)
        expiries.set(rule.key, rule.expiresAt ? new Date(rule.expiresAt) : null);
  const checked = validateDocument(parsed.parsed, {
    now,
    partition: site.partition,
    people,
    knownIssuers,
    previousExpiresAt: (key) => expiries.get(key),
  });
  if (!checked.ok) return checked;
  alignRuleKeys(checked.accounts, current);
  const diff = diffConfig(checked.accounts, current);
  const removedRequests = await requestsRemovedWith(db, current, diff, now);
  return {
    ok: true,
    desired: checked.accounts,
    current,
    diff,
    summary: summariseDiff(diff, removedRequests, warningsOf(diff, checked.capped)),
  };
}

function refused(problems: ImportProblem[]): ImportResult {
  return {
    ok: false,
    reason: "invalid",
    problems: problems.slice(0, MAX_LISTED_PROBLEMS),
    problemCount: problems.length,
  };
}

/** Validates a file and says what importing it would change. Changes nothing. */
export async function dryRunImport(
  db: Reader,
  text: string,
  format: ConfigFormat | undefined,
  now: Date,
  site: ImportSite,
): Promise<ImportResult> {
  const result = await plan(db, text, format, now, site);
  if (!result.ok) return refused(result.problems);
  return { ok: true, applied: false, diff: result.summary };
}

/**
 * Imports a file: validates it again, recomputes the diff against the database as it is now and
 * refuses if that is not the diff the admin reviewed (`expectedHash` from the dry run), then makes
 * every change and writes one admin.config.imported audit event in ONE transaction (docs/INVARIANTS.md
 * invariant 2): a file with any invalid entry, a stale review or a failed audit write changes
 * nothing. The caller has checked admin.
 * Serializable, so the check and the writes see one state: under PostgreSQL's default isolation
 * two imports reviewed against the same state (or an import and an admin's edit) would both pass
 * the check, and the later would overwrite the other's change it never reviewed, or fail on a
 * duplicate key. The loser is rerun, sees what the winner committed, and answers "stale".
 * @throws AppError("audit_unavailable") when the audit event could not be written (all rolled back).
 */
export async function applyImport(
  db: Db,
  input: { text: string; format?: ConfigFormat; expectedHash: string },
  actor: AuditActor,
  meta: RequestMeta,
  now: Date,
  site: ImportSite,
): Promise<ImportResult> {
  return serializableTransaction(
    db,
    async (tx) => {
      const result = await plan(tx, input.text, input.format, now, site);
      if (!result.ok) return refused(result.problems);
      const summary = result.summary;
      if (summary.hash !== input.expectedHash) return { ok: false, reason: "stale", diff: summary };
      if (result.diff.changes.length === 0) return { ok: true, applied: false, diff: summary };
      const actorLabel = actor.email ?? actor.subject ?? actor.userId ?? "unknown";
      await applyConfig(tx, {
        desired: result.desired,
        current: result.current,
        diff: result.diff,
        actor: actorLabel,
        now,
      });
      await writeAuditEvent(tx, {
        action: "admin.config.imported",
        outcome: "success",
        actor,
        meta,
        details: {
          diffHash: summary.hash,
          counts: result.diff.counts,
          accessRequestsDeleted: summary.removedRequests.reduce((n, r) => n + r.total, 0),
          changes: {
            total: result.diff.changes.length,
            listed: auditedChanges(
              result.diff.changes,
              result.desired,
              result.current,
              MAX_AUDITED_CHANGES,
            ),
          },
        },
      });
      return { ok: true, applied: true, diff: summary };
    },
    3,
    TRANSACTION,
  );
}

/** The stored configuration, for export. */
export async function exportableConfig(db: Reader): Promise<AccountState[]> {
  return loadCurrentConfig(db, await loadPeopleDirectory(db));
}
