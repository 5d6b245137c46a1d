import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { enforceRateLimit } from "@/lib/rate-limit/counter";
import type { RequestMeta } from "@/lib/request-meta";
import { asAppError, NO_STORE } from "./api-handler";
import { httpStatusOf } from "./errors";
import { readFormBody } from "./request-body";
import { REQUEST_ID_HEADER, requestMetaFrom } from "./request-meta";

/** RFC 6749 §5.2 / RFC 8628 §3.5 error codes the device endpoints answer. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unsupported_grant_type"
  | "authorization_pending"
  | "slow_down"
  | "access_denied"
  | "expired_token";

/** An OAuth error the endpoint answers as is (not the portal's own error shape). */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = error === "invalid_client" ? 401 : 400,
  ) {
    super(description);
  }
}

export interface OAuthContext {
  form: URLSearchParams;
  meta: RequestMeta;
  now: Date;
}

/**
 * The shape of the CLI's OAuth endpoints (docs/API.md): a small form-encoded POST, rate-limited per
 * client address ("device"), answered with JSON that no cache stores; errors in RFC 6749's shape
 * (`error`, `error_description`) plus the request id. Portal failures (database down, too many
 * requests) keep their status and Retry-After.
 */
export function oauthEndpoint(
  handler: (ctx: OAuthContext) => Promise<Record<string, unknown>>,
): (request: NextRequest) => Promise<Response> {
  return async (request) => {
    const meta = requestMetaFrom(request.headers);
    try {
      const now = currentTime();
      await enforceRateLimit(getDb(), getConfig().rateLimits, "device", meta.ip ?? "unknown", now);
      let form: URLSearchParams;
      try {
        form = await readFormBody(request, 4096);
      } catch (error) {
        // The body's own problem (not a form, not UTF-8), as RFC 6749 words a refusal.
        if (isAppError(error) && error.code === "validation_error")
          throw new OAuthError("invalid_request", error.publicMessage);
        throw error;
      }
      const body = await handler({ form, meta, now });
      return NextResponse.json(body, {
        headers: { ...NO_STORE, [REQUEST_ID_HEADER]: meta.requestId },
      });
    } catch (error) {
      if (error instanceof OAuthError) {
        return NextResponse.json(
          { error: error.error, error_description: error.description, requestId: meta.requestId },
          {
            status: error.status,
            headers: {
              ...NO_STORE,
              [REQUEST_ID_HEADER]: meta.requestId,
              ...(error.status === 401 ? { "WWW-Authenticate": 'Basic realm="gatehouse"' } : {}),
            },
          },
        );
      }
      const appError = asAppError(error, meta);
      const status = httpStatusOf(appError);
      return NextResponse.json(
        {
          error: status === 429 ? "slow_down" : status >= 500 ? "server_error" : "invalid_request",
          error_description: appError.publicMessage,
          requestId: meta.requestId,
        },
        {
          status,
          headers: {
            ...NO_STORE,
            [REQUEST_ID_HEADER]: meta.requestId,
            ...(appError.retryAfterSeconds !== undefined
              ? { "Retry-After": String(appError.retryAfterSeconds) }
              : {}),
          },
        },
      );
    }
  };
}

/** A single-valued form parameter, or null; a repeated one is invalid_request (RFC 6749 §3.1). */
export function formParam(form: URLSearchParams, name: string): string | null {
  const values = form.getAll(name);
  if (values.length > 1) throw new OAuthError("invalid_request", `${name} is repeated.`);
  return values[0] ?? null;
}
