import type { DurationBoundsView } from "@/lib/access/group-by-account";

/** "1 h", "4 h", "15 min", "1 h 30 min", to the nearest minute. */
export function formatDuration(seconds: number): string {
  // Rounded as a whole, so 59 min 40 s is "1 h", never "60 min" (nor 1 h 59 min 40 s "1 h 60 min").
  const totalMinutes = Math.round(seconds / 60);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
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
