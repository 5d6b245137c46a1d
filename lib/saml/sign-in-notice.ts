import "server-only";
import { SamlRejection, type SamlRejectionReason } from "./types";

/**
 * Refusals the user can't fix by trying again, but an administrator can: the sign-in page says
 * what to ask for (still with no detail of the assertion). Every other refusal is the generic
 * `saml` error (README "SAML security").
 */
const EXPLAINED: Partial<Record<SamlRejectionReason, string>> = {
  transient_name_id: "saml-transient-name-id",
  missing_user_key: "saml-missing-user-key",
};

const NOTICES: Record<string, string> = {
  "saml-transient-name-id":
    "This identity provider sends a one-time identifier for you (a transient NameID), so Gatehouse can't recognise you from one sign-in to the next and didn't sign you in. An administrator must configure a stable user-key attribute for this identity provider in Gatehouse, or have the identity provider send a persistent NameID. Give them this reference:",
  "saml-missing-user-key":
    "This identity provider didn't send the attribute Gatehouse recognises you by, so you weren't signed in. An administrator must check the user-key attribute set for this identity provider. Give them this reference:",
};

/** The `error` the sign-in page gets for a failed SAML sign-in. */
export function samlSignInErrorOf(error: unknown): string {
  return (error instanceof SamlRejection && EXPLAINED[error.reason]) || "saml";
}

/** What the sign-in page says for `error`, when it is one of the explained refusals. */
export function samlSignInNoticeFor(error: unknown): string | undefined {
  return typeof error === "string" && Object.hasOwn(NOTICES, error) ? NOTICES[error] : undefined;
}
