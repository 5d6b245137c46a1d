/** The XML of the Responses this IdP signs, and the escaping that keeps values from becoming markup. */
import { NAMESPACES } from "./authn-request";

const STATUS = {
  success: "urn:oasis:names:tc:SAML:2.0:status:Success",
  responder: "urn:oasis:names:tc:SAML:2.0:status:Responder",
  authnFailed: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
  noAuthnContext: "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext",
} as const;

/** Second-level status codes a failure response may carry. */
export type FailureStatus = "authnFailed" | "noAuthnContext";
export function failureStatusUri(status: FailureStatus): string {
  return STATUS[status];
}
const ATTRNAME_FORMAT = {
  uri: "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
  basic: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
} as const;

// Placeholders are filled in one pass (fillTemplate), so a value that itself contains "{Name}"
// stays literal text. No whitespace between elements: what is signed is exactly what is sent.
const NS = `xmlns:samlp="${NAMESPACES.protocol}" xmlns:saml="${NAMESPACES.assertion}"`;
const ISSUER = `<saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">{Issuer}</saml:Issuer>`;
const RESPONSE_OPEN = `<samlp:Response ${NS} ID="{ResponseID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}"{InResponseToAttribute}>`;

/** The Response with one Assertion, in schema order; the signatures go after each Issuer. */
export const LOGIN_RESPONSE_TEMPLATE = [
  RESPONSE_OPEN,
  ISSUER,
  `<samlp:Status><samlp:StatusCode Value="${STATUS.success}"/></samlp:Status>`,
  `<saml:Assertion ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}">`,
  ISSUER,
  `<saml:Subject><saml:NameID Format="{NameIDFormat}">{NameID}</saml:NameID>`,
  `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">`,
  `<saml:SubjectConfirmationData NotOnOrAfter="{NotOnOrAfter}" Recipient="{Recipient}"{InResponseToAttribute}/>`,
  `</saml:SubjectConfirmation></saml:Subject>`,
  `<saml:Conditions NotBefore="{IssueInstant}" NotOnOrAfter="{NotOnOrAfter}">`,
  `<saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction>`,
  `</saml:Conditions>`,
  `<saml:AuthnStatement AuthnInstant="{AuthnInstant}" SessionIndex="{SessionIndex}" SessionNotOnOrAfter="{SessionNotOnOrAfter}">`,
  `<saml:AuthnContext><saml:AuthnContextClassRef>{AuthnContextClassRef}</saml:AuthnContextClassRef></saml:AuthnContext>`,
  `</saml:AuthnStatement>`,
  `<saml:AttributeStatement>{Attributes}</saml:AttributeStatement>`,
  `</saml:Assertion></samlp:Response>`,
].join("");

/** A Response without an Assertion telling the SP that authentication did not happen. */
export const AUTHN_FAILED_TEMPLATE = [
  RESPONSE_OPEN,
  ISSUER,
  `<samlp:Status><samlp:StatusCode Value="${STATUS.responder}"><samlp:StatusCode Value="{SecondLevelStatus}"/></samlp:StatusCode>`,
  `<samlp:StatusMessage>{StatusMessage}</samlp:StatusMessage></samlp:Status>`,
  `</samlp:Response>`,
].join("");

/** The AttributeStatement's children: one Attribute per name, one AttributeValue per value. */
export function renderAttributes(attributes: [string, readonly string[]][]): string {
  return attributes
    .map(([name, values]) => {
      const format = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(name)
        ? ATTRNAME_FORMAT.uri
        : ATTRNAME_FORMAT.basic;
      const valueXml = values
        .map((value) => `<saml:AttributeValue>${escapeXml(value)}</saml:AttributeValue>`)
        .join("");
      return `<saml:Attribute Name="${escapeXml(name)}" NameFormat="${format}">${valueXml}</saml:Attribute>`;
    })
    .join("");
}

export function inResponseToAttribute(inResponseTo: string | undefined): string {
  return inResponseTo === undefined ? "" : ` InResponseTo="${escapeXml(inResponseTo)}"`;
}

/**
 * Replaces every `{Name}` in one pass: `values` are escaped, `markup` is inserted as is.
 *
 * @throws Error when a placeholder has no value (a template bug, not bad input).
 */
export function fillTemplate(
  template: string,
  values: Readonly<Record<string, string>>,
  markup: Readonly<Record<string, string>> = {},
): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (Object.hasOwn(markup, name)) return markup[name] ?? "";
    const value = values[name];
    if (value === undefined) throw new Error(`SAML template placeholder {${name}} has no value`);
    return escapeXml(value);
  });
}

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  // Kept as references so attribute-value normalization can't turn them into spaces.
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};
// Characters XML 1.0 can't carry even escaped (C0 controls other than tab, newline, return).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Escapes text for an XML element or a quoted attribute. @throws TypeError on characters XML can't carry. */
export function escapeXml(value: string): string {
  if (NOT_XML_CHAR.test(value))
    throw new TypeError("value contains a character XML 1.0 cannot carry");
  return value.replace(/[&<>"'\t\n\r]/g, (char) => XML_ESCAPES[char] ?? char);
}
