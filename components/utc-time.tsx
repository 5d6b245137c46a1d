/**
 * "2026-12-06 14:05 UTC" (or, to the second, "2026-12-06 14:05:33 UTC"): how the portal's pages
 * write a moment, in UTC as the audit log and AWS do. Throws RangeError for what is not a time.
 */
export function formatUtc(value: Date | string, precision: "minute" | "second" = "minute"): string {
  const iso = isoOf(value);
  return `${iso.slice(0, 10)} ${iso.slice(11, precision === "minute" ? 16 : 19)} UTC`;
}

function isoOf(value: Date | string): string {
  return (typeof value === "string" ? new Date(value) : value).toISOString();
}

/**
 * A moment as the pages show one ({@link formatUtc}), with the full instant in `dateTime` for
 * machines and, to the second, in the title for a person who hovers. Renders the same on the
 * server and in the browser.
 */
export function UtcTime({ value }: { value: Date | string }) {
  return (
    <time dateTime={isoOf(value)} title={formatUtc(value, "second")}>
      {formatUtc(value)}
    </time>
  );
}
