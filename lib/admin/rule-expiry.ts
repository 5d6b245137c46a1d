import "server-only";

/** A rule's expiry as the admin form shows it and reads it back: a date and time in UTC. */

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Whether a written date and time exists: Date rolls 2026-02-30 over to March 2 without a word. */
function isRealDateTime(y: number, mo: number, d: number, h: number, mi: number, s: number) {
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

/** Reads an expiry typed as UTC date and time (or a full ISO instant); null when it is no date. */
export function parseExpiry(text: string): Date | null {
  const local = LOCAL_DATE_TIME.exec(text);
  if (local) {
    const part = (i: number) => Number(local[i] ?? "0");
    const [y, mo, d, h, mi, s] = [part(1), part(2), part(3), part(4), part(5), part(6)];
    return isRealDateTime(y, mo, d, h, mi, s) ? new Date(Date.UTC(y, mo - 1, d, h, mi, s)) : null;
  }
  // An instant with an offset is checked as written, before the offset moves it to another day.
  const iso = ISO_INSTANT.exec(text);
  if (!iso) return null;
  const part = (i: number) => Number(iso[i] ?? "0");
  if (!isRealDateTime(part(1), part(2), part(3), part(4), part(5), part(6))) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The form's way of showing an instant: `YYYY-MM-DD HH:MM` in UTC, which parseExpiry reads back. */
export function formatExpiryInput(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16).replace("T", " ") : "";
}
