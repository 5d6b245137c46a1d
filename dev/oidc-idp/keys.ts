import { createHash, generateKeyPairSync } from "node:crypto";

import type { JsonWebKeySet } from "oidc-provider";

let processSigningKeys: JsonWebKeySet | undefined;

/**
 * The RS256 signing key set for IdPs started by this process. Generated once and reused, so an IdP
 * restarted inside the same process (a test simulating an outage, say) keeps signing with the key a
 * relying party may already have cached. Never persisted: a new process means a new key.
 */
export function getProcessSigningKeys(): JsonWebKeySet {
  processSigningKeys ??= generateSigningKeys();
  return processSigningKeys;
}

function generateSigningKeys(): JsonWebKeySet {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  if (typeof jwk.n !== "string" || typeof jwk.e !== "string") {
    throw new Error("generated RSA key has no modulus or exponent");
  }
  // RFC 7638 thumbprint as kid: stable for the key, so clients can pick it from the JWKS.
  const kid = createHash("sha256")
    .update(JSON.stringify({ e: jwk.e, kty: "RSA", n: jwk.n }))
    .digest("base64url");
  return { keys: [{ ...jwk, kid, alg: "RS256", use: "sig" }] };
}
