import { formatUtc, formatUtcShort, isoOf, type UtcForm } from "@/lib/format-utc";

export { formatUtc, formatUtcShort, type UtcForm };

/**
 * A moment as the pages show one ({@link formatUtc}; `now` makes it the short form of
 * {@link formatUtcShort}), with the full instant in `dateTime` for machines and, to the second,
 * in the title for a person who hovers. Renders the same on the server and in the browser.
 */
export function UtcTime({
  value,
  form = "minute",
  now,
}: {
  value: Date | string;
  form?: UtcForm;
  now?: Date | string;
}) {
  return (
    <time dateTime={isoOf(value)} title={formatUtc(value, "second")}>
      {now === undefined ? formatUtc(value, form) : formatUtcShort(value, now)}
    </time>
  );
}
