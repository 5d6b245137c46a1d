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

/** What deleting a role takes along, for its page and its delete review. */
export function roleDeletionSummary(ruleCount: number): string {
  const rules = countOf(ruleCount, "access rule");
  if (ruleCount === 0) return "It has no access rules, so nobody loses access.";
  const whom = ruleCount === 1 ? "everyone it grants" : "everyone they grant";
  return `This also deletes its ${rules}: ${whom} loses this role in Gatehouse at once.`;
}
