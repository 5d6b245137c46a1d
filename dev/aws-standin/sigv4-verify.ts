/**
 * SigV4 verification for STS requests, done the only trustworthy way: recompute the signature over
 * the request as received (with @smithy/signature-v4, the SDK's own signer) and compare in constant
 * time. Every failure answers with the code AWS uses for it, so the SDK's retry and clock-skew
 * logic behaves as it would against the real service.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { splitRequestTarget } from "./http-io";
import {
  checkScope,
  parseAmzDate,
  parseAuthorization,
  singleHeader,
  type ParsedAuthorization,
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
  lookupKey(accessKeyId: string): KeyMaterial | undefined;
}

const MAX_SKEW_MS = 5 * 60 * 1000;
const INVALID_TOKEN = "The security token included in the request is invalid.";

/**
 * Authenticates a SigV4-signed STS request.
 *
 * Checks, in order: an Authorization header is present (MissingAuthenticationToken) and well formed
 * (IncompleteSignature); the credential scope names this service, a region valid for the Host, and
 * the X-Amz-Date day (SignatureDoesNotMatch); the key is known and, for temporary keys, the
 * X-Amz-Security-Token matches (InvalidClientTokenId); X-Amz-Date is within 5 minutes of `now`
 * (SignatureDoesNotMatch "Signature expired"); the payload hash and signature match
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
  if (header === undefined) {
    throw new StsError("MissingAuthenticationToken", "Request is missing Authentication Token");
  }
  const auth = parseAuthorization(header);
  const amzDate = singleHeader(request.headers, "x-amz-date");
  if (amzDate === undefined) {
    throw new StsError(
      "IncompleteSignature",
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const signingDate = parseAmzDate(amzDate);
  checkScope(auth, amzDate, singleHeader(request.headers, "host") ?? "");

  const key = options.lookupKey(auth.accessKeyId);
  const token = singleHeader(request.headers, "x-amz-security-token");
  if (!key || !tokenMatches(key, token)) {
    throw new StsError("InvalidClientTokenId", INVALID_TOKEN);
  }

  checkSkew(amzDate, signingDate, options.now);
  checkPayloadHash(request);
  const expected = await computeSignature(request, auth, key.secretAccessKey, signingDate);
  if (!hexEqual(expected, auth.signature)) {
    throw new StsError(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. " +
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  if (key.expiration !== null && key.expiration.getTime() <= options.now.getTime()) {
    throw new StsError("ExpiredToken", "The security token included in the request is expired");
  }
  return key.caller;
}

function tokenMatches(key: KeyMaterial, token: string | undefined): boolean {
  // A token sent with long-term keys is as wrong as a missing one with temporary keys.
  if (key.sessionToken === null) return token === undefined;
  return token !== undefined && secretsEqual(key.sessionToken, token);
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
  if (skew > MAX_SKEW_MS) {
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

async function computeSignature(
  request: ReceivedRequest,
  auth: ParsedAuthorization,
  secretAccessKey: string,
  signingDate: Date,
): Promise<string> {
  const { path, search } = splitRequestTarget(request.url);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    const existing = query[name];
    query[name] = existing === undefined ? value : [...[existing].flat(), value];
  }
  // Only the headers the client signed take part; x-amz-date is regenerated by the signer from
  // signingDate, which parseAmzDate made sure round-trips to the same string.
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    if (name === "x-amz-date" || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: "http:",
      hostname: "stand-in.invalid",
      path: safeDecode(path),
      query,
      headers,
      body: request.body,
    }),
    {
      signingDate,
      signingRegion: auth.region,
      signingService: auth.service,
      signableHeaders: new Set(auth.signedHeaders),
    },
  );
  const authorization = String(signed.headers.authorization ?? "");
  const signedHeaders = /SignedHeaders=([^,]*)/.exec(authorization)?.[1];
  // A signed header that was not actually sent changes the list: that is a mismatch too.
  if (signedHeaders !== auth.signedHeaders.join(";")) return "";
  return /Signature=([0-9a-f]{64})/.exec(authorization)?.[1] ?? "";
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // Malformed escapes cannot have been signed by a real client; the compare fails.
  }
}

function hexEqual(expected: string, provided: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(provided) || expected.length !== provided.length) return false;
  return timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(provided, "hex"));
}

/** `YYYYMMDDTHHMMSSZ`, the form AWS quotes times in signature errors. */
function basic(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}
