import { createHash, createPrivateKey, sign as cryptoSign, type KeyLike } from "node:crypto";
import { SignedXml, type HashAlgorithm, type SignatureAlgorithm } from "xml-crypto";
import { ALGORITHMS } from "./constants";
import { getTestSigningKey, type TestSigningKey } from "./test-keys";

/** How a fixture element is signed. Every field has a sensible default (exc-c14n + rsa-sha256). */
export interface SigningOptions {
  /** Default: getTestSigningKey("idp"). */
  key?: TestSigningKey;
  /** Default ALGORITHMS.rsaSha256 (ALGORITHMS.ecdsaSha256 for an EC key). */
  signatureAlgorithm?: string;
  /** Default ALGORITHMS.sha256. */
  digestAlgorithm?: string;
  /** SignedInfo canonicalization and the Reference's second transform. Default ALGORITHMS.excC14n. */
  canonicalization?: string;
  /** Put the signing certificate in ds:KeyInfo (as IdPs do). Default true. */
  includeKeyInfo?: boolean;
}

function digestClass(uri: string, digest: string): new () => HashAlgorithm {
  return class {
    getAlgorithmName = () => uri;
    getHash = (xml: string) => createHash(digest).update(xml, "utf8").digest("base64");
  };
}

function signerClass(uri: string, digest: string, isEc: boolean): new () => SignatureAlgorithm {
  class Signer {
    getAlgorithmName = () => uri;
    getSignature = (signedInfo: string, privateKey: KeyLike): string => {
      const key =
        typeof privateKey === "string" || Buffer.isBuffer(privateKey)
          ? createPrivateKey(privateKey)
          : privateKey;
      const data = Buffer.from(signedInfo, "utf8");
      return (
        isEc
          ? cryptoSign(digest, data, { key, dsaEncoding: "ieee-p1363" })
          : cryptoSign(digest, data, key)
      ).toString("base64");
    };
    verifySignature = () => {
      throw new Error("fixture signer only signs");
    };
  }
  return Signer;
}

// xml-crypto 6.3 has no rsa-sha384, ECDSA or sha384: the fixtures add them for signing.
const EXTRA_SIGNATURES: Record<string, new () => SignatureAlgorithm> = {
  [ALGORITHMS.rsaSha384]: signerClass(ALGORITHMS.rsaSha384, "sha384", false),
  [ALGORITHMS.ecdsaSha256]: signerClass(ALGORITHMS.ecdsaSha256, "sha256", true),
  [ALGORITHMS.ecdsaSha384]: signerClass(ALGORITHMS.ecdsaSha384, "sha384", true),
};
const EXTRA_DIGESTS: Record<string, new () => HashAlgorithm> = {
  [ALGORITHMS.sha384]: digestClass(ALGORITHMS.sha384, "sha384"),
};

/**
 * Signs the element whose ID attribute is `elementId` with an enveloped signature placed right
 * after its saml:Issuer (where the SAML schema wants it), and returns the whole document.
 */
export function signElementById(xml: string, elementId: string, opts: SigningOptions = {}): string {
  const key = opts.key ?? getTestSigningKey("idp");
  const canonicalization = opts.canonicalization ?? ALGORITHMS.excC14n;
  const signer = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: opts.includeKeyInfo === false ? undefined : key.certificatePem,
    signatureAlgorithm:
      opts.signatureAlgorithm ??
      (key.type === "ec" ? ALGORITHMS.ecdsaSha256 : ALGORITHMS.rsaSha256),
    canonicalizationAlgorithm: canonicalization,
  });
  signer.SignatureAlgorithms = { ...signer.SignatureAlgorithms, ...EXTRA_SIGNATURES };
  signer.HashAlgorithms = { ...signer.HashAlgorithms, ...EXTRA_DIGESTS };
  const target = `//*[@ID='${elementId}']`;
  signer.addReference({
    xpath: target,
    transforms: [ALGORITHMS.envelopedSignature, canonicalization],
    digestAlgorithm: opts.digestAlgorithm ?? ALGORITHMS.sha256,
  });
  signer.computeSignature(xml, {
    prefix: "ds",
    location: { reference: `${target}/*[local-name(.)='Issuer']`, action: "after" },
  });
  return signer.getSignedXml();
}
