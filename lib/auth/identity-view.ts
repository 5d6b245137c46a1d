import type { SignedInUser } from "./portal-session";

/**
 * What the /me page shows of the signed-in identity and its sign-in. Fields are picked one by one,
 * so nothing else of the session (its id, its tags, the IdP's tokens) can reach the page.
 */
export interface IdentityView {
  name: string | null;
  email: string | null;
  emailVerified: boolean;
  method: "OIDC" | "SAML";
  /** The IdP's name when the portal knows it, else its issuer. */
  idpLabel: string;
  issuer: string;
  subject: string;
  /** The groups the IdP sent at this identity's last sign-in: what group rules are matched against. */
  groups: string[];
  /** Whether this sign-in counts as MFA for rules that require it (docs/SECURITY.md). */
  mfaAuthenticated: boolean;
  signedInAt: Date;
  sessionEndsAt: Date;
  /** The RoleSessionName CloudTrail shows for this person's AWS sessions. */
  roleSessionName: string;
  isAdmin: boolean;
  isAuditor: boolean;
}

export function identityViewOf(user: SignedInUser, idpLabel: string): IdentityView {
  return {
    name: user.displayName,
    email: user.email,
    emailVerified: user.emailVerified,
    method: user.method === "saml" ? "SAML" : "OIDC",
    idpLabel,
    issuer: user.issuer,
    subject: user.subject,
    groups: [...user.groups].sort((a, b) => a.localeCompare(b)),
    mfaAuthenticated: user.mfaAuthenticated,
    signedInAt: user.sessionCreatedAt,
    sessionEndsAt: user.sessionExpiresAt,
    roleSessionName: user.roleSessionName,
    isAdmin: user.isAdmin,
    isAuditor: user.isAuditor,
  };
}
