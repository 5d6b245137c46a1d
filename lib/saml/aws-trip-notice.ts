import "server-only";
import { SamlRejection, type SamlRejectionReason } from "./types";

/**
 * What the accounts page says after a refused trip through the IdP's AWS app
 * (docs/SAML-IDENTITY.md, "Roles reached through the AWS app"). Refusals the user can act on name
 * what went wrong and what to do; the rest (signatures, audiences, malformed messages: an
 * administrator's matter, and no help to someone probing the relay) keep the generic notice.
 */
const EXPLAINED: Partial<Record<SamlRejectionReason, string>> = {
  replayed_assertion: "saml-aws-replayed",
  unknown_in_response_to: "saml-aws-ticket-spent",
  expired: "saml-aws-expired",
  too_old: "saml-aws-expired",
  identity_mismatch: "saml-aws-other-identity",
  missing_attribute: "saml-aws-no-roles",
  invalid_aws_attribute: "saml-aws-bad-attribute",
  role_not_in_assertion: "saml-aws-role-not-listed",
};

export const AWS_TRIP_NOTICES: Record<string, string> = {
  "saml-failed":
    "Your identity provider's AWS sign-in could not be accepted. Try again; if it keeps failing, give your administrator the request id.",
  "saml-aws-replayed":
    "This AWS sign-in from your identity provider was already used, and each one works once. Ask for the console or CLI credentials again to get a new one.",
  "saml-aws-ticket-spent":
    "This link back from your identity provider's AWS sign-in was already used or has expired (it works once, for two minutes). Ask for the console or CLI credentials again to start a new one.",
  "saml-aws-expired":
    "Your identity provider's AWS sign-in expired before it reached Gatehouse. Ask for the console or CLI credentials again to start a new one; if it keeps happening, give your administrator the request id (the identity provider's clock may be wrong).",
  "saml-aws-other-identity":
    "Your identity provider's AWS sign-in was for a different person than the one signed in to Gatehouse, so it wasn't used. Sign in to both as the same person, then ask again.",
  "saml-aws-bad-attribute":
    "Your identity provider's AWS sign-in carries an AWS attribute (RoleSessionName, SessionDuration, SourceIdentity or a session tag) that AWS refuses, so it wasn't used. An administrator must fix it in the identity provider's AWS app; give them the request id.",
  "saml-aws-role-not-listed":
    "Your identity provider's AWS sign-in does not list the role you asked for, so Gatehouse can't use it for that role. An administrator must assign you that role in the identity provider's AWS app (or correct the role's SAML provider in Gatehouse); give them the request id.",
  "saml-aws-no-roles":
    "Your identity provider's AWS sign-in lists no AWS role Gatehouse can use. An administrator must assign you roles in the identity provider's AWS app; give them the request id.",
};

/** The accounts page notice for a refused relay post or claim. */
export function awsTripNoticeOf(error: unknown): string {
  return (error instanceof SamlRejection && EXPLAINED[error.reason]) || "saml-failed";
}
