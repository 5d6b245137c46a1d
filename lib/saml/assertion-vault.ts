import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { openValue, sealValue } from "@/lib/crypto/sealed-value";

/**
 * Encrypts held SAML responses at rest (AES-256-GCM, key derived from NEXTAUTH_SECRET with HKDF),
 * so a database dump doesn't hand out assertions that mint AWS credentials (invariant 3).
 */
const PURPOSE = "saml-aws-assertion-v1";

export function sealAssertion(secret: string, plaintext: string, associatedData: string): string {
  return sealValue(secret, PURPOSE, plaintext, associatedData);
}

/** @throws Error when the ciphertext was tampered with or sealed under another key or context. */
export function openAssertion(secret: string, sealed: string, associatedData: string): string {
  return openValue(secret, PURPOSE, sealed, associatedData);
}

export function hashTicket(ticket: string): string {
  return createHash("sha256").update(ticket).digest("base64url");
}

export function newTicket(): string {
  return randomBytes(32).toString("base64url");
}
