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
import { readCappedText } from "@/lib/http/request-body";
import { safeReturnPath } from "@/lib/http/return-path";
import { enforceRateLimit, isRateLimited, tooManyRequestsPage } from "@/lib/rate-limit/counter";
import type { RequestMeta } from "@/lib/request-meta";
import { buildAuthOptions, OIDC_PROVIDER_ID, type SignInFailureNote } from "./auth-options";
import { clearedCallbackUrlCookie } from "./session-cookie";
import { recordOidcSignInFailure } from "./sign-in-failure";
import { callbackPathOf, signInErrorCode, signInPathFor } from "./sign-in-redirect";
import { csrfRefusal, isCsrfRefusal, jsonUrlOf } from "./sign-in-csrf-refusal";
import { signOutResponse } from "./sign-out-response";
import { OIDC_STEP_UP_PARAM_NAMES } from "./step-up";

type Context = { params: Promise<{ nextauth: string[] }> };

/** What the portal does with a request to one of next-auth's endpoints. */
type Handling =
  /** next-auth answers: its CSRF token, the providers list, the session's end. */
  | "next-auth"
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
  { path: ["session"], methods: { GET: "next-auth", HEAD: "next-auth" } },
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

function resolve(segments: readonly string[], method: string, oidc: boolean): Resolution {
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

/** A sign-in start is a small form: a CSRF token, a return path and `json`. */
const SIGN_IN_START_MAX_BYTES = 16 * 1024;

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
 * - POST signout is the portal's own sign-out.
 */
export async function handleNextAuthRequest(
  request: NextRequest,
  context: Context,
): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  try {
    const { nextauth } = await context.params;
    const config = getConfig();
    const route = resolve(nextauth, request.method, config.oidc !== undefined);
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
  const config = getConfig();
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
  // The callback-url cookie is read by next-auth from the request's own cookies: a value the
  // portal would not follow is replaced by an expired empty one (sent back to the browser too).
  const cookieStore = await cookies();
  const cleared = clearedCallbackUrlCookie(config);
  const remembered = cookieStore.get(cleared.name)?.value;
  if (remembered && callbackPathOf(remembered, portalOrigin) === null)
    cookieStore.set(cleared.name, cleared.value, cleared.options);

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

/**
 * The sign-in button's form (next-auth's client posts a form; it also reads JSON), capped, as the
 * form next-auth is given. Anything else is a 400 rather than a sign-in without its CSRF token.
 */
async function readSignInStart(request: NextRequest): Promise<URLSearchParams> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const isForm = type.startsWith("application/x-www-form-urlencoded");
  if (!isForm && !type.startsWith("application/json"))
    throw new AppError("validation_error", "Expected a form post.");
  const text = await readCappedText(request, SIGN_IN_START_MAX_BYTES);
  if (isForm) return new URLSearchParams(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("validation_error", "The request body is not valid JSON.");
  }
  const form = new URLSearchParams();
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new AppError("validation_error", "The request body must be a JSON object.");
  for (const [name, field] of Object.entries(value)) {
    if (typeof field !== "string")
      throw new AppError("validation_error", "The request is not valid.", {
        issues: [{ path: name, message: "must be a string" }],
      });
    form.append(name, field);
  }
  return form;
}

/** A sign-in start or the IdP's return, as the failure audit needs it. */
interface SignInStep {
  request: NextRequest;
  handling: Handling;
  meta: RequestMeta;
  failure: SignInFailureNote;
  portalOrigin: string;
}

/**
 * Where next-auth sends the browser after a sign-in start or the IdP's return: a redirect, or
 * `{ url }` when the sign-in button asked for JSON. A failure is audited once, and the browser
 * goes straight to the sign-in page with the code and this request's id (next-auth would pass
 * through its own error route first, a second request that knows nothing of this one).
 */
async function withSignInFailureAudited(step: SignInStep, response: Response): Promise<Response> {
  const location = response.headers.get("location");
  if (location !== null) {
    const next = await afterFailure(step, location);
    if (next !== null) response.headers.set("location", next);
    return response;
  }
  const url = await jsonUrlOf(response);
  const next = url === null ? null : await afterFailure(step, url);
  if (next === null) return response;
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(JSON.stringify({ url: next }), { status: response.status, headers });
}

/**
 * The sign-in page for a failed sign-in (audited here), or null when `target` is no failure.
 * next-auth reports a failure by sending the browser to its error route; a return path that
 * happens to carry an `error` parameter is no failure.
 */
async function afterFailure(step: SignInStep, target: string): Promise<string | null> {
  const { request, meta, failure, portalOrigin } = step;
  const reported = new URL(target, portalOrigin);
  if (reported.origin !== portalOrigin || reported.pathname !== "/api/auth/error") return null;
  const code = reported.searchParams.get("error") ?? "Default";
  const idpError = request.nextUrl.searchParams.get("error");
  const cancelled = step.handling === "callback" && idpError === "access_denied";
  await recordOidcSignInFailure(getDb(), meta, {
    code,
    reason: failure.reason ?? failure.code ?? "sign-in failed",
    idpError,
    idpErrorDescription: request.nextUrl.searchParams.get("error_description"),
    cancelled,
  });
  const signInPage = new URL("/signin", portalOrigin);
  signInPage.searchParams.set("error", cancelled ? "Cancelled" : signInErrorCode(code));
  signInPage.searchParams.set("requestId", meta.requestId);
  return signInPage.toString();
}
