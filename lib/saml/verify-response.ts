import "server-only";
import { readSignedAssertion } from "./signed-assertion";
import { validateSamlSchema } from "./schema-validator";
import { SamlRejection, type TimeRules, type VerifiedAssertion, type VerifyOptions } from "./types";
import { assertSafeXml } from "./xml-safety";
import {
  assertUniqueIds,
  attributeOrNull,
  childElements,
  descendants,
  isNamed,
  NS,
  parseXmlStrict,
  STATUS_SUCCESS,
  trimmedText,
} from "./xml-dom";
import { configuredPublicKeys, verifyEnvelopedSignature } from "./xml-signature";

export { loadSamlSchemaValidator, validateSamlSchema } from "./schema-validator";
export {
  AWS_ROLE_ATTRIBUTE,
  parseAwsRoleAttribute,
  type AwsRolePair,
  type ParsedAwsRoles,
} from "./aws-role-attribute";

/**
 * Deepest element nesting a SAML Response needs is about 10 (Response › EncryptedAssertion ›
 * EncryptedData › KeyInfo › EncryptedKey › … or Assertion › AttributeStatement › Attribute ›
 * AttributeValue › …); 32 leaves room for IdP extensions and none for nesting attacks.
 */
export const MAX_XML_DEPTH = 32;

/**
 * Elements plus attributes in one Response. A typical one has 60–100; each AttributeValue adds
 * two, so 5,000 leaves room for about 2,400 group values. The bound keeps xml-crypto's work (its
 * cost grows with every node, and runs before a forged signature is detected) to about 0.1 s.
 */
export const MAX_XML_NODES = 5_000;

const RSA_1_5 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";

function checkOptions(opts: VerifyOptions): void {
  const { idp, expect, time } = opts;
  const isText = (v: unknown) => typeof v === "string" && v !== "";
  if (!isText(idp.entityId)) throw new TypeError("idp.entityId must be a non-empty string");
  if (!isText(expect.audience)) throw new TypeError("expect.audience must be a non-empty string");
  if (
    !Array.isArray(expect.recipients) ||
    expect.recipients.length === 0 ||
    !expect.recipients.every(isText)
  ) {
    throw new TypeError("expect.recipients must be a non-empty list of URLs");
  }
  if (expect.target !== "portal" && expect.target !== "aws")
    throw new TypeError("expect.target must be portal or aws");
  if (!(time.now instanceof Date) || Number.isNaN(time.now.getTime()))
    throw new TypeError("time.now must be a valid Date");
  if (!Number.isFinite(time.skewSeconds) || time.skewSeconds < 0)
    throw new TypeError("time.skewSeconds must be ≥ 0");
  if (!Number.isFinite(time.maxAgeSeconds) || time.maxAgeSeconds <= 0)
    throw new TypeError("time.maxAgeSeconds must be > 0");
}

/** Exactly one saml:Assertion, a child of the Response; encrypted assertions are refused by kind. */
function theOnlyAssertion(doc: Document, response: Element): Element {
  const encrypted = descendants(doc, NS.assertion, "EncryptedAssertion");
  if (encrypted.length > 0) {
    const usesRsa15 = encrypted.some((e) =>
      descendants(e, NS.xenc, "EncryptionMethod").some(
        (m) => attributeOrNull(m, "Algorithm") === RSA_1_5,
      ),
    );
    if (usesRsa15)
      throw new SamlRejection(
        "insecure_key_transport",
        "EncryptedAssertion with rsa-1_5 key transport",
      );
    throw new SamlRejection(
      "encrypted_assertion_unsupported",
      "the portal accepts only unencrypted, signed assertions",
    );
  }
  const assertions = descendants(doc, NS.assertion, "Assertion");
  const [assertion] = assertions;
  if (assertions.length !== 1 || !assertion) {
    throw new SamlRejection(
      "assertion_count",
      `expected exactly one Assertion, found ${assertions.length}`,
    );
  }
  if (assertion.parentNode !== response) {
    throw new SamlRejection("assertion_count", "the Assertion is not a child of the Response");
  }
  return assertion;
}

function checkStatus(response: Element): void {
  const status = childElements(response, NS.protocol, "Status")[0];
  const code = status ? childElements(status, NS.protocol, "StatusCode")[0] : undefined;
  const value = code ? attributeOrNull(code, "Value") : null;
  if (value !== STATUS_SUCCESS) {
    throw new SamlRejection("status_not_success", `status ${(value ?? "missing").slice(0, 120)}`);
  }
}

function checkIssuers(response: Element, assertion: Element, entityId: string): void {
  const responseIssuers = childElements(response, NS.assertion, "Issuer");
  const assertionIssuers = childElements(assertion, NS.assertion, "Issuer");
  if (responseIssuers.length > 1 || responseIssuers.some((i) => trimmedText(i) !== entityId)) {
    throw new SamlRejection("issuer_mismatch", "the Response Issuer is not the configured IdP");
  }
  if (assertionIssuers.length !== 1 || assertionIssuers.some((i) => trimmedText(i) !== entityId)) {
    throw new SamlRejection("issuer_mismatch", "the Assertion Issuer is not the configured IdP");
  }
}

/**
 * Verifies a SAML 2.0 Response (the XML text of an HTTP-POST `SAMLResponse`, already decoded with
 * `decodePostBinding`) and returns the values of its one signed assertion. Checks, in this order:
 * safe XML (no DOCTYPE/entities/comments, depth ≤ MAX_XML_DEPTH, ≤ MAX_XML_NODES) → schema → well-formed →
 * root samlp:Response → exactly one Assertion, not encrypted → unique IDs → Status Success →
 * Issuers → signatures (the Assertion's always, the Response's when required or present; only
 * the configured certificates; SHA-256+ RSA/ECDSA; one Reference to the signed element's ID) →
 * then, reading only the signed assertion: audience (AWS/portal targeting first), Destination,
 * bearer SubjectConfirmation Recipient, times, NameID. `inResponseTo` is the signed
 * SubjectConfirmationData's, or the Response's only when the Response is signed (an unsigned
 * Response's InResponseTo alone is ignored, so the result is "unsolicited").
 *
 * Not checked here (they need the database): InResponseTo against outstanding AuthnRequests,
 * assertion replay (see `assertionExpiry`), whether unsolicited responses are allowed.
 * @throws SamlRejection with the first failed rule's reason.
 * @throws TypeError on invalid options or IdP certificates; Error when the schema validator is not
 *   loaded (`loadSamlSchemaValidator`).
 */
export function verifySamlResponse(xml: string, opts: VerifyOptions): VerifiedAssertion {
  checkOptions(opts);
  const { idp } = opts;
  const publicKeys = configuredPublicKeys(idp.signingCertificates);
  assertSafeXml(xml, { maxDepth: MAX_XML_DEPTH, maxNodes: MAX_XML_NODES });
  validateSamlSchema(xml);
  const doc = parseXmlStrict(xml);
  const response = doc.documentElement;
  if (!response || !isNamed(response, NS.protocol, "Response")) {
    throw new SamlRejection("unexpected_root", "the root element is not samlp:Response");
  }
  if (attributeOrNull(response, "Version") !== "2.0")
    throw new SamlRejection("unexpected_root", "not SAML 2.0");
  // Status first: an IdP's failure answer (AuthnFailed, RequestDenied…) has no Assertion, and the
  // audit log should say what the IdP said, not "no assertion".
  checkStatus(response);
  const assertion = theOnlyAssertion(doc, response);
  assertUniqueIds(doc);
  checkIssuers(response, assertion, idp.entityId);

  const assertionSignatures = childElements(assertion, NS.dsig, "Signature").length;
  const responseSignatures = childElements(response, NS.dsig, "Signature").length;
  if (assertionSignatures === 0)
    throw new SamlRejection("assertion_unsigned", "the Assertion is not signed");
  if (idp.requireSignedResponse && responseSignatures === 0) {
    throw new SamlRejection("response_unsigned", "this IdP must sign the Response");
  }
  if (descendants(doc, NS.dsig, "Signature").length !== assertionSignatures + responseSignatures) {
    throw new SamlRejection(
      "signature_reference",
      "a ds:Signature outside the Response and Assertion",
    );
  }
  const signedAssertion = verifyEnvelopedSignature({
    xml,
    target: assertion,
    publicKeys,
    unsigned: "assertion_unsigned",
  });
  // An unrequired Response signature that is present must still be valid: a broken one is tampering.
  const signedResponse =
    responseSignatures > 0
      ? verifyEnvelopedSignature({
          xml,
          target: response,
          publicKeys,
          unsigned: "response_unsigned",
        })
      : null;
  const verified = readSignedAssertion(
    signedAssertion,
    { element: signedResponse ?? response, isSigned: signedResponse !== null },
    { issuer: idp.entityId, expect: opts.expect, time: opts.time },
  );
  authnContexts.set(verified, authnContextClassRefsOf(signedAssertion));
  sessionHandles.set(verified, sessionHandleOf(signedAssertion, verified.nameId));
  return verified;
}

// Kept beside the verified value rather than on it, so VerifiedAssertion's shape (and every
// consumer of it) stays as it is; only an object this verifier returned has an entry.
const authnContexts = new WeakMap<VerifiedAssertion, string[]>();

/** The AuthnContextClassRef of each AuthnStatement, read from the element the signature covers. */
function authnContextClassRefsOf(signedAssertion: Element): string[] {
  return childElements(signedAssertion, NS.assertion, "AuthnStatement").flatMap((statement) =>
    childElements(statement, NS.assertion, "AuthnContext").flatMap((context) =>
      childElements(context, NS.assertion, "AuthnContextClassRef").map(trimmedText),
    ),
  );
}

/**
 * What a LogoutRequest for this sign-in must repeat (saml-core §3.7.1): the NameID exactly as the
 * IdP wrote it (value, Format, NameQualifier, SPNameQualifier) and the AuthnStatement's
 * SessionIndex. Identifiers, not secrets.
 */
export interface SamlSessionHandle {
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  sessionIndex: string | null;
}

const sessionHandles = new WeakMap<VerifiedAssertion, SamlSessionHandle>();

/** Read from the element the signature covers, like every other value of the assertion. */
function sessionHandleOf(signedAssertion: Element, nameId: string): SamlSessionHandle {
  const subject = childElements(signedAssertion, NS.assertion, "Subject")[0];
  const nameIdElement = subject ? childElements(subject, NS.assertion, "NameID")[0] : undefined;
  const sessionIndex =
    childElements(signedAssertion, NS.assertion, "AuthnStatement")
      .map((statement) => attributeOrNull(statement, "SessionIndex"))
      .find((value): value is string => value !== null && value !== "") ?? null;
  return {
    nameId,
    nameIdFormat: nameIdElement ? attributeOrNull(nameIdElement, "Format") : null,
    nameQualifier: nameIdElement ? attributeOrNull(nameIdElement, "NameQualifier") : null,
    spNameQualifier: nameIdElement ? attributeOrNull(nameIdElement, "SPNameQualifier") : null,
    // Capped like any value that is stored: a real SessionIndex is a few dozen characters.
    sessionIndex: sessionIndex !== null && sessionIndex.length <= 1024 ? sessionIndex : null,
  };
}

/**
 * The NameID and SessionIndex a LogoutRequest for this sign-in must carry.
 * @throws TypeError for a value verifySamlResponse did not return.
 */
export function verifiedSessionHandle(assertion: VerifiedAssertion): SamlSessionHandle {
  const handle = sessionHandles.get(assertion);
  if (!handle) throw new TypeError("not an assertion returned by verifySamlResponse");
  return { ...handle };
}

/**
 * The AuthnContextClassRef values of the signed assertion's AuthnStatement(s) — how the IdP says
 * the user authenticated (used as MFA evidence). Empty when there are none.
 * @throws TypeError for a value verifySamlResponse did not return (evidence must be verified).
 */
export function verifiedAuthnContextClassRefs(assertion: VerifiedAssertion): string[] {
  const refs = authnContexts.get(assertion);
  if (!refs) throw new TypeError("not an assertion returned by verifySamlResponse");
  return [...refs];
}

/**
 * Until when the replay cache must remember this assertion's ID: the first instant at which
 * `verifySamlResponse` refuses it anyway — the earlier of its NotOnOrAfter and IssueInstant +
 * maxAge — plus the skew those checks allow and a second of margin. Pass the time rules the
 * verification used.
 */
export function assertionExpiry(
  v: VerifiedAssertion,
  time: Pick<TimeRules, "skewSeconds" | "maxAgeSeconds">,
): Date {
  const refusedAfter = Math.min(
    v.notOnOrAfter.getTime(),
    v.issueInstant.getTime() + time.maxAgeSeconds * 1000,
  );
  return new Date(refusedAfter + time.skewSeconds * 1000 + 1000);
}
