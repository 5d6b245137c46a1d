import "server-only";
import { randomBytes } from "node:crypto";
import { sealValue } from "@/lib/crypto/sealed-value";
import type { Db } from "@/lib/db/client";
import { parseSessionTagsJson } from "@/lib/aws/session-tags";
import { parseGroupsJson, type IdentityRow } from "@/lib/users/upsert-signed-in-user";
import type { AuthnContext } from "./mfa-evidence";

/** The signed-in user as every handler sees it, after the server-side session check. */
export interface SignedInUser {
  /** The identity that signed in (one subject at one IdP). */
  id: string;
  /** The person it belongs to: user rules, favorites and recents are theirs (docs/SECURITY.md "People"). */
  personId: string;
  sessionId: string;
  issuer: string;
  subject: string;
  email: string | null;
  /** Whether the IdP vouched for the email: only then does the email name this person. */
  emailVerified: boolean;
  displayName: string | null;
  groups: string[];
  isAdmin: boolean;
  /** May read and export the audit log: admins, and members of GATEHOUSE_AUDITOR_GROUP. */
  isAuditor: boolean;
  roleSessionName: string;
  sessionExpiresAt: Date;
  /** How this portal session was signed in. */
  method: "oidc" | "saml";
  /** When this portal session was signed in (a step-up makes a new session). */
  sessionCreatedAt: Date;
  /** Whether this sign-in carried multi-factor evidence (access rules may require it). */
  mfaAuthenticated: boolean;
  /** Session tags computed at sign-in from the IdP's claims; validated again at issuance. */
  sessionTags: Record<string, string>;
}

const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** What the IdP leg of signing out needs, kept with the session row (docs/SINGLE-LOGOUT.md). */
export type SingleLogoutHandle =
  | {
      method: "oidc";
      /** The sign-in's id_token: sealed here, it leaves the server only as the id_token_hint. */
      idToken: string;
      /** NEXTAUTH_SECRET, from which the sealing key is derived. */
      sealSecret: string;
    }
  | {
      method: "saml";
      idpId: string;
      /** The signed assertion's NameID as the IdP wrote it: a LogoutRequest must repeat it. */
      nameId: string;
      nameIdFormat: string | null;
      nameQualifier: string | null;
      spNameQualifier: string | null;
      sessionIndex: string | null;
    };

/** HKDF purpose of the sealed id_token; the session id is the associated data. */
export const ID_TOKEN_SEAL_PURPOSE = "oidc-id-token-hint-v1";

/** Opens a server-side session; the browser's cookie carries only its random id. */
export async function createPortalSession(
  db: Pick<Db, "portalSession">,
  userId: string,
  opts: {
    now: Date;
    maxAgeSeconds: number;
    method?: "oidc" | "saml";
    notAfter?: Date | null;
    mfaAuthenticated?: boolean;
    authnContext?: AuthnContext;
    sessionTags?: Record<string, string>;
    singleLogout?: SingleLogoutHandle | null;
  },
): Promise<{ id: string; expiresAt: Date }> {
  const id = randomBytes(32).toString("base64url");
  const handle = opts.singleLogout ?? null;
  const cap = new Date(opts.now.getTime() + opts.maxAgeSeconds * 1000);
  // The session never outlives the portal's cap nor what the IdP allowed (SessionNotOnOrAfter).
  const expiresAt = opts.notAfter && opts.notAfter < cap ? opts.notAfter : cap;
  await db.portalSession.create({
    data: {
      id,
      userId,
      expiresAt,
      createdAt: opts.now,
      method: opts.method ?? "oidc",
      mfaAuthenticated: opts.mfaAuthenticated ?? false,
      authnContextJson: JSON.stringify(opts.authnContext ?? {}),
      sessionTagsJson: JSON.stringify(opts.sessionTags ?? {}),
      ...(handle?.method === "oidc"
        ? {
            oidcIdTokenSealed: sealValue(
              handle.sealSecret,
              ID_TOKEN_SEAL_PURPOSE,
              handle.idToken,
              id,
            ),
          }
        : {}),
      ...(handle?.method === "saml"
        ? {
            samlIdpId: handle.idpId,
            samlNameId: handle.nameId,
            samlNameIdFormat: handle.nameIdFormat,
            samlNameQualifier: handle.nameQualifier,
            samlSpNameQualifier: handle.spNameQualifier,
            samlSessionIndex: handle.sessionIndex,
          }
        : {}),
    },
  });
  return { id, expiresAt };
}

/**
 * The user behind a session id, or null when the session is unknown, expired or revoked. Admin
 * and auditor status are recomputed from the user's asserted groups on every request, so changing
 * either group takes effect at once — and they count only when the IdP that asserted them is
 * trusted for them (docs/SECURITY.md "Trust per IdP"): the OIDC IdP of the configuration unless
 * told otherwise, a SAML IdP only once an admin marked it.
 */
export async function findActiveSessionUser(
  db: Db,
  sessionId: unknown,
  opts: PrivilegeSettings & { now: Date },
): Promise<SignedInUser | null> {
  if (typeof sessionId !== "string" || !SESSION_ID_PATTERN.test(sessionId)) return null;
  const [row] = await db.$queryRaw<SessionUserRow[]>`
    SELECT s."id", s."expiresAt", s."createdAt", s."revokedAt", s."method",
           s."mfaAuthenticated", s."sessionTagsJson",
           u."id" AS "userId", u."personId", u."issuer", u."subject", u."email",
           u."emailVerified", u."displayName", u."groupsJson", u."roleSessionName"
    FROM "PortalSession" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."id" = ${sessionId}`;
  if (!row || row.revokedAt !== null || row.expiresAt <= opts.now) return null;
  return signedInUserOf(
    db,
    {
      id: row.userId,
      personId: row.personId,
      issuer: row.issuer,
      subject: row.subject,
      email: row.email,
      emailVerified: row.emailVerified,
      displayName: row.displayName,
      groupsJson: row.groupsJson,
      roleSessionName: row.roleSessionName,
    },
    {
      sessionId: row.id,
      expiresAt: row.expiresAt,
      createdAt: row.createdAt,
      method: row.method,
      mfaAuthenticated: row.mfaAuthenticated,
      sessionTagsJson: row.sessionTagsJson,
    },
    opts,
  );
}

/**
 * A session and its user, read in one statement: every signed-in request reads it, and through
 * the query builder (`include`) it was two queries and about 1 ms of CPU, a third of that raw
 * (docs/BENCHMARKS.md "Issuance under load"). Both adapters map the declared column types, so
 * dates arrive as Date and booleans as boolean on SQLite and on PostgreSQL.
 */
type SessionUserRow = Omit<IdentityRow, "id"> &
  Omit<SignInFacts, "sessionId"> & { id: string; userId: string; revokedAt: Date | null };

/** The sign-in a user acts under: a portal session, or a CLI token carrying its session's facts. */
export interface SignInFacts {
  sessionId: string;
  expiresAt: Date;
  createdAt: Date;
  method: string;
  mfaAuthenticated: boolean;
  sessionTagsJson: string;
}

/** What the privilege check needs to know about the portal's configuration. */
export interface PrivilegeSettings {
  adminGroup: string;
  auditorGroup?: string | undefined;
  /** The configured OIDC issuer when its groups are trusted for privileges; else null. */
  trustedOidcIssuer: string | null;
}

/**
 * The SignedInUser of an identity and the sign-in it acts under (a portal session, or a CLI token
 * that carries its approving session's facts). Admin and auditor status are recomputed here from
 * the identity's asserted groups and the trust of the IdP that asserted them.
 */
export async function signedInUserOf(
  db: Db,
  user: IdentityRow,
  sign: SignInFacts,
  opts: PrivilegeSettings,
): Promise<SignedInUser> {
  const groups = parseGroupsJson(user.groupsJson);
  const claimsPrivilege =
    groups.includes(opts.adminGroup) ||
    (opts.auditorGroup !== undefined && groups.includes(opts.auditorGroup));
  const isTrusted = claimsPrivilege && (await trustsPrivilegedGroups(db, user.issuer, opts));
  const isAdmin = isTrusted && groups.includes(opts.adminGroup);
  return {
    id: user.id,
    personId: user.personId,
    sessionId: sign.sessionId,
    issuer: user.issuer,
    subject: user.subject,
    email: user.email,
    emailVerified: user.emailVerified,
    displayName: user.displayName,
    groups,
    isAdmin,
    isAuditor:
      isAdmin ||
      (isTrusted && opts.auditorGroup !== undefined && groups.includes(opts.auditorGroup)),
    roleSessionName: user.roleSessionName,
    sessionExpiresAt: sign.expiresAt,
    method: sign.method === "saml" ? "saml" : "oidc",
    sessionCreatedAt: sign.createdAt,
    mfaAuthenticated: sign.mfaAuthenticated,
    sessionTags: parseSessionTagsJson(sign.sessionTagsJson),
  };
}

/**
 * Ends a session for good: a copied cookie stops working at once. Idempotent. The sealed id_token
 * goes with it: a revoked session has no use for an id_token_hint.
 */
export async function revokePortalSession(db: Db, sessionId: string, now: Date): Promise<boolean> {
  const result = await db.portalSession.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: now, oidcIdTokenSealed: null },
  });
  return result.count > 0;
}

/** Whether the IdP that issued a user's identity may make them an administrator or auditor. */
async function trustsPrivilegedGroups(
  db: Db,
  issuer: string,
  opts: { trustedOidcIssuer: string | null },
): Promise<boolean> {
  if (opts.trustedOidcIssuer !== null && issuer === opts.trustedOidcIssuer) return true;
  const idp = await db.samlIdentityProvider.findFirst({
    where: { entityId: issuer, trustedForPrivileges: true, enabled: true },
    select: { id: true },
  });
  return idp !== null;
}
