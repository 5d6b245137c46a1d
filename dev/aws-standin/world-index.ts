/**
 * Checking a stand-in world and indexing it for the lookups STS needs: keys, users, roles by ARN
 * (with their trust and permission policies parsed), SAML providers.
 */
import { parseIamPolicy, type ParsedPolicy, type PolicyKind } from "./iam-policy";
import { stableUniqueId } from "./ids";
import {
  isPartition,
  parseMfaSerialArn,
  parseRoleArn,
  parseSamlProviderArn,
  parseUserArn,
  type StandinPartition,
} from "./partitions";
import {
  resolveSamlProvider,
  type ResolvedSamlProvider,
  type StandinSamlProvider,
} from "./saml-metadata";
import { decodeBase32 } from "./totp";
import { shorthandTrustPolicy, usesShorthandTrust } from "./trust-shorthand";
import type {
  PolicyDocument,
  ResolvedPrincipal,
  ResolvedRole,
  StandinPrincipal,
  StandinRole,
  StandinWorld,
  WorldIndex,
} from "./world";

const ACCOUNT_ID = /^\d{12}$/;
const LONG_TERM_KEY_ID = /^AKIA[A-Z0-9]{16}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** `arn:<partition>:iam::<account>:role/<name>` for a path-less role (the only kind the world holds). */
function roleArn(account: string, roleName: string, partition: StandinPartition = "aws"): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/**
 * Checks a world and indexes it.
 *
 * @throws TypeError when the world is malformed (bad account id or partition, an account listed
 *   in two partitions, key id, role name, duplicate key or role, MaxSessionDuration outside
 *   3,600–43,200, a user, MFA device or SAML provider ARN whose partition or account is not its
 *   owner's, an MFA device used twice or whose secret is not base32, a trusted SAML provider ARN
 *   that is malformed or in another account, a malformed policy document, a trust policy next to
 *   shorthand trust fields, a duplicate provider): a programming error in the caller.
 */
export function indexWorld(world: StandinWorld): WorldIndex {
  const partitions = accountPartitions(world);
  const partitionOf = (account: string): StandinPartition => partitions.get(account) ?? "aws";
  const principals = new Map<string, ResolvedPrincipal>();
  const principalsByArn = new Map<string, ResolvedPrincipal>();
  const mfaSerials = new Set<string>();
  for (const principal of world.principals) {
    const resolved = resolvePrincipal(principal, partitions, mfaSerials);
    if (principals.has(principal.accessKeyId)) {
      throw new TypeError(`stand-in world: duplicate access key id ${principal.accessKeyId}`);
    }
    principals.set(principal.accessKeyId, resolved);
    principalsByArn.set(principal.arn, resolved);
  }

  const roles = new Map<string, ResolvedRole>();
  for (const account of world.accounts) {
    const partition = partitionOf(account.id);
    for (const role of account.roles) {
      const resolved = resolveRole(role, account.id, partition);
      // IAM role names are unique per account, case-insensitively.
      const key = roleKey(partition, account.id, role.name);
      if (roles.has(key)) {
        throw new TypeError(`stand-in world: duplicate role ${role.name} in ${account.id}`);
      }
      roles.set(key, resolved);
    }
  }

  const samlProviders = new Map<string, ResolvedSamlProvider>();
  const checkedProvider = (provider: StandinSamlProvider) => {
    const resolved = resolveSamlProvider(provider);
    if (partitions.has(resolved.account) && partitionOf(resolved.account) !== resolved.partition) {
      throw new TypeError(
        `stand-in SAML provider ${resolved.arn}: account ${resolved.account} is in partition ${partitionOf(resolved.account)}`,
      );
    }
    return resolved;
  };
  for (const provider of world.samlProviders ?? []) {
    if (samlProviders.has(provider.arn)) {
      throw new TypeError(`stand-in world: duplicate SAML provider ${provider.arn}`);
    }
    samlProviders.set(provider.arn, checkedProvider(provider));
  }

  return {
    principalByAccessKeyId: (accessKeyId) => principals.get(accessKeyId),
    principalByArn: (arn) => principalsByArn.get(arn),
    mfaDeviceOf: (userArn) => principalsByArn.get(userArn)?.mfaDevice,
    samlProvider: (arn) => samlProviders.get(arn),
    samlProviders: () => [...samlProviders.values()],
    registerSamlProvider: (provider) => {
      const resolved = checkedProvider(provider);
      samlProviders.set(resolved.arn, resolved);
      return resolved;
    },
    // AWS matches the role name exactly even though uniqueness is case-insensitive; the world's
    // roles all live at path "/", so an ARN with a path names a role that does not exist.
    roleByArn: (arn) => {
      const parts = parseRoleArn(arn);
      if (!parts || parts.path !== "") return undefined;
      const found = roles.get(roleKey(parts.partition, parts.account, parts.name));
      return found?.name === parts.name ? found : undefined;
    },
  };
}

/** @throws TypeError for a bad account id or partition, or an account in two partitions. */
function accountPartitions(world: StandinWorld): Map<string, StandinPartition> {
  const partitions = new Map<string, StandinPartition>();
  for (const account of world.accounts) {
    if (!ACCOUNT_ID.test(account.id)) {
      throw new TypeError(`stand-in world: account id ${account.id} is not 12 digits`);
    }
    const partition = account.partition ?? "aws";
    if (!isPartition(partition)) {
      throw new TypeError(
        `stand-in world: account ${account.id} partition ${String(partition)} is not aws, aws-us-gov or aws-cn`,
      );
    }
    const earlier = partitions.get(account.id);
    if (earlier !== undefined && earlier !== partition) {
      throw new TypeError(
        `stand-in world: account ${account.id} is listed in ${earlier} and ${partition}; account ids are per partition`,
      );
    }
    partitions.set(account.id, partition);
  }
  return partitions;
}

function resolvePrincipal(
  principal: StandinPrincipal,
  partitions: ReadonlyMap<string, StandinPartition>,
  mfaSerials: Set<string>,
): ResolvedPrincipal {
  const arn = parseUserArn(principal.arn);
  if (!LONG_TERM_KEY_ID.test(principal.accessKeyId)) {
    throw new TypeError(`stand-in world: access key id ${principal.accessKeyId} is not AKIA + 16`);
  }
  if (principal.secretAccessKey.length < 16) {
    throw new TypeError(`stand-in world: secret of ${principal.accessKeyId} is too short`);
  }
  if (!arn || arn.account !== principal.account) {
    throw new TypeError(
      `stand-in world: ${principal.arn} is not an IAM user of ${principal.account}`,
    );
  }
  const declared = partitions.get(principal.account);
  if (declared !== undefined && declared !== arn.partition) {
    throw new TypeError(
      `stand-in world: ${principal.arn} is in ${arn.partition}, but account ${principal.account} is in ${declared}`,
    );
  }
  if (principal.mfaDevice) checkMfaDevice(principal, arn.partition, mfaSerials);
  return {
    ...principal,
    partition: arn.partition,
    userId: stableUniqueId("AIDA", principal.arn),
    permissions: readPolicy(principal.permissionPolicy, "permission", principal.arn),
  };
}

function resolveRole(
  role: StandinRole,
  account: string,
  partition: StandinPartition,
): ResolvedRole {
  if (!ROLE_NAME.test(role.name)) {
    throw new TypeError(`stand-in world: role name ${role.name} is invalid`);
  }
  const max = role.maxSessionDurationSeconds;
  if (!Number.isInteger(max) || max < 3600 || max > 43200) {
    throw new TypeError(`stand-in world: ${role.name} MaxSessionDuration ${max} not in 3600–43200`);
  }
  for (const providerArn of role.trustedSamlProviderArns ?? []) {
    const provider = parseSamlProviderArn(providerArn);
    if (provider?.account !== account || provider.partition !== partition) {
      throw new TypeError(
        `stand-in world: ${role.name} trusts ${providerArn}, not a SAML provider of ${account} in ${partition}`,
      );
    }
  }
  const arn = roleArn(account, role.name, partition);
  if (role.trustPolicy !== undefined && usesShorthandTrust(role)) {
    throw new TypeError(
      `stand-in world: ${arn} has a trustPolicy and shorthand trust fields; the document replaces them (leave them empty, or use definePolicyRole)`,
    );
  }
  return {
    ...role,
    account,
    partition,
    arn,
    roleId: stableUniqueId("AROA", arn),
    trust:
      role.trustPolicy === undefined
        ? shorthandTrustPolicy(role)
        : parseOwnedPolicy(role.trustPolicy, "trust", arn),
    permissions: readPolicy(role.permissionPolicy, "permission", arn),
  };
}

function readPolicy(
  document: PolicyDocument | undefined,
  kind: PolicyKind,
  owner: string,
): ParsedPolicy | undefined {
  return document === undefined ? undefined : parseOwnedPolicy(document, kind, owner);
}

/** @throws TypeError naming the policy's owner and every problem in it. */
function parseOwnedPolicy(document: PolicyDocument, kind: PolicyKind, owner: string): ParsedPolicy {
  try {
    return parseIamPolicy(document, kind);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(`stand-in world: ${owner}: ${reason}`);
  }
}

function checkMfaDevice(
  principal: StandinPrincipal,
  partition: StandinPartition,
  seen: Set<string>,
): void {
  const device = principal.mfaDevice;
  if (!device) return;
  const serial = parseMfaSerialArn(device.serialNumber);
  if (serial?.account !== principal.account || serial.partition !== partition) {
    throw new TypeError(
      `stand-in world: MFA device ${device.serialNumber} of ${principal.arn} is not arn:${partition}:iam::${principal.account}:mfa/<name>`,
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

function roleKey(partition: StandinPartition, account: string, roleName: string): string {
  return `${partition}/${account}/${roleName.toLowerCase()}`;
}
