import { NextResponse, type NextRequest } from "next/server";
import {
  contentSecurityPolicy,
  HSTS,
  isSameOriginWrite,
  PAGE_PATH_HEADER,
} from "./lib/http/security-headers";
import { REQUEST_ID_HEADER, stampedRequestId } from "./lib/http/request-id";

/**
 * Runs before every route (docs/SECURITY.md "Headers"):
 * - passes on the request id server.ts stamped at the first byte (it replaces any the client sent),
 *   so logs, audit events and error messages can be correlated, and stamps the path asked for
 *   (replacing any the client sent);
 * - refuses a state-changing request whose Origin is not the portal's own with 403, before any
 *   route or server action runs (Next.js itself lets a server action without Origin through);
 * - sets a nonce-based Content-Security-Policy, and HSTS when the portal is served over https.
 * Authentication is NOT done here: each page and handler checks for itself (invariant 4).
 */
export function proxy(request: NextRequest): NextResponse {
  const requestId = stampedRequestId(request.headers.get(REQUEST_ID_HEADER)) ?? crypto.randomUUID();
  const publicUrl = process.env.NEXTAUTH_URL ?? request.nextUrl.origin;
  const portalOrigin = new URL(publicUrl).origin;

  if (
    !isSameOriginWrite(
      request.method,
      request.nextUrl.pathname,
      request.headers.get("origin"),
      portalOrigin,
    )
  ) {
    const response = NextResponse.json(
      {
        error: {
          code: "csrf_rejected",
          message: "This request did not come from the portal's own pages.",
          requestId,
        },
      },
      { status: 403, headers: { "Cache-Control": "no-store" } },
    );
    response.headers.set("x-request-id", requestId);
    return response;
  }

  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set("x-nonce", nonce);
  // The page a server action was posted from (actions post to the page's own URL): where a
  // signed-out tab comes back to after signing in again (lib/auth/privilege-guard.ts).
  headers.set(PAGE_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  // Next.js reads the nonce from the request's policy and puts it on its own scripts.
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("x-request-id", requestId);
  response.headers.set("content-security-policy", csp);
  if (portalOrigin.startsWith("https://")) response.headers.set("strict-transport-security", HSTS);
  return response;
}

// Skipped: only Next.js's own build files (under `/_next/static/`) and its image endpoint. A path
// merely resembling them (`/_next/staticX`, `/favicon.ico`: the portal has none) gets the
// not-found page, which needs the policy and the Origin check like any other answer.
export const config = {
  matcher: ["/((?!_next/static/|_next/image$).*)"],
};
