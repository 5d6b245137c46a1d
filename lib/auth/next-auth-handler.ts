import "server-only";
import NextAuth from "next-auth";
import { cookies } from "next/headers";
import { NextRequest } from "next/server";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { errorResponse, NO_STORE } from "@/lib/http/api-handler";
import { apiNotFound, methodNotAllowed } from "@/lib/http/fallback-handlers";
import { seeOther } from "@/lib/http/redirects";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { singleValuedQuery } from "@/lib/query-params";
import { safeReturnPath } from "@/lib/http/return-path";
import { enforceRateLimit, isRateLimited, tooManyRequestsPage } from "@/lib/rate-limit/counter";
import type { RequestMeta } from "@/lib/request-meta";
import { buildAuthOptions, type SignInFailureNote } from "./auth-options";
import { resolveNextAuthEndpoint, type Handling } from "./next-auth-endpoints";
import { clearedCallbackUrlCookie } from "./session-cookie";
import { withSignInFailureAudited } from "./sign-in-failure-response";
import { callbackPathOf, signInErrorCode, signInPathFor } from "./sign-in-redirect";
import { csrfRefusal, isCsrfRefusal } from "./sign-in-csrf-refusal";
import { readSignInStart } from "./sign-in-start-form";
import { sessionEndpointResponse } from "./session-endpoint";
import { signOutResponse } from "./sign-out-response";
import { OIDC_STEP_UP_PARAM_NAMES } from "./step-up";

type Context = { params: Promise<{ nextauth: string[] }> };

/**
 * /api/auth/[...nextauth]: next-auth's endpoints, narrowed to those the portal uses, with these
 * changes (docs/SECURITY.md "Sign-in failures", "next-auth's endpoints"):
 * - unknown endpoints are a 404 and other methods (OPTIONS too) a 405, in the API's JSON error
 *   shape (next-auth's client logger `_log`, email's `verify-request` and its HTML pages included);
 * - a query parameter given more than once is a 400, as on every API route;
 * - a sign-in start whose CSRF token next-auth refuses is a 403 that still leads its browser client
 *   to /signin (lib/auth/sign-in-csrf-refusal.ts), not next-auth's silent redirect;
 * - a callbackUrl (query, form or cookie) that is not a path on this portal is ignored before
 *   next-auth sees it: next-auth would answer a 500 "server configuration" error;
 * - its sign-in and error pages redirect to the portal's /signin, with a safe error code;
 * - a failed sign-in is audited here, once, with the reason the server observed and the IdP's own
 *   error, under this request's id — the reference the sign-in page shows;
 * - the IdP saying `access_denied` (the person pressed Cancel) reads "You cancelled sign-in";
 * - POST signout is the portal's own sign-out;
 * - GET session answers from the session row, not from next-auth's cookie alone.
 */
export async function handleNextAuthRequest(
  request: NextRequest,
  context: Context,
): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  try {
    const { nextauth } = await context.params;
    const config = getConfig();
    const route = resolveNextAuthEndpoint(nextauth, request.method, config.oidc !== undefined);
    if (route.kind === "not-found") return apiNotFound(request);
    if (route.kind === "method-not-allowed") return methodNotAllowed(route.allowed)(request);
    const portalOrigin = new URL(config.publicUrl).origin;
    // next-auth and openid-client read a repeated parameter each their own way: refused here.
    const query = singleValuedQuery(request.nextUrl.searchParams);
    switch (route.handling) {
      case "sign-out":
        // One way to sign out: what /api/auth/sign-out does (revoke, audit, then the IdP's single
        // logout: docs/SINGLE-LOGOUT.md), answering `{ url }` as next-auth does.
        return await signOutResponse(request);
      case "session":
        await dropForeignCallbackCookie(portalOrigin);
        return await sessionEndpointResponse(request);
      case "sign-in-page":
        return seeOther(
          signInPathFor(
            safeReturnPath(callbackPathOf(query.get("callbackUrl"), portalOrigin)),
            false,
          ),
        );
      case "error-page":
        // Nothing is audited: the browser says a sign-in failed, the server saw nothing fail.
        return seeOther(`/signin?error=${signInErrorCode(query.get("error"))}`);
      case "sign-in-start":
      case "callback": {
        // Starting a sign-in and the IdP's return are open to anyone: limited per client address.
        const limited = await signInRateLimit(request, meta);
        if (limited) return limited;
        break;
      }
      case "next-auth":
        break;
    }
    return await runNextAuth(request, context, route.handling, meta, portalOrigin);
  } catch (error) {
    return errorResponse(error, meta);
  }
}

async function signInRateLimit(request: NextRequest, meta: RequestMeta): Promise<Response | null> {
  try {
    await enforceRateLimit(
      getDb(),
      getConfig().rateLimits,
      "signin",
      meta.ip ?? "unknown",
      currentTime(),
    );
    return null;
  } catch (error) {
    if (!isRateLimited(error)) throw error;
    return request.method === "GET"
      ? tooManyRequestsPage(error, meta.requestId)
      : errorResponse(error, meta);
  }
}

async function runNextAuth(
  request: NextRequest,
  context: Context,
  handling: Handling,
  meta: RequestMeta,
  portalOrigin: string,
): Promise<Response> {
  const url = new URL(request.url);
  keepOnlyPortalCallback(url.searchParams, portalOrigin);
  const init: { method: string; headers: Headers; body?: string } = {
    // next-auth answers GET only: a HEAD is a GET whose body is not sent.
    method: request.method === "HEAD" ? "GET" : request.method,
    headers: new Headers(request.headers),
  };
  let form: URLSearchParams | undefined;
  if (handling === "sign-in-start") {
    const unknown = [...url.searchParams.keys()].filter(
      (name) => !OIDC_STEP_UP_PARAM_NAMES.includes(name),
    );
    // next-auth passes a sign-in start's query to the IdP's authorize URL as it is.
    if (unknown.length > 0)
      throw new AppError("validation_error", "The sign-in request is not valid.", {
        issues: unknown.map((name) => ({ path: name, message: "not a sign-in parameter" })),
      });
    form = await readSignInStart(request);
    keepOnlyPortalCallback(form, portalOrigin);
    init.headers.set("content-type", "application/x-www-form-urlencoded");
    init.headers.delete("content-length");
    init.body = form.toString();
  }
  await dropForeignCallbackCookie(portalOrigin);

  const failure: SignInFailureNote = {};
  const response = (await NextAuth(
    new NextRequest(url, init),
    context,
    buildAuthOptions(meta, failure),
  )) as Response;
  if (form && (await isCsrfRefusal(response, portalOrigin)))
    return csrfRefusal(response, meta, portalOrigin, form);
  const answer =
    handling === "sign-in-start" || handling === "callback"
      ? await withSignInFailureAudited({ request, handling, meta, failure, portalOrigin }, response)
      : response;
  for (const [key, value] of Object.entries(NO_STORE)) answer.headers.set(key, value);
  return request.method === "HEAD"
    ? new Response(null, { status: answer.status, headers: answer.headers })
    : answer;
}

/**
 * The callback-url cookie is read by next-auth from the request's own cookies: a value the portal
 * would not follow is replaced by an expired empty one (sent back to the browser too).
 */
async function dropForeignCallbackCookie(portalOrigin: string): Promise<void> {
  const cookieStore = await cookies();
  const cleared = clearedCallbackUrlCookie(getConfig());
  const remembered = cookieStore.get(cleared.name)?.value;
  if (remembered && callbackPathOf(remembered, portalOrigin) === null)
    cookieStore.set(cleared.name, cleared.value, cleared.options);
}

/**
 * Drops `callbackUrl` unless it is one path on this portal: next-auth refuses anything that is not
 * a URL with a 500, and would follow a URL elsewhere. Without it, next-auth comes back to the
 * default page (lib/auth/auth-options.ts `redirect`).
 */
function keepOnlyPortalCallback(params: URLSearchParams, portalOrigin: string): void {
  const values = params.getAll("callbackUrl");
  if (values.length === 0) return;
  if (values.length === 1 && callbackPathOf(values[0], portalOrigin) !== null) return;
  params.delete("callbackUrl");
}
