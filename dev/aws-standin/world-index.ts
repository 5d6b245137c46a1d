/**
 * Checking a stand-in world and indexing it for the lookups STS, IAM and Organizations need: keys,
 * users, roles by ARN and by account (with their trust and permission policies parsed), SAML
 * providers, the organization. Roles may be put and removed while the stand-in runs.
 */
import { createHash } from "node:crypto";
import { parseIamPolicy, type ParsedPolicy, type PolicyKind } from "./iam-policy";
import { stableUniqueId } from "./ids";
import { RoleTable } from "./role-table";
import { indexOrganization, type OrganizationIndex } from "./organization-index";
import {
  isPartition,
  parseMfaSerialArn,
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
/**
 * `/` or `/a/b/`, at most 512 characters. IAM allows any of `!`…`~` in a path; the stand-in keeps
 * to the characters its role ARN parser reads (`[\w+=,.@-]`), which all real paths use.
 */
const ROLE_PATH = /^\/(?:[\w+=,.@-]+\/)*$/;
/** IAM's Description: at most 1,000 characters of this set. */
const ROLE_DESCRIPTION = /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/;
const DAY_MS = 86_400_000;
/** CreateDates of the initial world's roles are spread over the 1,500 days after this. */
const CREATE_EPOCH_MS = Date.UTC(2019, 0, 1);

/** `arn:<partition>:iam::<account>:role<path><name>`. */
function roleArn(
  account: string,
  roleName: string,
  partition: StandinPartition,
  path: string,
): string {
  return `arn:${partition}:iam::${account}:role${path}${roleName}`;
}

/**
 * Checks a world and indexes it.
 *
 * @throws TypeError when the world is malformed (bad account id or partition, an account listed
 *   in two partitions, key id, role name, path or description, duplicate key or role,
 *   MaxSessionDuration outside 3,600–43,200, a user, MFA device or SAML provider ARN whose
 *   partition or account is not its owner's, an MFA device used twice or whose secret is not
 *   base32, a trusted SAML provider ARN that is malformed or in another account, a malformed
 *   policy document, a trust policy next to shorthand trust fields, a duplicate provider, a
 *   malformed organization — see indexOrganization): a programming error in the caller.
 */
export function indexWorld(world: StandinWorld): WorldIndex {
  const partitions = accountPartitions(world);
  const organization: OrganizationIndex | undefined = world.organization
    ? indexOrganization(world.organization, (account) => partitions.get(account))
    : undefined;
  const partitionOf = (account: string): StandinPartition =>
    partitions.get(account) ??
    (organization?.member(account) ? organization.partition : undefined) ??
    "aws";
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

  const roles = new RoleTable();
  for (const account of world.accounts) {
    const partition = partitionOf(account.id);
    for (const role of account.roles) {
      const resolved = resolveRole(role, account.id, partition, undefined);
      // IAM role names are unique per account, case-insensitively (whatever their paths).
      if (roles.get(partition, account.id, role.name)) {
        throw new TypeError(`stand-in world: duplicate role ${role.name} in ${account.id}`);
      }
      roles.put(resolved);
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
    // AWS matches the role name exactly even though uniqueness is case-insensitive, and a role
    // ARN includes the role's path: the same name under another path names no role.
    roleByArn: (arn) => roles.byArn(arn),
    rolesOf: (partition, account) => roles.ofAccount(partition, account),
    putRole: (accountId, role, createdAt) => {
      if (!ACCOUNT_ID.test(accountId)) {
        throw new TypeError(`stand-in world: account id ${accountId} is not 12 digits`);
      }
      const partition = partitionOf(accountId);
      const generation = roles.generationOf(partition, accountId, role.name);
      const resolved = resolveRole(role, accountId, partition, { createdAt, generation });
      partitions.set(accountId, partition);
      roles.put(resolved);
      return resolved;
    },
    removeRole: (arn) => {
      const found = roles.byArn(arn);
      return found ? roles.remove(found) : false;
    },
    organization: () => organization,
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

/**
 * A role with its derived identifiers. `put` is set for roles put while running: created then,
 * with a RoleId of their own when the name existed before (`generation` > 0).
 */
function resolveRole(
  role: StandinRole,
  account: string,
  partition: StandinPartition,
  put: { createdAt: Date; generation: number } | undefined,
): ResolvedRole {
  if (typeof role.name !== "string" || !ROLE_NAME.test(role.name)) {
    throw new TypeError(`stand-in world: role name ${String(role.name)} is invalid`);
  }
  const max = role.maxSessionDurationSeconds;
  if (!Number.isInteger(max) || max < 3600 || max > 43200) {
    throw new TypeError(`stand-in world: ${role.name} MaxSessionDuration ${max} not in 3600–43200`);
  }
  const path = role.path ?? "/";
  if (typeof path !== "string" || path.length > 512 || !ROLE_PATH.test(path)) {
    throw new TypeError(`stand-in world: ${role.name} path ${String(path)} is not / or /a/b/`);
  }
  const description = role.description ?? "";
  if (
    typeof description !== "string" ||
    description.length > 1000 ||
    !ROLE_DESCRIPTION.test(description)
  ) {
    throw new TypeError(
      `stand-in world: ${role.name} description must be at most 1,000 characters of IAM's set`,
    );
  }
  for (const providerArn of role.trustedSamlProviderArns ?? []) {
    const provider = parseSamlProviderArn(providerArn);
    if (provider?.account !== account || provider.partition !== partition) {
      throw new TypeError(
        `stand-in world: ${role.name} trusts ${providerArn}, not a SAML provider of ${account} in ${partition}`,
      );
    }
  }
  const arn = roleArn(account, role.name, partition, path);
  if (role.trustPolicy !== undefined && usesShorthandTrust(role)) {
    throw new TypeError(
      `stand-in world: ${arn} has a trustPolicy and shorthand trust fields; the document replaces them (leave them empty, or use definePolicyRole)`,
    );
  }
  const generation = put?.generation ?? 0;
  return {
    ...role,
    account,
    partition,
    arn,
    path,
    description,
    createDate: put?.createdAt ?? stableCreateDate(arn),
    roleId: stableUniqueId("AROA", generation === 0 ? arn : `${arn}#${generation}`),
    trust:
      role.trustPolicy === undefined
        ? shorthandTrustPolicy(role)
        : parseOwnedPolicy(role.trustPolicy, "trust", arn),
    permissions: readPolicy(role.permissionPolicy, "permission", arn),
  };
}

/** A CreateDate that is the same on every start, whole seconds like IAM's. */
function stableCreateDate(arn: string): Date {
  const digest = createHash("sha256").update(`created:${arn}`).digest();
  const days = digest.readUInt32BE(0) % 1500;
  const seconds = digest.readUInt32BE(4) % 86_400;
  return new Date(CREATE_EPOCH_MS + days * DAY_MS + seconds * 1000);
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
