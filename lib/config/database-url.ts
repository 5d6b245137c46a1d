/**
 * What is wrong with a PostgreSQL DATABASE_URL that would connect somewhere else than meant, or
 * nowhere: never echoing the URL, which may hold a password. Prisma's `schema=` parameter is not
 * read by the driver the portal uses (node-postgres): the tables would silently go to `public`.
 */
export function postgresUrlProblem(value: string): string | undefined {
  if (!/^postgres(ql)?:\/\//.test(value)) return undefined;
  // Read as node-postgres reads it: spaces and stray "%" encoded, and no host ("user@/db", a
  // Unix socket given as ?host=) allowed.
  const text = /%[^a-f0-9]|%[a-f0-9][^a-f0-9]| /i.test(value)
    ? encodeURI(value).replace(/%25(\d\d)/g, "%$1")
    : value;
  let url: URL;
  try {
    url = new URL(text.replace("@/", "@localhost/"));
  } catch {
    return "must be a valid URL: postgresql://user:password@host:5432/database (percent-encode special characters in the password)";
  }
  if (url.searchParams.has("schema"))
    return "must not set schema=: the PostgreSQL driver ignores it and every table would be created in the public schema; give Gatehouse a database of its own";
  if (!/^\/[^/]+$/.test(url.pathname))
    return "must name a database: postgresql://user:password@host:5432/database";
  return undefined;
}
