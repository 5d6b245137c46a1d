/**
 * Identifier and secret generation in the shapes AWS uses, so code under test that checks shapes
 * (ASIA prefix, 20-character key ids, 40-character secrets) sees realistic values.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { recordIssuedSecret } from "../secret-ledger";

// AWS key and unique ids use the RFC 4648 base32 alphabet: uppercase letters and 2–7.
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function toBase32(bytes: Uint8Array, length: number): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (out.length < length) {
    throw new RangeError(`not enough bytes for ${length} base32 characters`);
  }
  return out;
}

/** A temporary access key id: `ASIA` + 16 base32 characters (20 in all). */
export function newTemporaryAccessKeyId(): string {
  return `ASIA${toBase32(randomBytes(10), 16)}`;
}

/** A 40-character secret access key from the base64 alphabet (30 random bytes, no padding). */
export function newSecretAccessKey(): string {
  return recorded("secret-access-key", randomBytes(30).toString("base64"));
}

/**
 * A session token. Real tokens have no fixed length and contain `+` and `/`; this one is long
 * (~600 characters) and uses the same alphabet, so callers that cap a field or forget to
 * URL-encode get caught.
 */
export function newSessionToken(): string {
  return recorded("session-token", `IQoJb3JpZ2luX2VjE${randomBytes(450).toString("base64")}`);
}

/** An opaque console sign-in token (URL-safe base64). */
export function newSigninToken(): string {
  return recorded("signin-token", randomBytes(96).toString("base64url"));
}

/** Every minted secret goes to the test run's ledger, when there is one (dev/secret-ledger.ts). */
function recorded(kind: string, secret: string): string {
  recordIssuedSecret(kind, secret);
  return secret;
}

/** A request id in AWS's UUID form. */
export function newRequestId(): string {
  return randomUUID();
}

/**
 * A unique id like IAM's (`AROA…`, `AIDA…`: prefix + 17 base32 characters) derived from a seed,
 * so the same role or user always gets the same id across stand-in restarts.
 */
export function stableUniqueId(prefix: "AROA" | "AIDA", seed: string): string {
  const digest = createHash("sha256").update(`${prefix}:${seed}`).digest();
  return `${prefix}${toBase32(digest, 17)}`;
}
