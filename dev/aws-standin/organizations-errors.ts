/**
 * AWS Organizations' errors in its JSON 1.1 protocol: HTTP 400 (500 for its own failure), a body
 * `{"__type": "<Code>", "Message": "…"}` with the code's extra members (`Reason` of
 * InvalidInputException, `Type` of TooManyRequestsException), and the code in `x-amzn-ErrorType`.
 * Messages are the descriptions the Organizations API reference gives for each code and reason.
 */
import type { StsError } from "./sts-errors";

const STATUS_BY_CODE = {
  MissingAuthenticationTokenException: 400,
  IncompleteSignatureException: 400,
  InvalidSignatureException: 400,
  UnrecognizedClientException: 400,
  ExpiredTokenException: 400,
  UnknownOperationException: 400,
  SerializationException: 400,
  TooManyRequestsException: 400,
  AWSOrganizationsNotInUseException: 400,
  AccessDeniedException: 400,
  InvalidInputException: 400,
  ChildNotFoundException: 400,
  OrganizationalUnitNotFoundException: 400,
  TargetNotFoundException: 400,
  AccountNotFoundException: 400,
  ServiceException: 500,
} as const;

export type OrganizationsErrorCode = keyof typeof STATUS_BY_CODE;

/** InvalidInputException's reasons the stand-in gives, with the reference's description of each. */
export const INVALID_INPUT = {
  INPUT_REQUIRED: "You must include a value for all required parameters.",
  INVALID_NEXT_TOKEN: "You specified an invalid value for the nextToken request parameter.",
  INVALID_PATTERN: "You provided a value that doesn't match the required pattern.",
  MAX_VALUE_EXCEEDED: "You provided a numeric parameter that has a larger value than allowed.",
  MIN_VALUE_EXCEEDED: "You provided a numeric parameter that has a smaller value than allowed.",
} as const;

export type InvalidInputReason = keyof typeof INVALID_INPUT;

/** The same for the signature failures the Query protocol reports under its own codes. */
const FROM_QUERY_CODE: Partial<Record<string, OrganizationsErrorCode>> = {
  MissingAuthenticationToken: "MissingAuthenticationTokenException",
  IncompleteSignature: "IncompleteSignatureException",
  SignatureDoesNotMatch: "InvalidSignatureException",
  InvalidClientTokenId: "UnrecognizedClientException",
  ExpiredToken: "ExpiredTokenException",
};

export class OrganizationsError extends Error {
  readonly code: OrganizationsErrorCode;
  readonly status: number;
  /** Members of the error body besides `__type` and `Message`. */
  readonly extra: Record<string, string>;

  constructor(code: OrganizationsErrorCode, message: string, extra: Record<string, string> = {}) {
    super(message);
    this.name = "OrganizationsError";
    this.code = code;
    this.status = STATUS_BY_CODE[code];
    this.extra = extra;
  }

  static invalidInput(reason: InvalidInputReason): OrganizationsError {
    return new OrganizationsError("InvalidInputException", INVALID_INPUT[reason], {
      Reason: reason,
    });
  }

  /** A signature failure as the JSON protocol names it (the message is the same). */
  static fromSts(error: StsError): OrganizationsError {
    const code = FROM_QUERY_CODE[error.code];
    return code ? new OrganizationsError(code, error.message) : internalFailure();
  }

  body(): string {
    return JSON.stringify({ __type: this.code, Message: this.message, ...this.extra });
  }
}

export function internalFailure(): OrganizationsError {
  return new OrganizationsError(
    "ServiceException",
    "AWS Organizations can't complete your request because of an internal service error. Try again later.",
  );
}

/** Organizations' answer to a caller that is a member but may not use the API (or the action). */
export function accessDenied(): OrganizationsError {
  return new OrganizationsError(
    "AccessDeniedException",
    "You don't have permissions to access this resource.",
  );
}
