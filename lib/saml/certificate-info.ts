import "server-only";
import { currentTime } from "@/lib/clock";
import { createHash, X509Certificate } from "node:crypto";
import { noneValidToday, NONE_VALID_TODAY, validityProblem } from "./certificate-validity";
import { toPem } from "./idp-metadata";

/** What an admin sees of a signing certificate: never its body, which the page doesn't need. */
export interface CertificateInfo {
  /** SHA-256 of the DER, colon-separated hex (as `openssl x509 -fingerprint -sha256` prints it). */
  fingerprint: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  isExpired: boolean;
  /** Valid only from a later date: an IdP's next certificate, published ahead of a rollover. */
  isNotYetValid: boolean;
}

export function describeCertificate(pem: string, now = currentTime()): CertificateInfo {
  try {
    const cert = new X509Certificate(pem);
    const notAfter = new Date(cert.validTo);
    const notBefore = new Date(cert.validFrom);
    return {
      fingerprint: cert.fingerprint256,
      // One attribute a line, each value escaped as RFC 2253 writes it ("test keys\, not …"):
      // shown to people, so unescaped.
      subject: cert.subject
        .split("\n")
        .map((line) => line.replace(/\\([,+"\\<>;#= ])/g, "$1"))
        .join(", "),
      notBefore,
      notAfter,
      isExpired: notAfter.getTime() < now.getTime(),
      isNotYetValid: notBefore.getTime() > now.getTime(),
    };
  } catch {
    // Stored by an older import or by hand: still listed (by a hash of its text), so it can be removed.
    const digest = createHash("sha256").update(pem).digest("hex").slice(0, 32);
    return {
      fingerprint: `unreadable:${digest}`,
      subject: "(not a readable certificate)",
      notBefore: now,
      notAfter: now,
      isExpired: true,
      isNotYetValid: false,
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

/**
 * What an admin adding an IdP should know about its metadata's certificates. Signatures verify
 * whatever the validity dates (as IdPs and SPs commonly do), so these are warnings, not refusals:
 * an expired one usually means stale metadata, whose IdP now signs with another key.
 */
export function certificateWarnings(pems: string[], now = currentTime()): string[] {
  const infos = pems.map((pem) => describeCertificate(pem, now));
  const warnings = infos.flatMap((c) => {
    const problem = validityProblem(c);
    return problem
      ? [`The signing certificate ${c.subject} (SHA-256 ${c.fingerprint.slice(0, 11)}…) ${problem}`]
      : [];
  });
  if (noneValidToday(infos)) warnings.push(NONE_VALID_TODAY);
  return warnings;
}
