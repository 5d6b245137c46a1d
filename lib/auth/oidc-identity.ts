import "server-only";
import type { AssertedIdentity } from "@/lib/users/upsert-signed-in-user";

/** Why an IdP's claims could not become a portal identity (for the audit log, never the user). */
export class IdentityClaimsError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "IdentityClaimsError";
  }
}

const MAX_GROUPS = 500;
const MAX_GROUP_LENGTH = 256;

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * Turns verified id_token claims into the identity the portal keys users by: (issuer, subject).
 * The issuer must be the configured one; the groups claim must be absent (no groups) or an array
 * of reasonable strings — anything else is refused rather than guessed at.
 * @throws IdentityClaimsError with the specific reason.
 */
export function identityFromOidcClaims(
  claims: Record<string, unknown>,
  opts: { issuer: string; groupsClaim: string },
): AssertedIdentity {
  const { iss, sub, email, name, preferred_username: username } = claims;
  if (typeof iss !== "string" || stripTrailingSlash(iss) !== stripTrailingSlash(opts.issuer)) {
    throw new IdentityClaimsError(`unexpected issuer ${JSON.stringify(iss)}`);
  }
  if (typeof sub !== "string" || sub.length === 0 || sub.length > 255) {
    throw new IdentityClaimsError("missing or malformed sub claim");
  }
  const rawGroups = claims[opts.groupsClaim];
  let groups: string[] = [];
  if (rawGroups !== undefined && rawGroups !== null) {
    if (!Array.isArray(rawGroups) || !rawGroups.every((g) => typeof g === "string")) {
      throw new IdentityClaimsError(`claim "${opts.groupsClaim}" is not an array of strings`);
    }
    if (
      rawGroups.length > MAX_GROUPS ||
      rawGroups.some((g) => g.length === 0 || g.length > MAX_GROUP_LENGTH)
    ) {
      throw new IdentityClaimsError(`claim "${opts.groupsClaim}" has too many or malformed groups`);
    }
    groups = [...new Set<string>(rawGroups)].sort();
  }
  const displayName =
    typeof name === "string" && name !== "" ? name : typeof username === "string" ? username : null;
  return {
    issuer: stripTrailingSlash(iss),
    subject: sub,
    email: typeof email === "string" && email.length <= 320 ? email : null,
    displayName: displayName ? displayName.slice(0, 200) : null,
    groups,
    // Only an explicit true counts: a missing claim is not the IdP vouching for the address.
    emailVerified: claims.email_verified === true,
  };
}
