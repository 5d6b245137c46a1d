/**
 * IAM error codes the stand-in answers with, each with the HTTP status IAM uses. The signature
 * and validation failures are the Query protocol's, shared with STS (StsError is converted).
 */
import type { StsError } from "./sts-errors";

const STATUS_BY_CODE = {
  MissingAuthenticationToken: 403,
  IncompleteSignature: 400,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  ExpiredToken: 403,
  MissingAction: 400,
  InvalidAction: 400,
  ValidationError: 400,
  AccessDenied: 403,
  NoSuchEntity: 404,
  Throttling: 400,
  RequestEntityTooLarge: 413,
  MethodNotAllowed: 405,
  ServiceFailure: 500,
} as const;

export type IamErrorCode = keyof typeof STATUS_BY_CODE;

export const IAM_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";

/** A failure reported in IAM's ErrorResponse shape. */
export class IamError extends Error {
  readonly code: IamErrorCode;
  readonly status: number;

  constructor(code: IamErrorCode, message: string) {
    super(message);
    this.name = "IamError";
    this.code = code;
    this.status = STATUS_BY_CODE[code];
  }

  get faultType(): "Sender" | "Receiver" {
    return this.status >= 500 ? "Receiver" : "Sender";
  }

  /** The same failure as IAM reports it (signature checks and validation are shared with STS). */
  static fromSts(error: StsError): IamError {
    return Object.hasOwn(STATUS_BY_CODE, error.code)
      ? new IamError(error.code as IamErrorCode, error.message)
      : new IamError(
          "ServiceFailure",
          "The request processing has failed because of an unknown error, exception or failure.",
        );
  }
}
