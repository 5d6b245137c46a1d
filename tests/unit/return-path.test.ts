// Signing in from a filtered audit or access-review URL comes back to the same view: the return
// path keeps the query, and the sign-in page's open-redirect guard accepts it.
import { describe, expect, it } from "vitest";
import { pathWithQuery } from "@/lib/http/return-path";
import { safeReturnPath } from "@/lib/http/return-path";

describe("pathWithQuery", () => {
  const cases: Array<[string, Record<string, string | string[] | undefined>]> = [
    ["no query", {}],
    ["an email", { user: "alice@corp.example" }],
    ["a time with colons", { from: "2026-11-26T14:05", to: "2026-11-27" }],
    ["a role ARN", { role: "arn:aws:iam::210987654321:role/Administrator" }],
    ["spaces, & and = inside values", { user: "a b&c=d" }],
    ["non-ASCII", { user: "zoë@corp.example" }],
    ["a wildcard and a plus", { role: "Read*Only+1" }],
    ["a repeated key", { action: ["console.issued", "credentials.issued"] }],
    ["an absent value", { user: undefined, outcome: "denied" }],
  ];
  it.each(cases)("%s: accepted by safeReturnPath and read back unchanged", (_name, search) => {
    const path = pathWithQuery("/admin/audit", search);
    expect(safeReturnPath(path)).toBe(path);
    const back = new URL(path, "https://portal.example").searchParams;
    for (const [key, value] of Object.entries(search))
      expect(back.getAll(key)).toEqual(value === undefined ? [] : [value].flat());
  });

  it("a path alone stays a path", () => {
    expect(pathWithQuery("/admin/access", {})).toBe("/admin/access");
  });
});
