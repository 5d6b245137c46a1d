// CSV cells for audit exports: RFC 4180 quoting, and formula injection defused with a leading
// apostrophe (OWASP "CSV injection").
import { describe, expect, it } from "vitest";
import { csvCell, csvRecord } from "@/lib/audit/csv";

const CELLS: Array<[string, string | number | null | undefined, string]> = [
  ["plain text stays as is", "console.issued", "console.issued"],
  ["null is an empty cell", null, ""],
  ["undefined is an empty cell", undefined, ""],
  ["an empty string is an empty cell", "", ""],
  ["a comma is quoted", "a,b", '"a,b"'],
  ["a quote is doubled inside quotes", 'say "hi"', '"say ""hi"""'],
  ["a line feed is quoted", "line1\nline2", '"line1\nline2"'],
  ["a carriage return inside is quoted", "a\rb", '"a\rb"'],
  ["JSON details are quoted with doubled quotes", '{"a":1,"b":"x"}', '"{""a"":1,""b"":""x""}"'],
  ["= starts a formula: apostrophe", '=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
  ["+ starts a formula: apostrophe", "+1+1", "'+1+1"],
  ["- starts a formula: apostrophe", "-2+3", "'-2+3"],
  ["@ starts a formula: apostrophe", "@SUM(A1)", "'@SUM(A1)"],
  ["a leading tab: apostrophe (and after it, where a tab split starts a cell)", "\t=1", "'\t'=1"],
  ["a leading carriage return: apostrophe, then quoted", "\r=1", `"'\r'=1"`],
  ["= later in the text is harmless", "a=b", "a=b"],
  [
    "a formula after a semicolon (a new cell where ; is the list separator): apostrophe there",
    "x;=cmd|' /C calc'!A0;",
    "x;'=cmd|' /C calc'!A0;",
  ],
  ["every formula after a semicolon: apostrophe", "a;+1;-2;@x", "a;'+1;'-2;'@x"],
  ["a formula after a tab inside the text: apostrophe", "a\t@SUM(A1)", "a\t'@SUM(A1)"],
  ["a formula after a line break inside the text: apostrophe, quoted", "a\n=1", `"a\n'=1"`],
  [
    "a semicolon before plain text is left alone",
    "Windows NT 10.0; Win64",
    "Windows NT 10.0; Win64",
  ],
  ["a formula with a comma: apostrophe and quotes", "=1,2", `"'=1,2"`],
  ["numbers we wrote are not formulas", -5, "-5"],
  ["a whole number", 3600, "3600"],
  ["unicode passes through", "ünïcödé ✓", "ünïcödé ✓"],
];

describe("csvCell", () => {
  for (const [rule, input, expected] of CELLS) {
    it(rule, () => {
      expect(csvCell(input)).toBe(expected);
    });
  }
});

describe("csvRecord", () => {
  it("joins cells with commas and ends the record with CRLF (RFC 4180)", () => {
    expect(csvRecord(["a", null, 'b"c', 7, "=x"])).toBe('a,,"b""c",7,\'=x\r\n');
  });
});
