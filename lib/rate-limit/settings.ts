/**
 * What GATEHOUSE_RATE_LIMITS sets (docs/SECURITY.md "Rate limits"): for each limited kind of
 * request, how many are allowed per window, counted per client address (requests nobody is signed
 * in for) or per person (issuance).
 */
export const RATE_LIMITED = {
  /**
   * Starting a sign-in and the IdP's return to the portal (OIDC and SAML), and signing out, per
   * client address.
   */
  signin: { limit: 120, windowSeconds: 60 },
  /** SAML responses to the ACS, the AWS relay and the SLO endpoint, per client address. */
  saml: { limit: 120, windowSeconds: 60 },
  /** Console and CLI credential issuance, per person. */
  issue: { limit: 60, windowSeconds: 60 },
  /** Console and CLI credential issuance, per client address (many people behind one NAT). */
  "issue-address": { limit: 600, windowSeconds: 60 },
  /** The CLI's device sign-in endpoints (code and token polling), per client address. */
  device: { limit: 300, windowSeconds: 60 },
  /**
   * User codes looked up on the CLI approval page (shown or decided), per person: a code is short,
   * so guessing one must take far longer than it lives (RFC 8628 §5.1).
   */
  "device-approval": { limit: 30, windowSeconds: 600 },
  /** Reads of the bearer-token API (/api/v1/me, /api/v1/roles), per person. */
  api: { limit: 600, windowSeconds: 60 },
  /**
   * Refusals of requests nobody is signed in for, per client address and kind: how many each
   * window are written to the audit log one row each, with their reason. Past that, one row at
   * each tenfold count (10, 100, 1,000 …) says how many there have been.
   */
  "audited-refusals": { limit: 5, windowSeconds: 600 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITED;
export type RateLimits = Record<RateLimitName, { limit: number; windowSeconds: number }>;

/**
 * `signin=120/60,issue=30/60`: name=count/seconds pairs overriding the defaults above.
 * @returns the limits, or the problems (every one) for the configuration error.
 */
export function parseRateLimits(
  value: string | undefined,
): { ok: true; limits: RateLimits } | { ok: false; problems: string[] } {
  const limits: RateLimits = { ...RATE_LIMITED };
  const problems: string[] = [];
  for (const entry of (value ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = /^([a-z-]+)=(\d{1,7})\/(\d{1,6})$/.exec(entry);
    if (!m) {
      problems.push(`"${entry}" must be name=count/seconds, e.g. signin=120/60`);
      continue;
    }
    const name = m[1] as RateLimitName;
    if (!(name in RATE_LIMITED)) {
      problems.push(`"${m[1]}" is not a limit (${Object.keys(RATE_LIMITED).join(", ")})`);
      continue;
    }
    const limit = Number(m[2]);
    const windowSeconds = Number(m[3]);
    if (limit < 1 || windowSeconds < 1 || windowSeconds > 86_400) {
      problems.push(`"${entry}": at least 1 request, a window of 1 to 86400 seconds`);
      continue;
    }
    limits[name] = { limit, windowSeconds };
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, limits };
}
