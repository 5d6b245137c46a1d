import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { findSignedInUser } from "@/lib/auth/current-user";
import {
  holdsPrivilege,
  PRIVILEGE_REQUIRED,
  recordDenial,
  type Privilege,
} from "@/lib/auth/privilege-guard";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { getConfig } from "@/lib/config";
import { databaseUnavailableError } from "@/lib/db/unavailable";
import { log } from "@/lib/log";
import { AppError, isAppError } from "@/lib/errors";
import { validationErrorOf, zodValidationError } from "@/lib/validation-error";
import { errorBody, httpStatusOf } from "./errors";
import { assertJsonContentType, readCappedText } from "./request-body";
import type { RequestMeta } from "@/lib/request-meta";
import { REQUEST_ID_HEADER, requestMetaFrom } from "./request-meta";

/** Responses that may carry credentials or tokens are never stored by any cache (invariant 3). */
export const NO_STORE = { "Cache-Control": "no-store, max-age=0", Pragma: "no-cache" } as const;

export interface ApiContext<P> {
  request: NextRequest;
  user: SignedInUser;
  meta: RequestMeta;
  params: P;
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

/**
 * The guard every session-authenticated API route goes through: it authenticates (server-side
 * session), authorizes (admin or auditor when asked: 403, audited as admin.denied), refuses
 * cross-site writes, validates route params with
 * zod, and turns every failure into the one JSON error shape with a request id — unknown errors
 * become a generic 500, details logged, never a stack trace in the response.
 */
export function withSession<S extends z.ZodType>(
  paramsSchema: S,
  handler: (ctx: ApiContext<z.output<S>>) => Promise<Response>,
  opts: { privilege?: Privilege } = {},
): (request: NextRequest, context: RouteContext) => Promise<Response> {
  return async (request, context) => {
    const meta = requestMetaFrom(request.headers);
    try {
      if (request.method !== "GET" && request.method !== "HEAD") assertSameOrigin(request);
      const user = await findSignedInUser(meta);
      if (!user) throw new AppError("unauthenticated", "Sign in to continue.");
      if (opts.privilege && !holdsPrivilege(user, opts.privilege)) {
        await recordDenial(
          user,
          meta,
          opts.privilege,
          `api ${request.method} ${request.nextUrl.pathname}`,
        );
        throw new AppError("forbidden", PRIVILEGE_REQUIRED[opts.privilege]);
      }
      const parsed = paramsSchema.safeParse(await context.params);
      if (!parsed.success) {
        throw zodValidationError(parsed.error, "params");
      }
      const response = await handler({ request, user, meta, params: parsed.data });
      response.headers.set(REQUEST_ID_HEADER, meta.requestId);
      return response;
    } catch (error) {
      return errorResponse(error, meta);
    }
  };
}

/**
 * The AppError to answer with: the error itself; a database fault (connection lost, unreachable,
 * disk, busy) as a 503 database_unavailable to retry; anything else unexpected as a generic 500
 * whose details go to the log only. Server-side failures are logged either way.
 */
export function asAppError(error: unknown, meta: RequestMeta): AppError {
  if (!isAppError(error)) {
    const unavailable = databaseUnavailableError(error);
    if (unavailable) {
      log.warn("database unavailable", {
        requestId: meta.requestId,
        reason: unavailable.internalReason,
      });
      return unavailable;
    }
    log.error("unhandled error", { requestId: meta.requestId, error });
    return new AppError(
      "internal",
      "Something went wrong on our side. Give this request id to your administrator.",
    );
  }
  if (httpStatusOf(error) >= 500)
    log.warn(error.code, { requestId: meta.requestId, reason: error.internalReason });
  return error;
}

export function errorResponse(error: unknown, meta: RequestMeta): NextResponse {
  const appError = asAppError(error, meta);
  return NextResponse.json(errorBody(appError, meta.requestId), {
    status: httpStatusOf(appError),
    headers: {
      ...NO_STORE,
      [REQUEST_ID_HEADER]: meta.requestId,
      ...(appError.retryAfterSeconds !== undefined
        ? { "Retry-After": String(appError.retryAfterSeconds) }
        : {}),
    },
  });
}

/**
 * Cookie-authenticated writes must come from the portal's own pages: the Origin header (which
 * browsers always send on POST) must be the portal's origin. SameSite=Lax cookies already stop
 * most cross-site POSTs; this closes the rest (e.g. sibling subdomains).
 */
function assertSameOrigin(request: NextRequest): void {
  const origin = request.headers.get("origin");
  const expected = new URL(getConfig().publicUrl).origin;
  if (origin !== expected) {
    throw new AppError("csrf_rejected", "This request did not come from the portal's own pages.", {
      internalReason: `origin ${origin ?? "(none)"} is not ${expected}`,
    });
  }
}

/** Reads a small JSON body and validates it; anything else is a clear 400/413, never a crash. */
export async function readJsonBody<S extends z.ZodType>(
  request: NextRequest,
  schema: S,
  maxBytes = 16 * 1024,
): Promise<z.output<S>> {
  const text = await readCappedText(request, maxBytes);
  let value: unknown = {};
  if (text.trim() !== "") {
    assertJsonContentType(request);
    try {
      value = JSON.parse(text);
    } catch {
      throw validationErrorOf([{ path: "body", message: "is not valid JSON" }]);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw zodValidationError(parsed.error);
  }
  return parsed.data;
}
