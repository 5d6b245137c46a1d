/**
 * STS error codes the stand-in answers with, each with the HTTP status AWS uses. One closed list, so
 * a new failure has to pick a code real clients know how to handle.
 */

const STATUS_BY_CODE = {
  MissingAuthenticationToken: 403,
  IncompleteSignature: 400,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  ExpiredToken: 403,
  MissingAction: 400,
  InvalidAction: 400,
  ValidationError: 400,
  InvalidParameterValue: 400,
  AccessDenied: 403,
  MalformedPolicyDocument: 400,
  PackedPolicyTooLarge: 400,
  InvalidIdentityToken: 400,
  ExpiredTokenException: 400,
  RequestEntityTooLarge: 413,
  MethodNotAllowed: 405,
  RegionDisabledException: 403,
  Throttling: 400,
  InternalFailure: 500,
  ServiceUnavailable: 503,
} as const;

export type StsErrorCode = keyof typeof STATUS_BY_CODE;

/** A failure reported to the caller in AWS's ErrorResponse shape. */
export class StsError extends Error {
  readonly code: StsErrorCode;
  readonly status: number;

  constructor(code: StsErrorCode, message: string) {
    super(message);
    this.name = "StsError";
    this.code = code;
    this.status = STATUS_BY_CODE[code];
  }

  /** AWS marks its own faults `Receiver` and the caller's `Sender`. */
  get faultType(): "Sender" | "Receiver" {
    return this.status >= 500 ? "Receiver" : "Sender";
  }
}

/** AWS's message for a refused sts:AssumeRole (also used for unknown roles, which AWS does not reveal). */
export function notAuthorized(callerArn: string, action: string, resourceArn: string): StsError {
  return new StsError(
    "AccessDenied",
    `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resourceArn}`,
  );
}
