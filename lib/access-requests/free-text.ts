import { z } from "zod";

/**
 * Control characters (C0 but tab and line breaks, DEL, C1), line and paragraph separators, and the
 * marks that reorder text. PostgreSQL can't store NUL in text (the write would fail as a 500), and
 * the rest would make a reason read differently to the approver, in the audit log and in chat.
 */
const UNPRINTABLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

/** A reason or comment a person types: trimmed, at most `max` characters, printable, lines allowed. */
export function freeText(max: number) {
  return z
    .string({ message: "must be text" })
    .trim()
    .max(max, `must be at most ${max.toLocaleString("en-US")} characters`)
    .refine((s) => !UNPRINTABLE.test(s), "may not hold control or invisible direction characters");
}
