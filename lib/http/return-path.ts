/** Only same-site paths are followed after sign-in: never an absolute URL (open redirect). */
export function safeReturnPath(value: unknown): string {
  return typeof value === "string" && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value)
    ? value
    : "/accounts";
}

/**
 * `path` with a page's own query string, so that signing in (or stepping up) comes back to the
 * same filtered view. Encoded so that safeReturnPath accepts it: every reserved character as %XX,
 * spaces as %20 and "*" as %2A (URLSearchParams leaves "+" and "*", which that guard refuses).
 */
export function pathWithQuery(
  path: string,
  search: Record<string, string | string[] | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search))
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
      params.append(key, one);
  const query = params.toString().replace(/\+/g, "%20").replace(/\*/g, "%2A");
  return query ? `${path}?${query}` : path;
}
