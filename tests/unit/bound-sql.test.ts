// Statements built at run time for Prisma's tagged-template raw queries (lib/db/bound-sql.ts):
// every value is a bound parameter, never part of the text, and the pieces line up as a
// template literal's would.
import { describe, expect, it } from "vitest";
import { bind, boundList, boundSql } from "@/lib/db/bound-sql";

describe("boundSql: text between bound values, as a tagged template gives them", () => {
  const cases: Array<[string, Parameters<typeof boundSql>[0], string[], unknown[]]> = [
    ["no values", ["SELECT 1"], ["SELECT 1"], []],
    ["one value", ["WHERE id = ", bind("x")], ["WHERE id = ", ""], ["x"]],
    ["adjacent text pieces join", ["A ", "B ", bind(1), " C", " D"], ["A B ", " C D"], [1]],
    ["values side by side", [bind(1), bind(2)], ["", "", ""], [1, 2]],
    [
      "a hostile value stays a value",
      ["WHERE name = ", bind("'; DROP TABLE x; --")],
      ["WHERE name = ", ""],
      ["'; DROP TABLE x; --"],
    ],
    [
      "dates, booleans and null bind as they are",
      [bind(new Date(0)), ",", bind(true), ",", bind(null)],
      ["", ",", ",", ""],
      [new Date(0), true, null],
    ],
  ];
  for (const [name, pieces, strings, values] of cases)
    it(name, () => {
      const [template, ...bound] = boundSql(pieces);
      expect([...template]).toEqual(strings);
      expect([...template.raw]).toEqual(strings);
      expect(bound).toEqual(values);
      expect(template.length).toBe(bound.length + 1);
    });
});

describe("boundList: one bound value per item, comma-separated", () => {
  it("binds each item", () => {
    const [template, ...values] = boundSql(["IN (", ...boundList(["a", "b", "c"]), ")"]);
    expect(template.join("?")).toBe("IN (?, ?, ?)");
    expect(values).toEqual(["a", "b", "c"]);
  });
  it("refuses an empty list (IN () is not SQL)", () => {
    expect(() => boundList([])).toThrow(/empty list/);
  });
});
