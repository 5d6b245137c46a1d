import "server-only";
import { writeAuditEvent, type AuditActor } from "@/lib/audit/write-audit-event";
import type { AppConfig } from "@/lib/config/load-config";
import type { Db } from "@/lib/db/client";
import { serializableTransaction } from "@/lib/db/serializable-transaction";
import type { RequestMeta } from "@/lib/request-meta";
import { oidcIssuerOf } from "@/lib/identity/identity-providers";
import { bind, boundList, boundSql } from "@/lib/db/bound-sql";

/**
 * The optional policy that links a new identity to a person on its first sign-in
 * (docs/SECURITY.md "People"): off unless an admin marks identity providers as one directory —
 * the OIDC IdP with OIDC_LINK_BY_EMAIL, a SAML IdP with its "same directory" setting.
 */
export interface LinkByEmailPolicy {
  /** The configured OIDC issuer when OIDC_LINK_BY_EMAIL is on; else null. */
  oidcIssuer: string | null;
}

export function linkByEmailPolicyOf(config: Pick<AppConfig, "oidc">): LinkByEmailPolicy {
  return { oidcIssuer: config.oidc?.linkByEmail ? oidcIssuerOf(config) : null };
}

/**
 * The person a newly seen identity joins, or null for a new person of its own. It joins only when
 * all of these hold, so nobody can claim someone else's access by choosing an email:
 * - its IdP is marked as the same directory, and vouches for the email (verified);
 * - exactly one person has an identity with that email from another IdP also so marked, whose IdP
 *   vouched for it too at that identity's last sign-in (two persons sharing it is a conflict an
 *   admin resolves by hand; an unverified stored email matches nothing, or whoever typed a
 *   colleague's address at a lax IdP would receive the colleague's next identity);
 * Emails compare case-insensitively. An identity that exists already is never moved here: an
 * admin's link or unlink is final.
 */
export async function personSharingVerifiedEmail(
  db: Pick<Db, "$queryRaw" | "samlIdentityProvider">,
  identity: { issuer: string; email: string | null; emailVerified: boolean },
  policy: LinkByEmailPolicy,
): Promise<string | null> {
  const email = identity.email?.trim();
  if (!email || !identity.emailVerified) return null;
  const directory = await sameDirectoryIssuers(db, policy);
  if (!directory.has(identity.issuer)) return null;
  const others = [...directory].filter((issuer) => issuer !== identity.issuer);
  if (others.length === 0) return null;
  // lower() on both sides: IdPs send the case they like (Dave@Corp.example at one, dave@… at the
  // other), and neither database's equality or IN ignores case.
  const matches = await db.$queryRaw<Array<{ personId: string; issuer: string }>>(
    ...boundSql([
      'SELECT "personId", "issuer" FROM "User" WHERE lower("email") = lower(',
      bind(email),
      ') AND "emailVerified" = true AND "issuer" IN (',
      ...boundList(others),
      ")",
    ]),
  );
  const persons = new Set(matches.map((m) => m.personId));
  return persons.size === 1 ? [...persons][0]! : null;
}

/** The issuers of every identity provider marked as the shared directory. */
async function sameDirectoryIssuers(
  db: Pick<Db, "samlIdentityProvider">,
  policy: LinkByEmailPolicy,
): Promise<Set<string>> {
  const saml = await db.samlIdentityProvider.findMany({
    where: { linkByEmail: true, enabled: true },
    select: { entityId: true },
  });
  const issuers = new Set(saml.map((idp) => idp.entityId));
  if (policy.oidcIssuer !== null) issuers.add(policy.oidcIssuer);
  return issuers;
}

/**
 * Marks whether a SAML IdP is part of the directory whose verified emails link new identities,
 * audited with before/after. Affects only identities first seen from now on.
 */
export async function setSamlIdpLinkByEmail(
  db: Db,
  id: string,
  linkByEmail: boolean,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<{ ok: true } | { ok: false; reason: "not_found" }> {
  return serializableTransaction(db, async (tx) => {
    const before = await tx.samlIdentityProvider.findUnique({
      where: { id },
      select: { slug: true, linkByEmail: true },
    });
    if (!before) return { ok: false, reason: "not_found" } as const;
    await tx.samlIdentityProvider.update({ where: { id }, data: { linkByEmail } });
    await writeAuditEvent(tx, {
      action: "admin.saml-idp.updated",
      outcome: "success",
      actor,
      meta,
      details: {
        idp: before.slug,
        before: { linkByEmail: before.linkByEmail },
        after: { linkByEmail },
      },
    });
    return { ok: true } as const;
  });
}
