import { type PortalAccount, type RoleDuration } from "./api-types";
import { ROLE_ID_PATTERN } from "./args";

/**
 * Whether a session length fits a role's bounds, from the caller's own `GET /api/v1/roles`:
 * `gatehouse serve` checks its --duration once at start, rather than failing every request after
 * it has printed its variables and the person has moved on.
 */

/**
 * The role `reference` names among `accounts` — a role id, or `<account>/<role>` with the
 * account's id, name or alias — compared as the portal compares them (letter case aside).
 * Undefined when none or several match: the portal's answer to the first request then stands.
 */
export function findRole(
  accounts: readonly PortalAccount[],
  reference: string,
): { shown: string; bounds: RoleDuration } | undefined {
  const byId = ROLE_ID_PATTERN.test(reference);
  const slash = reference.indexOf("/");
  const account = reference.slice(0, slash).toLowerCase();
  const roleName = reference.slice(slash + 1).toLowerCase();
  const matches = accounts.flatMap((a) =>
    a.roles
      .filter((r) =>
        byId
          ? r.roleId === reference
          : r.roleName.toLowerCase() === roleName &&
            [a.accountId, a.name, a.alias ?? ""].some(
              (name) => name !== "" && name.toLowerCase() === account,
            ),
      )
      .map((r) => ({
        shown: `${a.name}/${r.roleName}`,
        bounds: typeof r.cliDuration?.maxSeconds === "number" ? r.cliDuration : r.duration,
      })),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

/** "4h", "90m", "1h30m", "45s": how a person would write it back to --duration. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h > 0 ? `${h}h` : ""}${m > 0 ? `${m}m` : ""}${s > 0 ? `${s}s` : ""}`;
  return text === "" ? "0s" : text;
}

/** What sets the maximum (docs/API.md `cappedBy`), as said after it. */
const CAP_REASONS: Record<string, string> = {
  rule: "your access rule's limit",
  role: "the role's maximum session in AWS",
  "role-chaining": "AWS's one-hour limit for chained roles",
  "access-end": "when your access to it ends",
};

/** Why `seconds` is outside the role's CLI session bounds, in one line; null when it fits. */
export function durationProblem(
  role: { shown: string; bounds: RoleDuration },
  seconds: number,
): string | null {
  const { maxSeconds } = role.bounds;
  // Checked by parseRolesAnswer: maxSeconds only.
  const minSeconds = typeof role.bounds.minSeconds === "number" ? role.bounds.minSeconds : 0;
  if (seconds >= minSeconds && seconds <= maxSeconds) return null;
  const cap = CAP_REASONS[role.bounds.cappedBy ?? ""];
  const limit =
    seconds > maxSeconds
      ? `at most ${formatDuration(maxSeconds)} (${maxSeconds}s)${cap ? `, ${cap}` : ""}`
      : `at least ${formatDuration(minSeconds)} (${minSeconds}s)`;
  return `--duration ${formatDuration(seconds)} (${seconds}s) is outside what ${role.shown} allows for CLI credentials: ${limit}`;
}
