import "server-only";
import { isAwsAudience, isAwsSignInUrl } from "./aws-targeting";
import { checkTimes, parseSamlInstant } from "./saml-time";
import {
  SamlRejection,
  type AudienceExpectation,
  type SamlRejectionReason,
  type TimeRules,
  type VerifiedAssertion,
} from "./types";
import {
  attributeOrNull,
  childElements,
  CM_BEARER,
  descendants,
  NS,
  optionalChild,
  trimmedText,
} from "./xml-dom";

/**
 * The checks on the content of the signed assertion (Web SSO profile, SAML core §2.5, §2.4.1.2),
 * all reading from the element xml-crypto verified — never from the posted document — except the
 * Response's own Destination, IssueInstant and InResponseTo, which live outside the assertion (read
 * from the verified Response copy when the Response is signed).
 */

function one(parent: Element, localName: string, reason: SamlRejectionReason): Element | null {
  return optionalChild(
    parent,
    NS.assertion,
    localName,
    () => new SamlRejection(reason, `more than one ${localName}`),
  );
}

/** Audience targeting first (so the reason says "meant for AWS"), then the exact audience. */
function checkAudienceAndTarget(
  conditions: Element | null,
  destination: string | null,
  bearerRecipients: string[],
  expect: AudienceExpectation,
): void {
  const audiences = conditions
    ? descendants(conditions, NS.assertion, "Audience").map(trimmedText)
    : [];
  if (expect.target === "portal") {
    if (
      audiences.some(isAwsAudience) ||
      bearerRecipients.some(isAwsSignInUrl) ||
      (destination !== null && isAwsSignInUrl(destination))
    ) {
      throw new SamlRejection(
        "aws_targeted_assertion",
        "an assertion addressed to AWS was posted to the portal",
      );
    }
  } else if (
    audiences.length === 0 ||
    !audiences.every(isAwsAudience) ||
    bearerRecipients.length === 0 ||
    !bearerRecipients.every(isAwsSignInUrl)
  ) {
    throw new SamlRejection("portal_targeted_assertion", "the assertion is not addressed to AWS");
  }
  const restrictions = conditions
    ? childElements(conditions, NS.assertion, "AudienceRestriction")
    : [];
  const only =
    restrictions.length === 1 && restrictions[0]
      ? childElements(restrictions[0], NS.assertion, "Audience")
      : [];
  if (only.length !== 1 || !only[0] || trimmedText(only[0]) !== expect.audience) {
    throw new SamlRejection(
      "audience_mismatch",
      `expected one AudienceRestriction with the one Audience ${expect.audience}; found ${audiences.length} audience(s)`,
    );
  }
}

function readAttributes(assertion: Element): Record<string, string[]> {
  // A Map, then fromEntries: an attribute named "__proto__" stays an ordinary key.
  const attributes = new Map<string, string[]>();
  for (const statement of childElements(assertion, NS.assertion, "AttributeStatement")) {
    for (const attribute of childElements(statement, NS.assertion, "Attribute")) {
      const name = attributeOrNull(attribute, "Name") ?? "";
      const values = childElements(attribute, NS.assertion, "AttributeValue").map(trimmedText);
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }
  return Object.fromEntries(attributes);
}

/**
 * Checks the signed assertion against the expectation and the clock and returns its values.
 * @throws SamlRejection `issuer_mismatch`, `aws_targeted_assertion`, `portal_targeted_assertion`,
 *   `audience_mismatch`, `destination_mismatch`, `subject_confirmation`, `recipient_mismatch`,
 *   `not_yet_valid`, `expired`, `too_old`, `missing_name_id`, `malformed_xml` (bad dateTime).
 */
export function readSignedAssertion(
  signed: Element,
  responseView: { element: Element; isSigned: boolean },
  opts: { issuer: string; expect: AudienceExpectation; time: TimeRules },
): VerifiedAssertion {
  const { expect } = opts;
  const response = responseView.element;
  const issuer = one(signed, "Issuer", "issuer_mismatch");
  if (!issuer || trimmedText(issuer) !== opts.issuer) {
    throw new SamlRejection(
      "issuer_mismatch",
      "the signed assertion's Issuer is not the configured IdP",
    );
  }
  const conditions = one(signed, "Conditions", "audience_mismatch");
  const subject = one(signed, "Subject", "subject_confirmation");
  const confirmations = subject ? childElements(subject, NS.assertion, "SubjectConfirmation") : [];
  const bearers = confirmations.filter((c) => attributeOrNull(c, "Method") === CM_BEARER);
  const bearerData = bearers.map((c) => one(c, "SubjectConfirmationData", "subject_confirmation"));
  const bearerRecipients = bearerData.map(
    (d) => (d ? attributeOrNull(d, "Recipient") : null) ?? "",
  );
  const destination = attributeOrNull(response, "Destination");

  checkAudienceAndTarget(conditions, destination, bearerRecipients, expect);
  if (destination === null || !expect.recipients.includes(destination)) {
    throw new SamlRejection(
      "destination_mismatch",
      `Destination ${destination === null ? "missing" : destination.slice(0, 200)}`,
    );
  }
  const data = bearerData.length === 1 ? bearerData[0] : null;
  if (!data) {
    throw new SamlRejection(
      "subject_confirmation",
      `expected one bearer SubjectConfirmation with data, found ${bearers.length}`,
    );
  }
  const recipient = attributeOrNull(data, "Recipient");
  if (recipient === null || !expect.recipients.includes(recipient)) {
    throw new SamlRejection(
      "recipient_mismatch",
      `Recipient ${recipient === null ? "missing" : recipient.slice(0, 200)}`,
    );
  }
  const confirmationExpiry = parseSamlInstant(
    attributeOrNull(data, "NotOnOrAfter"),
    "SubjectConfirmationData NotOnOrAfter",
  );
  if (!confirmationExpiry) {
    throw new SamlRejection(
      "subject_confirmation",
      "the bearer SubjectConfirmationData has no NotOnOrAfter",
    );
  }
  const conditionsExpiry = conditions
    ? parseSamlInstant(attributeOrNull(conditions, "NotOnOrAfter"), "Conditions NotOnOrAfter")
    : null;
  const expiries = conditionsExpiry ? [conditionsExpiry, confirmationExpiry] : [confirmationExpiry];
  const assertionIssued = parseSamlInstant(
    attributeOrNull(signed, "IssueInstant"),
    "Assertion IssueInstant",
  );
  const responseIssued = parseSamlInstant(
    attributeOrNull(response, "IssueInstant"),
    "Response IssueInstant",
  );
  if (!assertionIssued || !responseIssued)
    throw new SamlRejection("malformed_xml", "IssueInstant missing");
  const sessionEnds = childElements(signed, NS.assertion, "AuthnStatement")
    .map((s) => parseSamlInstant(attributeOrNull(s, "SessionNotOnOrAfter"), "SessionNotOnOrAfter"))
    .filter((d): d is Date => d !== null)
    .sort((a, b) => a.getTime() - b.getTime());
  const sessionNotOnOrAfter = sessionEnds[0] ?? null;
  checkTimes(opts.time, {
    conditionsNotBefore: conditions
      ? parseSamlInstant(attributeOrNull(conditions, "NotBefore"), "Conditions NotBefore")
      : null,
    confirmationNotBefore: parseSamlInstant(
      attributeOrNull(data, "NotBefore"),
      "SubjectConfirmationData NotBefore",
    ),
    expiries,
    issued: [responseIssued, assertionIssued],
    sessionEnd: sessionNotOnOrAfter,
  });

  const nameIdElement = subject ? one(subject, "NameID", "subject_confirmation") : null;
  const nameId = nameIdElement ? trimmedText(nameIdElement) : "";
  if (!nameIdElement || nameId === "")
    throw new SamlRejection("missing_name_id", "the assertion has no NameID");

  const confirmationInResponseTo = attributeOrNull(data, "InResponseTo");
  const responseInResponseTo = attributeOrNull(response, "InResponseTo");
  // An unsigned Response's InResponseTo is the poster's word, not the IdP's: on its own it must
  // not turn a captured unsolicited assertion into a "solicited" one (the IdP-initiated policy).
  const trustedResponseInResponseTo = responseView.isSigned ? responseInResponseTo : null;
  if (
    confirmationInResponseTo !== null &&
    responseInResponseTo !== null &&
    confirmationInResponseTo !== responseInResponseTo
  ) {
    throw new SamlRejection(
      "subject_confirmation",
      "InResponseTo differs between the Response and SubjectConfirmationData",
    );
  }
  return {
    responseId: attributeOrNull(response, "ID") ?? "",
    assertionId: attributeOrNull(signed, "ID") ?? "",
    issuer: opts.issuer,
    inResponseTo: confirmationInResponseTo ?? trustedResponseInResponseTo,
    nameId,
    nameIdFormat: attributeOrNull(nameIdElement, "Format"),
    attributes: readAttributes(signed),
    issueInstant: assertionIssued,
    notOnOrAfter: new Date(Math.min(...expiries.map((d) => d.getTime()))),
    sessionNotOnOrAfter,
  };
}
