/**
 * RFC 6238 time-based one-time passwords as IAM's virtual MFA devices compute them: HMAC-SHA-1 over
 * the 30-second step counter, dynamically truncated (RFC 4226 §5.3) to 6 digits. The stand-in
 * checks codes with this, and tests and the demo compute codes with it.
 */
import { createHmac } from "node:crypto";

export const TOTP_STEP_SECONDS = 30;
const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * Decodes RFC 4648 base32 (case-insensitive, optional `=` padding), the form authenticator apps
 * and IAM's `Base32StringSeed` use.
 *
 * @throws TypeError on any other character, or on a secret shorter than 80 bits (16 characters):
 *   a malformed device secret is a programming error in the world, not a wrong code.
 */
export function decodeBase32(text: string): Buffer {
  const clean = text.replace(/=+$/, "").toUpperCase();
  if (clean.length < 16) {
    throw new TypeError("TOTP secret must be at least 16 base32 characters (80 bits)");
  }
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32_ALPHABET.indexOf(char);
    if (value === -1) throw new TypeError("TOTP secret is not base32 (A–Z, 2–7)");
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

/** The RFC 6238 step counter at `date`: whole 30-second periods since the Unix epoch. */
export function totpStep(date: Date): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new TypeError("totp: invalid date");
  return Math.floor(ms / 1000 / TOTP_STEP_SECONDS);
}

/** The HOTP value (RFC 4226) of `counter`, as a zero-padded decimal string of `digits` digits. */
export function hotpCode(key: Buffer, counter: number, digits: 6 | 8 = 6): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/**
 * The code an authenticator app shows at `date` for the base32 secret (6 digits unless asked for 8,
 * which RFC 6238's test vectors use).
 *
 * @throws TypeError when the secret is not base32 or the date is invalid.
 */
export function totpCode(secretBase32: string, date: Date, digits: 6 | 8 = 6): string {
  return hotpCode(decodeBase32(secretBase32), totpStep(date), digits);
}

/**
 * The step whose code equals `code`, looking at the current step and `window` steps either side
 * (IAM tolerates one step of drift), or null. Each candidate is compared in constant time.
 *
 * @throws TypeError when the secret is not base32 or the date is invalid.
 */
export function matchTotpStep(
  secretBase32: string,
  code: string,
  now: Date,
  window = 1,
): number | null {
  const key = decodeBase32(secretBase32);
  const current = totpStep(now);
  let matched: number | null = null;
  // Every candidate is computed and compared, so timing does not reveal which step matched.
  for (let step = current - window; step <= current + window; step += 1) {
    if (constantTimeEqual(hotpCode(key, step), code) && matched === null) matched = step;
  }
  return matched;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
