import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import { SAML_NS } from "./constants";

/**
 * Hostile variants of a Response built by buildSamlResponse. Each takes the (signed) XML text and
 * returns new XML text; none re-signs, so every signature still covers exactly what the IdP signed.
 * Where the attack only makes sense at the string level (comments, DOCTYPE, a second root) the
 * helper edits the string; otherwise it edits a DOM and serializes it again (serialization keeps
 * signatures valid: canonicalization ignores how the markup was written).
 */

export interface ResponseParts {
  doc: Document;
  response: Element;
  /** The first saml:Assertion in document order. */
  assertion: Element;
}

function elementsNamed(root: Document | Element, ns: string, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, localName));
}

function firstChildNamed(parent: Element, ns: string, localName: string): Element {
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    const el = child as Element;
    if (child.nodeType === 1 && el.namespaceURI === ns && el.localName === localName) return el;
  }
  throw new Error(`fixture: no ${localName} under ${parent.localName}`);
}

/** Parses `xml`, lets `edit` change the DOM, and serializes it again. */
export function mutateResponse(xml: string, edit: (parts: ResponseParts) => void): string {
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  const response = doc.documentElement;
  const assertion = elementsNamed(doc, SAML_NS.assertion, "Assertion")[0];
  if (!response || !assertion) throw new Error("fixture: not a Response with an Assertion");
  edit({ doc, response, assertion });
  return new XMLSerializer().serializeToString(doc);
}

/** Removes the ds:Signature that is a direct child of the Assertion (or of the Response). */
export function stripSignature(xml: string, of: "assertion" | "response" = "assertion"): string {
  return mutateResponse(xml, ({ response, assertion }) => {
    const target = of === "assertion" ? assertion : response;
    target.removeChild(firstChildNamed(target, SAML_NS.dsig, "Signature"));
  });
}

/** Where XML-signature-wrapping puts the IdP's genuinely signed assertion. */
export type WrapPlacement =
  | "extensions"
  | "advice"
  | "object"
  | "subject-confirmation-data"
  | "sibling-before"
  | "sibling-after"
  | "parent"
  | "signature-moved";

/**
 * XML signature wrapping: an attacker assertion (a copy of the signed one with a new ID, the
 * attacker's NameID and no signature) takes the signed assertion's place, and the signed assertion
 * goes where a careless verifier still finds and validates it:
 * - extensions: under samlp:Extensions of the Response;
 * - advice: under saml:Advice of the attacker assertion;
 * - object: the signed assertion's ds:Signature moves into the attacker assertion and the signed
 *   assertion (without it) goes into that signature's ds:Object;
 * - subject-confirmation-data: inside the attacker's SubjectConfirmationData;
 * - sibling-before / sibling-after: both assertions are children of the Response;
 * - parent: the signed assertion becomes the last child of the attacker assertion;
 * - signature-moved: the IdP's ds:Signature moves into the attacker assertion and the signed
 *   assertion (without it) goes under samlp:Extensions.
 */
export function wrapSignedAssertion(
  xml: string,
  placement: WrapPlacement,
  attacker: { nameId?: string; assertionId?: string } = {},
): string {
  return mutateResponse(xml, ({ doc, response, assertion }) => {
    const evil = assertion.cloneNode(true) as Element;
    evil.setAttribute("ID", attacker.assertionId ?? "_attacker");
    evil.removeChild(firstChildNamed(evil, SAML_NS.dsig, "Signature"));
    const nameId = elementsNamed(evil, SAML_NS.assertion, "NameID")[0];
    if (nameId) nameId.textContent = attacker.nameId ?? "admin@corp.example";
    response.replaceChild(evil, assertion);
    const conditions = firstChildNamed(evil, SAML_NS.assertion, "Conditions");
    switch (placement) {
      case "extensions": {
        const extensions = doc.createElementNS(SAML_NS.protocol, "samlp:Extensions");
        extensions.appendChild(assertion);
        response.insertBefore(extensions, firstChildNamed(response, SAML_NS.protocol, "Status"));
        break;
      }
      case "advice": {
        const advice = doc.createElementNS(SAML_NS.assertion, "saml:Advice");
        advice.appendChild(assertion);
        evil.insertBefore(advice, conditions.nextSibling);
        break;
      }
      case "object": {
        const signature = firstChildNamed(assertion, SAML_NS.dsig, "Signature");
        assertion.removeChild(signature);
        const object = doc.createElementNS(SAML_NS.dsig, "ds:Object");
        object.appendChild(assertion);
        signature.appendChild(object);
        evil.insertBefore(
          signature,
          firstChildNamed(evil, SAML_NS.assertion, "Issuer").nextSibling,
        );
        break;
      }
      case "subject-confirmation-data":
        elementsNamed(evil, SAML_NS.assertion, "SubjectConfirmationData")[0]?.appendChild(
          assertion,
        );
        break;
      case "sibling-before":
        response.insertBefore(assertion, evil);
        break;
      case "sibling-after":
        response.appendChild(assertion);
        break;
      case "parent":
        evil.appendChild(assertion);
        break;
      case "signature-moved": {
        const signature = firstChildNamed(assertion, SAML_NS.dsig, "Signature");
        assertion.removeChild(signature);
        evil.insertBefore(
          signature,
          firstChildNamed(evil, SAML_NS.assertion, "Issuer").nextSibling,
        );
        const extensions = doc.createElementNS(SAML_NS.protocol, "samlp:Extensions");
        extensions.appendChild(assertion);
        response.insertBefore(extensions, firstChildNamed(response, SAML_NS.protocol, "Status"));
        break;
      }
    }
  });
}

/** Inserts raw `markup` (e.g. "<!---->") into the text of the first element named `localName`, after `afterText`. */
export function injectIntoText(
  xml: string,
  localName: string,
  afterText: string,
  markup: string,
): string {
  const open = new RegExp(`<([\\w-]+:)?${localName}(\\s[^>]*)?>`).exec(xml);
  if (!open) throw new Error(`fixture: no ${localName} element`);
  const start = open.index + open[0].length;
  const at = xml.indexOf(afterText, start);
  if (at < 0) throw new Error(`fixture: "${afterText}" not in ${localName}`);
  const cut = at + afterText.length;
  return xml.slice(0, cut) + markup + xml.slice(cut);
}

/** The NameID comment-injection trick: `alice@corp.example<!---->.evil.example` reads as alice to a naive SP. */
export function commentInNameId(xml: string, before = "alice@corp.example"): string {
  return injectIntoText(xml, "NameID", before, "<!---->");
}

/** A comment in the middle of the Assertion's DigestValue (the digest still decodes the same). */
export function commentInDigestValue(xml: string): string {
  const open = xml.indexOf("<ds:DigestValue>", xml.indexOf("<saml:Assertion"));
  if (open < 0) throw new Error("fixture: no DigestValue in the Assertion");
  const cut = open + "<ds:DigestValue>".length + 8;
  return xml.slice(0, cut) + "<!-- x -->" + xml.slice(cut);
}

/** A second ds:SignedInfo in the Assertion's signature (a copy of the first). */
export function duplicateSignedInfo(xml: string): string {
  return mutateResponse(xml, ({ assertion }) => {
    const signature = firstChildNamed(assertion, SAML_NS.dsig, "Signature");
    const signedInfo = firstChildNamed(signature, SAML_NS.dsig, "SignedInfo");
    signature.insertBefore(signedInfo.cloneNode(true), signedInfo);
  });
}

/** Sets (or with null removes) an attribute of the element with the given ID, after signing. */
export function setAttributeAfterSigning(
  xml: string,
  localName: "Response" | "Assertion",
  name: string,
  value: string | null,
): string {
  return mutateResponse(xml, ({ response, assertion }) => {
    const target = localName === "Response" ? response : assertion;
    if (value === null) target.removeAttribute(name);
    else target.setAttribute(name, value);
  });
}

/** Replaces the first occurrence of `from` with `to` in the XML text (tampering after signing). */
export function tamperText(xml: string, from: string, to: string): string {
  if (!xml.includes(from)) throw new Error(`fixture: "${from}" not in the message`);
  return xml.replace(from, to);
}

/** Puts a DOCTYPE (with an internal subset) in front of the root element. */
export function withDoctype(xml: string, internalSubset: string): string {
  return `<?xml version="1.0"?><!DOCTYPE samlp:Response [${internalSubset}]>${xml.replace(/^<\?xml[^>]*\?>/, "")}`;
}

/** XXE: an external entity reading a local file, referenced from the NameID. */
export function externalEntity(xml: string, systemId = "file:///etc/passwd"): string {
  return withDoctype(xml, `<!ENTITY xxe SYSTEM "${systemId}">`).replace(
    "alice@corp.example</saml:NameID>",
    "&xxe;</saml:NameID>",
  );
}

/** Billion laughs: ten levels of tenfold entity expansion (10^9 "lol"s), referenced from the NameID. */
export function billionLaughs(xml: string): string {
  let subset = '<!ENTITY lol0 "lol">';
  for (let i = 1; i <= 9; i++) subset += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
  return withDoctype(xml, subset).replace(
    "alice@corp.example</saml:NameID>",
    "&lol9;</saml:NameID>",
  );
}

/** `depth` nested elements inside samlp:Extensions. */
export function deeplyNested(xml: string, depth: number): string {
  const nested = `${"<x:e>".repeat(depth)}${"</x:e>".repeat(depth)}`;
  return xml.replace(
    "<samlp:Status>",
    `<samlp:Extensions><x:root xmlns:x="urn:nest">${nested}</x:root></samlp:Extensions><samlp:Status>`,
  );
}

/** A second root element after the Response. */
export function extraRootElement(xml: string): string {
  return `${xml}<samlp:Response xmlns:samlp="${SAML_NS.protocol}"/>`;
}
