import type { DurationBoundsView } from "@/lib/access/group-by-account";

/** "1 h", "4 h", "15 min", "1 h 30 min" */
export function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** Why the longest session is what it is, in the user's words. */
export function durationCapReason(bounds: DurationBoundsView): string {
  const max = formatDuration(bounds.maxSeconds);
  switch (bounds.cappedBy) {
    case "rule":
      return `Up to ${max}: the longest your access rule allows.`;
    case "role":
      return `Up to ${max}: the role's maximum session duration in IAM.`;
    case "role-chaining":
      return `Up to ${max}: role chaining caps sessions at 1 hour (the portal's broker itself runs on a role).`;
    case "access-end":
      return `Up to ${max}: your access to this role ends then.`;
  }
}
