import "server-only";

/** What a bound parameter may be: the adapters bind these natively (booleans and dates included). */
export type SqlValue = string | number | boolean | Date | null;

/** A value to bind at this place of the statement (never spliced into its text). */
export interface Bound {
  bind: SqlValue;
}

/** Binds `value` at this place of a statement built by boundSql. */
export const bind = (value: SqlValue): Bound => ({ bind: value });

/**
 * A statement whose shape is only known at run time (an `IN` list of any length), as the
 * arguments of a tagged-template call: `db.$queryRaw(...boundSql([...]))`. Prisma then binds every
 * value as a parameter and writes the placeholders its database wants (`?` for SQLite, `$1` for
 * PostgreSQL), exactly as for a template literal written out by hand. Text pieces are the
 * caller's constants; every value goes through `bind`.
 */
export function boundSql(
  pieces: ReadonlyArray<string | Bound>,
): [TemplateStringsArray, ...SqlValue[]] {
  const strings: string[] = [""];
  const values: SqlValue[] = [];
  for (const piece of pieces) {
    if (typeof piece === "string") strings[strings.length - 1] += piece;
    else {
      values.push(piece.bind);
      strings.push("");
    }
  }
  return [Object.assign(strings, { raw: strings }), ...values];
}

/** `?, ?, ?` for a list of values (which must not be empty: `IN ()` is not SQL). */
export function boundList(values: readonly SqlValue[]): Array<string | Bound> {
  if (values.length === 0) throw new TypeError("boundList: an empty list");
  return values.flatMap((value, i) => (i === 0 ? [bind(value)] : [", ", bind(value)]));
}
