import "server-only";
import { bind, type Bound } from "@/lib/db/bound-sql";

/** `text` as a LIKE pattern matching itself anywhere: `%`, `_` and backslash in it are literal. */
export const containsPattern = (text: string) =>
  `%${text.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;

/**
 * A condition on "User" rows, the one admin pages search people by: the identity's email or name
 * contains `query` in any case, or its subject is `query`. Raw, because neither database's LIKE
 * (as Prisma's `contains` writes it) both ignores case and takes `%` or `_` typed in literally.
 */
export function identityMatches(query: string): Array<string | Bound> {
  const pattern = containsPattern(query);
  return [
    `(lower("email") LIKE `,
    bind(pattern),
    ` ESCAPE '\\' OR lower("displayName") LIKE `,
    bind(pattern),
    ` ESCAPE '\\' OR "subject" = `,
    bind(query),
    ")",
  ];
}
