import "server-only";

import { createHash } from "node:crypto";

/**
 * RoleSessionName and SourceIdentity for a portal user (README.md "Identity carried to AWS").
 *
 * AWS shows the session name in CloudTrail and in the assumed-role ARN, so it should read as the user;
 * it must also never be shared by two users, or their actions become indistinguishable. Readable
 * candidates come first; the last candidate embeds a hash of the user's stable key and is reserved by
 * construction: readable candidates never contain "--" (sanitizing collapses runs of "-"), hashed ones
 * always do, so no user's readable name can squat another user's hashed one.
 */

/** AWS RoleSessionName / SourceIdentity charset and length: [\w+=,.@-]{2,64} */
export const ROLE_SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;

/**
 * Why AWS would refuse this RoleSessionName or SourceIdentity, or null when it takes both: each
 * is 2–64 characters of `[\w+=,.@-]`, and a SourceIdentity may not start with `aws:` (STS API
 * reference, AssumeRole; the pattern already excludes the colon, the prefix is named for the
 * message).
 */
export function sessionIdentityProblem(
  roleSessionName: string,
  sourceIdentity: string,
): string | null {
  for (const [name, value] of [
    ["RoleSessionName", roleSessionName],
    ["SourceIdentity", sourceIdentity],
  ] as const) {
    if (name === "SourceIdentity" && value.toLowerCase().startsWith("aws:"))
      return `the ${name} starts with the reserved prefix "aws:".`;
    if (!ROLE_SESSION_NAME_PATTERN.test(value))
      return `the ${name} is ${value.length} character${value.length === 1 ? "" : "s"}; AWS takes 2 to 64 of letters, digits and _+=,.@- only.`;
  }
  return null;
}

const MAX_LENGTH = 64;
const HASH_LENGTH = 10;
const HASH_SEPARATOR = "--";
const FALLBACK_BASE = "user";

const ALLOWED_CHAR = /^[\w+=,.@-]$/;
/** Whitespace, punctuation and separators become "-" so word boundaries survive; anything else goes. */
const SEPARATOR_CHAR = /^[\s\p{P}\p{Z}]$/u;

/** Letters that NFKD does not decompose into ASCII but that have a customary Latin spelling. */
const TRANSLITERATIONS: Readonly<Record<string, string>> = {
  ß: "ss",
  ẞ: "SS",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ø: "o",
  Ø: "O",
  đ: "d",
  Đ: "D",
  ð: "d",
  Ð: "D",
  ł: "l",
  Ł: "L",
  þ: "th",
  Þ: "Th",
  ı: "i",
};

/**
 * Maps any string onto the RoleSessionName charset: NFKD with diacritics stripped (josé → jose,
 * fullwidth → ASCII), a few transliterations (ß → ss), whitespace and punctuation → "-", other
 * characters (CJK, emoji, controls) dropped, runs of "-" collapsed, "-" trimmed at both ends, at most
 * 64 characters. The result may be shorter than 2 characters (even empty): callers use
 * {@link roleSessionNameCandidates}, which never returns such a name.
 */
export function sanitizeRoleSessionName(raw: string): string {
  let mapped = "";
  for (const char of raw.normalize("NFKD").replace(/\p{M}+/gu, "")) {
    if (ALLOWED_CHAR.test(char)) mapped += char;
    else if (TRANSLITERATIONS[char] !== undefined) mapped += TRANSLITERATIONS[char];
    else if (SEPARATOR_CHAR.test(char)) mapped += "-";
  }
  return trimDashes(trimDashes(mapped.replace(/-{2,}/g, "-")).slice(0, MAX_LENGTH));
}

/**
 * Candidate session names for a user, most readable first; the caller stores the first one no other
 * user has. Every candidate matches {@link ROLE_SESSION_NAME_PATTERN}. The last candidate is always
 * `<readable base>--<hash>` (or `user--<hash>` when neither email nor username yields a name), where the
 * hash is 10 base32 characters (50 bits) of SHA-256(stableKey): distinct users get distinct last
 * candidates, and no readable candidate can ever equal a hashed one.
 *
 * @param user.stableKey the IdP's immutable identity, e.g. `issuer|subject` — never the email alone.
 * @throws TypeError if `stableKey` is empty (a programming error: it would make every user collide).
 */
export function roleSessionNameCandidates(user: {
  email: string | null;
  username: string | null;
  stableKey: string;
}): string[] {
  if (user.stableKey.length === 0) throw new TypeError("stableKey must not be empty");

  const readable: string[] = [];
  // Email first: it is what people recognise in CloudTrail. Lower-cased because mailbox case is not
  // meaningful in practice and IdPs are inconsistent about it.
  for (const raw of [user.email?.trim().toLowerCase(), user.username?.trim()]) {
    if (!raw) continue;
    const name = sanitizeRoleSessionName(raw);
    if (ROLE_SESSION_NAME_PATTERN.test(name) && !readable.includes(name)) readable.push(name);
  }

  const base = readable[0] ?? FALLBACK_BASE;
  const room = MAX_LENGTH - HASH_SEPARATOR.length - HASH_LENGTH;
  const hashed = `${trimDashes(base.slice(0, room))}${HASH_SEPARATOR}${stableKeyHash(user.stableKey)}`;
  return [...readable, hashed];
}

function trimDashes(value: string): string {
  return value.replace(/^-+|-+$/g, "");
}

const BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

/** First 50 bits of SHA-256(stableKey) as 10 lower-case RFC 4648 base32 characters. */
function stableKeyHash(stableKey: string): string {
  const digest = createHash("sha256").update(stableKey, "utf8").digest();
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of digest) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < HASH_LENGTH) {
      out += BASE32_ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === HASH_LENGTH) break;
  }
  return out;
}
