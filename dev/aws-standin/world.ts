/**
 * What exists in the stand-in's pretend AWS: long-term IAM users (the broker's keys), the roles
 * they may assume, and the IAM SAML providers roles may trust for AssumeRoleWithSAML. The world is
 * validated once when the stand-in starts, so a typo in a test world fails loudly instead of
 * surfacing as a puzzling AccessDenied. SAML providers may also be registered later (the demo's
 * IdP only has its metadata once it runs).
 */
import { demoAccounts, demoBroker } from "../demo-world";
import { stableUniqueId } from "./ids";
import { decodeBase32 } from "./totp";
import {
  resolveSamlProvider,
  SAML_PROVIDER_ARN,
  type ResolvedSamlProvider,
  type StandinSamlProvider,
} from "./saml-metadata";

export type { ResolvedSamlProvider, StandinSamlProvider } from "./saml-metadata";

export interface StandinPrincipal {
  accessKeyId: string;
  secretAccessKey: string;
  /** The IAM user ARN, `arn:aws:iam::<account>:user/<name>`. */
  arn: string;
  account: string;
  /**
   * The user's virtual MFA device: GetSessionToken and AssumeRole accept its SerialNumber with a
   * current TOTP code (see totpCode) and then mark the session MFA-authenticated.
   */
  mfaDevice?: StandinMfaDevice;
}

export interface StandinMfaDevice {
  /** `arn:aws:iam::<the user's account>:mfa/<name>` */
  serialNumber: string;
  /** The RFC 4648 base32 seed (IAM's `Base32StringSeed`), at least 16 characters. */
  totpSecret: string;
}

export interface StandinRole {
  name: string;
  maxSessionDurationSeconds: number;
  /** Principal ARNs the trust policy allows to call sts:AssumeRole (users, roles, `…:root`). */
  trustedPrincipalArns: string[];
  allowsSourceIdentity: boolean;
  allowsTagSession: boolean;
  /**
   * SAML provider ARNs (`arn:aws:iam::<same account>:saml-provider/<Name>`) the trust policy lets
   * call sts:AssumeRoleWithSAML. The provider itself may be registered after the stand-in starts.
   */
  trustedSamlProviderArns?: string[];
  /**
   * The trust policy's condition `"Bool": {"aws:MultiFactorAuthPresent": "true"}`: AssumeRole
   * succeeds only for MFA-authenticated callers (GetSessionToken with an MFA code, or this
   * AssumeRole call carrying a valid SerialNumber and TokenCode).
   */
  requiresMfa?: boolean;
}

export interface StandinWorld {
  principals: StandinPrincipal[];
  accounts: Array<{ id: string; roles: StandinRole[] }>;
  /** IAM SAML providers known at start (default none); see also AwsStandin.registerSamlProvider. */
  samlProviders?: StandinSamlProvider[];
}

/** Picks roles, e.g. for trusting a SAML provider. */
export type RoleSelector = (role: StandinRole, accountId: string) => boolean;

/** A role found in the world, with the identifiers AWS would derive for it. */
export interface ResolvedRole extends StandinRole {
  account: string;
  arn: string;
  /** `AROA…`, stable for the role so AssumedRoleId does not change between sessions. */
  roleId: string;
}

/** A long-term principal with its stable `AIDA…` user id. */
export interface ResolvedPrincipal extends StandinPrincipal {
  userId: string;
}

/** Lookups over a validated world. */
export interface WorldIndex {
  principalByAccessKeyId(accessKeyId: string): ResolvedPrincipal | undefined;
  /** The MFA device of the IAM user with this ARN, if it has one. */
  mfaDeviceOf(userArn: string): StandinMfaDevice | undefined;
  role(account: string, roleName: string): ResolvedRole | undefined;
  samlProvider(arn: string): ResolvedSamlProvider | undefined;
  samlProviders(): ResolvedSamlProvider[];
  /**
   * Adds a SAML provider, or replaces the metadata of one with the same ARN (as IAM's
   * UpdateSAMLProvider does).
   *
   * @throws TypeError when the ARN or the metadata is malformed.
   */
  registerSamlProvider(provider: StandinSamlProvider): ResolvedSamlProvider;
}

const ACCOUNT_ID = /^\d{12}$/;
const LONG_TERM_KEY_ID = /^AKIA[A-Z0-9]{16}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const MFA_SERIAL_ARN = /^arn:aws:iam::(\d{12}):mfa\/[\w+=,.@-]{1,128}$/;
const USER_ARN = /^arn:aws:iam::(\d{12}):user\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

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
 * A copy of `world` in which the roles `trustedBy` selects (default: every role in the provider's
 * account) trust the SAML provider `providerArn` for sts:AssumeRoleWithSAML. The provider itself
 * is not added: register it later (AwsStandin.registerSamlProvider) or use withSamlProvider. As in
 * IAM, a provider serves only its own account: selecting a role of another account makes
 * startAwsStandin throw, so multi-account setups register one provider per account.
 */
export function withSamlTrust(
  world: StandinWorld,
  providerArn: string,
  trustedBy?: RoleSelector,
): StandinWorld {
  const providerAccount = SAML_PROVIDER_ARN.exec(providerArn)?.[1];
  const selects: RoleSelector = trustedBy ?? ((_, accountId) => accountId === providerAccount);
  return {
    ...world,
    accounts: world.accounts.map((account) => ({
      ...account,
      roles: account.roles.map((role) => {
        const trusted = role.trustedSamlProviderArns ?? [];
        if (!selects(role, account.id) || trusted.includes(providerArn)) return role;
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

/** `arn:aws:iam::<account>:role/<name>` for a path-less role (the only kind the world holds). */
export function roleArn(account: string, roleName: string): string {
  return `arn:aws:iam::${account}:role/${roleName}`;
}

/**
 * Checks a world and indexes it.
 *
 * @throws TypeError when the world is malformed (bad account id, key id, role name, duplicate key or
 *   role, MaxSessionDuration outside 3,600–43,200, an MFA device whose serial is not an MFA ARN of
 *   the user's account, is used twice, or whose secret is not base32, a trusted SAML provider ARN that is malformed or
 *   in another account, a SAML provider with a malformed ARN or metadata, a duplicate provider):
 *   that is a programming error in the caller.
 */
export function indexWorld(world: StandinWorld): WorldIndex {
  const principals = new Map<string, ResolvedPrincipal>();
  const mfaSerials = new Set<string>();
  const mfaDevices = new Map<string, StandinMfaDevice>();
  for (const principal of world.principals) {
    const arnMatch = USER_ARN.exec(principal.arn);
    if (!LONG_TERM_KEY_ID.test(principal.accessKeyId)) {
      throw new TypeError(
        `stand-in world: access key id ${principal.accessKeyId} is not AKIA + 16`,
      );
    }
    if (principal.secretAccessKey.length < 16) {
      throw new TypeError(`stand-in world: secret of ${principal.accessKeyId} is too short`);
    }
    if (!arnMatch || arnMatch[1] !== principal.account) {
      throw new TypeError(
        `stand-in world: ${principal.arn} is not an IAM user of ${principal.account}`,
      );
    }
    if (principals.has(principal.accessKeyId)) {
      throw new TypeError(`stand-in world: duplicate access key id ${principal.accessKeyId}`);
    }
    if (principal.mfaDevice) checkMfaDevice(principal, mfaSerials);
    principals.set(principal.accessKeyId, {
      ...principal,
      userId: stableUniqueId("AIDA", principal.arn),
    });
    if (principal.mfaDevice) mfaDevices.set(principal.arn, principal.mfaDevice);
  }

  const roles = new Map<string, ResolvedRole>();
  for (const account of world.accounts) {
    if (!ACCOUNT_ID.test(account.id)) {
      throw new TypeError(`stand-in world: account id ${account.id} is not 12 digits`);
    }
    for (const role of account.roles) {
      if (!ROLE_NAME.test(role.name)) {
        throw new TypeError(`stand-in world: role name ${role.name} is invalid`);
      }
      const max = role.maxSessionDurationSeconds;
      if (!Number.isInteger(max) || max < 3600 || max > 43200) {
        throw new TypeError(
          `stand-in world: ${role.name} MaxSessionDuration ${max} not in 3600–43200`,
        );
      }
      // IAM role names are unique per account, case-insensitively.
      for (const providerArn of role.trustedSamlProviderArns ?? []) {
        if (SAML_PROVIDER_ARN.exec(providerArn)?.[1] !== account.id) {
          throw new TypeError(
            `stand-in world: ${role.name} trusts ${providerArn}, not a SAML provider of ${account.id}`,
          );
        }
      }
      const key = roleKey(account.id, role.name);
      if (roles.has(key)) {
        throw new TypeError(`stand-in world: duplicate role ${role.name} in ${account.id}`);
      }
      const arn = roleArn(account.id, role.name);
      roles.set(key, { ...role, account: account.id, arn, roleId: stableUniqueId("AROA", arn) });
    }
  }

  const samlProviders = new Map<string, ResolvedSamlProvider>();
  for (const provider of world.samlProviders ?? []) {
    if (samlProviders.has(provider.arn)) {
      throw new TypeError(`stand-in world: duplicate SAML provider ${provider.arn}`);
    }
    samlProviders.set(provider.arn, resolveSamlProvider(provider));
  }

  return {
    principalByAccessKeyId: (accessKeyId) => principals.get(accessKeyId),
    mfaDeviceOf: (userArn) => mfaDevices.get(userArn),
    samlProvider: (arn) => samlProviders.get(arn),
    samlProviders: () => [...samlProviders.values()],
    registerSamlProvider: (provider) => {
      const resolved = resolveSamlProvider(provider);
      samlProviders.set(resolved.arn, resolved);
      return resolved;
    },
    // AWS matches the role name exactly even though uniqueness is case-insensitive.
    role: (account, roleName) => {
      const found = roles.get(roleKey(account, roleName));
      return found?.name === roleName ? found : undefined;
    },
  };
}

function checkMfaDevice(principal: StandinPrincipal, seen: Set<string>): void {
  const device = principal.mfaDevice;
  if (!device) return;
  if (MFA_SERIAL_ARN.exec(device.serialNumber)?.[1] !== principal.account) {
    throw new TypeError(
      `stand-in world: MFA device ${device.serialNumber} of ${principal.arn} is not arn:aws:iam::${principal.account}:mfa/<name>`,
    );
  }
  if (seen.has(device.serialNumber)) {
    throw new TypeError(`stand-in world: MFA device ${device.serialNumber} assigned twice`);
  }
  seen.add(device.serialNumber);
  try {
    decodeBase32(device.totpSecret);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`stand-in world: MFA device ${device.serialNumber}: ${reason}`);
  }
}

function roleKey(account: string, roleName: string): string {
  return `${account}/${roleName.toLowerCase()}`;
}
