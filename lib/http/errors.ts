/**
 * The one error type that crosses from lib/ to a response. Each code has one HTTP status; the
 * public message is safe to show, the internal reason goes only to the server log and audit log
 * (docs/INVARIANTS.md invariant 5: fail closed, say little).
 */
export const ERROR_STATUS = {
  validation_error: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_rejected: 403,
  not_found: 404,
  saml_assertion_required: 409,
  /** An access rule requires MFA and this sign-in carried none: step up (nextUrl) and retry. */
  mfa_required: 403,
  /** The role needs the broker's MFA session, and no administrator has unlocked it. */
  broker_locked: 409,
  method_not_allowed: 405,
  payload_too_large: 413,
  /** Over a rate limit (docs/SECURITY.md "Rate limits"): Retry-After says when to come back. */
  rate_limited: 429,
  aws_refused: 502,
  aws_unavailable: 503,
  /**
   * The portal's own AWS setup is wrong (no credentials, an STS endpoint signed for the wrong
   * region, …): not an AWS outage, and retrying won't help; an admin sees which on the Broker page.
   */
  broker_misconfigured: 503,
  audit_unavailable: 503,
  /** The database can't serve right now (connection lost, unreachable, disk, busy): retry. */
  database_unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Temporary refusals say when to try again (Retry-After) unless the thrower knows better. */
const DEFAULT_RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = {
  aws_unavailable: 5,
  audit_unavailable: 5,
  database_unavailable: 2,
};

export interface AppErrorOptions {
  /** The specific reason, for logs and the audit log only. */
  internalReason?: string;
  /** AWS's error code (e.g. AccessDenied), shown to the user: it is what an admin searches for. */
  awsErrorCode?: string;
  /** Field-level problems for validation errors, safe to show. */
  issues?: Array<{ path: string; message: string }>;
  /** Where the browser should go to fix this (e.g. fetch a SAML assertion), a same-site path. */
  nextUrl?: string;
  /** For a temporary refusal (503): when the client may try again, sent as Retry-After. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * Marks AppErrors across bundles: Next.js compiles instrumentation, pages, route handlers and server
 * actions into separate bundles, each with its own copy of this module, and an error thrown by an
 * object shared on globalThis (the STS broker) must still be recognised as an AppError.
 */
const APP_ERROR_BRAND = Symbol.for("gatehouse.AppError");

export class AppError extends Error {
  /** `instanceof AppError` holds for an AppError from any bundle's copy of this class. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[APP_ERROR_BRAND] === true
    );
  }

  readonly [APP_ERROR_BRAND] = true;
  readonly status: number;
  readonly internalReason: string | undefined;
  readonly awsErrorCode: string | undefined;
  readonly issues: Array<{ path: string; message: string }> | undefined;
  readonly nextUrl: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    readonly publicMessage: string,
    options: AppErrorOptions = {},
  ) {
    super(publicMessage, { cause: options.cause });
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
    this.internalReason = options.internalReason;
    this.awsErrorCode = options.awsErrorCode;
    this.issues = options.issues;
    this.nextUrl = options.nextUrl;
    this.retryAfterSeconds = options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS[code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The JSON body every API error has. Never carries a stack or an internal reason. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    awsErrorCode?: string;
    issues?: Array<{ path: string; message: string }>;
    nextUrl?: string;
  };
}

export function errorBody(error: AppError, requestId: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.publicMessage,
      requestId,
      ...(error.awsErrorCode ? { awsErrorCode: error.awsErrorCode } : {}),
      ...(error.issues ? { issues: error.issues } : {}),
      ...(error.nextUrl ? { nextUrl: error.nextUrl } : {}),
    },
  };
}
