/**
 * Strict XML parsing for SAML messages and IdP metadata, written for the stand-in alone (it plays
 * AWS and shares no code with the portal's verifier). @xmldom/xmldom is lenient — it reports
 * unclosed tags, unknown entities and second roots as warnings and carries on — so every report
 * is a refusal here, and the tree is checked afterwards for what the parser lets through.
 */
import { DOMParser } from "@xmldom/xmldom";

export const SAML_NS = {
  protocol: "urn:oasis:names:tc:SAML:2.0:protocol",
  assertion: "urn:oasis:names:tc:SAML:2.0:assertion",
  metadata: "urn:oasis:names:tc:SAML:2.0:metadata",
  dsig: "http://www.w3.org/2000/09/xmldsig#",
} as const;

/** Deeper than any real SAML message or metadata; keeps recursive canonicalization safe. */
const MAX_DEPTH = 48;
/** A Response has a few dozen elements and metadata a few hundred. */
const MAX_NODES = 5000;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;

/** Why a document was refused; the message is safe to show (it never quotes the document). */
export class XmlRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlRefusedError";
  }
}

/**
 * Parses `text` as one XML document and returns its root element.
 *
 * Refuses a DOCTYPE or entity declaration of any kind (before parsing, so nothing is ever
 * expanded or fetched), an encoding other than UTF-8, any parser warning or error, content beside
 * the single root element, unbound namespace prefixes, and more than MAX_DEPTH levels or
 * MAX_NODES nodes.
 *
 * @throws XmlRefusedError
 */
export function parseStrictXml(text: string): Element {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new XmlRefusedError("DOCTYPE and entity declarations are not allowed");
  }
  const declaration = /^\uFEFF?<\?xml\s[^>]*?\?>/.exec(text)?.[0];
  const encoding = declaration && /\bencoding\s*=\s*["']([^"']*)["']/.exec(declaration)?.[1];
  if (encoding !== undefined && encoding.toLowerCase() !== "utf-8") {
    throw new XmlRefusedError(`encoding ${encoding} is not supported`);
  }

  const problems: string[] = [];
  const report = (message: unknown) => problems.push(String(message));
  const doc = new DOMParser({
    errorHandler: { warning: report, error: report, fatalError: report },
  }).parseFromString(text, "text/xml");
  if (problems.length > 0 || !doc) throw new XmlRefusedError("not well-formed XML");

  let root: Element | undefined;
  for (let node = doc.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === ELEMENT_NODE && !root) root = node as Element;
    else if (node.nodeType === COMMENT_NODE) continue;
    else if (node.nodeType === PROCESSING_INSTRUCTION_NODE && node.nodeName === "xml") continue;
    else if (node.nodeType === TEXT_NODE && /^\s*$/.test(node.nodeValue ?? "")) continue;
    else throw new XmlRefusedError("content outside the root element");
  }
  if (!root) throw new XmlRefusedError("no root element");
  checkTree(root);
  return root;
}

/** Iterative walk (a hostile document must not exhaust the stack) over every node under `root`. */
function checkTree(root: Element): void {
  const stack: Array<{ node: Node; depth: number }> = [{ node: root, depth: 1 }];
  let count = 0;
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: Node; depth: number };
    count += 1;
    if (count > MAX_NODES) throw new XmlRefusedError("too many XML nodes");
    if (depth > MAX_DEPTH) throw new XmlRefusedError("XML nested too deeply");
    switch (node.nodeType) {
      case ELEMENT_NODE: {
        const element = node as Element;
        if (element.prefix && !element.namespaceURI) {
          throw new XmlRefusedError(`unbound namespace prefix ${element.prefix}`);
        }
        for (let i = 0; i < element.attributes.length; i += 1) {
          const attribute = element.attributes.item(i);
          if (attribute?.prefix && attribute.prefix !== "xmlns" && !attribute.namespaceURI) {
            throw new XmlRefusedError(`unbound namespace prefix ${attribute.prefix}`);
          }
        }
        for (let child = node.firstChild; child; child = child.nextSibling) {
          stack.push({ node: child, depth: depth + 1 });
        }
        break;
      }
      case TEXT_NODE:
      case CDATA_SECTION_NODE:
      case COMMENT_NODE:
        break;
      default:
        throw new XmlRefusedError("processing instructions and entity references are not allowed");
    }
  }
}

/** `element`'s child elements with this namespace and local name, in document order. */
export function childElements(element: Element, ns: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType !== ELEMENT_NODE) continue;
    const child = node as Element;
    if (child.namespaceURI === ns && child.localName === localName) found.push(child);
  }
  return found;
}

/**
 * The one child element with this name, or undefined when there is none.
 *
 * @throws XmlRefusedError when there are several (a duplicate is ambiguous, never "the first").
 */
export function optionalChild(
  element: Element,
  ns: string,
  localName: string,
): Element | undefined {
  const found = childElements(element, ns, localName);
  if (found.length > 1) throw new XmlRefusedError(`more than one ${localName}`);
  return found[0];
}

/** @throws XmlRefusedError unless there is exactly one such child element. */
export function requiredChild(element: Element, ns: string, localName: string): Element {
  const found = optionalChild(element, ns, localName);
  if (!found) throw new XmlRefusedError(`no ${localName} in ${element.localName}`);
  return found;
}

/** Every element in the subtree (including `root`) with this namespace and local name. */
export function descendants(root: Element, ns: string, localName: string): Element[] {
  const found: Element[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.nodeType !== ELEMENT_NODE) continue;
    const element = node as Element;
    if (element.namespaceURI === ns && element.localName === localName) found.push(element);
    for (let child = node.lastChild; child; child = child.previousSibling) stack.push(child);
  }
  return found;
}

/**
 * The element's text: its text and CDATA children joined. Comments are skipped without splitting
 * the value, so `alice@corp.example<!---->.evil.example` reads as the whole string, never "alice".
 *
 * @throws XmlRefusedError when the element has child elements (a value is text only).
 */
export function textOf(element: Element): string {
  let text = "";
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
      text += node.nodeValue ?? "";
    } else if (node.nodeType === ELEMENT_NODE) {
      throw new XmlRefusedError(`${element.localName} must hold text only`);
    }
  }
  return text;
}

/** The attribute's value, or undefined when it is absent (xmldom returns "" for both). */
export function attributeOf(element: Element, name: string): string | undefined {
  return element.hasAttribute(name) ? (element.getAttribute(name) ?? "") : undefined;
}
