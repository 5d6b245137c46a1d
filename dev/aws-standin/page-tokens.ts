/**
 * Pagination tokens (Organizations' NextToken, IAM's Marker) as opaque as AWS's: the position is
 * encrypted with AES-256-GCM under a key the stand-in draws at start, and the operation and its
 * filtering parameters are bound in as associated data. A token that was forged, altered, issued
 * by another stand-in, or is replayed with another operation, account or parameters does not
 * decrypt, and is refused as AWS refuses an invalid token.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PageTokens {
  private readonly key = randomBytes(32);

  /** A token for resuming `operation` (with parameters `scope`) at `position`. */
  issue(operation: string, scope: string, position: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(`${operation}\n${scope}`, "utf8"));
    const sealed = Buffer.concat([cipher.update(position, "utf8"), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url");
  }

  /** The position a token stands for, or undefined when it was not issued for this call. */
  read(token: string, operation: string, scope: string): string | undefined {
    const raw = /^[A-Za-z0-9_-]{1,4096}$/.test(token) ? Buffer.from(token, "base64url") : null;
    if (!raw || raw.length <= IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(`${operation}\n${scope}`, "utf8"));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return plain.toString("utf8");
    } catch {
      return undefined;
    }
  }
}
