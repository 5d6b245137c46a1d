/** The kinds of value a setting takes, each refusing a bad one with a message naming what it got. */
import { z } from "zod";

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === "http:" || url.protocol === "https:") &&
      url.username === "" &&
      url.password === ""
    );
  } catch {
    return false;
  }
}

export const httpUrl = z
  .string()
  .trim()
  .refine(isHttpUrl, "must be an absolute http(s) URL without credentials")
  .transform((u) => u.replace(/\/+$/, ""));

export const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

/** One of `options`; anything else is refused echoing what was set, as the other settings are. */
export function oneOf<const T extends readonly [string, ...string[]]>(
  options: T,
  fallback: T[number],
) {
  const list = options.map((o) => `"${o}"`).join(", ");
  return z
    .enum(options, {
      error: (issue) => `must be one of ${list}, got ${JSON.stringify(String(issue.input))}`,
    })
    .optional()
    .default(fallback);
}

/** true/false (also 1/0, yes/no, on/off); `fallback` when not set. */
function flag<T extends boolean | undefined>(fallback: T) {
  return z
    .string()
    .trim()
    .optional()
    .transform((v, ctx): boolean | T => {
      if (v === undefined || v === "") return fallback;
      if (/^(true|1|yes|on)$/i.test(v)) return true;
      if (/^(false|0|no|off)$/i.test(v)) return false;
      ctx.addIssue({ code: "custom", message: `must be true or false, got "${v}"` });
      return z.NEVER;
    });
}

/** A boolean flag left undefined when not set, so another setting can decide. */
export const optionalBooleanFlag = () => flag(undefined);

export const booleanFlag = (fallback: boolean) => flag(fallback);

/** A comma-separated list of non-empty values, with a default. */
export function commaList(fallback: string) {
  return z
    .string()
    .optional()
    .transform((v) =>
      (v === undefined || v.trim() === "" ? fallback : v)
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean),
    );
}

export function intInRange(min: number, max: number, fallback: number, unit = "seconds") {
  return z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: "custom", message: `must be a whole number of ${unit}, got "${v}"` });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be between ${min} and ${max}, got ${n}` });
        return z.NEVER;
      }
      return n;
    });
}
