// A failed schema check becomes one validation_error: every issue names its field (never an empty
// path), says what is wrong in words, and the message names the fields too, so a client that shows
// only the message still says what to fix.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldIssuesOf, messageOf, zodValidationError } from "@/lib/validation-error";

const schema = z.strictObject({
  durationSeconds: z.number({ message: "must be a number of seconds" }).optional(),
  tags: z.array(z.object({ key: z.string().min(1, "must not be empty") })).optional(),
});

const issuesFor = (input: unknown, root = "body") => {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error("expected the input to be refused");
  return fieldIssuesOf(parsed.error, root);
};

describe("fieldIssuesOf names each problem's field", () => {
  it.each([
    [
      "a field",
      { durationSeconds: "1h" },
      "body",
      [["durationSeconds", "must be a number of seconds"]],
    ],
    [
      "a nested field, dotted",
      { tags: [{ key: "" }] },
      "body",
      [["tags.0.key", "must not be empty"]],
    ],
    [
      "each unknown field by its own name",
      { reson: "x", coment: "y" },
      "body",
      [
        ["reson", "is not a field this accepts"],
        ["coment", "is not a field this accepts"],
      ],
    ],
    ["a body that is not an object", ["x"], "body", [["body", "must be a JSON object"]]],
    ["a query that is not an object", "x", "query", [["query", "must be an object"]]],
  ])("%s", (_, input, root, expected) => {
    expect(issuesFor(input, root)).toEqual(expected.map(([path, message]) => ({ path, message })));
  });
});

describe("messageOf: the fields and problems in one line", () => {
  it("one issue: field: problem", () => {
    expect(messageOf([{ path: "durationSeconds", message: "must be between 900 and 43200" }])).toBe(
      "durationSeconds: must be between 900 and 43200",
    );
  });

  it("names three, then counts the rest", () => {
    const issues = ["a", "b", "c", "d", "e"].map((path) => ({ path, message: "is wrong" }));
    expect(messageOf(issues)).toBe("a: is wrong; b: is wrong; c: is wrong; and 2 more");
  });
});

describe("zodValidationError", () => {
  it("is a validation_error carrying every issue, its message never zod's JSON", () => {
    const parsed = schema.safeParse({ durationSeconds: "1h", extra: 1 });
    if (parsed.success) throw new Error("expected the input to be refused");
    const error = zodValidationError(parsed.error);
    expect(error.code).toBe("validation_error");
    expect(error.issues).toEqual([
      { path: "durationSeconds", message: "must be a number of seconds" },
      { path: "extra", message: "is not a field this accepts" },
    ]);
    expect(error.publicMessage).toBe(
      "durationSeconds: must be a number of seconds; extra: is not a field this accepts",
    );
  });
});
