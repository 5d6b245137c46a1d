import "server-only";

/**
 * OpenID Connect RP-Initiated Logout 1.0 (docs/SINGLE-LOGOUT.md "OIDC"): where the IdP's
 * discovery document names an `end_session_endpoint`, signing out sends the browser there with
 * the sign-in's id_token as `id_token_hint`, the portal's `client_id`, and
 * `post_logout_redirect_uri` (which the operator registers at the IdP) plus a `state` that proves,
 * when the browser comes back, that it is this browser's logout coming back.
 */

/** How long a discovery answer is reused: an IdP's endpoints hardly ever move. */
const DISCOVERY_TTL_MS = 10 * 60 * 1000;
const DISCOVERY_TIMEOUT_MS = 5_000;
const MAX_DISCOVERY_BYTES = 256 * 1024;

export type EndSessionDiscovery =
  { ok: true; endpoint: string | null } | { ok: false; reason: string };

const cache = new Map<string, { endpoint: string | null; fetchedAt: number }>();

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** The end_session_endpoint a discovery document names, or null; refuses one that is unusable. */
export function endSessionEndpointFrom(document: unknown, issuer: string): EndSessionDiscovery {
  if (typeof document !== "object" || document === null)
    return { ok: false, reason: "the discovery document is not a JSON object" };
  const doc = document as Record<string, unknown>;
  if (typeof doc.issuer !== "string" || withoutTrailingSlash(doc.issuer) !== issuer)
    return { ok: false, reason: "the discovery document names another issuer" };
  const endpoint = doc.end_session_endpoint;
  if (endpoint === undefined || endpoint === null) return { ok: true, endpoint: null };
  if (typeof endpoint !== "string")
    return { ok: false, reason: "end_session_endpoint is not a URL" };
  const url = URL.parse(endpoint);
  // Over https, as the issuer is; plain http only when the issuer itself is (a local IdP).
  const allowed = issuer.startsWith("http://") ? ["http:", "https:"] : ["https:"];
  if (
    !url ||
    !allowed.includes(url.protocol) ||
    url.username !== "" ||
    url.password !== "" ||
    url.hash !== ""
  )
    return { ok: false, reason: "end_session_endpoint is not an https URL" };
  return { ok: true, endpoint: url.toString() };
}

/**
 * The IdP's end_session_endpoint (null: it offers no RP-initiated logout), from its discovery
 * document, fetched at most every few minutes. A failure to fetch is not cached: the next
 * sign-out asks again.
 */
export async function discoverEndSessionEndpoint(
  issuer: string,
  opts: { now: Date; fetchImpl?: typeof fetch },
): Promise<EndSessionDiscovery> {
  const cached = cache.get(issuer);
  if (cached && opts.now.getTime() - cached.fetchedAt < DISCOVERY_TTL_MS)
    return { ok: true, endpoint: cached.endpoint };
  const fetchImpl = opts.fetchImpl ?? fetch;
  let document: unknown;
  try {
    const response = await fetchImpl(`${issuer}/.well-known/openid-configuration`, {
      redirect: "error",
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
      cache: "no-store",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return { ok: false, reason: `discovery answered HTTP ${response.status}` };
    const text = await response.text();
    if (text.length > MAX_DISCOVERY_BYTES)
      return { ok: false, reason: "the discovery document is too large" };
    document = JSON.parse(text);
  } catch (error) {
    const name = error instanceof Error ? error.name : "error";
    return { ok: false, reason: `discovery failed (${name})` };
  }
  const found = endSessionEndpointFrom(document, issuer);
  if (found.ok) cache.set(issuer, { endpoint: found.endpoint, fetchedAt: opts.now.getTime() });
  return found;
}

/**
 * The end_session_endpoint URL with the logout parameters (RP-Initiated Logout 1.0 §2). Any query
 * the endpoint already has is kept.
 */
export function endSessionUrl(
  endpoint: string,
  params: {
    idTokenHint: string | null;
    clientId: string;
    postLogoutRedirectUri: string;
    state: string;
  },
): string {
  const url = new URL(endpoint);
  if (params.idTokenHint !== null) url.searchParams.set("id_token_hint", params.idTokenHint);
  url.searchParams.set("client_id", params.clientId);
  url.searchParams.set("post_logout_redirect_uri", params.postLogoutRedirectUri);
  url.searchParams.set("state", params.state);
  return url.toString();
}

/** The portal's post_logout_redirect_uri: the one an operator registers at the IdP. */
export function postLogoutRedirectUri(publicUrl: string): string {
  return `${publicUrl}/signin?signedOut=1`;
}
