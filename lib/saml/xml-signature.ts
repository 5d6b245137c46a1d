import "server-only";
import { X509Certificate, type KeyObject } from "node:crypto";
import { SignedXml } from "xml-crypto";
import {
  ALLOWED_HASH_ALGORITHMS,
  ALLOWED_SIGNATURE_ALGORITHMS,
  allowedTransforms,
  ENVELOPED_SIGNATURE,
  isAllowedCanonicalization,
  isAllowedDigestAlgorithm,
  isAllowedSignatureAlgorithm,
} from "./signature-algorithms";
import { SamlRejection } from "./types";
import {
  allChildElements,
  attributeOrNull,
  childElements,
  isNamed,
  NS,
  parseXmlStrict,
} from "./xml-dom";

/**
 * The public keys of the configured IdP certificates (PEM, or bare base64 DER as metadata carries
 * them). Only these ever verify a signature: never a key or certificate from the message's KeyInfo.
 * @throws TypeError when the list is empty or an entry is not an X.509 certificate — configuration
 *   the boot check should have refused; failing here keeps the verifier closed.
 */
export function configuredPublicKeys(certificates: readonly string[]): KeyObject[] {
  if (certificates.length === 0)
    throw new TypeError("the IdP has no signing certificate configured");
  return certificates.map((cert, index) => {
    try {
      const source = cert.includes("-----BEGIN")
        ? cert
        : Buffer.from(cert.replace(/\s+/g, ""), "base64");
      return new X509Certificate(source).publicKey;
    } catch {
      throw new TypeError(`IdP signing certificate #${index + 1} is not an X.509 certificate`);
    }
  });
}

function single(
  parent: Element,
  localName: string,
  reason: "signature_invalid" | "signature_reference",
): Element {
  const found = childElements(parent, NS.dsig, localName);
  const [first] = found;
  if (found.length !== 1 || !first) {
    throw new SamlRejection(reason, `expected exactly one ds:${localName}, found ${found.length}`);
  }
  return first;
}

function algorithmOf(el: Element): string {
  return attributeOrNull(el, "Algorithm") ?? "";
}

/**
 * Shape and algorithm checks on a ds:Signature before any cryptography: one SignedInfo with one
 * Reference to `#<target ID>`; only allowlisted algorithms; transforms limited to
 * enveloped-signature plus one canonicalization without comments; no ds:Object (a classic place to
 * hide a wrapped element) and nothing unknown.
 */
function checkSignatureShape(signature: Element, targetId: string): void {
  const allowed = new Set(["SignedInfo", "SignatureValue", "KeyInfo"]);
  for (const child of allChildElements(signature)) {
    if (child.namespaceURI !== NS.dsig || !allowed.has(child.localName)) {
      throw new SamlRejection("signature_invalid", `unexpected ${child.localName} in ds:Signature`);
    }
  }
  const signedInfo = single(signature, "SignedInfo", "signature_invalid");
  single(signature, "SignatureValue", "signature_invalid");
  for (const child of allChildElements(signedInfo)) {
    if (
      child.namespaceURI !== NS.dsig ||
      !["CanonicalizationMethod", "SignatureMethod", "Reference"].includes(child.localName)
    ) {
      throw new SamlRejection(
        "signature_invalid",
        `unexpected ${child.localName} in ds:SignedInfo`,
      );
    }
  }
  const c14n = algorithmOf(single(signedInfo, "CanonicalizationMethod", "signature_invalid"));
  if (!isAllowedCanonicalization(c14n)) {
    throw new SamlRejection(
      "weak_algorithm",
      `canonicalization ${c14n.slice(0, 100)} is not allowed`,
    );
  }
  const signatureMethod = algorithmOf(single(signedInfo, "SignatureMethod", "signature_invalid"));
  if (!isAllowedSignatureAlgorithm(signatureMethod)) {
    throw new SamlRejection(
      "weak_algorithm",
      `signature method ${signatureMethod.slice(0, 100)} is not allowed`,
    );
  }
  const reference = single(signedInfo, "Reference", "signature_reference");
  if (targetId === "" || attributeOrNull(reference, "URI") !== `#${targetId}`) {
    throw new SamlRejection(
      "signature_reference",
      "the Reference does not point at the signed element's ID",
    );
  }
  const transforms = childElements(
    single(reference, "Transforms", "signature_invalid"),
    NS.dsig,
    "Transform",
  ).map(algorithmOf);
  const canonicalizations = transforms.filter((t) => t !== ENVELOPED_SIGNATURE);
  for (const transform of canonicalizations) {
    if (!isAllowedCanonicalization(transform)) {
      throw new SamlRejection(
        "weak_algorithm",
        `transform ${transform.slice(0, 100)} is not allowed`,
      );
    }
  }
  if (
    transforms.filter((t) => t === ENVELOPED_SIGNATURE).length !== 1 ||
    canonicalizations.length > 1
  ) {
    throw new SamlRejection(
      "signature_invalid",
      "transforms must be enveloped-signature and at most one c14n",
    );
  }
  const digestMethod = algorithmOf(single(reference, "DigestMethod", "signature_invalid"));
  if (!isAllowedDigestAlgorithm(digestMethod)) {
    throw new SamlRejection(
      "weak_algorithm",
      `digest method ${digestMethod.slice(0, 100)} is not allowed`,
    );
  }
  single(reference, "DigestValue", "signature_invalid");
}

function newVerifier(publicKey: KeyObject): SignedXml {
  // getCertFromKeyInfo is pinned to "nothing": the key comes from configuration only.
  const verifier = new SignedXml({ publicCert: publicKey, getCertFromKeyInfo: () => null });
  verifier.getCertFromKeyInfo = () => null;
  const enveloped = verifier.CanonicalizationAlgorithms[ENVELOPED_SIGNATURE];
  if (!enveloped)
    throw new Error("xml-crypto no longer provides the enveloped-signature transform");
  verifier.CanonicalizationAlgorithms = allowedTransforms(enveloped);
  verifier.HashAlgorithms = ALLOWED_HASH_ALGORITHMS;
  verifier.SignatureAlgorithms = ALLOWED_SIGNATURE_ALGORITHMS;
  return verifier;
}

/**
 * Verifies the enveloped ds:Signature that is a direct child of `target` (a samlp:Response or
 * saml:Assertion of the document parsed from `xml`) against the configured keys — any one may
 * verify (certificate rollover) — and returns the element xml-crypto actually digested, re-parsed
 * from its canonical form. Callers read values from that copy only: whatever else the document
 * holds (a wrapped or moved element, an attacker's twin) was never signed.
 * @throws SamlRejection `unsigned` (no signature), `signature_reference`, `signature_invalid`,
 *   `weak_algorithm`.
 */
export function verifyEnvelopedSignature(params: {
  xml: string;
  target: Element;
  publicKeys: readonly KeyObject[];
  unsigned: "assertion_unsigned" | "response_unsigned";
}): Element {
  const { xml, target, publicKeys } = params;
  const signatures = childElements(target, NS.dsig, "Signature");
  const [signature] = signatures;
  if (!signature)
    throw new SamlRejection(params.unsigned, `${target.localName} has no ds:Signature`);
  if (signatures.length > 1) {
    throw new SamlRejection(
      "signature_reference",
      `${target.localName} has more than one ds:Signature`,
    );
  }
  const targetId = attributeOrNull(target, "ID") ?? "";
  checkSignatureShape(signature, targetId);

  let signedXml: string | undefined;
  for (const publicKey of publicKeys) {
    const verifier = newVerifier(publicKey);
    let isValid = false;
    try {
      verifier.loadSignature(signature);
      isValid = verifier.checkSignature(xml);
    } catch {
      isValid = false;
    }
    if (!isValid) continue;
    const references = verifier.getSignedReferences();
    if (references.length !== 1 || references[0] === undefined) {
      throw new SamlRejection(
        "signature_reference",
        `the signature covers ${references.length} references`,
      );
    }
    signedXml = references[0];
    break;
  }
  if (signedXml === undefined) {
    throw new SamlRejection(
      "signature_invalid",
      `the ${target.localName} signature does not verify with a configured certificate`,
    );
  }
  const signed = parseXmlStrict(signedXml).documentElement;
  if (
    !signed ||
    target.namespaceURI === null ||
    !isNamed(signed, target.namespaceURI, target.localName) ||
    attributeOrNull(signed, "ID") !== targetId
  ) {
    throw new SamlRejection(
      "signature_reference",
      `the signed content is not the ${target.localName} ${targetId.slice(0, 80)}`,
    );
  }
  return signed;
}
