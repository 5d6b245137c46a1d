import "server-only";
import { z } from "zod";
import { noControlChars } from "./admin-result";

/**
 * The one set of rules for a SAML IdP's fields: adding it (metadata XML, metadata URL, the fields
 * typed beside them, `saml:import`), editing it and refreshing it from its metadata all apply
 * these, so nothing can be added that its edit form would refuse (docs/SAML-IDENTITY.md "One set
 * of field rules"). Values read from metadata pass the same rules as typed ones.
 */

const NO_SPACES = /^\S*$/;
// Control characters and bidi marks: the display name is on the public sign-in page (where they
// could make it read as another IdP's), and PostgreSQL can't store a NUL at all.
export const PLAIN_TEXT = "Use plain text: no control characters or invisible direction marks.";

export const displayName = z
  .string()
  .trim()
  .min(1, "Give the name shown on the sign-in page.")
  .max(80, "Keep the name under 80 characters.")
  .refine(noControlChars, PLAIN_TEXT);

export const entityId = z
  .string()
  .trim()
  .min(1, "Give the IdP's entity ID (its metadata's entityID).")
  .max(1024, "Keep the entity ID under 1024 characters.")
  .regex(NO_SPACES, "An entity ID has no spaces.")
  .refine(noControlChars, PLAIN_TEXT);

export const attributeName = (what: string) =>
  z
    .string()
    .trim()
    .max(256, `Keep the ${what} under 256 characters.`)
    .regex(NO_SPACES, `An attribute name has no spaces.`)
    .refine(noControlChars, PLAIN_TEXT);

export const groupsAttribute = attributeName("groups attribute").min(
  1,
  "Give the attribute carrying groups, e.g. groups.",
);

export const httpUrl = z
  .string()
  .trim()
  .max(2048, "Keep the URL under 2048 characters.")
  .regex(/^https?:\/\/\S+$/, "Give an http(s) URL.")
  .refine(noControlChars, PLAIN_TEXT);

// Fetched by the server: https only, http just for a local IdP (fetchIdpMetadata's rule).
export const metadataUrl = httpUrl.regex(
  /^(https:\/\/|http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/])/,
  "The metadata URL must use https.",
);

/** What the portal takes from an IdP's metadata (lib/saml/idp-metadata.ts). */
export interface MetadataValues {
  entityId: string;
  ssoUrl: string;
  sloUrl: string | null;
}

const FROM_METADATA: Array<[keyof MetadataValues, string, z.ZodType<string>]> = [
  ["entityId", "entity ID (entityID)", entityId],
  ["ssoUrl", "single sign-on URL (SingleSignOnService Location)", httpUrl],
  ["sloUrl", "single logout URL (SingleLogoutService Location)", httpUrl],
];

/**
 * The metadata's values as the edit form would store them, or why they can't be: each refusal
 * names the field, says it came from the metadata, and gives the rule the edit form would give.
 */
export function checkMetadataValues(
  read: MetadataValues,
): { ok: true; values: MetadataValues } | { ok: false; problems: string[] } {
  const values: MetadataValues = { ...read };
  const problems: string[] = [];
  for (const [field, label, rule] of FROM_METADATA) {
    const value = read[field];
    if (value === null) continue;
    const parsed = rule.safeParse(value);
    if (parsed.success) values[field] = parsed.data;
    else
      problems.push(
        `The ${label} read from the metadata is refused: ${parsed.error.issues.map((i) => i.message).join(" ")}`,
      );
  }
  return problems.length === 0 ? { ok: true, values } : { ok: false, problems };
}
