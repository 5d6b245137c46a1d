/**
 * Shared shapes of Gatehouse's SAML service provider. The verifier (verify-response.ts) turns a
 * posted SAMLResponse into a VerifiedAssertion or throws SamlRejection with a stable reason code;
 * the ACS and relay routes decide what to do with it.
 */

/** What the SP knows about one configured IdP (from the database, never from the message). */
export interface TrustedIdp {
  /** The IdP's entityID: must equal the Response and Assertion Issuer. */
  entityId: string;
  /** PEM or bare base64 X.509 certificates; any one may verify (certificate rollover). */
  signingCertificates: string[];
  /** Whether the Response element itself must also be signed (the Assertion always must). */
  requireSignedResponse: boolean;
}

/** Who the assertion must be addressed to. */
export interface AudienceExpectation {
  /** Exactly one Audience, equal to this (the portal's SP entityID, or urn:amazon:webservices for AWS). */
  audience: string;
  /** Response Destination and SubjectConfirmationData Recipient must equal one of these. */
  recipients: string[];
  /**
   * "portal": an AWS-targeted assertion (audience urn:amazon:webservices or
   * https://signin.aws.amazon.com/saml, or a Recipient on signin.aws.amazon.com) is refused.
   * "aws": a portal-targeted assertion is refused (audience/recipient must be AWS's).
   */
  target: "portal" | "aws";
}

export interface TimeRules {
  now: Date;
  /** Allowed clock skew in seconds for NotBefore / NotOnOrAfter checks (small: default 60). */
  skewSeconds: number;
  /** Maximum age of the Response/Assertion IssueInstant in seconds (default 300). */
  maxAgeSeconds: number;
}

export interface VerifyOptions {
  idp: TrustedIdp;
  expect: AudienceExpectation;
  time: TimeRules;
}

/** Values read ONLY from the signed Assertion. */
export interface VerifiedAssertion {
  responseId: string;
  assertionId: string;
  issuer: string;
  /** InResponseTo from the Response/SubjectConfirmationData, or null when unsolicited. */
  inResponseTo: string | null;
  nameId: string;
  nameIdFormat: string | null;
  /** Attribute name → values (strings), in document order. */
  attributes: Record<string, string[]>;
  issueInstant: Date;
  /** The earliest of Conditions NotOnOrAfter and SubjectConfirmationData NotOnOrAfter. */
  notOnOrAfter: Date;
  /** AuthnStatement SessionNotOnOrAfter, when the IdP sets one. */
  sessionNotOnOrAfter: Date | null;
}

/** Stable reason codes: the audit log records them; the user sees only a generic message. */
export type SamlRejectionReason =
  | "message_too_large"
  | "inflated_too_large"
  | "not_base64"
  | "doctype_or_entity"
  | "too_deeply_nested"
  | "comment_in_message"
  | "malformed_xml"
  | "schema_invalid"
  | "unexpected_root"
  | "assertion_count"
  | "encrypted_assertion_unsupported"
  | "insecure_key_transport"
  | "status_not_success"
  | "issuer_mismatch"
  | "assertion_unsigned"
  | "response_unsigned"
  | "signature_invalid"
  | "signature_reference"
  | "weak_algorithm"
  | "duplicate_id"
  | "audience_mismatch"
  | "destination_mismatch"
  | "recipient_mismatch"
  | "aws_targeted_assertion"
  | "portal_targeted_assertion"
  | "subject_confirmation"
  | "not_yet_valid"
  | "expired"
  | "too_old"
  | "missing_name_id"
  | "transient_name_id"
  | "missing_user_key"
  | "unknown_in_response_to"
  | "reused_in_response_to"
  | "unsolicited_not_allowed"
  | "replayed_assertion"
  | "unknown_idp"
  | "identity_mismatch"
  | "missing_attribute"
  | "invalid_aws_attribute"
  | "role_not_in_assertion"
  | "malformed_binding"
  | "logout_request_unsupported";

export class SamlRejection extends Error {
  constructor(
    readonly reason: SamlRejectionReason,
    /** Detail for the server log and audit log only. Never shown to the user. */
    readonly detail: string = reason,
  ) {
    super(`SAML response rejected: ${reason}`);
    this.name = "SamlRejection";
  }
}
