// The demo SAML setup shared by `npm run demo` and the tests: the samlify IdP with a portal-login
// app and an AWS app, the IdP registered in the portal's database, and its metadata registered as
// an IAM SAML provider in every stand-in account that has SAML-federated roles.
import type { AwsStandin, StandinWorld } from "./aws-standin/server";
import { worldFromDemo } from "./aws-standin/server";
import { demoUsers, type DemoUser } from "./demo-users";
import { DEMO_SAML_PROVIDER_NAME, demoAccounts, demoSamlProviderArn } from "./demo-world";
import {
  AWS_SAML_RECIPIENT,
  awsDemoApp,
  startSamlIdp,
  type SamlIdp,
  type SamlSigningKeys,
} from "./saml-idp/server";
import type { Db } from "../lib/db/client";

export const DEMO_SAML_SLUG = "corp-saml";

/** The stand-in world of the demo, with SAML-federated roles trusting their account's provider. */
export function demoAwsWorld(): StandinWorld {
  const world = worldFromDemo();
  for (const account of demoAccounts) {
    const standinAccount = world.accounts.find((a) => a.id === account.id);
    for (const role of account.roles) {
      if (role.assumeMethod !== "assume-role-with-saml") continue;
      const standinRole = standinAccount?.roles.find((r) => r.name === role.name);
      if (standinRole) standinRole.trustedSamlProviderArns = [demoSamlProviderArn(account.id)];
    }
  }
  return world;
}

/** The SAML roles a demo user's AWS app assertion lists: their granted SAML-federated roles. */
function samlRolesFor(user: DemoUser) {
  return demoAccounts.flatMap((account) =>
    account.roles
      .filter((role) => role.assumeMethod === "assume-role-with-saml")
      .filter((role) =>
        role.grants.some((g) =>
          g.user
            ? g.user === user.username
            : g.group !== undefined && user.groups.includes(g.group),
        ),
      )
      .map((role) => ({ accountId: account.id, roleName: role.name })),
  );
}

export async function startDemoSamlIdp(opts: {
  portalUrl: string;
  port?: number;
  keys?: SamlSigningKeys;
  /** Offer single logout (default true); false: an IdP whose metadata has no SingleLogoutService. */
  singleLogout?: boolean;
}): Promise<SamlIdp> {
  return startSamlIdp({
    port: opts.port ?? 0,
    singleLogout: opts.singleLogout ?? true,
    users: demoUsers,
    keys: opts.keys,
    apps: [
      {
        id: "gatehouse",
        name: "Gatehouse (AWS access portal)",
        spEntityId: `${opts.portalUrl}/api/auth/saml/metadata`,
        acsUrl: `${opts.portalUrl}/api/auth/saml/acs`,
        // The portal's SingleLogoutService: sign-out ends the IdP session too (docs/SINGLE-LOGOUT.md).
        sloUrl: `${opts.portalUrl}/api/auth/saml/slo`,
        allowIdpInitiated: true,
      },
      awsDemoApp({
        acsUrl: `${opts.portalUrl}/api/aws/saml/relay`,
        providerName: DEMO_SAML_PROVIDER_NAME,
        rolesFor: samlRolesFor,
        // AWS's app addresses AWS (Destination and Recipient), while the browser posts to the relay.
        destinationOverride: AWS_SAML_RECIPIENT,
      }),
    ],
  });
}

/** Registers (or refreshes) the demo IdP in the portal database, from its metadata. */
export async function registerDemoSamlIdp(
  db: Db,
  idp: SamlIdp,
  opts: { allowIdpInitiated?: boolean; trustedForPrivileges?: boolean } = {},
): Promise<void> {
  const data = {
    displayName: "Corp Identity (demo)",
    entityId: idp.entityId,
    ssoUrl: idp.ssoUrl,
    sloUrl: idp.sloUrl,
    certificatesJson: JSON.stringify([idp.signingCertificatePem]),
    groupsAttribute: "groups",
    allowIdpInitiated: opts.allowIdpInitiated ?? true,
    // The demo's administrators sign in through it too (docs/SECURITY.md "Trust per IdP").
    trustedForPrivileges: opts.trustedForPrivileges ?? true,
    awsAppUrl: `${idp.url}/saml/start/aws`,
    metadataUrl: idp.metadataUrl,
  };
  await db.samlIdentityProvider.upsert({
    where: { slug: DEMO_SAML_SLUG },
    update: data,
    create: { slug: DEMO_SAML_SLUG, ...data },
  });
}

/** Registers the IdP as the IAM SAML provider of every account with SAML-federated roles. */
export function registerDemoSamlProviders(aws: AwsStandin, idp: SamlIdp): void {
  for (const account of demoAccounts) {
    if (account.roles.some((r) => r.assumeMethod === "assume-role-with-saml")) {
      aws.registerSamlProvider(demoSamlProviderArn(account.id), idp.metadataXml);
    }
  }
}
