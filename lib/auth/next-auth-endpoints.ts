import "server-only";
/** Which of next-auth's endpoints the portal serves, and how (lib/auth/next-auth-handler.ts). */
import { OIDC_PROVIDER_ID } from "./auth-options";

/** What the portal does with a request to one of next-auth's endpoints. */
export type Handling =
  /** next-auth answers: its CSRF token, the providers list. */
  | "next-auth"
  /** The session's end, read from the session row (lib/auth/session-endpoint.ts). */
  | "session"
  /** The sign-in button's POST: next-auth sends the browser to the IdP. */
  | "sign-in-start"
  /** The IdP's return: next-auth completes the sign-in (lib/auth/auth-options.ts). */
  | "callback"
  /** A browser navigation to next-auth's sign-in page: the portal's own, /signin. */
  | "sign-in-page"
  /** A browser navigation to next-auth's error page: /signin, saying sign-in failed. */
  | "error-page"
  /** The portal's own sign-out (lib/auth/sign-out-response.ts). */
  | "sign-out";

interface Endpoint {
  path: readonly string[];
  /** Only when OIDC is configured (a SAML-only portal has no next-auth provider). */
  oidc?: true;
  methods: Readonly<Partial<Record<string, Handling>>>;
}

/**
 * The endpoints the portal uses (docs/SECURITY.md "next-auth's endpoints"); every other path is a
 * 404 and every other method a 405. HEAD reads like GET, except on the IdP's callback: a HEAD
 * must never complete a sign-in.
 */
const ENDPOINTS: readonly Endpoint[] = [
  { path: ["csrf"], methods: { GET: "next-auth", HEAD: "next-auth" } },
  { path: ["providers"], methods: { GET: "next-auth", HEAD: "next-auth" } },
  { path: ["session"], methods: { GET: "session", HEAD: "session" } },
  { path: ["signin"], methods: { GET: "sign-in-page", HEAD: "sign-in-page" } },
  {
    path: ["signin", OIDC_PROVIDER_ID],
    oidc: true,
    methods: { GET: "sign-in-page", HEAD: "sign-in-page", POST: "sign-in-start" },
  },
  { path: ["callback", OIDC_PROVIDER_ID], oidc: true, methods: { GET: "callback" } },
  // Signing out is a POST from the portal's page, never a GET (a link, a prefetch): GET is a 405,
  // as on /api/auth/sign-out, not next-auth's "Are you sure?" page.
  { path: ["signout"], methods: { POST: "sign-out" } },
  { path: ["error"], methods: { GET: "error-page", HEAD: "error-page" } },
];

type Resolution =
  | { kind: "handle"; handling: Handling }
  | { kind: "not-found" }
  | { kind: "method-not-allowed"; allowed: string[] };

export function resolveNextAuthEndpoint(
  segments: readonly string[],
  method: string,
  oidc: boolean,
): Resolution {
  const endpoint = ENDPOINTS.find(
    (e) =>
      (oidc || !e.oidc) &&
      e.path.length === segments.length &&
      e.path.every((part, i) => part === segments[i]),
  );
  if (!endpoint) return { kind: "not-found" };
  const handling = Object.hasOwn(endpoint.methods, method) ? endpoint.methods[method] : undefined;
  return handling
    ? { kind: "handle", handling }
    : { kind: "method-not-allowed", allowed: Object.keys(endpoint.methods).sort() };
}
