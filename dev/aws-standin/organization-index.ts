/**
 * The AWS Organizations side of a world: the organization checked once at start — identifiers in
 * the patterns AWS documents, every parent existing, no cycles, units nested at most five deep
 * (AWS's quota), the management account and delegated administrators among the members, members
 * in the management account's partition — and indexed for the Organizations API. Tests change
 * members while the stand-in runs (a renamed or moved account, a new one) through the same checks.
 */
import { createHash } from "node:crypto";
import type { StandinPartition } from "./partitions";
import type {
  StandinOrganization,
  StandinOrganizationalUnit,
  StandinOrganizationMember,
} from "./world";

export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
export const ROOT_ID = /^r-[a-z0-9]{4,32}$/;
export const OU_ID = /^ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/;
export const ACCOUNT_ID = /^\d{12}$/;
/** Organizations' own account name rule: 1 to 50 characters of the ASCII range. */
const ACCOUNT_NAME = /^[\u0020-\u007E]{1,50}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** The five account states of ListAccounts' `State` (AWS Organizations User Guide, account states). */
export const STATUSES = [
  "PENDING_ACTIVATION",
  "ACTIVE",
  "SUSPENDED",
  "PENDING_CLOSURE",
  "CLOSED",
] as const;
/** AWS Organizations quota: OUs nest at most five levels below the root. */
const MAX_OU_DEPTH = 5;
const MAX_TAGS = 50;
const DAY_MS = 86_400_000;
/** Joined timestamps of the initial world are spread over the 1,500 days after this. */
const JOINED_EPOCH_MS = Date.UTC(2019, 0, 1);

export type MemberStatus = (typeof STATUSES)[number];

export interface ResolvedMember {
  id: string;
  name: string;
  email: string;
  status: MemberStatus;
  /** The root's id or a unit's id. */
  parentId: string;
  tags: Record<string, string>;
  joinedAt: Date;
}

export interface ResolvedUnit {
  id: string;
  name: string;
  parentId: string;
  tags: Record<string, string>;
}

/** What AwsStandin.updateOrganizationMember may change. */
export interface OrganizationMemberPatch {
  name?: string;
  status?: MemberStatus;
  parentId?: string;
  tags?: Record<string, string>;
}

export interface OrganizationIndex {
  readonly id: string;
  readonly rootId: string;
  readonly managementAccountId: string;
  /** The management account's: members live in it, and every ARN names it. */
  readonly partition: StandinPartition;
  /** The management account and delegated administrators: they may call the read APIs. */
  isAdministrator(accountId: string): boolean;
  /** Every member, in ListAccounts order (the world's order, added members last). */
  members(): readonly ResolvedMember[];
  member(accountId: string): ResolvedMember | undefined;
  unit(unitId: string): ResolvedUnit | undefined;
  /** The tags of a member, unit or the root (which has none); undefined for anything else. */
  tagsOf(resourceId: string): Record<string, string> | undefined;
  /** @throws TypeError for an unknown member or an invalid patch (nothing is changed then). */
  updateMember(accountId: string, patch: OrganizationMemberPatch): ResolvedMember;
  /** @throws TypeError for a malformed or duplicate member. */
  addMember(member: StandinOrganizationMember, joinedAt: Date): ResolvedMember;
}

/**
 * Checks an organization and indexes it. `declaredPartition` tells the partition of accounts the
 * world lists (undefined for the others, which are `aws`).
 *
 * @throws TypeError naming the problem: a malformed organization, root, unit or account id, a
 *   unit id not under this root, a duplicate id, a parent that does not exist, a cycle, units
 *   nested deeper than five, a bad name, email, status or tag, a management account or delegated
 *   administrator that is not a member (or a management account listed as delegated), a member
 *   in another partition than the management account.
 */
export function indexOrganization(
  organization: StandinOrganization,
  declaredPartition: (accountId: string) => StandinPartition | undefined,
): OrganizationIndex {
  const { id, rootId, managementAccountId } = organization;
  if (!ORGANIZATION_ID.test(id))
    fail(`id ${id} is not o- and 10 to 32 lowercase letters or digits`);
  if (!ROOT_ID.test(rootId))
    fail(`root id ${rootId} is not r- and 4 to 32 lowercase letters or digits`);
  const units = indexUnits(organization.organizationalUnits ?? [], rootId);
  const partition = declaredPartition(managementAccountId) ?? "aws";

  const members = new Map<string, ResolvedMember>();
  const checkedMember = (member: StandinOrganizationMember, joinedAt: Date): ResolvedMember => {
    const resolved = resolveMember(member, rootId, units, joinedAt);
    if (members.has(member.id)) fail(`account ${member.id} is a member twice`);
    const declared = declaredPartition(member.id);
    if (declared !== undefined && declared !== partition) {
      fail(`member ${member.id} is in ${declared}, the management account in ${partition}`);
    }
    return resolved;
  };
  for (const member of organization.members) {
    members.set(member.id, checkedMember(member, stableJoinedAt(member.id, managementAccountId)));
  }
  if (!members.has(managementAccountId)) {
    fail(`management account ${managementAccountId} is not a member`);
  }
  const delegated = new Set(organization.delegatedAdministratorIds ?? []);
  for (const accountId of delegated) {
    if (!members.has(accountId)) fail(`delegated administrator ${accountId} is not a member`);
    if (accountId === managementAccountId) {
      fail(`the management account ${accountId} cannot be a delegated administrator`);
    }
  }

  return {
    id,
    rootId,
    managementAccountId,
    partition,
    isAdministrator: (accountId) => accountId === managementAccountId || delegated.has(accountId),
    members: () => [...members.values()],
    member: (accountId) => members.get(accountId),
    unit: (unitId) => units.get(unitId),
    tagsOf: (resourceId) =>
      resourceId === rootId
        ? {}
        : (members.get(resourceId)?.tags ?? units.get(resourceId)?.tags ?? undefined),
    updateMember: (accountId, patch) => {
      const current = members.get(accountId);
      if (!current) fail(`account ${accountId} is not a member`);
      checkPatchKeys(patch);
      const updated = resolveMember(
        {
          id: accountId,
          name: patch.name ?? current.name,
          email: current.email,
          status: patch.status ?? current.status,
          parentId: patch.parentId ?? current.parentId,
          tags: patch.tags ?? current.tags,
        },
        rootId,
        units,
        current.joinedAt,
      );
      members.set(accountId, updated);
      return updated;
    },
    addMember: (member, joinedAt) => {
      const resolved = checkedMember(member, joinedAt);
      members.set(member.id, resolved);
      return resolved;
    },
  };
}

function indexUnits(list: StandinOrganizationalUnit[], rootId: string): Map<string, ResolvedUnit> {
  const rootSuffix = rootId.slice("r-".length);
  const units = new Map<string, ResolvedUnit>();
  for (const unit of list) {
    if (!OU_ID.test(unit.id) || unit.id.split("-")[1] !== rootSuffix) {
      fail(`unit id ${unit.id} is not ou-${rootSuffix}- and 8 to 32 lowercase letters or digits`);
    }
    if (units.has(unit.id)) fail(`unit ${unit.id} is listed twice`);
    if (typeof unit.name !== "string" || unit.name.length < 1 || unit.name.length > 128) {
      fail(`unit ${unit.id} name must be 1 to 128 characters`);
    }
    units.set(unit.id, {
      id: unit.id,
      name: unit.name,
      parentId: unit.parentId,
      tags: checkTags(unit.tags, `unit ${unit.id}`),
    });
  }
  for (const unit of units.values()) {
    // Walking up from every unit finds a missing parent, a cycle and the depth in one pass.
    let depth = 1;
    for (let parent = unit.parentId; parent !== rootId; depth++) {
      const above = units.get(parent);
      if (!above)
        fail(`unit ${unit.id} has parent ${parent}, which is neither the root nor a unit`);
      if (depth > units.size) fail(`unit ${unit.id} is in a cycle of parents`);
      parent = above.parentId;
    }
    if (depth > MAX_OU_DEPTH) {
      fail(`unit ${unit.id} is nested ${depth} deep; AWS allows ${MAX_OU_DEPTH}`);
    }
  }
  return units;
}

function resolveMember(
  member: StandinOrganizationMember,
  rootId: string,
  units: ReadonlyMap<string, ResolvedUnit>,
  joinedAt: Date,
): ResolvedMember {
  const { id } = member;
  if (typeof id !== "string" || !ACCOUNT_ID.test(id))
    fail(`member id ${String(id)} is not 12 digits`);
  if (typeof member.name !== "string" || !ACCOUNT_NAME.test(member.name)) {
    fail(`member ${id} name must be 1 to 50 ASCII characters`);
  }
  const email = member.email;
  if (typeof email !== "string" || email.length < 6 || email.length > 64 || !EMAIL.test(email)) {
    fail(`member ${id} email ${String(email)} is not an email address of 6 to 64 characters`);
  }
  const status = member.status ?? "ACTIVE";
  if (!STATUSES.includes(status))
    fail(`member ${id} status ${String(status)} is not one of ${STATUSES.join(", ")}`);
  const parentId = member.parentId ?? rootId;
  if (parentId !== rootId && !units.has(parentId)) {
    fail(`member ${id} has parent ${parentId}, which is neither the root nor a unit`);
  }
  return {
    id,
    name: member.name,
    email,
    status,
    parentId,
    tags: checkTags(member.tags, `member ${id}`),
    joinedAt,
  };
}

function checkPatchKeys(patch: OrganizationMemberPatch): void {
  const known = ["name", "status", "parentId", "tags"];
  const unknown = Object.keys(patch).filter((key) => !known.includes(key));
  if (unknown.length > 0)
    fail(`a member patch may change ${known.join(", ")}, not ${unknown.join(", ")}`);
}

/** Organizations' tag rules: at most 50, keys 1–128 and values 0–256 characters, no `aws:` keys. */
function checkTags(
  tags: Record<string, string> | undefined,
  owner: string,
): Record<string, string> {
  if (tags === undefined) return {};
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    fail(`${owner} tags must be an object of key to value`);
  }
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS)
    fail(`${owner} has ${entries.length} tags; AWS allows ${MAX_TAGS}`);
  for (const [key, value] of entries) {
    const isKeyValid = key.length >= 1 && key.length <= 128 && TAG_TEXT.test(key);
    if (!isKeyValid || key.toLowerCase().startsWith("aws:"))
      fail(`${owner} tag key ${JSON.stringify(key)} is invalid`);
    if (typeof value !== "string" || value.length > 256 || !TAG_TEXT.test(value)) {
      fail(`${owner} tag ${key} value ${JSON.stringify(value)} is invalid`);
    }
  }
  return { ...tags };
}

/** A joined date that is the same on every start: the management account's is the earliest. */
function stableJoinedAt(accountId: string, managementAccountId: string): Date {
  if (accountId === managementAccountId) return new Date(JOINED_EPOCH_MS);
  const days = createHash("sha256").update(`joined:${accountId}`).digest().readUInt32BE(0) % 1500;
  return new Date(JOINED_EPOCH_MS + (days + 1) * DAY_MS);
}

function fail(problem: string): never {
  throw new TypeError(`stand-in organization: ${problem}`);
}
