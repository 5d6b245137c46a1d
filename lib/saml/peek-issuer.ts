import "server-only";
import { MAX_XML_DEPTH } from "./verify-response";
import { NS, childElements, descendants, parseXmlStrict, trimmedText } from "./xml-dom";
import { assertSafeXml } from "./xml-safety";
import { SamlRejection } from "./types";

/**
 * Which IdP a Response claims to come from, so the ACS can load that IdP's certificates. The value
 * is UNTRUSTED until verifySamlResponse checks the signature and that the signed Issuer matches;
 * it only selects which keys to try.
 */
export function peekIssuer(xml: string): string {
  assertSafeXml(xml, { maxDepth: MAX_XML_DEPTH });
  const doc = parseXmlStrict(xml);
  const root = doc.documentElement;
  if (!root) throw new SamlRejection("malformed_xml", "empty document");
  const responseIssuer = childElements(root, NS.assertion, "Issuer")[0];
  const assertionIssuer = descendants(doc, NS.assertion, "Issuer")[0];
  const issuer = responseIssuer
    ? trimmedText(responseIssuer)
    : assertionIssuer
      ? trimmedText(assertionIssuer)
      : "";
  if (issuer === "") throw new SamlRejection("issuer_mismatch", "the response names no issuer");
  return issuer;
}
