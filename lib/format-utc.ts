// One way to write a moment, for the pages (components/utc-time.tsx wraps it in <time>) and for
// the sentences lib/ builds for them.

/**
 * How much of a moment a page shows, all in UTC as the audit log and AWS write it:
 * - "minute" (the default): "2026-12-06 14:05 UTC"
 * - "second": "2026-12-06 14:05:33 UTC", where seconds matter (a log line, a health check)
 * - "date": "2026-12-06", a day (a certificate's expiry, when a role went missing)
 * - "time": "14:05 UTC", where the day goes without saying (see {@link formatUtcShort})
 */
export type UtcForm = "minute" | "second" | "date" | "time";

/** A moment as the pages write it ({@link UtcForm}). Throws RangeError for what is not a time. */
export function formatUtc(value: Date | string, form: UtcForm = "minute"): string {
  const iso = isoOf(value);
  const day = iso.slice(0, 10);
  const minute = iso.slice(11, 16);
  switch (form) {
    case "date":
      return day;
    case "time":
      return `${minute} UTC`;
    case "second":
      return `${day} ${iso.slice(11, 19)} UTC`;
    case "minute":
      return `${day} ${minute} UTC`;
  }
}

/**
 * For a badge with little room: "14:05 UTC" when the moment falls on the same UTC day as `now`,
 * else its day alone ("2026-12-08") — never a bare time that could be any day.
 */
export function formatUtcShort(value: Date | string, now: Date | string): string {
  return formatUtc(value, shortForm(value, now));
}

function shortForm(value: Date | string, now: Date | string): UtcForm {
  return formatUtc(value, "date") === formatUtc(now, "date") ? "time" : "date";
}

/** The full instant, as <time dateTime> carries it. */
export function isoOf(value: Date | string): string {
  return (typeof value === "string" ? new Date(value) : value).toISOString();
}
