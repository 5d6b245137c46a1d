import "server-only";
import { roleSessionNameCandidates } from "@/lib/aws/role-session-name";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { personSharingVerifiedEmail, type LinkByEmailPolicy } from "@/lib/people/link-by-email";

export interface AssertedIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  displayName: string | null;
  groups: string[];
  /** The IdP vouches for the email (OIDC email_verified; a SAML IdP is the directory itself). */
  emailVerified: boolean;
}

export interface StoredUser {
  id: string;
  /** The person this identity belongs to (docs/SECURITY.md "People"). */
  personId: string;
  /** This sign-in created the identity and joined it to a person by verified email. */
  joinedPersonByEmail: boolean;
  issuer: string;
  subject: string;
  email: string | null;
  displayName: string | null;
  groups: string[];
  roleSessionName: string;
}

/**
 * Records a sign-in: finds the identity by its stable key (issuer, subject) — never by email — and
 * refreshes what the IdP just asserted. A new identity gets the most readable RoleSessionName no
 * other identity holds; it never changes afterwards, so CloudTrail history stays attributable. It
 * joins an existing person only under the link-by-email policy (lib/people/link-by-email.ts);
 * otherwise it is a new person.
 */
export async function upsertSignedInUser(
  db: Db,
  identity: AssertedIdentity,
  now: Date,
  linkPolicy: LinkByEmailPolicy,
): Promise<StoredUser> {
  const asserted = {
    email: identity.email,
    emailVerified: identity.email !== null && identity.emailVerified,
    displayName: identity.displayName,
    groupsJson: JSON.stringify(identity.groups),
    lastLoginAt: now,
  };
  const existing = await db.user.findUnique({
    where: { issuer_subject: { issuer: identity.issuer, subject: identity.subject } },
  });
  if (existing) {
    const updated = await db.user.update({ where: { id: existing.id }, data: asserted });
    return toStoredUser(updated);
  }

  const joinPersonId = await personSharingVerifiedEmail(db, identity, linkPolicy);
  const candidates = roleSessionNameCandidates({
    email: identity.email,
    username: identity.displayName,
    stableKey: `${identity.issuer}|${identity.subject}`,
  });
  for (const roleSessionName of candidates) {
    try {
      // One statement: the identity and (when it joins nobody) its new person, or neither.
      const created = await db.user.create({
        data: {
          issuer: identity.issuer,
          subject: identity.subject,
          roleSessionName,
          ...asserted,
          ...(joinPersonId !== null
            ? { person: { connect: { id: joinPersonId } }, linkedBy: "email" }
            : { person: { create: {} } }),
        },
      });
      return toStoredUser(created, joinPersonId !== null);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Either the session name is taken (try the next, more specific candidate) or the same user
      // signed in twice at once (the other request created them: use that row).
      const raced = await db.user.findUnique({
        where: { issuer_subject: { issuer: identity.issuer, subject: identity.subject } },
      });
      if (raced)
        return toStoredUser(await db.user.update({ where: { id: raced.id }, data: asserted }));
    }
  }
  throw new Error(
    "no free RoleSessionName candidate (the last candidate embeds a hash and should be unique)",
  );
}

export function parseGroupsJson(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((g): g is string => typeof g === "string") : [];
  } catch {
    return [];
  }
}

/** The columns of an identity (User) that a signed-in user is made of. */
export interface IdentityRow {
  id: string;
  personId: string;
  issuer: string;
  subject: string;
  email: string | null;
  /** Whether the IdP vouched for the email (OIDC email_verified; SAML IdPs always do). */
  emailVerified: boolean;
  displayName: string | null;
  groupsJson: string;
  roleSessionName: string;
}

function toStoredUser(row: IdentityRow, joinedPersonByEmail = false): StoredUser {
  return {
    id: row.id,
    personId: row.personId,
    joinedPersonByEmail,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    displayName: row.displayName,
    groups: parseGroupsJson(row.groupsJson),
    roleSessionName: row.roleSessionName,
  };
}
