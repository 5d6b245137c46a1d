import "server-only";
import type { AppConfig } from "@/lib/config";

/** What the IdP said about how the user authenticated, as stored and audited (never a token). */
export type AuthnContext =
  | { method: "oidc"; amr: string[]; acr: string | null }
  | { method: "saml"; authnContextClassRefs: string[] };

export interface MfaEvidence {
  mfaAuthenticated: boolean;
  authnContext: AuthnContext;
}

// Bounds what an IdP can make us store: RFC 8176 amr values are short tokens.
const MAX_VALUES = 16;
const MAX_VALUE_CHARS = 256;

function boundedStrings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((v): v is string => typeof v === "string" && v !== "" && v.length <= MAX_VALUE_CHARS)
    .slice(0, MAX_VALUES);
}

/**
 * MFA evidence from VERIFIED id_token claims: `amr` (RFC 8176, an array of strings) holding any
 * configured MFA value, or `acr` equal to a configured MFA value. A malformed `amr` (not an array)
 * or `acr` (not a string) counts as no evidence: we never guess in the user's favour.
 */
export function mfaEvidenceFromOidcClaims(
  claims: Record<string, unknown>,
  mfa: Pick<AppConfig["mfa"], "amrValues" | "acrValues">,
): MfaEvidence {
  const amr = boundedStrings(claims.amr);
  const acr =
    typeof claims.acr === "string" && claims.acr !== "" && claims.acr.length <= MAX_VALUE_CHARS
      ? claims.acr
      : null;
  const mfaAuthenticated =
    amr.some((value) => mfa.amrValues.includes(value)) ||
    (acr !== null && mfa.acrValues.includes(acr));
  return { mfaAuthenticated, authnContext: { method: "oidc", amr, acr } };
}

/**
 * MFA evidence from the AuthnContextClassRef(s) of a verified assertion's AuthnStatement: MFA when
 * every statement's class ref is a configured MFA context (an assertion mixing a password-only
 * statement with an MFA one is not taken as MFA).
 */
export function mfaEvidenceFromSamlContext(
  classRefs: readonly string[],
  mfa: Pick<AppConfig["mfa"], "samlAuthnContexts">,
): MfaEvidence {
  const mfaAuthenticated =
    classRefs.length > 0 && classRefs.every((ref) => mfa.samlAuthnContexts.includes(ref));
  const refs = boundedStrings([...classRefs]);
  return { mfaAuthenticated, authnContext: { method: "saml", authnContextClassRefs: refs } };
}
