// Names and descriptions admins type are plain text: no control characters and no invisible marks
// that reorder text, so a name can't display as another (docs/SECURITY.md "Input").
import { describe, expect, it } from "vitest";
import { accountInput } from "@/lib/admin/account-input";

const valid = { accountId: "123456789012", alias: "", environment: "prod", description: "" };

function nameAccepted(name: string): boolean {
  return accountInput.safeParse({ ...valid, name }).success;
}

describe("an account name is plain text", () => {
  it.each([
    ["a right-to-left override (U+202E)", "\u202eevil"],
    ["a left-to-right embedding (U+202A)", "prod\u202a"],
    ["a first-strong isolate (U+2068)", "acme\u2068prod"],
    ["a right-to-left mark (U+200F)", "acme\u200f"],
    ["an Arabic letter mark (U+061C)", "acme\u061c"],
    ["a byte-order mark inside (U+FEFF)", "ac\ufeffme"],
    ["a line separator (U+2028)", "acme\u2028prod"],
    ["a C1 control (U+0085)", "acme\u0085"],
    ["a NUL", "acme\u0000"],
    ["DEL", "acme\u007f"],
  ])("refuses %s", (_rule, name) => {
    expect(nameAccepted(name)).toBe(false);
  });

  it.each([
    ["letters of any script", "Продакшн 本番"],
    ["a zero-width non-joiner, which Persian writing needs", "می\u200cخواهم"],
    ["a zero-width joiner (emoji sequences)", "team 👩\u200d💻"],
    ["punctuation", "acme (prod) / eu-1"],
  ])("accepts %s", (_rule, name) => {
    expect(nameAccepted(name)).toBe(true);
  });
});
