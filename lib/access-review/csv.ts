/**
 * CSV as RFC 4180 says: CRLF line ends, fields with a comma, quote or line break quoted, quotes
 * doubled. A cell a spreadsheet would run as a formula (starting = + - @, or tab / carriage
 * return) is prefixed with ' — a group name like "=HYPERLINK(…)" comes from the IdP, not from us.
 */
export function toCsv(
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>,
): string {
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function csvCell(value: string | number | boolean | null): string {
  let text = value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
