import "server-only";
import type { Tag } from "@aws-sdk/client-sts";
import { AppError } from "@/lib/errors";

/** AWS's session tag limits (README.md "Identity carried to AWS"; STS AssumeRole `Tags`). */
export const MAX_SESSION_TAGS = 50;
export const MAX_TAG_KEY_CHARS = 128;
export const MAX_TAG_VALUE_CHARS = 256;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export interface SessionTagMapping {
  tagKey: string;
  claim: string;
}

/**
 * The session tags a sign-in carries, from the IdP's claims (OIDC id_token) or attributes (SAML,
 * each a list of values). Strings are taken as they are, numbers and booleans as their text, a
 * one-element list as its element; a missing claim (or an empty list) leaves the tag out. Anything
 * else (several values, objects, null) leaves the tag out and is reported in `problems` (for the
 * audit log: the claim's name and why, never its value). Limits are checked at issuance by
 * validateSessionTags, so a bad value fails closed there instead of vanishing here.
 */
export function sessionTagsFromClaims(
  mapping: readonly SessionTagMapping[],
  claims: Record<string, unknown>,
): { tags: Record<string, string>; problems: string[] } {
  const tags: Record<string, string> = {};
  const problems: string[] = [];
  for (const { tagKey, claim } of mapping) {
    if (!Object.hasOwn(claims, claim)) continue;
    let value: unknown = claims[claim];
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      if (value.length > 1) {
        problems.push(
          `claim "${claim}" for tag ${tagKey} has ${value.length} values; a session tag takes one`,
        );
        continue;
      }
      value = value[0];
    }
    if (typeof value === "string") tags[tagKey] = value;
    else if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value)))
      tags[tagKey] = String(value);
    else if (value !== undefined)
      problems.push(
        `claim "${claim}" for tag ${tagKey} is ${value === null ? "null" : typeof value}, not a single value`,
      );
  }
  return { tags, problems };
}

/**
 * Checks session tags against AWS's limits before any STS call: at most 50 tags; keys of 1–128
 * and values of 0–256 characters from letters, digits, spaces and `_.:/=+-@`; no key or value
 * starting with `aws:` (IAM User Guide, "Tagging IAM resources"); no two keys equal ignoring case. Returns them in STS's shape.
 * @throws AppError("validation_error") naming the tag and the limit (never the whole claim set).
 */
export function validateSessionTags(tags: Record<string, string>): Tag[] {
  const entries = Object.entries(tags);
  const refuse = (message: string) =>
    new AppError("validation_error", `Your session tags can't be sent to AWS: ${message}`, {
      internalReason: `session tags: ${message}`,
    });
  if (entries.length > MAX_SESSION_TAGS)
    throw refuse(`there are ${entries.length} tags; AWS allows at most ${MAX_SESSION_TAGS}.`);
  const seen = new Map<string, string>();
  for (const [key, value] of entries) {
    const name = JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
    const keyLength = [...key].length;
    if (keyLength < 1 || keyLength > MAX_TAG_KEY_CHARS)
      throw refuse(`tag key ${name} is ${keyLength} characters; AWS allows 1 to 128.`);
    if (!TAG_CHARS.test(key))
      throw refuse(
        `tag key ${name} has characters AWS does not allow (letters, digits, spaces and _.:/=+-@ only).`,
      );
    if (key.toLowerCase().startsWith("aws:"))
      throw refuse(`tag key ${name} uses the reserved prefix "aws:".`);
    if (typeof value !== "string") throw refuse(`tag ${name} has no text value.`);
    const valueLength = [...value].length;
    if (valueLength > MAX_TAG_VALUE_CHARS)
      throw refuse(
        `the value of tag ${name} is ${valueLength} characters; AWS allows at most 256.`,
      );
    if (!TAG_CHARS.test(value))
      throw refuse(
        `the value of tag ${name} has characters AWS does not allow (letters, digits, spaces and _.:/=+-@ only).`,
      );
    if (value.toLowerCase().startsWith("aws:"))
      throw refuse(`the value of tag ${name} uses the reserved prefix "aws:".`);
    const folded = key.toLowerCase();
    const other = seen.get(folded);
    if (other !== undefined)
      throw refuse(
        `tag keys ${JSON.stringify(other)} and ${name} differ only in case; AWS treats them as the same key.`,
      );
    seen.set(folded, key);
  }
  return entries.map(([Key, Value]) => ({ Key, Value }));
}

/** A stored tag object (PortalSession.sessionTagsJson), or {} when it is not one. */
export function parseSessionTagsJson(json: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
  } catch {
    return {};
  }
}
