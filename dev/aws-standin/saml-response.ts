/**
 * What AWS checks in a SAMLAssertion before it looks at roles: base64 of one well-formed SAML 2.0
 * Response with Success status and exactly one (unencrypted) Assertion, issued by the provider's
 * entityID, signed with one of the provider's certificates, addressed to the partition's AWS
 * sign-in SAML endpoint with its audience, and still valid at the stand-in's `now`. Every value returned is
 * read from the XML that the verified signature covers.
 */
import {
  attributeOf,
  childElements,
  descendants,
  optionalChild,
  parseStrictXml,
  requiredChild,
  SAML_NS,
  textOf,
  XmlRefusedError,
} from "./saml-xml";
import { SignatureRefusedError, verifyEnvelopedSignature } from "./saml-signature";
import { isSamlRecipientOf, SAML_SIGNIN, type StandinPartition } from "./partitions";
import type { ResolvedSamlProvider } from "./saml-metadata";
import { StsError } from "./sts-errors";

const STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
const BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
/** AWS: "Token must be redeemed within 5 minutes of issuance". */
const REDEEM_WINDOW_MS = 5 * 60 * 1000;
/** How far an IdP's clock may run ahead (NotBefore, IssueInstant); expiry has no tolerance. */
const AHEAD_SKEW_MS = 60 * 1000;

/** The facts of a verified AWS-targeted assertion. */
export interface VerifiedSamlAssertion {
  issuer: string;
  nameId: string;
  /** NameID Format, or undefined when the IdP left it out. */
  nameIdFormat: string | undefined;
  /** The bearer SubjectConfirmationData Recipient (AWS echoes it as `Audience`). */
  recipient: string;
  /** AuthnStatement SessionNotOnOrAfter (the earliest, if several): caps the session. */
  sessionNotOnOrAfter: Date | undefined;
  /** Attribute Name → values, over every AttributeStatement. */
  attributes: Map<string, string[]>;
}

const invalid = (reason: string) =>
  new StsError("InvalidIdentityToken", `Invalid SAML response: ${reason}`);
const expired = (message: string) => new StsError("ExpiredTokenException", message);

/**
 * Verifies a base64-encoded SAML Response for `provider` at `now`.
 *
 * @throws StsError InvalidIdentityToken (malformed, wrong issuer, unsigned or bad signature,
 *   not addressed to AWS, not yet valid) or ExpiredTokenException (past NotOnOrAfter, past
 *   SessionNotOnOrAfter, or issued more than 5 minutes ago).
 */
export function verifySamlResponse(
  encoded: string,
  provider: ResolvedSamlProvider,
  now: Date,
  partition: StandinPartition,
): VerifiedSamlAssertion {
  const xml = decodeBase64Utf8(encoded);
  try {
    return verifyXml(xml, provider, now, partition);
  } catch (error) {
    if (error instanceof XmlRefusedError) throw invalid(error.message);
    if (error instanceof SignatureRefusedError) {
      throw new StsError("InvalidIdentityToken", `Response signature invalid: ${error.message}`);
    }
    throw error;
  }
}

function decodeBase64Utf8(encoded: string): string {
  const compact = encoded.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw invalid("SAMLAssertion is not base64");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(compact, "base64"));
  } catch {
    throw invalid("SAMLAssertion is not UTF-8 XML");
  }
}

function verifyXml(
  xml: string,
  provider: ResolvedSamlProvider,
  now: Date,
  partition: StandinPartition,
): VerifiedSamlAssertion {
  const response = parseStrictXml(xml);
  if (response.namespaceURI !== SAML_NS.protocol || response.localName !== "Response") {
    throw invalid("the root element is not a SAML 2.0 Response");
  }
  if (attributeOf(response, "Version") !== "2.0") throw invalid("Version must be 2.0");
  const status = requiredChild(response, SAML_NS.protocol, "Status");
  const statusCode = requiredChild(status, SAML_NS.protocol, "StatusCode");
  if (attributeOf(statusCode, "Value") !== STATUS_SUCCESS) throw invalid("status is not Success");

  if (descendants(response, SAML_NS.assertion, "EncryptedAssertion").length > 0) {
    throw invalid("encrypted assertions are not supported by the stand-in");
  }
  // One Assertion in the whole document, directly under the Response: a second one anywhere
  // (Extensions, Advice, ds:Object, SubjectConfirmationData) is how signature wrapping starts.
  const assertions = descendants(response, SAML_NS.assertion, "Assertion");
  const assertion = assertions[0];
  if (assertions.length !== 1 || !assertion || assertion.parentNode !== response) {
    throw invalid("the Response must contain exactly one Assertion");
  }
  const responseIssuer = optionalChild(response, SAML_NS.assertion, "Issuer");
  if (responseIssuer && textOf(responseIssuer).trim() !== provider.entityId) {
    throw issuerMismatch();
  }
  checkIssuer(assertion, provider);

  const signedAssertion = signedAssertionOf(xml, response, assertion, provider);
  return readAssertion(signedAssertion, provider, now, partition);
}

function issuerMismatch(): StsError {
  return new StsError("InvalidIdentityToken", "Issuer not present in specified provider");
}

function checkIssuer(assertion: Element, provider: ResolvedSamlProvider): string {
  const issuer = textOf(requiredChild(assertion, SAML_NS.assertion, "Issuer")).trim();
  if (issuer !== provider.entityId) throw issuerMismatch();
  return issuer;
}

/**
 * The Assertion as its signature covers it: the Assertion's own signature if present (the
 * Response's, if also present, must verify too), else the Response's. Re-parsed from the
 * canonical signed XML, so nothing outside the signature can reach the values read later.
 */
function signedAssertionOf(
  xml: string,
  response: Element,
  assertion: Element,
  provider: ResolvedSamlProvider,
): Element {
  const assertionSigned = verifyEnvelopedSignature(xml, assertion, provider.certificates);
  const responseSigned = verifyEnvelopedSignature(xml, response, provider.certificates);
  if (assertionSigned !== undefined) {
    const signed = parseStrictXml(assertionSigned);
    if (signed.namespaceURI !== SAML_NS.assertion || signed.localName !== "Assertion") {
      throw new SignatureRefusedError("the signed element is not the Assertion");
    }
    return signed;
  }
  if (responseSigned !== undefined) {
    const signed = parseStrictXml(responseSigned);
    const inside = childElements(signed, SAML_NS.assertion, "Assertion");
    if (signed.localName !== "Response" || inside.length !== 1 || !inside[0]) {
      throw new SignatureRefusedError("the signed Response does not hold the Assertion");
    }
    return inside[0];
  }
  throw new SignatureRefusedError("neither the Response nor the Assertion is signed");
}

function readAssertion(
  assertion: Element,
  provider: ResolvedSamlProvider,
  now: Date,
  partition: StandinPartition,
): VerifiedSamlAssertion {
  const audiences = SAML_SIGNIN[partition].audiences;
  const issuer = checkIssuer(assertion, provider);
  const issueInstant = instant(attributeOf(assertion, "IssueInstant"), "IssueInstant");
  if (issueInstant === undefined) throw invalid("the Assertion has no IssueInstant");

  const subject = requiredChild(assertion, SAML_NS.assertion, "Subject");
  const nameIdElement = optionalChild(subject, SAML_NS.assertion, "NameID");
  const nameId = nameIdElement ? textOf(nameIdElement).trim() : "";
  if (!nameIdElement || nameId === "") throw invalid("the Subject has no NameID");

  const confirmation = childElements(subject, SAML_NS.assertion, "SubjectConfirmation")
    .filter((candidate) => attributeOf(candidate, "Method") === BEARER)
    .map((candidate) => optionalChild(candidate, SAML_NS.assertion, "SubjectConfirmationData"))
    .find((data) => data && isSamlRecipientOf(partition, attributeOf(data, "Recipient") ?? ""));
  if (!confirmation) {
    throw invalid("no bearer SubjectConfirmation has an AWS sign-in SAML endpoint as Recipient");
  }
  const recipient = attributeOf(confirmation, "Recipient") ?? "";

  const conditions = requiredChild(assertion, SAML_NS.assertion, "Conditions");
  const restrictions = childElements(conditions, SAML_NS.assertion, "AudienceRestriction");
  const isForAws = (restriction: Element) =>
    childElements(restriction, SAML_NS.assertion, "Audience").some((audience) =>
      audiences.includes(textOf(audience).trim()),
    );
  if (restrictions.length === 0 || !restrictions.every(isForAws)) {
    throw invalid(`the audience must be ${audiences.join(" or ")}`);
  }

  const sessionEnds = childElements(assertion, SAML_NS.assertion, "AuthnStatement")
    .map((statement) =>
      instant(attributeOf(statement, "SessionNotOnOrAfter"), "SessionNotOnOrAfter"),
    )
    .filter((date): date is Date => date !== undefined)
    .sort((a, b) => a.getTime() - b.getTime());
  checkTimes(now, {
    issueInstant,
    notBefore: instant(attributeOf(conditions, "NotBefore"), "NotBefore"),
    notOnOrAfter: instant(attributeOf(conditions, "NotOnOrAfter"), "NotOnOrAfter"),
    subjectNotOnOrAfter: instant(attributeOf(confirmation, "NotOnOrAfter"), "NotOnOrAfter"),
    sessionNotOnOrAfter: sessionEnds[0],
  });

  return {
    issuer,
    nameId,
    nameIdFormat: attributeOf(nameIdElement, "Format"),
    recipient,
    sessionNotOnOrAfter: sessionEnds[0],
    attributes: readAttributes(assertion),
  };
}

/**
 * Expiry is exact (the stand-in's clock is the one that counts, and tests pin it); an IdP clock
 * running up to a minute ahead is tolerated for NotBefore and IssueInstant.
 */
function checkTimes(
  now: Date,
  times: {
    issueInstant: Date;
    notBefore: Date | undefined;
    notOnOrAfter: Date | undefined;
    subjectNotOnOrAfter: Date | undefined;
    sessionNotOnOrAfter: Date | undefined;
  },
): void {
  const at = now.getTime();
  if (
    times.issueInstant.getTime() > at + AHEAD_SKEW_MS ||
    (times.notBefore?.getTime() ?? 0) > at + AHEAD_SKEW_MS
  ) {
    throw invalid("the Assertion is not yet valid");
  }
  for (const [name, end] of [
    ["Conditions NotOnOrAfter", times.notOnOrAfter],
    ["SubjectConfirmationData NotOnOrAfter", times.subjectNotOnOrAfter],
    ["SessionNotOnOrAfter", times.sessionNotOnOrAfter],
  ] as const) {
    if (end !== undefined && end.getTime() <= at) {
      throw expired(
        `Token expired: ${name} ${end.toISOString()} is not after ${now.toISOString()}`,
      );
    }
  }
  if (at - times.issueInstant.getTime() > REDEEM_WINDOW_MS) {
    throw expired("Token must be redeemed within 5 minutes of issuance");
  }
}

function readAttributes(assertion: Element): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const statement of childElements(assertion, SAML_NS.assertion, "AttributeStatement")) {
    for (const attribute of childElements(statement, SAML_NS.assertion, "Attribute")) {
      const name = attributeOf(attribute, "Name");
      if (!name) throw invalid("an Attribute has no Name");
      const values = childElements(attribute, SAML_NS.assertion, "AttributeValue").map(textOf);
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }
  return attributes;
}

/** An xs:dateTime in UTC (SAML requires the Z form). */
function instant(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(value);
  const date = m ? new Date(`${m[1]}.${(m[2] ?? "").padEnd(3, "0").slice(0, 3)}Z`) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw invalid(`${name} is not a UTC xs:dateTime`);
  return date;
}
