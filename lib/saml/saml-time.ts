import "server-only";
import { SamlRejection, type TimeRules } from "./types";

/** SAML instants and the validity windows built from them (docs/INVARIANTS.md invariant 6: the clock is passed in). */

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * An xs:dateTime as SAML uses it (UTC; SAML core §1.3.3 says no time zone, IdPs send "Z").
 * Fractions beyond milliseconds (ADFS and Entra send 7 digits) are truncated.
 */
export function parseSamlInstant(value: string | null, what: string): Date | null {
  if (value === null) return null;
  const match = DATE_TIME.exec(value);
  const date = match
    ? new Date(`${match[1]}.${(match[2] ?? "").padEnd(3, "0").slice(0, 3)}${match[3] ?? "Z"}`)
    : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new SamlRejection("malformed_xml", `${what} is not a valid dateTime`);
  }
  return date;
}

/** Conditions, SubjectConfirmationData and IssueInstant windows, each widened by the skew. */
export function checkTimes(
  t: TimeRules,
  instants: {
    conditionsNotBefore: Date | null;
    confirmationNotBefore: Date | null;
    expiries: Date[];
    issued: Date[];
    sessionEnd: Date | null;
  },
): void {
  const now = t.now.getTime();
  const skew = t.skewSeconds * 1000;
  for (const notBefore of [instants.conditionsNotBefore, instants.confirmationNotBefore]) {
    if (notBefore && now + skew < notBefore.getTime()) {
      throw new SamlRejection("not_yet_valid", `not valid before ${notBefore.toISOString()}`);
    }
  }
  for (const notOnOrAfter of [
    ...instants.expiries,
    ...(instants.sessionEnd ? [instants.sessionEnd] : []),
  ]) {
    if (now - skew >= notOnOrAfter.getTime()) {
      throw new SamlRejection("expired", `expired at ${notOnOrAfter.toISOString()}`);
    }
  }
  for (const issued of instants.issued) {
    if (issued.getTime() - now > skew) {
      throw new SamlRejection("not_yet_valid", `issued in the future (${issued.toISOString()})`);
    }
    if (now - issued.getTime() > t.maxAgeSeconds * 1000 + skew) {
      throw new SamlRejection("too_old", `issued at ${issued.toISOString()}`);
    }
  }
}
