import "server-only";
import { currentTime } from "@/lib/clock";
import { createHash, X509Certificate } from "node:crypto";
import { toPem } from "./idp-metadata";

/** What an admin sees of a signing certificate: never its body, which the page doesn't need. */
export interface CertificateInfo {
  /** SHA-256 of the DER, colon-separated hex (as `openssl x509 -fingerprint -sha256` prints it). */
  fingerprint: string;
  subject: string;
  notAfter: Date;
  isExpired: boolean;
}

export function describeCertificate(pem: string, now = currentTime()): CertificateInfo {
  try {
    const cert = new X509Certificate(pem);
    const notAfter = new Date(cert.validTo);
    return {
      fingerprint: cert.fingerprint256,
      // One attribute a line, each value escaped as RFC 2253 writes it ("test keys\, not …"):
      // shown to people, so unescaped.
      subject: cert.subject
        .split("\n")
        .map((line) => line.replace(/\\([,+"\\<>;#= ])/g, "$1"))
        .join(", "),
      notAfter,
      isExpired: notAfter.getTime() < now.getTime(),
    };
  } catch {
    // Stored by an older import or by hand: still listed (by a hash of its text), so it can be removed.
    const digest = createHash("sha256").update(pem).digest("hex").slice(0, 32);
    return {
      fingerprint: `unreadable:${digest}`,
      subject: "(not a readable certificate)",
      notAfter: now,
      isExpired: true,
    };
  }
}

export function certificatesOf(certificatesJson: string): string[] {
  try {
    const parsed: unknown = JSON.parse(certificatesJson);
    return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === "string") : [];
  } catch {
    return [];
  }
}

/** The fingerprints of stored certificates: what audit records name instead of the bodies. */
export function fingerprintsOf(certificatesJson: string): string[] {
  return certificatesOf(certificatesJson).map((pem) => describeCertificate(pem).fingerprint);
}

/**
 * A pasted certificate as PEM: one PEM block, or its bare base64 body. Null when it isn't exactly
 * one X.509 certificate (a private key, a chain, garbage).
 */
export function parsePastedCertificate(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 16 * 1024) return null;
  const blocks = trimmed.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (blocks && blocks.length !== 1) return null;
  if (!blocks && trimmed.includes("-----")) return null;
  const body = (blocks?.[0] ?? trimmed)
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, "")
    .replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  const pem = toPem(body);
  try {
    new X509Certificate(pem);
    return pem;
  } catch {
    return null;
  }
}
