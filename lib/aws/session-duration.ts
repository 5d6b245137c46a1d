/**
 * How long a session may last (README.md "Identity carried to AWS" → Duration, "Console sign-in").
 *
 * Client-safe (no `server-only`, no `node:` imports): the duration picker shows the same choices and
 * the same refusal the server applies at issuance.
 */

import { MAX_SESSION_SECONDS, MIN_SESSION_SECONDS, ROLE_CHAINING_MAX_SECONDS } from "./partitions";

/**
 * Without an explicit choice a session lasts one hour, as STS's own DurationSeconds default and IAM
 * Identity Center's default do: long enough for a task, short enough that a forgotten terminal or
 * browser tab does not hold live credentials for the rest of the day. Longer sessions are a click away.
 */
export const DEFAULT_SESSION_SECONDS = 3600;

export type DurationCap = "rule" | "role" | "role-chaining" | "access-end";

export interface SessionDurationBounds {
  minSeconds: number;
  maxSeconds: number;
  defaultSeconds: number;
  /** Which limit set `maxSeconds` (on a tie, the one hardest to change: role chaining, then role). */
  cappedBy: DurationCap;
}

/**
 * The allowed range for one role: at most the lesser of the access rule's cap, the role's
 * MaxSessionDuration and — when the broker runs on role credentials — one hour; never below 900 s nor
 * above 43,200 s. The default is one hour, or the maximum when that is shorter.
 * @throws TypeError if a cap is not a positive integer (a caller bug, not user input).
 */
export function sessionDurationBounds(o: {
  ruleMaxSeconds: number;
  roleMaxSeconds: number;
  isRoleChained: boolean;
  /**
   * Seconds until the user's access ends (an approved request or an expiring rule), when it does:
   * no session may outlast it. Issuance refuses before asking when this is under the minimum.
   */
  accessRemainingSeconds?: number | null;
}): SessionDurationBounds {
  for (const [name, value] of [
    ["ruleMaxSeconds", o.ruleMaxSeconds],
    ["roleMaxSeconds", o.roleMaxSeconds],
  ] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new TypeError(`${name} must be a positive integer number of seconds`);
    }
  }

  const caps: Array<[DurationCap, number]> = [
    // Hardest limit first, so that a tie names the limit an admin cannot simply raise.
    ["role-chaining", o.isRoleChained ? ROLE_CHAINING_MAX_SECONDS : Number.POSITIVE_INFINITY],
    // A role's MaxSessionDuration can't exceed 12 h in AWS; a rule above that is still held by the role.
    ["role", Math.min(o.roleMaxSeconds, MAX_SESSION_SECONDS)],
    ["rule", o.ruleMaxSeconds],
    [
      "access-end",
      o.accessRemainingSeconds == null
        ? Number.POSITIVE_INFINITY
        : Math.max(0, Math.floor(o.accessRemainingSeconds)),
    ],
  ];
  let [cappedBy, limit] = caps[0] as [DurationCap, number];
  for (const [cap, seconds] of caps) {
    if (seconds < limit) [cappedBy, limit] = [cap, seconds];
  }

  const maxSeconds = Math.max(MIN_SESSION_SECONDS, Math.min(limit, MAX_SESSION_SECONDS));
  return {
    minSeconds: MIN_SESSION_SECONDS,
    maxSeconds,
    defaultSeconds: Math.min(maxSeconds, DEFAULT_SESSION_SECONDS),
    cappedBy,
  };
}

const CAP_REASONS: Readonly<Record<DurationCap, string>> = {
  rule: "your access rule for this role allows no longer",
  "access-end": "your access to this role ends sooner",
  role: "the role's maximum session duration (MaxSessionDuration in IAM) allows no longer",
  "role-chaining":
    "the portal's broker signs this role's sessions with temporary credentials (role credentials or its MFA session), and AWS caps those at one hour, as role chaining",
};

/**
 * The duration to request: `requested` in whole seconds within `bounds`, or the default when absent.
 * Refusals say the allowed range and, for a too-long request, which limit holds and why.
 */
export function checkRequestedDuration(
  requested: number | undefined,
  bounds: SessionDurationBounds,
): { ok: true; seconds: number } | { ok: false; message: string } {
  if (requested === undefined) return { ok: true, seconds: bounds.defaultSeconds };
  const range = `${formatDuration(bounds.minSeconds)} to ${formatDuration(bounds.maxSeconds)}`;
  if (typeof requested !== "number" || !Number.isInteger(requested)) {
    return {
      ok: false,
      message: `session duration must be a whole number of seconds (allowed: ${range})`,
    };
  }
  if (requested < bounds.minSeconds) {
    return {
      ok: false,
      message: `session duration must be at least ${formatDuration(bounds.minSeconds)} (${bounds.minSeconds} s), the shortest session AWS issues (allowed: ${range})`,
    };
  }
  if (requested > bounds.maxSeconds) {
    return {
      ok: false,
      message: `session duration must be at most ${formatDuration(bounds.maxSeconds)} (${bounds.maxSeconds} s): ${CAP_REASONS[bounds.cappedBy]} (allowed: ${range})`,
    };
  }
  return { ok: true, seconds: requested };
}

const PRESET_SECONDS = [900, 1800, 3600, 7200, 14_400, 28_800, 43_200];

/**
 * Choices for a duration picker: 15 min, 30 min, 1 h, 2 h, 4 h, 8 h, 12 h within the bounds, and
 * always the maximum itself (so a 90-minute cap offers "1 h 30 min"), ascending.
 */
export function durationChoices(
  bounds: SessionDurationBounds,
): Array<{ seconds: number; label: string }> {
  const seconds = PRESET_SECONDS.filter((s) => s >= bounds.minSeconds && s <= bounds.maxSeconds);
  if (!seconds.includes(bounds.maxSeconds)) seconds.push(bounds.maxSeconds);
  return seconds.map((s) => ({ seconds: s, label: formatDuration(s) }));
}

/** "15 min", "1 h", "1 h 30 min", "1 h 40 s": exact, never rounded up past a limit. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts: string[] = [];
  if (h > 0) parts.push(`${h} h`);
  if (m > 0) parts.push(`${m} min`);
  if (s > 0 || parts.length === 0) parts.push(`${s} s`);
  return parts.join(" ");
}

/**
 * The `SessionDuration` to send to getSigninToken, or undefined to omit it (then the console session
 * lasts as long as the credentials).
 *
 * - GetFederationToken credentials: never (AWS refuses the parameter for them).
 * - AssumeRole / AssumeRoleWithSAML: the session length granted, whole seconds within 900–43,200;
 *   for role-chained credentials at most one hour, AWS's limit for them. It is sent even when the
 *   credentials themselves last longer or shorter (console credentials from a broker session are
 *   issued without DurationSeconds: docs/AWS.md "Console sign-in"), so the console session is
 *   exactly what the user chose.
 *
 * @throws TypeError if `sessionSeconds` is not a positive finite number (a caller bug).
 */
export function consoleSessionDurationParam(o: {
  sessionSeconds: number;
  isRoleChained: boolean;
  assumedWith: "AssumeRole" | "AssumeRoleWithSAML" | "GetFederationToken";
}): number | undefined {
  if (!Number.isFinite(o.sessionSeconds) || o.sessionSeconds <= 0) {
    throw new TypeError("sessionSeconds must be a positive number of seconds");
  }
  if (o.assumedWith === "GetFederationToken") return undefined;
  const max = o.isRoleChained ? ROLE_CHAINING_MAX_SECONDS : MAX_SESSION_SECONDS;
  return Math.min(max, Math.max(MIN_SESSION_SECONDS, Math.floor(o.sessionSeconds)));
}
