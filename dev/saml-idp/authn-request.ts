import { inflateRawSync } from "node:zlib";

import { DOMParser } from "@xmldom/xmldom";

/** Refusals of a SAMLRequest: `message` is shown to the user, `reason` goes to the log only. */
export class SamlRequestError extends Error {
  constructor(
    readonly reason: string,
    message = "The sign-in request from the application is invalid. Go back to the application and start again.",
  ) {
    super(message);
    this.name = "SamlRequestError";
  }
}

export const NAMESPACES = {
  protocol: "urn:oasis:names:tc:SAML:2.0:protocol",
  assertion: "urn:oasis:names:tc:SAML:2.0:assertion",
} as const;

export const NAME_ID_FORMATS = {
  emailAddress: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
  persistent: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
  unspecified: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
  transient: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
} as const;
/** What an AuthnRequest may ask for; an IdP started with `transientNameIds` issues transient ones. */
export type IssuedNameIdFormat = "emailAddress" | "persistent" | "transient";

export const POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/**
 * Caps: an AuthnRequest is a few hundred bytes; these leave room and stop bombs early. Both
 * bindings cap the encoded parameter; the Redirect binding also caps what it inflates to.
 */
export const MAX_ENCODED_BYTES = 16 * 1024;
export const MAX_XML_BYTES = 64 * 1024;
const MAX_DEPTH = 16;
// saml-core: xs:ID is an NCName. Capped so a crafted ID can't bloat the Response.
const XML_ID = /^[A-Za-z_][\w.-]{0,255}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// DOM node types (xmldom implements the DOM, not its globals).
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;

export interface ParsedAuthnRequest {
  id: string;
  issuer: string;
  /** AssertionConsumerServiceURL when the request names one. */
  acsUrl?: string;
  /** AssertionConsumerServiceIndex when the request names one. */
  acsIndex?: string;
  destination?: string;
  protocolBinding?: string;
  forceAuthn: boolean;
  isPassive: boolean;
  nameIdFormat: IssuedNameIdFormat;
  /** RequestedAuthnContext's class refs and Comparison (default "exact"), when the SP sent one. */
  requestedAuthnContext?: { comparison: AuthnContextComparison; classRefs: string[] };
}

export type AuthnContextComparison = "exact" | "minimum" | "maximum" | "better";
const COMPARISONS: readonly string[] = ["exact", "minimum", "maximum", "better"];

/**
 * Decodes an HTTP-Redirect binding SAMLRequest (base64 of raw DEFLATE). The inflated size is capped
 * by zlib itself (`maxOutputLength`), so a deflate bomb stops at the cap instead of filling memory.
 *
 * @throws SamlRequestError on anything that is not a small, well-formed deflated document.
 */
export function decodeRedirectRequest(encoded: string): string {
  const deflated = decodeBase64(encoded);
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(deflated, { maxOutputLength: MAX_XML_BYTES });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SamlRequestError(
      code === "ERR_BUFFER_TOO_LARGE"
        ? `inflated SAMLRequest exceeds ${MAX_XML_BYTES} bytes`
        : "SAMLRequest is not raw DEFLATE data",
    );
  }
  return decodeUtf8(inflated);
}

/** Decodes an HTTP-POST binding SAMLRequest (plain base64, so capped by the encoded size). @throws SamlRequestError */
export function decodePostRequest(encoded: string): string {
  return decodeUtf8(decodeBase64(encoded));
}

function decodeBase64(encoded: string): Buffer {
  if (encoded.length === 0) throw new SamlRequestError("empty SAMLRequest");
  if (encoded.length > MAX_ENCODED_BYTES)
    throw new SamlRequestError(`encoded SAMLRequest exceeds ${MAX_ENCODED_BYTES} bytes`);
  // Buffer.from skips characters that are not base64; a strict check keeps garbage from "decoding".
  const compact = encoded.replace(/[\r\n]/g, "");
  if (!BASE64.test(compact) || compact.length % 4 === 1)
    throw new SamlRequestError("SAMLRequest is not base64");
  return Buffer.from(compact, "base64");
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new SamlRequestError("SAMLRequest is not UTF-8");
  }
}

/**
 * Parses an AuthnRequest strictly: no DOCTYPE or entity declarations, no comments or processing
 * instructions (they change what text a reader sees), bounded nesting, root `samlp:AuthnRequest`
 * version 2.0 with an ID and exactly one Issuer. Signatures on requests are not required and not
 * read. Which application it belongs to, and whether its ACS URL fits, is the caller's check.
 *
 * @throws SamlRequestError with the specific reason.
 */
export function parseAuthnRequest(xml: string): ParsedAuthnRequest {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SamlRequestError("DOCTYPE or entity declaration");
  const root = parseXml(xml).documentElement;
  if (!root || root.namespaceURI !== NAMESPACES.protocol || root.localName !== "AuthnRequest") {
    throw new SamlRequestError("root element is not samlp:AuthnRequest");
  }
  checkTree(root);

  if (root.getAttribute("Version") !== "2.0") throw new SamlRequestError("Version is not 2.0");
  const id = root.getAttribute("ID") ?? "";
  if (!XML_ID.test(id)) throw new SamlRequestError("ID is missing or not an xs:ID");
  if (Number.isNaN(Date.parse(root.getAttribute("IssueInstant") ?? ""))) {
    throw new SamlRequestError("IssueInstant is missing or not a date");
  }

  const issuers = childElements(root, NAMESPACES.assertion, "Issuer");
  const issuer = issuers.length === 1 ? textOf(issuers[0]) : "";
  if (!issuer) throw new SamlRequestError("AuthnRequest needs exactly one non-empty Issuer");

  const policies = childElements(root, NAMESPACES.protocol, "NameIDPolicy");
  if (policies.length > 1) throw new SamlRequestError("more than one NameIDPolicy");
  const requestedFormat = policies[0]?.getAttribute("Format") || NAME_ID_FORMATS.unspecified;
  const nameIdFormat = issuedFormatFor(requestedFormat);

  const requestedAuthnContext = parseRequestedAuthnContext(root);

  return {
    id,
    issuer,
    ...(requestedAuthnContext ? { requestedAuthnContext } : {}),
    acsUrl: optionalAttribute(root, "AssertionConsumerServiceURL"),
    acsIndex: optionalAttribute(root, "AssertionConsumerServiceIndex"),
    destination: optionalAttribute(root, "Destination"),
    protocolBinding: optionalAttribute(root, "ProtocolBinding"),
    forceAuthn: isTrue(root.getAttribute("ForceAuthn")),
    isPassive: isTrue(root.getAttribute("IsPassive")),
    nameIdFormat,
  };
}

/** saml-core §3.3.2.2.1: class refs (not declaration refs, which this IdP does not support). */
function parseRequestedAuthnContext(
  root: Element,
): ParsedAuthnRequest["requestedAuthnContext"] | undefined {
  const elements = childElements(root, NAMESPACES.protocol, "RequestedAuthnContext");
  if (elements.length === 0) return undefined;
  const [element] = elements;
  if (elements.length > 1 || !element)
    throw new SamlRequestError("more than one RequestedAuthnContext");
  const comparison = element.getAttribute("Comparison") || "exact";
  if (!COMPARISONS.includes(comparison))
    throw new SamlRequestError(`RequestedAuthnContext Comparison ${comparison.slice(0, 40)}`);
  const refs = childElements(element, NAMESPACES.assertion, "AuthnContextClassRef").map((ref) =>
    (ref.textContent ?? "").trim(),
  );
  if (refs.length === 0 || refs.some((ref) => ref === "" || ref.length > 1024))
    throw new SamlRequestError("RequestedAuthnContext needs AuthnContextClassRef values");
  return { comparison: comparison as AuthnContextComparison, classRefs: refs };
}

function issuedFormatFor(requested: string): IssuedNameIdFormat {
  switch (requested) {
    case NAME_ID_FORMATS.unspecified:
    case NAME_ID_FORMATS.emailAddress:
      return "emailAddress";
    case NAME_ID_FORMATS.persistent:
      return "persistent";
    default:
      throw new SamlRequestError(
        `unsupported NameIDPolicy Format ${requested}`,
        "The application asked for a kind of user identifier this identity provider does not issue.",
      );
  }
}

function parseXml(xml: string): Document {
  const fail = (message: string) => {
    throw new SamlRequestError(`malformed XML: ${message}`);
  };
  // xmldom reports many well-formedness errors as warnings and carries on: treat all as fatal.
  const parser = new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } });
  const document = parser.parseFromString(xml, "text/xml");
  if (document.doctype) throw new SamlRequestError("DOCTYPE");
  return document;
}

/** Walks the tree without recursion: refuses comments, processing instructions and deep nesting. */
function checkTree(root: Element): void {
  const stack: { node: Node; depth: number }[] = [{ node: root, depth: 1 }];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const { node, depth } = entry;
    if (node.nodeType === COMMENT_NODE) throw new SamlRequestError("comment in request");
    if (node.nodeType === PROCESSING_INSTRUCTION_NODE)
      throw new SamlRequestError("processing instruction in request");
    if (node.nodeType !== ELEMENT_NODE) continue;
    if (depth > MAX_DEPTH) throw new SamlRequestError(`nesting deeper than ${MAX_DEPTH}`);
    for (let child = node.firstChild; child; child = child.nextSibling) {
      stack.push({ node: child, depth: depth + 1 });
    }
  }
}

function childElements(parent: Element, namespace: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    if (child.nodeType !== ELEMENT_NODE) continue;
    const element = child as Element;
    if (element.namespaceURI === namespace && element.localName === localName) found.push(element);
  }
  return found;
}

/** Text content of an element that must hold only text (no child elements). */
function textOf(element: Element | undefined): string {
  if (!element) return "";
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType !== TEXT_NODE) throw new SamlRequestError("Issuer is not plain text");
  }
  return (element.textContent ?? "").trim();
}

function optionalAttribute(element: Element, name: string): string | undefined {
  return element.hasAttribute(name) ? (element.getAttribute(name) ?? "") : undefined;
}

function isTrue(value: string | null): boolean {
  return value === "true" || value === "1";
}

/** A LogoutRequest as this IdP reads it (saml-core §3.7.1). */
export interface ParsedLogoutRequest {
  id: string;
  issuer: string;
  destination?: string;
  nameId: string;
  nameIdFormat?: string;
  /** Empty: the request names no session, so it is about the principal's session here. */
  sessionIndexes: string[];
}

/**
 * Parses a LogoutRequest as strictly as an AuthnRequest: no DOCTYPE, comments or processing
 * instructions, bounded nesting, root `samlp:LogoutRequest` version 2.0 with an ID, exactly one
 * Issuer and one plain NameID (an EncryptedID or BaseID is not supported). Signatures are not
 * required and not read (the demo apps have no signing keys). Which application it comes from and
 * whose session it ends is the caller's check.
 *
 * @throws SamlRequestError with the specific reason.
 */
export function parseLogoutRequest(xml: string): ParsedLogoutRequest {
  const refused = (reason: string) =>
    new SamlRequestError(
      reason,
      "The sign-out request from the application is invalid. Go back to the application.",
    );
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw refused("DOCTYPE or entity declaration");
  const root = parseXml(xml).documentElement;
  if (!root || root.namespaceURI !== NAMESPACES.protocol || root.localName !== "LogoutRequest") {
    throw refused("root element is not samlp:LogoutRequest");
  }
  checkTree(root);
  if (root.getAttribute("Version") !== "2.0") throw refused("Version is not 2.0");
  const id = root.getAttribute("ID") ?? "";
  if (!XML_ID.test(id)) throw refused("ID is missing or not an xs:ID");
  if (Number.isNaN(Date.parse(root.getAttribute("IssueInstant") ?? ""))) {
    throw refused("IssueInstant is missing or not a date");
  }
  const issuers = childElements(root, NAMESPACES.assertion, "Issuer");
  const issuer = issuers.length === 1 ? textOf(issuers[0]) : "";
  if (!issuer) throw refused("LogoutRequest needs exactly one non-empty Issuer");
  const nameIds = childElements(root, NAMESPACES.assertion, "NameID");
  const nameIdElement = nameIds.length === 1 ? nameIds[0] : undefined;
  const nameId = textOf(nameIdElement);
  if (!nameIdElement || !nameId) throw refused("LogoutRequest needs exactly one plain NameID");
  // An empty SessionIndex (samlify writes one when it has none) names no session.
  const sessionIndexes = childElements(root, NAMESPACES.protocol, "SessionIndex")
    .map((e) => textOf(e))
    .filter((index) => index !== "");
  if (sessionIndexes.some((index) => index.length > 256)) throw refused("an overlong SessionIndex");
  return {
    id,
    issuer,
    destination: optionalAttribute(root, "Destination"),
    nameId,
    nameIdFormat: optionalAttribute(nameIdElement, "Format"),
    sessionIndexes,
  };
}
