// One value per query parameter (docs/SECURITY.md "Input"): a parameter given more than once is
// refused by name, however the query arrives — never read as its first or its last value.
import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { readSingleValuedQuery, singleValuedQuery } from "@/lib/query-params";

describe("a query parameter given more than once is refused, naming it", () => {
  it.each([
    ["twice in a URL", new URLSearchParams("filter=a&filter=b"), [["filter", 2]]],
    ["three times, once empty", new URLSearchParams("q=&q=x&q=y"), [["q", 3]]],
    [
      "two names repeated",
      new URLSearchParams("a=1&b=1&a=2&b=2"),
      [
        ["a", 2],
        ["b", 2],
      ],
    ],
    ["as a page's string[]", { run: ["a", "b"], notice: "x" }, [["run", 2]]],
  ])("%s", (_what, params, repeated) => {
    const read = readSingleValuedQuery(params);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.issues).toEqual(
      repeated.map(([path, n]) => ({ path, message: `is given ${n} times; give it once` })),
    );
    let thrown: unknown;
    try {
      singleValuedQuery(params);
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown) && thrown.code).toBe("validation_error");
    expect(isAppError(thrown) && thrown.issues).toEqual(read.issues);
  });

  it("a hand-made query repeating many long names is reported in bounded form", () => {
    const params = new URLSearchParams();
    for (let i = 0; i < 50; i++)
      for (const v of ["1", "2"]) params.append(`${i}${"n".repeat(200)}`, v);
    const read = readSingleValuedQuery(params);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.issues).toHaveLength(10);
    for (const issue of read.issues) expect(issue.path.length).toBeLessThanOrEqual(64);
  });
});

describe("each parameter given once is read as given (the control)", () => {
  it.each([
    ["a URL", new URLSearchParams("filter=dev&empty=&limit=5")],
    ["a page's search params", { filter: "dev", empty: "", limit: "5", absent: undefined }],
  ])("%s", (_what, params) => {
    const query = singleValuedQuery(params);
    expect(query.get("filter")).toBe("dev");
    expect(query.get("empty")).toBe("");
    expect(query.get("absent")).toBeNull();
    expect(query.toObject()).toEqual({ filter: "dev", empty: "", limit: "5" });
  });

  it("a parameter named like an object's own property is just a parameter", () => {
    const query = singleValuedQuery(new URLSearchParams("__proto__=x&constructor=y"));
    expect(query.get("__proto__")).toBe("x");
    expect(query.get("constructor")).toBe("y");
    expect(query.get("toString")).toBeNull();
  });
});
