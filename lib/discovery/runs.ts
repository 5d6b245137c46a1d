import "server-only";
/** Discovery runs as the admin pages and the API show them (docs/DISCOVERY.md). */
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import {
  CHANGE_KINDS,
  type ChangeKind,
  type DiscoveryChange,
  type DiscoveryNotice,
} from "./changes";
import { HEARTBEAT_STALE_MS } from "./run-discovery";
import { parseApplied, parseNotices, parseRunChanges, type AppliedRecord } from "./run-record";

export type RunStatus = "running" | "complete" | "failed" | "interrupted";

export interface DiscoveryRunSummary {
  id: string;
  trigger: string;
  startedBy: string | null;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  accountsTotal: number;
  accountsDone: number;
  rolesSeen: number;
  awsCalls: number;
  retries: number;
  error: string;
  /** A complete run's changes: how many it found, and how many are not applied yet. */
  changes: { total: number; pending: number } | null;
}

export interface DiscoveryRunDetail extends Omit<DiscoveryRunSummary, "changes"> {
  /** Changes by kind: how many, and how many are applied. */
  counts: Record<ChangeKind, { total: number; applied: number }>;
  /** The page of changes asked for. */
  changes: Array<DiscoveryChange & { applied: AppliedRecord | null }>;
  /** How many changes match the filter (all pages). */
  matching: number;
  notices: DiscoveryNotice[];
}

const SUMMARY_SELECT = {
  id: true,
  trigger: true,
  actorPersonId: true,
  status: true,
  startedAt: true,
  finishedAt: true,
  heartbeatAt: true,
  accountsTotal: true,
  accountsDone: true,
  rolesSeen: true,
  awsCalls: true,
  retries: true,
  error: true,
  changeCount: true,
  appliedCount: true,
} as const;

type SummaryRow = {
  id: string;
  trigger: string;
  actorPersonId: string | null;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatAt: Date;
  accountsTotal: number;
  accountsDone: number;
  rolesSeen: number;
  awsCalls: number;
  retries: number;
  error: string;
  changeCount: number;
  appliedCount: number;
};

async function emailsOf(db: Db, personIds: string[]): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  const users = await db.user.findMany({
    where: { personId: { in: personIds } },
    select: { personId: true, email: true, subject: true },
    orderBy: { createdAt: "asc" },
  });
  const map = new Map<string, string>();
  for (const u of users) if (!map.has(u.personId)) map.set(u.personId, u.email ?? u.subject);
  return map;
}

function summarize(row: SummaryRow, emails: Map<string, string>, now: Date): DiscoveryRunSummary {
  const stale =
    row.status === "running" && now.getTime() - row.heartbeatAt.getTime() > HEARTBEAT_STALE_MS;
  return {
    id: row.id,
    trigger: row.trigger,
    startedBy: row.actorPersonId ? (emails.get(row.actorPersonId) ?? null) : null,
    status: stale ? "interrupted" : (row.status as RunStatus),
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    accountsTotal: row.accountsTotal,
    accountsDone: row.accountsDone,
    rolesSeen: row.rolesSeen,
    awsCalls: row.awsCalls,
    retries: row.retries,
    error: row.error,
    changes:
      row.status === "complete"
        ? { total: row.changeCount, pending: row.changeCount - row.appliedCount }
        : null,
  };
}

export async function listDiscoveryRuns(
  db: Db,
  now: Date,
  limit = 20,
): Promise<DiscoveryRunSummary[]> {
  const rows = await db.discoveryRun.findMany({
    select: SUMMARY_SELECT,
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  const emails = await emailsOf(db, [
    ...new Set(rows.flatMap((r) => (r.actorPersonId ? [r.actorPersonId] : []))),
  ]);
  return rows.map((r) => summarize(r, emails, now));
}

export interface ChangeFilter {
  kind?: ChangeKind;
  /** Only changes not yet applied. */
  pending?: boolean;
  /** Matches account id, account name or role name/ARN, case-insensitively. */
  search?: string;
  offset?: number;
  limit?: number;
}

/** @throws AppError not_found */
export async function getDiscoveryRun(
  db: Db,
  runId: string,
  now: Date,
  filter: ChangeFilter = {},
): Promise<DiscoveryRunDetail> {
  const row = await db.discoveryRun.findUnique({
    where: { id: runId },
    select: { ...SUMMARY_SELECT, changesJson: true, noticesJson: true, appliedJson: true },
  });
  if (!row) throw new AppError("not_found", "No such discovery run.");
  const emails = await emailsOf(db, row.actorPersonId ? [row.actorPersonId] : []);
  const applied = parseApplied(row.appliedJson);
  const all = parseRunChanges(row.changesJson);
  const counts = Object.fromEntries(
    CHANGE_KINDS.map((k) => [k, { total: 0, applied: 0 }]),
  ) as DiscoveryRunDetail["counts"];
  for (const c of all) {
    const count = counts[c.kind];
    if (!count) continue;
    count.total++;
    if (applied[c.key]) count.applied++;
  }
  const needle = filter.search?.trim().toLowerCase() ?? "";
  const matching = all.filter(
    (c) =>
      (!filter.kind || c.kind === filter.kind) &&
      (!filter.pending || !applied[c.key]) &&
      (needle === "" || searchText(c).includes(needle)),
  );
  const offset = Math.max(0, filter.offset ?? 0);
  const limit = Math.min(Math.max(1, filter.limit ?? 200), 1000);
  return {
    // (its `changes` count is replaced by the page of changes below)
    ...summarize(row, emails, now),
    counts,
    matching: matching.length,
    changes: matching
      .slice(offset, offset + limit)
      .map((c) => ({ ...c, applied: applied[c.key] ?? null })),
    notices: parseNotices(row.noticesJson),
  };
}

function searchText(c: DiscoveryChange): string {
  const parts: string[] = [c.accountId];
  if ("accountName" in c) parts.push(c.accountName);
  if (c.kind === "account-new") parts.push(c.name, ...c.roles.map((r) => r.name));
  if (c.kind === "account-renamed") parts.push(c.from, c.to);
  if (c.kind === "role-new") parts.push(c.role.name, c.role.arn);
  if ("arn" in c) parts.push(c.arn, c.name);
  return parts.join(" ").toLowerCase();
}
