import "server-only";
import { createHash } from "node:crypto";

/**
 * The audit hash chain, format 1.
 *
 * Every chained AuditEvent row stores `sequence` (1, 2, …), `prevHash` (the previous event's
 * `hash`, or GENESIS_HASH for sequence 1) and
 *
 *     hash = lowercase hex SHA-256 of UTF-8( prevHash + canonicalAuditJson(row) )
 *
 * The canonical JSON covers every stored column except `hash` itself (AUDIT_HASHED_FIELDS, checked
 * against the Prisma model by a unit test, so a new column can't silently escape the chain):
 * - one JSON object, keys sorted by UTF-16 code unit (plain `Array.prototype.sort`), no whitespace;
 * - every key always present: an absent value is an explicit `null`;
 * - `createdAt` as ISO 8601 UTC with milliseconds (`Date.prototype.toISOString`), which both
 *   databases store exactly (SQLite text, PostgreSQL timestamp(3));
 * - integers (`sequence`, `durationSeconds`) as JSON numbers, safe integers only;
 * - strings as `JSON.stringify` writes them (ECMAScript's escaping, lone surrogates as \uXXXX);
 *   `detailsJson` and `actorGroupsJson` are hashed as the stored text, not re-parsed.
 * Anyone can recompute a hash from a row with this description alone (e.g. in a JSON Lines
 * export).
 */
export const GENESIS_HASH = "0".repeat(64);

export const AUDIT_HASHED_FIELDS = [
  "id",
  "sequence",
  "prevHash",
  "createdAt",
  "requestId",
  "action",
  "outcome",
  "actorUserId",
  "actorIssuer",
  "actorSubject",
  "actorEmail",
  "actorGroupsJson",
  "awsAccountId",
  "roleArn",
  "roleSessionName",
  "sourceIdentity",
  "durationSeconds",
  "accessKeyId",
  "ip",
  "userAgent",
  "detailsJson",
] as const;

export type AuditHashedField = (typeof AUDIT_HASHED_FIELDS)[number];

const INTEGER_FIELDS: ReadonlySet<AuditHashedField> = new Set(["sequence", "durationSeconds"]);
const SORTED_FIELDS = [...AUDIT_HASHED_FIELDS].sort();

/** A stored audit row as far as the chain is concerned (extra properties are ignored). */
export type ChainedAuditRow = {
  [K in AuditHashedField]: K extends "createdAt"
    ? Date
    : K extends "sequence" | "durationSeconds"
      ? number | null
      : K extends "id" | "requestId" | "action" | "outcome" | "detailsJson"
        ? string
        : string | null;
};

/**
 * The canonical JSON text of an audit row (format 1, see above).
 * @throws TypeError for a value of the wrong type (a programming error, never user input).
 */
export function canonicalAuditJson(row: ChainedAuditRow): string {
  const parts: string[] = [];
  for (const field of SORTED_FIELDS) {
    parts.push(`${JSON.stringify(field)}:${canonicalValue(field, row[field])}`);
  }
  return `{${parts.join(",")}}`;
}

function canonicalValue(field: AuditHashedField, value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (field === "createdAt") {
    if (!(value instanceof Date) || Number.isNaN(value.getTime()))
      throw new TypeError("audit createdAt must be a valid Date");
    return JSON.stringify(value.toISOString());
  }
  if (INTEGER_FIELDS.has(field)) {
    if (typeof value !== "number" || !Number.isSafeInteger(value))
      throw new TypeError(`audit ${field} must be a safe integer`);
    return String(value);
  }
  if (typeof value !== "string") throw new TypeError(`audit ${field} must be a string or null`);
  return JSON.stringify(value);
}

/** The hash a row must carry: SHA-256 hex over prevHash followed by the canonical JSON. */
export function computeAuditHash(prevHash: string, row: ChainedAuditRow): string {
  return createHash("sha256")
    .update(prevHash, "utf8")
    .update(canonicalAuditJson(row), "utf8")
    .digest("hex");
}
