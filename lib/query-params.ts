import { AppError } from "@/lib/errors";

/**
 * A URL's query, one value per parameter (docs/SECURITY.md "Input"). Every parameter the portal
 * reads takes one value, so a parameter given more than once is refused rather than read as its
 * first or its last value: which one counts would differ between readers (a proxy, a log, a
 * page, a route), and a security tool must not let them disagree about what was asked.
 */

/** A query as a route handler has it, or as Next.js hands it to a page (a repeat is a string[]). */
export type QueryInput =
  URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface QueryIssue {
  path: string;
  message: string;
}

/** A query whose parameters each have exactly one value. */
export interface SingleValuedQuery {
  /** The parameter's value, or null when it is not given. */
  get(name: string): string | null;
  /** Every parameter and its value, as zod schemas of a query read them. */
  toObject(): Record<string, string>;
}

/** How many repeated names a refusal lists (a hand-made query can repeat thousands). */
const MAX_LISTED = 10;
/** How much of a repeated name a refusal quotes. */
const MAX_NAME_LENGTH = 64;

/** The query's values by name, in the order given. */
function valuesByName(params: QueryInput): Map<string, string[]> {
  const values = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    const list = values.get(name);
    if (list) list.push(value);
    else values.set(name, [value]);
  };
  if (params instanceof URLSearchParams) {
    for (const [name, value] of params) add(name, value);
    return values;
  }
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const v of typeof value === "string" ? [value] : value) add(name, v);
  }
  return values;
}

/**
 * Reads `params` with one value per parameter, or reports each parameter given more than once
 * (by name: `path` is the name, as every validation issue names its field).
 */
export function readSingleValuedQuery(
  params: QueryInput,
): { ok: true; query: SingleValuedQuery } | { ok: false; issues: QueryIssue[] } {
  const values = valuesByName(params);
  const repeated = [...values].filter(([, list]) => list.length > 1);
  if (repeated.length > 0) {
    return {
      ok: false,
      issues: repeated.slice(0, MAX_LISTED).map(([name, list]) => ({
        path: name.slice(0, MAX_NAME_LENGTH),
        message: `is given ${list.length} times; give it once`,
      })),
    };
  }
  const single = new Map([...values].map(([name, [value]]) => [name, value ?? ""]));
  return {
    ok: true,
    query: {
      get: (name) => single.get(name) ?? null,
      toObject: () => Object.fromEntries(single),
    },
  };
}

/**
 * The query of an API request, one value per parameter.
 * @throws AppError `validation_error` (400) naming each parameter given more than once.
 */
export function singleValuedQuery(params: QueryInput): SingleValuedQuery {
  const read = readSingleValuedQuery(params);
  if (read.ok) return read.query;
  const names = read.issues.map((i) => i.path).join(", ");
  throw new AppError("validation_error", `A query parameter is given more than once: ${names}.`, {
    issues: read.issues,
  });
}
