import "server-only";

/**
 * Which SAML values make a user's key, email and display name (docs/SAML-IDENTITY.md). IdPs name
 * the same attribute differently (Okta `email`, SimpleSAMLphp `mail` or OIDs, AD FS and Entra ID
 * claim URIs): the IdP's configured attribute is tried first, then the common names.
 */

export const NAME_ID_FORMAT = {
  transient: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
  persistent: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
  emailAddress: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
  unspecified: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
} as const;

export const EMAIL_ATTRIBUTE_FALLBACKS = [
  "email",
  "mail",
  "emailaddress",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
  "urn:oid:0.9.2342.19200300.100.1.3",
] as const;

export const DISPLAY_NAME_ATTRIBUTE_FALLBACKS = [
  "displayName",
  "name",
  "http://schemas.microsoft.com/identity/claims/displayname",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
  "urn:oid:2.16.840.1.113730.3.1.241",
] as const;

/** Joined as "given surname" when no display-name attribute has a value. */
export const GIVEN_NAME_ATTRIBUTES = [
  "givenName",
  "urn:oid:2.5.4.42",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
] as const;
export const SURNAME_ATTRIBUTES = [
  "sn",
  "surname",
  "urn:oid:2.5.4.4",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
] as const;

export const MAX_EMAIL_LENGTH = 320;
export const MAX_DISPLAY_NAME_LENGTH = 200;

// One address, no spaces, quotes, angle brackets or control characters, and a dot in the domain:
// enough to refuse a NameID, a DN or a display name sent where an email was expected.
const EMAIL = /^[^\s@<>()[\]",;:\\]{1,64}@[^\s@<>()[\]",;:\\]+\.[^\s@<>()[\]",;:\\.]+$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

export function isEmailShaped(value: string): boolean {
  return (
    value.length <= MAX_EMAIL_LENGTH && EMAIL.test(value) && !/[\u0000-\u001f\u007f]/.test(value)
  );
}

type Attributes = Readonly<Record<string, readonly string[]>>;

/**
 * The values of attribute `name`: the exact name first, then (for the fallbacks, whose case
 * varies between IdPs: `emailAddress`, `Mail`) any name equal ignoring case.
 */
function valuesOf(attributes: Attributes, name: string): readonly string[] {
  const exact = attributes[name];
  if (exact) return exact;
  const lower = name.toLowerCase();
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === lower);
  return key === undefined ? [] : (attributes[key] ?? []);
}

/** Trimmed, control characters dropped, inner runs of whitespace as one space; "" if nothing is left. */
function tidy(value: string): string {
  return value.replace(CONTROL_CHARS, " ").replace(/\s+/g, " ").trim();
}

function firstValue(attributes: Attributes, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = valuesOf(attributes, name)
      .map(tidy)
      .find((v) => v !== "");
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The configured name (if any) before the fallbacks, once each. */
function candidates(configured: string | null, fallbacks: readonly string[]): string[] {
  return [...new Set([...(configured ? [configured] : []), ...fallbacks])];
}

/**
 * The user's email: the first value shaped like one address among the configured attribute and
 * the common email attributes, else the NameID when its Format says it is an email (emailAddress,
 * or unspecified as IdPs that put the email there send it). A value that is not an address is
 * never stored as the email; null when there is none.
 */
export function pickEmail(
  attributes: Attributes,
  nameId: { value: string; format: string | null },
  configured: string | null,
): string | null {
  for (const name of candidates(configured, EMAIL_ATTRIBUTE_FALLBACKS)) {
    const found = valuesOf(attributes, name)
      .map(tidy)
      .find((v) => isEmailShaped(v));
    if (found !== undefined) return found;
  }
  const format = nameId.format ?? NAME_ID_FORMAT.unspecified;
  const value = nameId.value.trim();
  if (
    (format === NAME_ID_FORMAT.emailAddress || format === NAME_ID_FORMAT.unspecified) &&
    isEmailShaped(value)
  )
    return value;
  return null;
}

/**
 * The user's display name: the configured attribute, then the common display-name attributes,
 * then given name and surname joined. Tidied (control characters and runs of spaces) and cut to
 * MAX_DISPLAY_NAME_LENGTH; null when none has a value.
 */
export function pickDisplayName(attributes: Attributes, configured: string | null): string | null {
  const named = firstValue(attributes, candidates(configured, DISPLAY_NAME_ATTRIBUTE_FALLBACKS));
  const joined = [
    firstValue(attributes, GIVEN_NAME_ATTRIBUTES),
    firstValue(attributes, SURNAME_ATTRIBUTES),
  ]
    .filter((part) => part !== undefined)
    .join(" ");
  const value = named ?? joined;
  return value === "" ? null : [...value].slice(0, MAX_DISPLAY_NAME_LENGTH).join("");
}

/**
 * Why an IdP can't be used as configured, or null: when its metadata offers only transient
 * NameIDs (a new random value at every sign-in) and no user-key attribute is set, every sign-in
 * would make a new user. Metadata that lists no NameIDFormat says nothing, and passes.
 */
export function transientOnlyProblem(
  nameIdFormats: readonly string[],
  userKeyAttribute: string | null | undefined,
): string | null {
  if (userKeyAttribute) return null;
  if (nameIdFormats.length === 0) return null;
  if (!nameIdFormats.every((f) => f === NAME_ID_FORMAT.transient)) return null;
  return TRANSIENT_ONLY_MESSAGE;
}

export const TRANSIENT_ONLY_MESSAGE =
  "This IdP's metadata offers only transient NameIDs (a new random value at every sign-in), so every sign-in would create a new user. Set a stable user-key attribute (for example uid or urn:oid:0.9.2342.19200300.100.1.1), or configure the IdP to send a persistent or email NameID.";
