import { CSV_BOM, csvRecord } from "@/lib/audit/csv";

// The access review's exports are written as the audit log's are (lib/audit/csv.ts): RFC 4180,
// cells a spreadsheet would run as formulas neutralised — a group name like "=HYPERLINK(…)" comes
// from the IdP, not from us — and the byte order mark that makes Excel read UTF-8.
export { csvCell } from "@/lib/audit/csv";

export function toCsv(
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>,
): string {
  return CSV_BOM + rows.map(csvRecord).join("");
}
