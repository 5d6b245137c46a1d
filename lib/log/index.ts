import "server-only";
import { driverErrorDetail } from "@/lib/db/database-fault";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Field names that must never reach a log line, whatever a caller passes (docs/INVARIANTS.md invariant 3).
 * AccessKeyId is deliberately absent: it is how CloudTrail entries are correlated.
 */
const SECRET_FIELD =
  /secret|token|password|assertion|samlresponse|session_?key|authorization|cookie/i;

let threshold: Level = "info";

export function setLogLevel(level: Level): void {
  threshold = level;
}

/** Longest error message kept whole. */
const MAX_ERROR_MESSAGE = 1200;

/**
 * A message on one line where it can be: Prisma's (minimal format, lib/db/client.ts) are
 * "Invalid `call()` invocation:" and the reason after blank lines. One still too long keeps its
 * start (what failed where) and its end (why), joined by " … ".
 */
export function shortenErrorMessage(message: string): string {
  const shorter = message.trim().replace(/(invocation:?)\s*\n\s*/, "$1 ");
  if (shorter.length <= MAX_ERROR_MESSAGE) return shorter;
  return `${shorter.slice(0, 300)} … ${shorter.slice(-(MAX_ERROR_MESSAGE - 300))}`;
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    // A database error names its real cause: the driver's code and words (a trigger's message,
    // a disk error), not only the category Prisma filed it under.
    const driverError = driverErrorDetail(value);
    return {
      name: value.name,
      ...(typeof code === "string" ? { code } : {}),
      message: shortenErrorMessage(value.message),
      ...(driverError ? { driverError } : {}),
      // The frames only: the stack's first lines repeat the (possibly huge) message.
      stack: value.stack
        ?.split("\n")
        .filter((frame) => frame.trimStart().startsWith("at "))
        .slice(0, 12)
        .join("\n"),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // A yes/no can't carry a secret: "exchangesViaGetSessionToken: true" stays readable.
    out[key] =
      SECRET_FIELD.test(key) && typeof v !== "boolean" ? "[redacted]" : redact(v, depth + 1);
  }
  return out;
}

function write(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    message,
    ...(redact(fields) as object),
  });
  if (level === "error" || level === "warn") process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}

/** Structured JSON logging to stdout/stderr, with secret-looking fields redacted. */
export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};
