/**
 * XML signature verification the way a careful SAML relying party does it, with xml-crypto:
 * only the provider's certificates from its metadata are keys (a certificate in the message's
 * KeyInfo is ignored), only RSA with SHA-256 or stronger, exactly one Reference and it must point
 * at the element the signature sits in. The caller gets the canonical XML that was signed and
 * reads every value from that (the standard defence against signature wrapping).
 */
import { createHash, KeyObject, verify, type KeyLike, type X509Certificate } from "node:crypto";
import { SignedXml, type HashAlgorithm, type SignatureAlgorithm } from "xml-crypto";
import { attributeOf, childElements, SAML_NS } from "./saml-xml";

/** The signature is missing a piece, uses a refused algorithm, or does not verify. */
export class SignatureRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignatureRefusedError";
  }
}

function rsaVerifier(uri: string, digest: string): new () => SignatureAlgorithm {
  class RsaVerifier {
    getAlgorithmName = () => uri;
    getSignature = (): string => {
      throw new Error("the stand-in only verifies signatures");
    };
    verifySignature = (material: string, key: KeyLike, signatureValue: string): boolean =>
      // An RSA algorithm with a non-RSA key would let `verify` check some other scheme.
      key instanceof KeyObject &&
      key.asymmetricKeyType === "rsa" &&
      verify(digest, Buffer.from(material, "utf8"), key, Buffer.from(signatureValue, "base64"));
  }
  return RsaVerifier;
}

function digester(uri: string, digest: string): new () => HashAlgorithm {
  return class {
    getAlgorithmName = () => uri;
    getHash = (xml: string) => createHash(digest).update(xml, "utf8").digest("base64");
  };
}

/** SHA-1 (signature or digest) and HMAC are refused. */
const SIGNATURE_ALGORITHMS: Record<string, new () => SignatureAlgorithm> = {
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": rsaVerifier(
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "sha256",
  ),
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": rsaVerifier(
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "sha384",
  ),
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": rsaVerifier(
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "sha512",
  ),
};
const DIGEST_ALGORITHMS: Record<string, new () => HashAlgorithm> = {
  "http://www.w3.org/2001/04/xmlenc#sha256": digester(
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "sha256",
  ),
  "http://www.w3.org/2001/04/xmldsig-more#sha384": digester(
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "sha384",
  ),
  "http://www.w3.org/2001/04/xmlenc#sha512": digester(
    "http://www.w3.org/2001/04/xmlenc#sha512",
    "sha512",
  ),
};

/**
 * Verifies the enveloped signature that is a direct child of `element` (which belongs to the
 * document `xml` was parsed into) with any one of `certificates`.
 *
 * @returns the canonical XML of `element` as signed, or undefined when `element` has no signature.
 * @throws SignatureRefusedError when the signature is malformed, uses a refused algorithm,
 *   references anything but `element`, or verifies with none of the certificates.
 */
export function verifyEnvelopedSignature(
  xml: string,
  element: Element,
  certificates: readonly X509Certificate[],
): string | undefined {
  const signatures = childElements(element, SAML_NS.dsig, "Signature");
  if (signatures.length === 0) return undefined;
  const id = attributeOf(element, "ID");
  if (signatures.length > 1 || !id) {
    throw new SignatureRefusedError(`${element.localName} signature is ambiguous`);
  }
  const signature = signatures[0] as Element;
  checkAlgorithms(signature);

  for (const certificate of certificates) {
    const verifier = new SignedXml({
      publicCert: certificate.publicKey,
      // Never trust a key the message brings along: only the provider's metadata names keys.
      getCertFromKeyInfo: () => null,
    });
    verifier.SignatureAlgorithms = { ...SIGNATURE_ALGORITHMS };
    verifier.HashAlgorithms = { ...DIGEST_ALGORITHMS };
    try {
      verifier.loadSignature(signature);
      const references = verifier.getReferences();
      if (references.length !== 1 || references[0]?.uri !== `#${id}`) {
        throw new SignatureRefusedError(`${element.localName} signature must reference it alone`);
      }
      if (verifier.checkSignature(xml)) {
        const signed = verifier.getSignedReferences();
        if (signed.length === 1 && signed[0]) return signed[0];
      }
    } catch (error) {
      if (error instanceof SignatureRefusedError) throw error;
      // A malformed signature fails the same way with every certificate.
    }
  }
  throw new SignatureRefusedError(`${element.localName} signature does not verify`);
}

/** Refuses what xml-crypto would otherwise report only as "does not verify", for a clear reason. */
function checkAlgorithms(signature: Element): void {
  const signedInfo = childElements(signature, SAML_NS.dsig, "SignedInfo");
  if (signedInfo.length !== 1) throw new SignatureRefusedError("signature needs one SignedInfo");
  const method = childElements(signedInfo[0] as Element, SAML_NS.dsig, "SignatureMethod")[0];
  const algorithm = method ? attributeOf(method, "Algorithm") : undefined;
  if (algorithm === undefined || !Object.hasOwn(SIGNATURE_ALGORITHMS, algorithm)) {
    throw new SignatureRefusedError(`signature algorithm ${algorithm ?? "(none)"} is not accepted`);
  }
  for (const reference of childElements(signedInfo[0] as Element, SAML_NS.dsig, "Reference")) {
    const digest = childElements(reference, SAML_NS.dsig, "DigestMethod")[0];
    const digestAlgorithm = digest ? attributeOf(digest, "Algorithm") : undefined;
    if (digestAlgorithm === undefined || !Object.hasOwn(DIGEST_ALGORITHMS, digestAlgorithm)) {
      throw new SignatureRefusedError(
        `digest algorithm ${digestAlgorithm ?? "(none)"} is not accepted`,
      );
    }
  }
}
