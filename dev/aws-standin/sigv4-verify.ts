/**
 * SigV4 verification for STS, IAM and Organizations requests, done the only trustworthy way: recompute the signature over
 * the request as received (with @smithy/signature-v4, the SDK's own signer) and compare in constant
 * time. Both places a signature travels are accepted: the Authorization header, and the query
 * string of a presigned request (`X-Amz-Algorithm=…&X-Amz-Signature=…`, as Vault's and EKS's AWS
 * auth send GetCallerIdentity). Every failure answers with the code AWS uses for it, so the SDK's
 * retry and clock-skew logic behaves as it would against the real service.
 */
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { splitRequestTarget } from "./http-io";
import { computePresignature, computeSignature, hexEqual } from "./sigv4-signature";
import {
  checkScope,
  hasQueryAuthorization,
  parseAmzDate,
  parseAuthorization,
  parseQueryAuthorization,
  singleHeader,
  type ParsedAuthorization,
  type ParsedQueryAuthorization,
} from "./sigv4-parse";
import { secretsEqual, type Caller } from "./state";
import { StsError } from "./sts-errors";

/** The raw request, exactly as it arrived. */
export interface ReceivedRequest {
  method: string;
  /** Path and query as sent on the request line. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What the verifier needs to know about an access key id. */
export interface KeyMaterial {
  secretAccessKey: string;
  /** Required session token for temporary credentials; null for long-term keys. */
  sessionToken: string | null;
  /** Null for long-term keys. */
  expiration: Date | null;
  caller: Caller;
}

export interface VerifyOptions {
  now: Date;
  /** The service the credential scope must name: `sts`, `iam` or `organizations`. */
  service: string;
  /**
   * The region the credential scope must name (for STS the endpoint's, or the AWS Host's), or how
   * to derive it from the region the scope names (global services: the partition's own region).
   */
  requiredRegion: string | ((signingRegion: string) => string);
  /** Undefined when the key is unknown in this partition. */
  lookupKey(accessKeyId: string): KeyMaterial | undefined;
  /** Told where the signature travelled and which region it was scoped to, once that is known. */
  onScope?(scope: { via: "header" | "query"; region: string }): void;
}

const MAX_SKEW_MS = 5 * 60 * 1000;
const INVALID_TOKEN = "The security token included in the request is invalid.";
const MISMATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
/** What a presigner may put in the canonical request for an empty body (botocore does). */
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

/**
 * Authenticates a SigV4-signed request to `options.service`.
 *
 * Checks, in order: exactly one of an Authorization header or query-string authentication is
 * present (MissingAuthenticationToken, IncompleteSignature) and well formed (IncompleteSignature);
 * the credential scope names this service, `requiredRegion` and the X-Amz-Date day
 * (SignatureDoesNotMatch); the key is known and, for temporary keys, the security token matches
 * (InvalidClientTokenId); the time: a header signature within 5 minutes of `now`, a presigned
 * request no more than 5 minutes early and not past X-Amz-Date + X-Amz-Expires
 * (SignatureDoesNotMatch "Signature expired" / "not yet current"); the payload hash and signature
 * (SignatureDoesNotMatch); temporary credentials have not expired (ExpiredToken).
 *
 * @returns the caller the verified key belongs to.
 * @throws StsError for every failure above.
 */
export async function verifySigV4(
  request: ReceivedRequest,
  options: VerifyOptions,
): Promise<Caller> {
  const header = singleHeader(request.headers, "authorization");
  const query = new URLSearchParams(splitRequestTarget(request.url).search);
  const isPresigned = hasQueryAuthorization(query);
  if (header !== undefined && isPresigned) {
    throw new StsError(
      "IncompleteSignature",
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.",
    );
  }
  if (header === undefined && !isPresigned) {
    throw new StsError("MissingAuthenticationToken", "Request is missing Authentication Token");
  }
  return isPresigned
    ? verifyPresigned(request, parseQueryAuthorization(query), options)
    : verifyHeader(request, parseAuthorization(header ?? ""), options);
}

async function verifyHeader(
  request: ReceivedRequest,
  auth: ParsedAuthorization,
  options: VerifyOptions,
): Promise<Caller> {
  options.onScope?.({ via: "header", region: auth.region });
  const amzDate = singleHeader(request.headers, "x-amz-date");
  if (amzDate === undefined) {
    throw new StsError(
      "IncompleteSignature",
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const signingDate = parseAmzDate(amzDate);
  checkScope(auth, amzDate, options.service, requiredRegion(options, auth.region));
  const key = knownKey(
    options,
    auth.accessKeyId,
    singleHeader(request.headers, "x-amz-security-token"),
  );
  checkSkew(amzDate, signingDate, options.now);
  checkPayloadHash(request);
  const expected = await computeSignature(request, auth, key.secretAccessKey, signingDate);
  if (!hexEqual(expected, auth.signature)) throw new StsError("SignatureDoesNotMatch", MISMATCH);
  return unexpired(key, options.now);
}

async function verifyPresigned(
  request: ReceivedRequest,
  auth: ParsedQueryAuthorization,
  options: VerifyOptions,
): Promise<Caller> {
  options.onScope?.({ via: "query", region: auth.region });
  const signingDate = parseAmzDate(auth.amzDate);
  checkScope(auth, auth.amzDate, options.service, requiredRegion(options, auth.region));
  const key = knownKey(options, auth.accessKeyId, auth.sessionToken);
  checkPresignedWindow(auth, signingDate, options.now);
  checkPayloadHash(request);
  // Presigners differ in the payload hash they sign for a GET: the JS and Go SDKs hash the empty
  // body, botocore writes UNSIGNED-PAYLOAD. Clients of both kinds work against AWS.
  for (const payloadHash of [undefined, UNSIGNED_PAYLOAD]) {
    const expected = await computePresignature(request, auth, key, signingDate, payloadHash);
    if (hexEqual(expected, auth.signature)) return unexpired(key, options.now);
  }
  throw new StsError("SignatureDoesNotMatch", MISMATCH);
}

function requiredRegion(options: VerifyOptions, signingRegion: string): string {
  const { requiredRegion: required } = options;
  return typeof required === "string" ? required : required(signingRegion);
}

/** @throws StsError InvalidClientTokenId for an unknown key or a wrong or missing token. */
function knownKey(
  options: VerifyOptions,
  accessKeyId: string,
  token: string | undefined,
): KeyMaterial {
  const key = options.lookupKey(accessKeyId);
  // A token sent with long-term keys is as wrong as a missing one with temporary keys.
  const isTokenRight =
    key?.sessionToken === null
      ? token === undefined
      : key !== undefined && token !== undefined && secretsEqual(key.sessionToken, token);
  if (!key || !isTokenRight) throw new StsError("InvalidClientTokenId", INVALID_TOKEN);
  return key;
}

function unexpired(key: KeyMaterial, now: Date): Caller {
  if (key.expiration !== null && key.expiration.getTime() <= now.getTime()) {
    throw new StsError("ExpiredToken", "The security token included in the request is expired");
  }
  return key.caller;
}

function checkSkew(amzDate: string, signingDate: Date, now: Date): void {
  const skew = signingDate.getTime() - now.getTime();
  if (skew < -MAX_SKEW_MS) {
    throw new StsError(
      "SignatureDoesNotMatch",
      `Signature expired: ${amzDate} is now earlier than ${basic(now.getTime() - MAX_SKEW_MS)} ` +
        `(${basic(now.getTime())} - 5 min.)`,
    );
  }
  checkNotEarly(amzDate, skew, now);
}

/** A presigned request is good from X-Amz-Date (5 minutes' grace) until X-Amz-Expires later. */
function checkPresignedWindow(auth: ParsedQueryAuthorization, signingDate: Date, now: Date): void {
  const expiresMs = auth.expiresSeconds * 1000;
  if (now.getTime() > signingDate.getTime() + expiresMs) {
    throw new StsError(
      "SignatureDoesNotMatch",
      `Signature expired: ${auth.amzDate} is now earlier than ${basic(now.getTime() - expiresMs)} ` +
        `(${basic(now.getTime())} - ${auth.expiresSeconds} sec.)`,
    );
  }
  checkNotEarly(auth.amzDate, signingDate.getTime() - now.getTime(), now);
}

function checkNotEarly(amzDate: string, skewMs: number, now: Date): void {
  if (skewMs > MAX_SKEW_MS) {
    throw new StsError(
      "SignatureDoesNotMatch",
      `Signature not yet current: ${amzDate} is still later than ${basic(now.getTime() + MAX_SKEW_MS)} ` +
        `(${basic(now.getTime())} + 5 min.)`,
    );
  }
}

/**
 * The signer trusts an `x-amz-content-sha256` header instead of hashing the body, so a request
 * whose body was swapped after signing would verify. Check the header against the real body.
 */
function checkPayloadHash(request: ReceivedRequest): void {
  const claimed = singleHeader(request.headers, "x-amz-content-sha256");
  if (claimed === undefined) return;
  const actual = createHash("sha256").update(request.body).digest("hex");
  if (!secretsEqual(claimed, actual)) {
    throw new StsError(
      "SignatureDoesNotMatch",
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
}

/** `YYYYMMDDTHHMMSSZ`, the form AWS quotes times in signature errors. */
function basic(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}
