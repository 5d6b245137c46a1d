import { type AppError, type ErrorCode } from "@/lib/errors";

/** The HTTP status of each error code: the one place lib/'s errors meet HTTP. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  validation_error: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_rejected: 403,
  not_found: 404,
  ambiguous_role: 409,
  conflict: 409,
  saml_assertion_required: 409,
  /** An access rule requires MFA and this sign-in carried none: step up (nextUrl) and retry. */
  mfa_required: 403,
  /** The role needs the broker's MFA session, and no administrator has unlocked it. */
  broker_locked: 409,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
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
  overloaded: 503,
  schema_outdated: 503,
  internal: 500,
};

/** The HTTP status an error is answered with. */
export function httpStatusOf(error: AppError): number {
  return HTTP_STATUS[error.code];
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
