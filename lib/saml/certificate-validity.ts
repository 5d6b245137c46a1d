// How a signing certificate outside its validity dates is described: the same words when an IdP
// is added (certificateWarnings) and on its edit page (components/saml-idp-certificates.tsx), in
// UTC days as the pages write them. Pure, so the client component can use it too.
import { formatUtc } from "@/lib/format-utc";

export interface CertificateValidity {
  notBefore: Date | string;
  notAfter: Date | string;
  isExpired: boolean;
  isNotYetValid: boolean;
}

/**
 * What is wrong with the certificate's dates, as the end of a sentence about it, around the UTC
 * day it concerns (so a page can show that day as a <time>); null while it is valid.
 */
export function validityParts(
  c: CertificateValidity,
): { before: string; day: Date | string; after: string } | null {
  if (c.isExpired)
    return {
      before: "expired on ",
      day: c.notAfter,
      after: ": check that this is the IdP's current metadata.",
    };
  if (c.isNotYetValid)
    return {
      before: "is valid only from ",
      day: c.notBefore,
      after: ": the IdP's next certificate?",
    };
  return null;
}

/** {@link validityParts} as text: "expired on 2026-01-31: check that …". */
export function validityProblem(c: CertificateValidity): string | null {
  const parts = validityParts(c);
  return parts && `${parts.before}${formatUtc(parts.day, "date")}${parts.after}`;
}

export const NONE_VALID_TODAY =
  "None of its signing certificates is valid today: sign-ins will fail if the IdP signs with another key.";

/** Whether every certificate is expired or not yet valid (and there is one). */
export function noneValidToday(certificates: readonly CertificateValidity[]): boolean {
  return certificates.length > 0 && certificates.every((c) => c.isExpired || c.isNotYetValid);
}
