/**
 * Ways to build a stand-in world: the demo's (with its organization), SAML trust added to an
 * existing world, and roles described by IAM policy documents.
 */
import {
  DEMO_DISCOVERY_ROLE_NAME,
  demoAccounts,
  demoBroker,
  demoOrganization,
  demoUndiscoveredAccounts,
} from "../demo-world";
import { parseSamlProviderArn } from "./partitions";
import type {
  PolicyDocument,
  RoleSelector,
  StandinAccount,
  StandinOrganization,
  StandinRole,
  StandinSamlProvider,
  StandinWorld,
} from "./world";

/**
 * The stand-in world described by `dev/demo-world.ts`: the demo broker is the one principal, and a
 * role trusts the broker exactly when the demo says `trustsBroker`. The accounts form the demo
 * organization (demoOrganization), which also holds the broker's (management) account and the
 * accounts the seed leaves out (demoUndiscoveredAccounts); every member has the read-only
 * discovery role DEMO_DISCOVERY_ROLE_NAME.
 */
export function worldFromDemo(): StandinWorld {
  const brokerTrust = {
    trustedPrincipalArns: [demoBroker.arn],
    allowsSourceIdentity: true,
    allowsTagSession: true,
  };
  const seeded: StandinAccount[] = demoAccounts.map((account) => ({
    id: account.id,
    roles: [
      ...account.roles.map((role) => ({
        name: role.name,
        description: role.description,
        maxSessionDurationSeconds: role.maxSessionDurationSeconds,
        trustedPrincipalArns: role.trustsBroker ? [demoBroker.arn] : [],
        allowsSourceIdentity: role.allowsSourceIdentity,
        allowsTagSession: role.allowsTagSession,
        requiresMfa: role.requiresBrokerMfa ?? false,
      })),
      demoDiscoveryRole(false),
    ],
  }));
  const undiscovered: StandinAccount[] = demoUndiscoveredAccounts.map((account) => ({
    id: account.id,
    roles: [
      ...account.roles.map((role) => ({
        name: role.name,
        description: role.description,
        maxSessionDurationSeconds: role.maxSessionDurationSeconds,
        ...(role.trustsBroker
          ? brokerTrust
          : { trustedPrincipalArns: [], allowsSourceIdentity: false, allowsTagSession: false }),
      })),
      demoDiscoveryRole(false),
    ],
  }));
  return {
    principals: [
      {
        accessKeyId: demoBroker.accessKeyId,
        secretAccessKey: demoBroker.secretAccessKey,
        arn: demoBroker.arn,
        account: demoBroker.account,
        mfaDevice: demoBroker.mfaDevice,
      },
    ],
    accounts: [
      ...seeded,
      ...undiscovered,
      { id: demoOrganization.managementAccountId, roles: [demoDiscoveryRole(true)] },
    ],
    organization: demoStandinOrganization(),
  };
}

/**
 * The read-only discovery role: trusts the broker; may list and read roles, and in the
 * management account also read AWS Organizations.
 */
function demoDiscoveryRole(isManagementAccount: boolean): StandinRole {
  const statements: object[] = [
    { Effect: "Allow", Action: ["iam:ListRoles", "iam:GetRole"], Resource: "*" },
  ];
  if (isManagementAccount) {
    statements.push({
      Effect: "Allow",
      Action: ["organizations:Describe*", "organizations:List*"],
      Resource: "*",
    });
  }
  return {
    name: DEMO_DISCOVERY_ROLE_NAME,
    description: "Read-only: lets Gatehouse discover accounts and roles",
    maxSessionDurationSeconds: 3600,
    trustedPrincipalArns: [demoBroker.arn],
    allowsSourceIdentity: true,
    allowsTagSession: true,
    permissionPolicy: { Version: "2012-10-17", Statement: statements },
  };
}

function demoStandinOrganization(): StandinOrganization {
  const names = new Map<string, string>([
    [demoOrganization.managementAccountId, demoOrganization.managementAccountName],
    ...demoAccounts.map((a): [string, string] => [a.id, a.name]),
    ...demoUndiscoveredAccounts.map((a): [string, string] => [a.id, a.name]),
  ]);
  return {
    id: demoOrganization.id,
    rootId: demoOrganization.rootId,
    managementAccountId: demoOrganization.managementAccountId,
    organizationalUnits: demoOrganization.units.map((unit) => ({
      id: unit.id,
      name: unit.name,
      parentId: demoOrganization.rootId,
      tags: unit.tags,
    })),
    members: [...names].map(([id, name]) => {
      const placement = demoOrganization.placement[id];
      if (!placement) throw new TypeError(`demoOrganization.placement has no entry for ${id}`);
      return {
        id,
        name,
        email: placement.email,
        parentId: placement.unitId ?? demoOrganization.rootId,
        tags: placement.tags,
      };
    }),
  };
}

/**
 * A role whose trust (and optionally permission) policy is an IAM JSON document, e.g. the one an
 * operator would paste into the IAM console. The shorthand trust fields are left empty, as a role
 * with a trustPolicy requires.
 */
export function definePolicyRole(role: {
  name: string;
  maxSessionDurationSeconds: number;
  trustPolicy: PolicyDocument;
  permissionPolicy?: PolicyDocument;
}): StandinRole {
  return {
    ...role,
    trustedPrincipalArns: [],
    allowsSourceIdentity: false,
    allowsTagSession: false,
  };
}

/**
 * A copy of `world` in which the roles `trustedBy` selects (default: every role in the provider's
 * account) trust the SAML provider `providerArn` for sts:AssumeRoleWithSAML. The provider itself
 * is not added: register it later (AwsStandin.registerSamlProvider) or use withSamlProvider. As in
 * IAM, a provider serves only its own account: selecting a role of another account makes
 * startAwsStandin throw, so multi-account setups register one provider per account. Roles with a
 * trustPolicy document are left alone: their trust is what the document says.
 */
export function withSamlTrust(
  world: StandinWorld,
  providerArn: string,
  trustedBy?: RoleSelector,
): StandinWorld {
  const providerAccount = parseSamlProviderArn(providerArn)?.account;
  const selects: RoleSelector = trustedBy ?? ((_, accountId) => accountId === providerAccount);
  return {
    ...world,
    accounts: world.accounts.map((account) => ({
      ...account,
      roles: account.roles.map((role) => {
        const trusted = role.trustedSamlProviderArns ?? [];
        if (role.trustPolicy !== undefined || !selects(role, account.id)) return role;
        if (trusted.includes(providerArn)) return role;
        return { ...role, trustedSamlProviderArns: [...trusted, providerArn] };
      }),
    })),
  };
}

/**
 * A copy of `world` with `provider` registered and trusted by the roles `trustedBy` selects
 * (default: every role in the provider's account).
 */
export function withSamlProvider(
  world: StandinWorld,
  provider: StandinSamlProvider,
  trustedBy?: RoleSelector,
): StandinWorld {
  const trusting = withSamlTrust(world, provider.arn, trustedBy);
  return { ...trusting, samlProviders: [...(world.samlProviders ?? []), provider] };
}
