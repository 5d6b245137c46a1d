import "server-only";
import {
  createHash,
  createPublicKey,
  KeyObject,
  verify as cryptoVerify,
  type KeyLike,
} from "node:crypto";
import type {
  CanonicalizationOrTransformationAlgorithm,
  HashAlgorithm,
  SignatureAlgorithm,
} from "xml-crypto";
import { C14nCanonicalization, ExclusiveCanonicalization } from "xml-crypto";

/**
 * The only XML-DSig algorithms the verifier accepts: RSA or ECDSA with SHA-256 or stronger. These tables replace xml-crypto's own on every SignedXml the verifier creates, so
 * SHA-1, HMAC and the *WithComments canonicalizations are not merely refused by a pre-check: the
 * library has no implementation of them to fall back on.
 */

export const C14N = {
  exclusive: "http://www.w3.org/2001/10/xml-exc-c14n#",
  inclusive: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
} as const;
export const ENVELOPED_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

type Digest = "sha256" | "sha384" | "sha512";

const DIGESTS: Record<string, Digest> = {
  "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
  "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
  "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
};

const SIGNATURES: Record<string, { digest: Digest; keyType: "rsa" | "ec" }> = {
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": { digest: "sha256", keyType: "rsa" },
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": { digest: "sha384", keyType: "rsa" },
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": { digest: "sha512", keyType: "rsa" },
  "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": { digest: "sha256", keyType: "ec" },
  "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": { digest: "sha384", keyType: "ec" },
  "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": { digest: "sha512", keyType: "ec" },
};

export function isAllowedDigestAlgorithm(uri: string): boolean {
  return Object.hasOwn(DIGESTS, uri);
}

export function isAllowedSignatureAlgorithm(uri: string): boolean {
  return Object.hasOwn(SIGNATURES, uri);
}

export function isAllowedCanonicalization(uri: string): boolean {
  return uri === C14N.exclusive || uri === C14N.inclusive;
}

function hashAlgorithm(uri: string, digest: Digest): new () => HashAlgorithm {
  return class implements HashAlgorithm {
    getAlgorithmName = () => uri;
    getHash = (xml: string) => createHash(digest).update(xml, "utf8").digest("base64");
  };
}

/**
 * Verification only, and only with a key of the algorithm's family: an "ecdsa-*" SignatureMethod
 * never verifies with an RSA certificate or the other way round (Node would otherwise pick the
 * scheme from the key). XML-DSig ECDSA values are r||s (RFC 4051 §3.3), hence "ieee-p1363".
 */
function signatureAlgorithm(
  uri: string,
  digest: Digest,
  keyType: "rsa" | "ec",
): new () => SignatureAlgorithm {
  class VerifyOnly {
    getAlgorithmName = () => uri;
    getSignature = (): string => {
      throw new Error("the SAML verifier never signs");
    };
    verifySignature = (material: string, key: KeyLike, signatureValue: string): boolean => {
      const publicKey = key instanceof KeyObject ? key : createPublicKey(key);
      if (publicKey.asymmetricKeyType !== keyType) return false;
      const signature = Buffer.from(signatureValue, "base64");
      const data = Buffer.from(material, "utf8");
      return keyType === "ec"
        ? cryptoVerify(digest, data, { key: publicKey, dsaEncoding: "ieee-p1363" }, signature)
        : cryptoVerify(digest, data, publicKey, signature);
    };
  }
  return VerifyOnly;
}

/**
 * Verifies a detached signature (the HTTP-Redirect binding's `Signature` over its query octets,
 * saml-bindings §3.4.4.1) with any one of the configured keys, under an allowlisted `SigAlg` only
 * and only with a key of that algorithm's family.
 */
export function verifyDetachedSignature(
  sigAlg: string,
  octets: Buffer,
  signature: Buffer,
  publicKeys: readonly KeyObject[],
): boolean {
  if (!Object.hasOwn(SIGNATURES, sigAlg)) return false;
  const { digest, keyType } = SIGNATURES[sigAlg] as { digest: Digest; keyType: "rsa" | "ec" };
  return publicKeys.some((publicKey) => {
    if (publicKey.asymmetricKeyType !== keyType) return false;
    try {
      if (keyType === "rsa") return cryptoVerify(digest, octets, publicKey, signature);
      // XML-DSig defines ECDSA values as r||s (RFC 4051 §3.3); some libraries write DER here.
      return (
        cryptoVerify(digest, octets, { key: publicKey, dsaEncoding: "ieee-p1363" }, signature) ||
        cryptoVerify(digest, octets, { key: publicKey, dsaEncoding: "der" }, signature)
      );
    } catch {
      return false;
    }
  });
}

export const ALLOWED_HASH_ALGORITHMS: Record<string, new () => HashAlgorithm> = Object.fromEntries(
  Object.entries(DIGESTS).map(([uri, digest]) => [uri, hashAlgorithm(uri, digest)]),
);

export const ALLOWED_SIGNATURE_ALGORITHMS: Record<string, new () => SignatureAlgorithm> =
  Object.fromEntries(
    Object.entries(SIGNATURES).map(([uri, { digest, keyType }]) => [
      uri,
      signatureAlgorithm(uri, digest, keyType),
    ]),
  );

/** xml-crypto's own enveloped-signature transform class, looked up from a fresh instance's table. */
export function allowedTransforms(
  envelopedSignature: new () => CanonicalizationOrTransformationAlgorithm,
): Record<string, new () => CanonicalizationOrTransformationAlgorithm> {
  return {
    [C14N.exclusive]: ExclusiveCanonicalization,
    [C14N.inclusive]: C14nCanonicalization,
    [ENVELOPED_SIGNATURE]: envelopedSignature,
  };
}
