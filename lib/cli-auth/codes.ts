import { createHash, randomBytes, randomInt } from "node:crypto";

/** The one OAuth client of the device grant: the gatehouse CLI, a public client (docs/API.md). */
export const CLI_CLIENT_ID = "gatehouse-cli";

export const DEVICE_CODE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

/**
 * RFC 8628 §6.1: user codes from 20 consonants, so no word can be spelt and nothing looks like a
 * digit; 8 of them are ~34 bits, and the approval page is rate-limited and needs a sign-in.
 */
const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
const USER_CODE_LENGTH = 8;

/** What a CLI token looks like: a prefix secret scanners can find, then 32 random bytes. */
export const CLI_TOKEN_PREFIX = "gh_cli_";
const CLI_TOKEN_PATTERN = /^gh_cli_[A-Za-z0-9_-]{43}$/;

/** A new user code, stored without its dash (BCDFGHJK). */
export function newUserCode(): string {
  let code = "";
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(20)];
  return code;
}

/** How a person reads it: BCDF-GHJK. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * The stored form of what a person typed: case, spaces and any punctuation don't matter (RFC 8628
 * §6.1: a chat app's en dash, a dot or an underscore between the halves); letters and digits are
 * kept, so a wrong one still makes it not a code. Null when it can't be a code (so nothing else
 * reaches the database).
 */
export function normalizeUserCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[^\p{L}\p{N}]/gu, "");
  if (code.length !== USER_CODE_LENGTH) return null;
  for (const ch of code) if (!USER_CODE_ALPHABET.includes(ch)) return null;
  return code;
}

/** A new device code: a bearer secret the CLI holds while it polls. */
export function newDeviceCode(): string {
  return randomBytes(32).toString("base64url");
}

export function newCliToken(): string {
  return `${CLI_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function isCliTokenShaped(value: string): boolean {
  return CLI_TOKEN_PATTERN.test(value);
}

/** Device codes and tokens are stored as their SHA-256 only: a database copy issues nothing. */
export function secretHash(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}
