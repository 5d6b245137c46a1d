import type { RequestCounts } from "@/lib/access-requests/deleted-with-role";
import { formatDuration } from "./format-duration";

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 0)
    throw new TypeError(`a count is a whole number of at least 0, got ${count}`);
}

/** "no roles", "1 role", "1,200 roles": a count with its noun in the right number. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  checkCount(count);
  if (count === 0) return `no ${plural}`;
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : plural}`;
}

/** "3,600 s (1 h)": seconds as the form takes them, with the duration a person reads. */
export function secondsWithDuration(seconds: number): string {
  checkCount(seconds);
  return `${seconds.toLocaleString("en-US")} s (${formatDuration(seconds)})`;
}

/** What deleting an account takes along, for its page and its delete review. */
export function accountDeletionSummary(roleCount: number, ruleCount: number): string {
  checkCount(ruleCount);
  const roles = countOf(roleCount, "role");
  if (roleCount === 0) return "It has no roles, so nobody loses access.";
  const grant = roleCount === 1 ? "grants" : "grant";
  if (ruleCount === 0) return `This also deletes its ${roles}, which ${grant} nobody access.`;
  const rules = countOf(ruleCount, "access rule");
  return `This also deletes its ${roles} and ${rules}: everyone they grant loses access through Gatehouse at once.`;
}

/**
 * The access requests a delete takes along (the schema cascades them), or null when there are
 * none: the pending ones are never answered and the approved elevations not yet ended end now.
 */
export function requestsDeletionSummary(counts: RequestCounts): string | null {
  const { total, pending, approved } = counts;
  checkCount(pending);
  checkCount(approved);
  if (total === 0) return null;
  const parts: string[] = [];
  if (pending > 0) parts.push(`${pending.toLocaleString("en-US")} pending, never to be answered`);
  if (approved > 0)
    parts.push(
      `${countOf(approved, "approved elevation")} not yet ended, which ${approved === 1 ? "ends" : "end"} now`,
    );
  const which = parts.length === 0 ? "" : ` (${parts.join("; ")})`;
  return `This also deletes ${countOf(total, "access request")}${which} and the approvals on them. The audit log keeps their events.`;
}

/** One role's access requests in a delete review's list: "3 access requests: 1 pending, …". */
export function requestsCountLine(counts: RequestCounts): string {
  const live = [
    counts.pending > 0 && `${counts.pending.toLocaleString("en-US")} pending`,
    counts.approved > 0 && `${counts.approved.toLocaleString("en-US")} approved, not yet ended`,
  ].filter(Boolean);
  const total = countOf(counts.total, "access request");
  return live.length === 0 ? total : `${total}: ${live.join(", ")}`;
}

/** What deleting a role takes along, for its page and its delete review. */
export function roleDeletionSummary(ruleCount: number): string {
  const rules = countOf(ruleCount, "access rule");
  if (ruleCount === 0) return "It has no access rules, so nobody loses access.";
  const whom = ruleCount === 1 ? "everyone it grants" : "everyone they grant";
  return `This also deletes its ${rules}: ${whom} loses this role in Gatehouse at once.`;
}
