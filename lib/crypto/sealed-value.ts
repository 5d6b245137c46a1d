import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Authenticated encryption for the few secrets the server holds at rest (docs/INVARIANTS.md
 * invariant 3): AES-256-GCM under a key derived from NEXTAUTH_SECRET with HKDF, one key per
 * `purpose`, and `associatedData` binding each value to the row it belongs to — a sealed value
 * copied into another row, or sealed for another purpose, does not open.
 */
function keyFor(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "gatehouse", purpose, 32));
}

/** `iv.tag.ciphertext`, each base64url. */
export function sealValue(
  secret: string,
  purpose: string,
  plaintext: string,
  associatedData: string,
): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(secret, purpose), iv);
  cipher.setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url")).join(".");
}

/** @throws Error when the value was tampered with or sealed under another key, purpose or row. */
export function openValue(
  secret: string,
  purpose: string,
  sealed: string,
  associatedData: string,
): string {
  const [iv, tag, body] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
  if (!iv || !tag || !body) throw new Error("malformed sealed value");
  const decipher = createDecipheriv("aes-256-gcm", keyFor(secret, purpose), iv);
  decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
}
