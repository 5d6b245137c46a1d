/**
 * Ways to build a stand-in world: the demo's, SAML trust added to an existing world, and roles
 * described by IAM policy documents.
 */
import { demoAccounts, demoBroker } from "../demo-world";
import { parseSamlProviderArn } from "./partitions";
import type {
  PolicyDocument,
  RoleSelector,
  StandinRole,
  StandinSamlProvider,
  StandinWorld,
} from "./world";

/**
 * The stand-in world described by `dev/demo-world.ts`: the demo broker is the one principal, and a
 * role trusts the broker exactly when the demo says `trustsBroker`.
 */
export function worldFromDemo(): StandinWorld {
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
    accounts: demoAccounts.map((account) => ({
      id: account.id,
      roles: account.roles.map((role) => ({
        name: role.name,
        maxSessionDurationSeconds: role.maxSessionDurationSeconds,
        trustedPrincipalArns: role.trustsBroker ? [demoBroker.arn] : [],
        allowsSourceIdentity: role.allowsSourceIdentity,
        allowsTagSession: role.allowsTagSession,
        requiresMfa: role.requiresBrokerMfa ?? false,
      })),
    })),
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
