/**
 * CSV as RFC 4180 writes it — fields with a comma, quote, CR or LF are quoted, quotes doubled,
 * records end in CRLF — plus the OWASP defence against formula injection: a text cell starting
 * with =, +, -, @, a tab or a carriage return gets a leading apostrophe, so a spreadsheet shows it
 * as text instead of running it.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  // Numbers and booleans we wrote ourselves can't be formulas (and -1 must stay a number).
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(
  values: ReadonlyArray<string | number | boolean | null | undefined>,
): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
