/**
 * The one error type lib/ throws for a refusal or failure the caller should see. It knows nothing
 * of HTTP: lib/http/errors.ts gives each code its status. The public message is safe to show; the
 * internal reason goes only to the server log and audit log (docs/INVARIANTS.md invariant 5: fail
 * closed, say little).
 */
export const ERROR_CODES = [
  "validation_error",
  "unauthenticated",
  "forbidden",
  "csrf_rejected",
  "not_found",
  /** A role reference (account/role) that matches several of the caller's roles. */
  "ambiguous_role",
  /** The thing changed under the caller (decided, cancelled, expired, edited): reload and retry. */
  "conflict",
  "saml_assertion_required",
  /** An access rule requires MFA and this sign-in carried none: step up (nextUrl) and retry. */
  "mfa_required",
  /** The role needs the broker's MFA session, and no administrator has unlocked it. */
  "broker_locked",
  "method_not_allowed",
  "payload_too_large",
  /** A body in a format the endpoint doesn't read (a JSON endpoint sent text/plain, say). */
  "unsupported_media_type",
  /** Over a rate limit (docs/SECURITY.md "Rate limits"): Retry-After says when to come back. */
  "rate_limited",
  "aws_refused",
  "aws_unavailable",
  /**
   * The portal's own AWS setup is wrong (no credentials, an STS endpoint signed for the wrong
   * region, …): not an AWS outage, and retrying won't help; an admin sees which on the Broker page.
   */
  "broker_misconfigured",
  "audit_unavailable",
  /** The database can't serve right now (connection lost, unreachable, disk, busy): retry. */
  "database_unavailable",
  /** This replica has as many requests in flight as it may hold (docs/OPERATIONS.md "Overload"). */
  "overloaded",
  /** The database's schema is older than this replica's code: it serves once migrations ran. */
  "schema_outdated",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Temporary refusals say when to try again (Retry-After) unless the thrower knows better. */
const DEFAULT_RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = {
  aws_unavailable: 5,
  audit_unavailable: 5,
  database_unavailable: 2,
  overloaded: 1,
  schema_outdated: 5,
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
