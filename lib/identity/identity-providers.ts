import "server-only";
import type { AppConfig } from "@/lib/config/load-config";
import type { Db } from "@/lib/db/client";

/** An identity provider as access rules and people pages name it: its issuer and a label. */
export interface IdentityProviderRef {
  /** The OIDC issuer URL (no trailing slash) or the SAML entityID: what identities are keyed by. */
  issuer: string;
  label: string;
  kind: "oidc" | "saml";
}

/** The issuer users signed in with OIDC are stored under (the configured one, no trailing slash). */
export function oidcIssuerOf(config: Pick<AppConfig, "oidc">): string | null {
  return config.oidc ? config.oidc.issuer.replace(/\/+$/, "") : null;
}

/** Every identity provider the portal knows: the configured OIDC IdP, then the SAML IdPs by name. */
export async function listIdentityProviders(
  db: Pick<Db, "samlIdentityProvider">,
  config: Pick<AppConfig, "oidc">,
): Promise<IdentityProviderRef[]> {
  const saml = await db.samlIdentityProvider.findMany({
    select: { entityId: true, displayName: true },
    orderBy: { displayName: "asc" },
  });
  const oidcIssuer = oidcIssuerOf(config);
  return [
    ...(config.oidc && oidcIssuer
      ? [{ issuer: oidcIssuer, label: config.oidc.displayName, kind: "oidc" as const }]
      : []),
    ...saml.map((idp) => ({ issuer: idp.entityId, label: idp.displayName, kind: "saml" as const })),
  ];
}

/** A label for an issuer: the IdP's name when it is known, else the issuer itself. */
export function issuerLabel(issuer: string, idps: readonly IdentityProviderRef[]): string {
  return idps.find((idp) => idp.issuer === issuer)?.label ?? issuer;
}
