import "server-only";

/** A rule's expiry as the admin form shows it and reads it back: a date and time in UTC. */

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads an expiry typed as UTC date and time (or a full ISO instant); null when it is no date. */
export function parseExpiry(text: string): Date | null {
  const local = LOCAL_DATE_TIME.exec(text);
  if (local) {
    const part = (i: number) => Number(local[i] ?? "0");
    const [y, mo, d, h, mi, s] = [part(1), part(2), part(3), part(4), part(5), part(6)];
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    // Date.UTC rolls 2026-02-31 over to March: such a date was not a real one.
    const isReal =
      date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
    return isReal ? date : null;
  }
  if (!ISO_INSTANT.test(text)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The form's way of showing an instant: `YYYY-MM-DD HH:MM` in UTC, which parseExpiry reads back. */
export function formatExpiryInput(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16).replace("T", " ") : "";
}
