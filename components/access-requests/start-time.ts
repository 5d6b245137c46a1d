// Client-safe: the request form's check of when the requested access starts.

/** The start to send (null: when approved), or why the chosen start is refused. */
export type StartChoice = { ok: true; startsAt: string | null } | { ok: false; message: string };

/**
 * Reads the "Starting" choice. "at" with no time, or with a time not after `nowMs` (the portal's
 * clock), is refused here rather than sent: the server starts a past time at once, which is not
 * what someone who picked a time asked for, and an empty time would be sent as "when approved".
 */
export function readStartChoice(isLater: boolean, localValue: string, nowMs: number): StartChoice {
  if (!isLater) return { ok: true, startsAt: null };
  const at = localValue === "" ? Number.NaN : new Date(localValue).getTime();
  if (Number.isNaN(at))
    return { ok: false, message: "Choose the date and time to start, or “when approved”." };
  if (at <= nowMs)
    return {
      ok: false,
      message: "That time has passed: choose a later one, or “when approved” to start at once.",
    };
  return { ok: true, startsAt: new Date(at).toISOString() };
}

/** A `datetime-local` value (local time, to the minute) for an instant. */
export function localInputValue(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}
