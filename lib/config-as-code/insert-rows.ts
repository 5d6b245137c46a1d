import "server-only";
import { randomBytes } from "node:crypto";
import { boundList, boundSql, type SqlValue } from "@/lib/db/bound-sql";
import type { Db } from "@/lib/db/client";

export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export type { SqlValue };

/** SQLite binds at most 32,766 parameters per statement and PostgreSQL 65,535: stay under both. */
export const MAX_BIND_PARAMETERS = 32_766;

/**
 * Inserts rows with multi-row `INSERT … VALUES (…), (…)` statements, every value a bound
 * parameter, as many rows per statement as the parameter limit allows. Through createMany the
 * query engine spent ~0.2 ms per row building and checking the statement; this is ~6× faster.
 * The caller names every column it writes (columns left out take their database default) and
 * gives each row's values in that order. Table and column names are the caller's constants.
 */
export async function insertRows(
  tx: Tx,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly SqlValue[]>,
): Promise<void> {
  if (![table, ...columns].every((name) => /^\w+$/.test(name)))
    throw new TypeError(`insertRows: not a plain table or column name in ${table}`);
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `;
  const perStatement = Math.floor(MAX_BIND_PARAMETERS / columns.length);
  for (let i = 0; i < rows.length; i += perStatement) {
    const batch = rows.slice(i, i + perStatement);
    for (const row of batch)
      if (row.length !== columns.length)
        throw new TypeError(`insertRows: ${row.length} values for ${columns.length} columns`);
    await tx.$executeRaw(
      ...boundSql([
        head,
        ...batch.flatMap((row, r) => [r === 0 ? "(" : "), (", ...boundList(row)]),
        ")",
      ]),
    );
  }
}

/**
 * Ids made here rather than by the database, so new roles and rules can name their parents
 * without reading them back. Time first, then a counter: rules made in one import sort (by
 * createdAt, then id) in the order the file lists them, which is what gives repeated subjects
 * their ranks on the next export.
 */
export function idMaker(): () => string {
  const prefix = `c${Date.now().toString(36).padStart(9, "0")}`;
  const salt = randomBytes(6).toString("hex").slice(0, 8);
  let n = 0;
  return () => `${prefix}${(n++).toString(36).padStart(6, "0")}${salt}`;
}
