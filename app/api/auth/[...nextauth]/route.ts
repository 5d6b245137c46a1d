import { currentTime } from "@/lib/clock";
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { buildAuthOptions, type SignInFailureNote } from "@/lib/auth/auth-options";
import { signOutResponse } from "@/lib/auth/sign-out-response";
import { recordOidcSignInFailure } from "@/lib/auth/sign-in-failure";
import { getDb } from "@/lib/db/client";
import { getConfig } from "@/lib/config";
import { errorResponse, NO_STORE } from "@/lib/http/api-handler";
import { enforceRateLimit, isRateLimited, tooManyRequestsPage } from "@/lib/rate-limit/counter";
import { apiNotFound } from "@/lib/http/fallback-handlers";
import { requestMetaFrom } from "@/lib/http/request-meta";

type Context = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth's routes, with these changes (docs/SECURITY.md "Sign-in failures"):
 * - its client logger endpoint (`_log`) is closed: a browser's report is not a server-side fact
 *   and must never become an audit event or a log line;
 * - a failed sign-in is audited here, once, with the reason the server observed and the IdP's own
 *   error, under this request's id — the reference the sign-in page shows;
 * - the IdP saying `access_denied` (the person pressed Cancel) reads "You cancelled sign-in";
 * - POST signout is the portal's own sign-out (lib/auth/sign-out-response.ts).
 */
async function handle(request: NextRequest, context: Context): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const { nextauth } = await context.params;
  if (nextauth[0] === "_log") return apiNotFound(request);
  // One way to sign out: next-auth's own endpoint does what the portal's does (revoke, audit,
  // then the IdP's single logout: docs/SINGLE-LOGOUT.md), answering `{ url }` as next-auth does.
  if (nextauth[0] === "signout" && request.method === "POST") return signOutResponse(request);
  // Starting a sign-in and the IdP's return are open to anyone: limited per client address.
  if (nextauth[0] === "signin" || nextauth[0] === "callback") {
    try {
      await enforceRateLimit(
        getDb(),
        getConfig().rateLimits,
        "signin",
        meta.ip ?? "unknown",
        currentTime(),
      );
    } catch (error) {
      if (!isRateLimited(error)) throw error;
      return request.method === "GET"
        ? tooManyRequestsPage(error, meta.requestId)
        : errorResponse(error, meta);
    }
  }
  const failure: SignInFailureNote = {};
  const response = (await NextAuth(request, context, buildAuthOptions(meta, failure))) as Response;
  const location = response.headers.get("location");
  if (location && /[?&]error=/.test(location) && nextauth[0] !== "error") {
    const url = new URL(location, request.nextUrl.origin);
    // Straight to the sign-in page (next-auth would pass through its own /error route first,
    // a second request that knows nothing of this one).
    if (url.pathname === "/api/auth/error") url.pathname = "/signin";
    const idpError = request.nextUrl.searchParams.get("error");
    const cancelled = nextauth[0] === "callback" && idpError === "access_denied";
    await recordOidcSignInFailure(getDb(), meta, {
      code: url.searchParams.get("error") ?? "unknown",
      reason: failure.reason ?? failure.code ?? "sign-in failed",
      idpError,
      idpErrorDescription: request.nextUrl.searchParams.get("error_description"),
      cancelled,
    });
    if (cancelled) url.searchParams.set("error", "Cancelled");
    url.searchParams.set("requestId", meta.requestId);
    response.headers.set("location", url.toString());
  }
  for (const [key, value] of Object.entries(NO_STORE)) response.headers.set(key, value);
  return response;
}

export { handle as GET, handle as POST };
