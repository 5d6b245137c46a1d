import "server-only";
import { AppError } from "@/lib/errors";

/**
 * AWS error codes as the STS Query protocol names them (`<Code>` in the error XML, which the SDK
 * keeps as `Code`), with the SDK's exception class names (`…Exception`) mapped to the same code.
 */
const CANONICAL: Record<string, string> = {
  MalformedPolicyDocumentException: "MalformedPolicyDocument",
  PackedPolicyTooLargeException: "PackedPolicyTooLarge",
  IDPRejectedClaimException: "IDPRejectedClaim",
  InvalidIdentityTokenException: "InvalidIdentityToken",
  IDPCommunicationErrorException: "IDPCommunicationError",
  AccessDeniedException: "AccessDenied",
};

/** What the user is told for each AWS error code: the cause an admin would look for first. */
const EXPLANATIONS: Record<string, string> = {
  AccessDenied:
    "AWS refused to let the portal assume this role. Usually the role's trust policy does not trust the portal's broker (or does not allow sts:SetSourceIdentity / sts:TagSession).",
  ValidationError: "AWS rejected a parameter of the request for this role.",
  MalformedPolicyDocument:
    "The session policy attached to this access rule is not a valid IAM policy.",
  PackedPolicyTooLarge:
    "The session tags and session policy are too large for AWS's packed-size limit; ask an administrator to shorten the session policy or map fewer or shorter session tags.",
  RegionDisabledException:
    "AWS STS is not activated in the configured region(s) for this account; an admin can activate it in IAM (Account settings) or configure another STS endpoint.",
  ExpiredToken: "The portal's own AWS credentials have expired.",
  ExpiredTokenException: "The portal's own AWS credentials have expired.",
  InvalidClientTokenId: "The portal's AWS credentials are not valid (unknown access key).",
  SignatureDoesNotMatch:
    "The portal's AWS credentials were rejected (signature mismatch or clock skew).",
  MissingAuthenticationToken: "The portal has no AWS credentials configured.",
  IDPRejectedClaim: "AWS rejected the identity provider's claims for this role.",
  InvalidIdentityToken: "AWS rejected the identity assertion for this role.",
};

/**
 * What AssumeRoleWithSAML's refusals mean instead: the caller is the user's assertion, not the
 * broker, so the same codes point at the IdP's AWS app, the SAML provider and the role's trust
 * policy (docs/SAML-IDENTITY.md "Roles reached through the AWS app").
 */
const SAML_EXPLANATIONS: Record<string, string> = {
  AccessDenied:
    "AWS refused this role for your identity provider's assertion: the assertion's Role attribute does not pair this role with this SAML provider, or the role's trust policy does not allow sts:AssumeRoleWithSAML (or sts:TagSession / sts:SetSourceIdentity) for that provider. An administrator must fix the IdP's AWS app or the role's trust policy.",
  ExpiredToken:
    "Your identity provider's AWS sign-in has expired (AWS accepts an assertion for 5 minutes after it is issued, and not past its NotOnOrAfter): go through your identity provider's AWS app again, then retry.",
  ExpiredTokenException:
    "Your identity provider's AWS sign-in has expired (AWS accepts an assertion for 5 minutes after it is issued, and not past its NotOnOrAfter): go through your identity provider's AWS app again, then retry.",
  InvalidIdentityToken:
    "AWS rejected your identity provider's assertion: its signature, issuer, audience or recipient does not match the SAML provider in IAM, or an AWS attribute (RoleSessionName, SessionDuration, SourceIdentity, PrincipalTag, TransitiveTagKeys) is invalid. An administrator must compare the IdP's AWS app with the SAML provider's metadata.",
  IDPRejectedClaim:
    "AWS rejected your identity provider's claims for this role. An administrator must check the IdP's AWS app and the SAML provider in IAM.",
};

/** Throttling as the STS Query protocol and the SDK's own retry rules name it. */
const THROTTLING_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "RequestLimitExceeded",
  "TooManyRequests",
  "TooManyRequestsException",
  "SlowDown",
  "BandwidthLimitExceeded",
]);

const SERVICE_FAULT_CODES = new Set([
  "InternalFailure",
  "InternalError",
  "InternalServerError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "IDPCommunicationError",
  "RequestTimeout",
  "RequestTimeoutException",
  "PriorRequestNotComplete",
]);

/** Transport failures before any HTTP response: the SDK's handler names them, Node codes them. */
const NETWORK_ERROR_NAMES = new Set(["TimeoutError", "AbortError"]);
const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EADDRNOTAVAIL",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shapeOf(error: unknown): ErrorShape {
  return typeof error === "object" && error !== null ? error : {};
}

/**
 * AWS's error code for an error the STS client threw after AWS answered (or for a credential
 * provider failure), normalized to the Query protocol's spelling; undefined for transport errors.
 */
export function awsErrorCodeOf(error: unknown): string | undefined {
  const e = shapeOf(error);
  const raw =
    typeof e.Code === "string" && e.Code !== ""
      ? e.Code
      : typeof e.name === "string" && (e.$fault !== undefined || e.name in EXPLANATIONS)
        ? e.name
        : undefined;
  return raw === undefined ? undefined : (CANONICAL[raw] ?? raw);
}

/** What to do after one failed STS attempt. */
export type StsFailureKind =
  /** The endpoint (or the network to it) is unwell: retry here, then fail over. */
  | "retry"
  /** This endpoint's region cannot serve the account (RegionDisabledException): try the next. */
  | "next-endpoint"
  /**
   * This endpoint is set up wrong — AWS says the request's credential scope is for another region,
   * or the SDK refuses the endpoint configuration: try the next, and show it as a configuration
   * problem (docs/AWS.md), never as "AWS is busy".
   */
  | "misconfigured"
  /** Nothing was sent: the broker has no credentials at all. Every endpoint would fail alike. */
  | "no-credentials"
  /** AWS answered and meant it: surface at once. */
  | "surface";

export interface StsFailure {
  kind: StsFailureKind;
  /** AWS's error code, a Node network error code, `HTTP<status>`, or "TimeoutError". */
  code: string;
}

/**
 * Classifies an error thrown by `STSClient.send` by its shape — the SDK's `Code`/`name`,
 * `$metadata.httpStatusCode`, `$retryable`, Node's `code` — never by message text.
 */
export function classifyStsError(error: unknown): StsFailure {
  const e = shapeOf(error);
  const status =
    typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined;
  const nodeCode = typeof e.code === "string" ? e.code : undefined;
  const name = typeof e.name === "string" ? e.name : undefined;
  const awsCode = awsErrorCodeOf(error);

  if (awsCode === "RegionDisabledException" || awsCode === "RegionDisabled")
    return { kind: "next-endpoint", code: "RegionDisabledException" };
  if (name === "CredentialsProviderError") return { kind: "no-credentials", code: name };
  if (isMisconfiguredEndpoint(e, awsCode, status, nodeCode))
    return { kind: "misconfigured", code: awsCode ?? name ?? "EndpointConfiguration" };
  if (awsCode && (THROTTLING_CODES.has(awsCode) || SERVICE_FAULT_CODES.has(awsCode)))
    return { kind: "retry", code: awsCode };
  if (status !== undefined) {
    const code = awsCode ?? `HTTP${status}`;
    if (status >= 500 || status === 429 || e.$retryable) return { kind: "retry", code };
    return { kind: "surface", code };
  }
  // No HTTP response at all: the connection failed, timed out or was cut.
  if (nodeCode && NETWORK_ERROR_CODES.has(nodeCode)) return { kind: "retry", code: nodeCode };
  if (name && NETWORK_ERROR_NAMES.has(name)) return { kind: "retry", code: "TimeoutError" };
  if (e.$retryable) return { kind: "retry", code: awsCode ?? name ?? "UnknownError" };
  // Anything else (no credentials found, a response that would not parse, a bug) would fail the
  // same way on every endpoint.
  return { kind: "surface", code: awsCode ?? name ?? "UnknownError" };
}

/**
 * AWS names a credential scope for the wrong region or service in SignatureDoesNotMatch's message
 * (the code is the same as for a wrong secret key, so the message is the only signal); the SDK
 * refuses endpoint settings it can't honour (FIPS or dual-stack with a custom endpoint, an invalid
 * region or URL) before anything is sent, with a plain Error.
 */
const SCOPE_MISMATCH = /Credential should be scoped to (a valid region|correct service)/i;
const SDK_ENDPOINT_CONFIG =
  /(FIPS|DualStack) and custom endpoint are not supported|Invalid region in client config|custom endpoint .* was not a valid URI|Invalid Configuration: Missing Region/i;

function isMisconfiguredEndpoint(
  e: ErrorShape,
  awsCode: string | undefined,
  status: number | undefined,
  nodeCode: string | undefined,
): boolean {
  const message = typeof e.message === "string" ? e.message : "";
  if (awsCode === "SignatureDoesNotMatch" && SCOPE_MISMATCH.test(message)) return true;
  return (
    status === undefined &&
    nodeCode === undefined &&
    (e.name === "EndpointError" || SDK_ENDPOINT_CONFIG.test(message))
  );
}

/**
 * Turns an error from the STS client into an AppError the user can act on, keeping AWS's error code
 * (what an admin searches for) and putting AWS's own message only in the internal reason: it names
 * ARNs that are fine for admins' logs but say more than a denied user needs.
 */
export function appErrorFromAws(error: unknown, action: string): AppError {
  const e = shapeOf(error);
  const failure = classifyStsError(error);
  const awsCode = awsErrorCodeOf(error);
  const awsMessage = typeof e.message === "string" ? e.message : String(error);
  const internalReason = `${action}: ${failure.code}: ${awsMessage}`;
  const hasHttpResponse = typeof e.$metadata?.httpStatusCode === "number";
  if (failure.kind === "no-credentials") {
    // A local problem, not an AWS answer: no "(AWS error …)".
    return new AppError(
      "broker_misconfigured",
      "The portal has no AWS credentials to call AWS with: neither broker keys nor the AWS default credential chain (instance profile, task role, IRSA) provided any. An administrator must configure them.",
      { internalReason, cause: error },
    );
  }
  if (failure.kind === "misconfigured") {
    return new AppError(
      "broker_misconfigured",
      "The portal's connection to AWS STS is set up wrong; an administrator can see which endpoint on the Broker page.",
      { awsErrorCode: awsCode, internalReason, cause: error },
    );
  }
  // A retryable failure, or one with neither an AWS answer nor a code we know (a transport or
  // parsing problem): the user can only wait; the admin reads the internal reason.
  if (failure.kind === "retry" || (awsCode === undefined && !hasHttpResponse)) {
    return new AppError(
      "aws_unavailable",
      "AWS STS could not be reached or is busy. Try again in a moment.",
      { awsErrorCode: awsCode, internalReason, cause: error },
    );
  }
  const code = awsCode ?? failure.code;
  const explanation =
    (action === "AssumeRoleWithSAML" ? SAML_EXPLANATIONS[code] : undefined) ??
    EXPLANATIONS[code] ??
    "AWS refused the request.";
  return new AppError("aws_refused", `${explanation} (AWS error ${code})`, {
    awsErrorCode: code,
    internalReason,
    cause: error,
  });
}
