import "server-only";
import type { Db } from "@/lib/db/client";

/** A configured SAML IdP as the sign-in flow uses it. */
export interface SamlIdpConfig {
  id: string;
  slug: string;
  displayName: string;
  entityId: string;
  ssoUrl: string;
  signingCertificates: string[];
  groupsAttribute: string;
  userKeyAttribute: string | null;
  emailAttribute: string | null;
  displayNameAttribute: string | null;
  allowIdpInitiated: boolean;
  requireSignedResponse: boolean;
  /** IdP-initiated link of the IdP's AWS app, for roles assumed with SAML. */
  awsAppUrl: string | null;
}

type Row = {
  id: string;
  slug: string;
  displayName: string;
  entityId: string;
  ssoUrl: string;
  certificatesJson: string;
  groupsAttribute: string;
  userKeyAttribute: string | null;
  emailAttribute: string | null;
  displayNameAttribute: string | null;
  allowIdpInitiated: boolean;
  requireSignedResponse: boolean;
  awsAppUrl: string | null;
};

function toConfig(row: Row): SamlIdpConfig {
  let certs: unknown;
  try {
    certs = JSON.parse(row.certificatesJson);
  } catch {
    certs = [];
  }
  return {
    id: row.id,
    slug: row.slug,
    displayName: row.displayName,
    entityId: row.entityId,
    ssoUrl: row.ssoUrl,
    signingCertificates: Array.isArray(certs)
      ? certs.filter((c): c is string => typeof c === "string")
      : [],
    groupsAttribute: row.groupsAttribute,
    userKeyAttribute: row.userKeyAttribute,
    emailAttribute: row.emailAttribute,
    displayNameAttribute: row.displayNameAttribute,
    allowIdpInitiated: row.allowIdpInitiated,
    requireSignedResponse: row.requireSignedResponse,
    awsAppUrl: row.awsAppUrl,
  };
}

/** Enabled IdPs for the sign-in page, by display name. */
export async function findEnabledSamlIdps(
  db: Db,
): Promise<Array<{ slug: string; displayName: string }>> {
  return db.samlIdentityProvider.findMany({
    where: { enabled: true },
    select: { slug: true, displayName: true },
    orderBy: { displayName: "asc" },
  });
}

/** Enabled IdPs with an AWS app: the ones a user can sign in with to reach SAML-federated roles. */
export async function findSamlIdpsWithAwsApp(
  db: Db,
): Promise<Array<{ slug: string; displayName: string }>> {
  return db.samlIdentityProvider.findMany({
    where: { enabled: true, awsAppUrl: { not: null } },
    select: { slug: true, displayName: true },
    orderBy: { displayName: "asc" },
  });
}

export async function findSamlIdpBySlug(db: Db, slug: string): Promise<SamlIdpConfig | null> {
  const row = await db.samlIdentityProvider.findFirst({ where: { slug, enabled: true } });
  return row ? toConfig(row) : null;
}

export async function findSamlIdpByEntityId(
  db: Db,
  entityId: string,
): Promise<SamlIdpConfig | null> {
  const row = await db.samlIdentityProvider.findFirst({ where: { entityId, enabled: true } });
  return row ? toConfig(row) : null;
}
