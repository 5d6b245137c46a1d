import "server-only";
import { AppError } from "@/lib/http/errors";

/** What the user is told for each AWS error code: the cause an admin would look for first. */
const EXPLANATIONS: Record<string, string> = {
  AccessDenied:
    "AWS refused to let the portal assume this role. Usually the role's trust policy does not trust the portal's broker (or does not allow sts:SetSourceIdentity / sts:TagSession).",
  ValidationError: "AWS rejected a parameter of the request for this role.",
  MalformedPolicyDocument:
    "The session policy attached to this access rule is not a valid IAM policy.",
  PackedPolicyTooLarge:
    "The session tags and policy for this role are too large for AWS; ask an admin to trim the tags or policy.",
  RegionDisabledException: "AWS STS is not activated in the configured region for this account.",
  ExpiredToken: "The portal's own AWS credentials have expired.",
  ExpiredTokenException: "The portal's own AWS credentials have expired.",
  InvalidClientTokenId: "The portal's AWS credentials are not valid (unknown access key).",
  SignatureDoesNotMatch:
    "The portal's AWS credentials were rejected (signature mismatch or clock skew).",
  MissingAuthenticationToken: "The portal has no AWS credentials configured.",
  IDPRejectedClaim: "AWS rejected the identity provider's claims for this role.",
  InvalidIdentityToken: "AWS rejected the identity assertion for this role.",
};

const RETRYABLE = new Set([
  "Throttling",
  "ThrottlingException",
  "InternalFailure",
  "ServiceUnavailable",
  "RequestTimeout",
]);

interface AwsLikeError {
  name?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $fault?: unknown;
}

/**
 * Turns an error from the STS client into an AppError the user can act on, keeping AWS's error code
 * (what an admin searches for) and putting AWS's own message only in the internal reason: it names
 * ARNs that are fine for admins' logs but say more than a denied user needs.
 */
export function appErrorFromAws(error: unknown, action: string): AppError {
  const e = (typeof error === "object" && error !== null ? error : {}) as AwsLikeError;
  const code =
    typeof e.Code === "string" ? e.Code : typeof e.name === "string" ? e.name : "UnknownError";
  const awsMessage = typeof e.message === "string" ? e.message : String(error);
  const httpStatus = e.$metadata?.httpStatusCode;
  const isNetwork = httpStatus === undefined && !(code in EXPLANATIONS);
  if (isNetwork || RETRYABLE.has(code) || (httpStatus !== undefined && httpStatus >= 500)) {
    return new AppError(
      "aws_unavailable",
      "AWS STS could not be reached or is busy. Try again in a moment.",
      {
        awsErrorCode: isNetwork ? undefined : code,
        internalReason: `${action}: ${code}: ${awsMessage}`,
        cause: error,
      },
    );
  }
  const explanation = EXPLANATIONS[code] ?? "AWS refused the request.";
  return new AppError("aws_refused", `${explanation} (AWS error ${code})`, {
    awsErrorCode: code,
    internalReason: `${action}: ${code}: ${awsMessage}`,
    cause: error,
  });
}
