/**
 * The HTTP security policy of every response (docs/SECURITY.md "Headers"), applied by proxy.ts.
 * Pure functions, no server-only import: proxy.ts runs before any route.
 */

/**
 * A Content-Security-Policy with a per-request nonce: scripts run only from this origin and with
 * the nonce (Next.js puts it on its own inline scripts), never inline otherwise; no framing, no
 * plugins, forms post only here. Styles allow inline attributes (Tailwind's classes are a
 * stylesheet; a few elements set a width inline), which can't run code.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Strict-Transport-Security for an https portal: two years, subdomains included. */
export const HSTS = "max-age=63072000; includeSubDomains";

/** Methods that change state: they must come from the portal's own pages. */
export function isStateChanging(method: string): boolean {
  return !["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());
}

/**
 * Endpoints an identity provider posts to from its own origin (SAML HTTP-POST binding): their
 * protection is the signed, audience- and recipient-checked assertion, not the Origin header.
 */
const CROSS_SITE_POST_PATHS = new Set([
  "/api/auth/saml/acs",
  "/api/aws/saml/relay",
  // The IdP's LogoutResponse by HTTP-POST: protected by its signature and the LogoutRequest it
  // must answer, bound to the browser that signed out (docs/SINGLE-LOGOUT.md).
  "/api/auth/saml/slo",
]);

/** The bearer-token API: no cookie is read under it. */
export const BEARER_ONLY_PREFIX = "/api/v1/";

/**
 * Whether a request may change state: a safe method, an IdP's cross-site POST endpoint, or an
 * Origin header naming the portal's own origin exactly. A missing Origin is refused: every
 * browser sends one on a POST, fetch or form alike.
 */
export function isSameOriginWrite(
  method: string,
  pathname: string,
  origin: string | null,
  portalOrigin: string,
): boolean {
  if (!isStateChanging(method)) return true;
  if (CROSS_SITE_POST_PATHS.has(pathname)) return true;
  // The CLI's API authenticates with a bearer token and never reads a cookie, so a cross-site
  // request can't borrow anyone's authority there (docs/API.md).
  if (pathname.startsWith(BEARER_ONLY_PREFIX)) return true;
  return origin === portalOrigin;
}

/**
 * The request header in which proxy.ts tells the handlers which path was asked for (always its
 * own value: one a client sends is replaced). A server action posts to its page's URL, so this
 * is the page a signed-out tab returns to after signing in again.
 */
export const PAGE_PATH_HEADER = "x-gatehouse-page-path";
