/**
 * CSV as RFC 4180 writes it — fields with a comma, quote, CR or LF are quoted, quotes doubled,
 * records end in CRLF — plus the OWASP defence against formula injection: a text cell starting
 * with =, +, -, @, a tab or a carriage return gets a leading apostrophe, so a spreadsheet shows it
 * as text instead of running it. The same goes for such a character right after a semicolon, a
 * tab or a line break inside the text: a spreadsheet whose list separator is the semicolon (most
 * of Europe), or an import that splits on tabs, starts a new cell there — the quotes around the
 * field don't hold, since they are not at the start of its cell then.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const FORMULA_AFTER_SEPARATOR = /([;\t\r\n])(?=[=+\-@])/g;
const NEEDS_QUOTES = /[",\r\n]/;

/** Starts a CSV file: the UTF-8 byte order mark, without which Excel reads the file as ANSI. */
export const CSV_BOM = "\uFEFF";

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  // Numbers and booleans we wrote ourselves can't be formulas (and -1 must stay a number).
  let text = String(value);
  if (typeof value === "string") {
    text = text.replace(FORMULA_AFTER_SEPARATOR, "$1'");
    if (FORMULA_START.test(text)) text = `'${text}`;
  }
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(
  values: ReadonlyArray<string | number | boolean | null | undefined>,
): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
