/**
 * Reading SigV4 authentication — an Authorization header, or the query string of a presigned
 * request — and checking its credential scope, with the codes and messages AWS uses for each
 * malformation.
 */
import type { IncomingHttpHeaders } from "node:http";
import { StsError } from "./sts-errors";

const ALGORITHM = "AWS4-HMAC-SHA256";
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The parts of `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

/** @throws StsError IncompleteSignature when the header is not a complete SigV4 header. */
export function parseAuthorization(header: string): ParsedAuthorization {
  const space = header.indexOf(" ");
  const algorithm = space === -1 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw new StsError("IncompleteSignature", `Unsupported AWS 'algorithm': '${algorithm}'`);
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ["Credential", "Signature", "SignedHeaders"].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    throw new StsError(
      "IncompleteSignature",
      missing.map((name) => `Authorization header requires '${name}' parameter.`).join(" "),
    );
  }
  return {
    ...parseCredential(fields.get("Credential") ?? ""),
    signedHeaders: (fields.get("SignedHeaders") ?? "").split(";"),
    signature: fields.get("Signature") ?? "",
  };
}

/** The parts of a SigV4 query string (a presigned request), as sent. */
export interface ParsedQueryAuthorization extends ParsedAuthorization {
  amzDate: string;
  /** X-Amz-Expires: how long after X-Amz-Date the request may be sent. */
  expiresSeconds: number;
  sessionToken: string | undefined;
}

const MAX_EXPIRES_SECONDS = 604_800;
const QUERY_REQUIRED = [
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Signature",
  "X-Amz-SignedHeaders",
  "X-Amz-Date",
  "X-Amz-Expires",
];

/** Whether a query string carries SigV4 authentication (a presigned request). */
export function hasQueryAuthorization(query: URLSearchParams): boolean {
  return QUERY_REQUIRED.some((name) => query.has(name));
}

/**
 * Reads SigV4 query-string authentication: `X-Amz-Algorithm`, `-Credential`, `-Date`,
 * `-SignedHeaders`, `-Signature`, `-Expires` (1–604,800 seconds) and, for temporary
 * credentials, `-Security-Token`. The stand-in requires X-Amz-Expires (docs/AWS-STANDIN.md).
 *
 * @throws StsError IncompleteSignature naming what is missing or malformed.
 */
export function parseQueryAuthorization(query: URLSearchParams): ParsedQueryAuthorization {
  const missing = QUERY_REQUIRED.filter((name) => !query.get(name));
  if (missing.length > 0) {
    throw new StsError(
      "IncompleteSignature",
      `AWS query-string parameters must include ${missing.map((n) => `'${n}'`).join(", ")}. ` +
        "Re-examine the query-string parameters.",
    );
  }
  const algorithm = query.get("X-Amz-Algorithm") ?? "";
  if (algorithm !== ALGORITHM) {
    throw new StsError("IncompleteSignature", `Unsupported AWS 'algorithm': '${algorithm}'`);
  }
  const rawExpires = query.get("X-Amz-Expires") ?? "";
  const expiresSeconds = /^[1-9]\d{0,6}$/.test(rawExpires) ? Number(rawExpires) : NaN;
  if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_EXPIRES_SECONDS)) {
    throw new StsError(
      "IncompleteSignature",
      `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS} (a week), not '${rawExpires}'.`,
    );
  }
  return {
    ...parseCredential(query.get("X-Amz-Credential") ?? ""),
    signedHeaders: (query.get("X-Amz-SignedHeaders") ?? "").split(";"),
    signature: query.get("X-Amz-Signature") ?? "",
    amzDate: query.get("X-Amz-Date") ?? "",
    expiresSeconds,
    sessionToken: query.get("X-Amz-Security-Token") ?? undefined,
  };
}

/** @throws StsError IncompleteSignature unless `<key id>/<date>/<region>/<service>/<terminator>`. */
function parseCredential(
  value: string,
): Pick<ParsedAuthorization, "accessKeyId" | "scopeDate" | "region" | "service" | "terminator"> {
  const credential = value.split("/");
  const [accessKeyId, scopeDate, region, service, terminator] = credential;
  if (credential.length !== 5 || !accessKeyId || !scopeDate || !region || !service || !terminator) {
    throw new StsError(
      "IncompleteSignature",
      "Credential must have the form <access key id>/<date>/<region>/<service>/aws4_request.",
    );
  }
  return { accessKeyId, scopeDate, region, service, terminator };
}

/** @throws StsError IncompleteSignature unless `YYYYMMDDTHHMMSSZ`. */
export function parseAmzDate(amzDate: string): Date {
  const m = AMZ_DATE.exec(amzDate);
  const date = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new StsError(
      "IncompleteSignature",
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  return date;
}

/**
 * Checks that the signature covers Host and that the scope names `service`, the region the
 * request is held to, the `aws4_request` terminator and the X-Amz-Date day.
 *
 * @throws StsError IncompleteSignature or SignatureDoesNotMatch, as AWS answers each.
 */
export function checkScope(
  auth: ParsedAuthorization,
  amzDate: string,
  service: string,
  requiredRegion: string,
): void {
  if (!auth.signedHeaders.includes("host")) {
    throw new StsError(
      "IncompleteSignature",
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  if (auth.terminator !== "aws4_request") {
    throw new StsError(
      "SignatureDoesNotMatch",
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator}'.`,
    );
  }
  if (auth.service !== service) {
    throw new StsError(
      "SignatureDoesNotMatch",
      `Credential should be scoped to correct service: '${service}'. `,
    );
  }
  if (auth.region !== requiredRegion) {
    throw new StsError(
      "SignatureDoesNotMatch",
      `Credential should be scoped to a valid region, not '${auth.region}'. `,
    );
  }
  if (auth.scopeDate !== amzDate.slice(0, 8)) {
    throw new StsError(
      "SignatureDoesNotMatch",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
        `'${auth.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
}

/** A header as one string (repeated headers joined with commas, as SigV4 canonicalises them). */
export function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}
