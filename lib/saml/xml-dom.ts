import "server-only";
import { DOMParser } from "@xmldom/xmldom";
import { SamlRejection } from "./types";

/** Namespaces and fixed URIs the verifier matches exactly (never by prefix or local name alone). */
export const NS = {
  protocol: "urn:oasis:names:tc:SAML:2.0:protocol",
  assertion: "urn:oasis:names:tc:SAML:2.0:assertion",
  dsig: "http://www.w3.org/2000/09/xmldsig#",
  xenc: "http://www.w3.org/2001/04/xmlenc#",
} as const;

export const STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
export const CM_BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

const ELEMENT_NODE = 1;
const ID_ATTRIBUTE_NAMES = new Set(["ID", "Id", "id"]);

/**
 * Parses XML with every xmldom warning and error fatal (xmldom otherwise repairs bad input and
 * carries on, which is how parser differentials start).
 * @throws SamlRejection `malformed_xml`.
 */
export function parseXmlStrict(xml: string): Document {
  const fail = (message: unknown): never => {
    // The parser's own words name tags and positions, not values; cap them for the log anyway.
    throw new SamlRejection("malformed_xml", `XML parser: ${String(message).slice(0, 200)}`);
  };
  let doc: Document;
  try {
    doc = new DOMParser({
      errorHandler: { warning: fail, error: fail, fatalError: fail },
    }).parseFromString(xml, "text/xml");
  } catch (error) {
    if (error instanceof SamlRejection) throw error;
    throw new SamlRejection("malformed_xml", "XML parser failed");
  }
  if (!doc?.documentElement) throw new SamlRejection("malformed_xml", "no document element");
  return doc;
}

export function isElement(node: Node | null | undefined): node is Element {
  return node?.nodeType === ELEMENT_NODE;
}

export function isNamed(el: Element, ns: string, localName: string): boolean {
  return el.namespaceURI === ns && el.localName === localName;
}

/** Direct child elements named {ns}localName, in document order. */
export function childElements(parent: Element, ns: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    if (isElement(child) && isNamed(child, ns, localName)) found.push(child);
  }
  return found;
}

/** All direct child elements, whatever their name. */
export function allChildElements(parent: Element): Element[] {
  const found: Element[] = [];
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    if (isElement(child)) found.push(child);
  }
  return found;
}

/** The single direct child {ns}localName, null when absent; two or more is `onMany`. */
export function optionalChild(
  parent: Element,
  ns: string,
  localName: string,
  onMany: () => SamlRejection,
): Element | null {
  const found = childElements(parent, ns, localName);
  if (found.length > 1) throw onMany();
  return found[0] ?? null;
}

/** Descendant elements {ns}localName of a document or element (getElementsByTagNameNS, as an array). */
export function descendants(root: Document | Element, ns: string, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, localName));
}

/** An attribute's value, or null when it is absent (xmldom returns "" for absent attributes). */
export function attributeOrNull(el: Element, name: string): string | null {
  return el.hasAttribute(name) ? el.getAttribute(name) : null;
}

/**
 * Text content with surrounding XML whitespace removed. Comments never reach this point
 * (assertSafeXml refuses them, canonicalization drops them), so this is the whole text.
 */
export function trimmedText(el: Element): string {
  return (el.textContent ?? "").replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
}

/**
 * Every ID-like attribute value in the document is unique. xml-crypto resolves a Reference by any
 * attribute whose local name is ID, Id or id, so all three count, in any namespace.
 * @throws SamlRejection `duplicate_id`.
 */
export function assertUniqueIds(doc: Document): void {
  const seen = new Set<string>();
  const all = doc.getElementsByTagName("*");
  for (let i = 0; i < all.length; i++) {
    const el = all.item(i);
    if (!el) continue;
    for (let a = 0; a < el.attributes.length; a++) {
      const attr = el.attributes.item(a);
      if (!attr || !ID_ATTRIBUTE_NAMES.has(attr.localName ?? attr.name)) continue;
      if (seen.has(attr.value)) {
        throw new SamlRejection(
          "duplicate_id",
          `ID ${attr.value.slice(0, 80)} appears more than once`,
        );
      }
      seen.add(attr.value);
    }
  }
}
