import "server-only";
import { roleSessionNameCandidates } from "@/lib/aws/role-session-name";
import type { Db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";

export interface AssertedIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  displayName: string | null;
  groups: string[];
}

export interface StoredUser {
  id: string;
  issuer: string;
  subject: string;
  email: string | null;
  displayName: string | null;
  groups: string[];
  roleSessionName: string;
}

/**
 * Records a sign-in: finds the user by their stable key (issuer, subject) — never by email — and
 * refreshes what the IdP just asserted. A new user gets the most readable RoleSessionName no other
 * user holds; it never changes afterwards, so CloudTrail history stays attributable.
 */
export async function upsertSignedInUser(
  db: Db,
  identity: AssertedIdentity,
  now: Date,
): Promise<StoredUser> {
  const asserted = {
    email: identity.email,
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

  const candidates = roleSessionNameCandidates({
    email: identity.email,
    username: identity.displayName,
    stableKey: `${identity.issuer}|${identity.subject}`,
  });
  for (const roleSessionName of candidates) {
    try {
      const created = await db.user.create({
        data: { issuer: identity.issuer, subject: identity.subject, roleSessionName, ...asserted },
      });
      return toStoredUser(created);
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

function toStoredUser(row: {
  id: string;
  issuer: string;
  subject: string;
  email: string | null;
  displayName: string | null;
  groupsJson: string;
  roleSessionName: string;
}): StoredUser {
  return {
    id: row.id,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    displayName: row.displayName,
    groups: parseGroupsJson(row.groupsJson),
    roleSessionName: row.roleSessionName,
  };
}
