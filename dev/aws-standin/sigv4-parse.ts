/**
 * Reading a SigV4 Authorization header and checking its credential scope, with the codes and
 * messages AWS uses for each malformation.
 */
import type { IncomingHttpHeaders } from "node:http";
import { StsError } from "./sts-errors";

const ALGORITHM = "AWS4-HMAC-SHA256";
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

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
  const credential = (fields.get("Credential") ?? "").split("/");
  const [accessKeyId, scopeDate, region, service, terminator] = credential;
  if (credential.length !== 5 || !accessKeyId || !scopeDate || !region || !service || !terminator) {
    throw new StsError(
      "IncompleteSignature",
      "Credential must have the form <access key id>/<date>/<region>/<service>/aws4_request.",
    );
  }
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    terminator,
    signedHeaders: (fields.get("SignedHeaders") ?? "").split(";"),
    signature: fields.get("Signature") ?? "",
  };
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
 * Checks that the signature covers Host and that the scope names `sts`, a region valid for the
 * Host, the `aws4_request` terminator and the X-Amz-Date day.
 *
 * @throws StsError IncompleteSignature or SignatureDoesNotMatch, as AWS answers each.
 */
export function checkScope(auth: ParsedAuthorization, amzDate: string, host: string): void {
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
  if (auth.service !== "sts") {
    throw new StsError(
      "SignatureDoesNotMatch",
      "Credential should be scoped to correct service: 'sts'. ",
    );
  }
  const required = regionForHost(host);
  if (!REGION.test(auth.region) || (required !== undefined && auth.region !== required)) {
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

/**
 * The region a Host pins the scope to, as on AWS (`sts.amazonaws.com` is us-east-1,
 * `sts.<region>.amazonaws.com` its region). A local host name pins nothing: the portal signs for
 * whatever region it is configured with.
 */
function regionForHost(host: string): string | undefined {
  const name = host.replace(/:\d+$/, "").toLowerCase();
  if (name === "sts.amazonaws.com") return "us-east-1";
  return /^sts\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(name)?.[1];
}

/** A header as one string (repeated headers joined with commas, as SigV4 canonicalises them). */
export function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}
