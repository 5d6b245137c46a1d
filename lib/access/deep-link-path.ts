/**
 * The console deep link as a portal path, for the accounts page and for returning after sign-in.
 * Kept apart from the parser in deep-link.ts (which needs the console destination rules) so that
 * the accounts page's first load carries only this.
 *
 * Client-safe (no `server-only`, no `node:` imports).
 */

export const DEEP_LINK_PATH = "/console";

export const DEEP_LINK_PARAMS = ["account", "role", "region", "destination"] as const;
export type DeepLinkParam = (typeof DEEP_LINK_PARAMS)[number];

/** Percent-encodes everything but unreserved characters, so the path passes safeReturnPath. */
function encodeStrict(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The deep link as a portal path (`/console?account=…&role=…`), its known parameters in a fixed
 * order, for returning to it after sign-in or a step-up. Only the first value of a repeated
 * parameter is kept.
 */
export function deepLinkPath(params: Record<string, string | string[] | undefined>): string {
  const pairs: string[] = [];
  for (const key of DEEP_LINK_PARAMS) {
    const raw = params[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === "string") pairs.push(`${key}=${encodeStrict(value.slice(0, 1024))}`);
  }
  return pairs.length > 0 ? `${DEEP_LINK_PATH}?${pairs.join("&")}` : DEEP_LINK_PATH;
}

/**
 * The accounts page path that offers a role's CLI credentials with one button (and reopens them at
 * once when this tab asked for them before a trip away: components/resume-intent.ts).
 */
export function credentialsOfferPath(roleId: string): string {
  return `/accounts?credentials=${encodeURIComponent(roleId)}`;
}
