/**
 * A one-time code from an MFA device as a person types or pastes it. Authenticator apps show the six
 * digits in two groups ("123 456"), so spaces anywhere are dropped; what AWS receives is exactly the
 * six digits its TokenCode accepts (README "The broker: credentials, STS endpoints, MFA").
 */
export function mfaCodeDigits(typed: string): string | null {
  const digits = typed.replace(/\s+/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** The HTML `pattern` of a code field accepting what mfaCodeDigits accepts. */
export const MFA_CODE_INPUT_PATTERN = "\\s*(?:[0-9]\\s*){6}";
