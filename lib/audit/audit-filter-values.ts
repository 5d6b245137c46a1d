/**
 * The audit filters' values that are more than a pattern: a UTC date-time and a page cursor.
 * Both are checked strictly, since they reach SQL as a time the databases must be able to compare.
 */

const DATE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** A UTC date-time as the filters accept it; `endOfDay` turns a date-only value into the next midnight. */
export function parseFilterDate(value: string, opts: { endOfDay?: boolean } = {}): Date | null {
  const m = DATE_PATTERN.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  const fields = [
    Number(y),
    Number(mo),
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
  ];
  const [year, month, day, hour, minute, second] = fields as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((ms ?? "0").padEnd(3, "0"));
  // setUTCFullYear, not Date.UTC, which reads years 0–99 as 1900–1999.
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  check.setUTCHours(hour, minute, second, millis);
  const utc = check.getTime();
  // Date.UTC rolls 2026-02-30 over into March: refuse instead of moving the date.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return null;
  }
  let offsetMinutes = 0;
  if (zone && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const [oh, om] = zone.slice(1).split(":").map(Number) as [number, number];
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const dateOnly = h === undefined;
  const result = utc - offsetMinutes * 60_000 + (dateOnly && opts.endOfDay ? 86_400_000 : 0);
  // Up to the end of 9999-12-31 means up to the end of every time the filter takes: its next
  // midnight is in year 10000, which the databases can't compare with. Anything else outside the
  // range (an offset pushing a time past it, too) is refused.
  if (dateOnly && opts.endOfDay && result === LATEST_FILTER_TIME + 1) return new Date(result - 1);
  return result >= EARLIEST_FILTER_TIME && result <= LATEST_FILTER_TIME ? new Date(result) : null;
}

/** The range of times a filter or cursor may name: years 0001–9999, as the databases store them. */
const EARLIEST_FILTER_TIME = new Date("0001-01-01T00:00:00.000Z").getTime();
const LATEST_FILTER_TIME = new Date("9999-12-31T23:59:59.999Z").getTime();

/** A page cursor names one event by (createdAt, id): opaque to the user, checked strictly here. */
export function encodeCursor(event: { createdAt: Date; id: string }): string {
  return Buffer.from(`${event.createdAt.getTime()}.${event.id}`, "utf8").toString("base64url");
}

export function decodeCursor(value: string): { createdAt: Date; id: string } | null {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(value)) return null;
  const m = /^(\d{1,15})\.([a-z0-9]{1,40})$/.exec(Buffer.from(value, "base64url").toString("utf8"));
  if (!m) return null;
  const time = Number(m[1]);
  if (time < EARLIEST_FILTER_TIME || time > LATEST_FILTER_TIME) return null;
  return { createdAt: new Date(time), id: m[2]! };
}
