/**
 * What exists in the stand-in's pretend AWS: long-term IAM users (the broker's keys), the roles
 * they may assume, the IAM SAML providers roles may trust for AssumeRoleWithSAML — each in one
 * of the three partitions — and optionally the AWS Organizations organization the accounts form.
 * The world is validated once when the stand-in starts (world-index.ts, organization-index.ts),
 * so a typo in a test world fails loudly instead of surfacing as a puzzling AccessDenied. SAML
 * providers may also be registered later (the demo's IdP only has its metadata once it runs), and
 * tests may add, replace and remove roles and change members while it runs.
 */
import type { ParsedPolicy } from "./iam-policy";
import type { OrganizationIndex } from "./organization-index";
import type { StandinPartition } from "./partitions";
import type { ResolvedSamlProvider, StandinSamlProvider } from "./saml-metadata";

export type { ResolvedSamlProvider, StandinSamlProvider } from "./saml-metadata";

/** An IAM policy document: the JSON text an operator pastes, or the parsed object. */
export type PolicyDocument = string | object;

export interface StandinPrincipal {
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * The IAM user ARN, `arn:<partition>:iam::<account>:user/<name>`. Its partition is the only one
   * the key works in: STS endpoints of another partition do not know it.
   */
  arn: string;
  account: string;
  /**
   * The user's virtual MFA device: GetSessionToken and AssumeRole accept its SerialNumber with a
   * current TOTP code (see totpCode) and then mark the session MFA-authenticated.
   */
  mfaDevice?: StandinMfaDevice;
  /**
   * The user's identity policy as an IAM JSON document. When present, AssumeRole also needs it to
   * allow sts:AssumeRole on the role (and sts:SetSourceIdentity / sts:TagSession when those are
   * sent); without it the user may call anything and only trust policies decide.
   */
  permissionPolicy?: PolicyDocument;
}

export interface StandinMfaDevice {
  /** `arn:<the user's partition>:iam::<the user's account>:mfa/<name>` */
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
   * SAML provider ARNs (`arn:<partition>:iam::<same account>:saml-provider/<Name>`) the trust
   * policy lets call sts:AssumeRoleWithSAML. The provider may be registered after the start.
   */
  trustedSamlProviderArns?: string[];
  /**
   * The trust policy's condition `"Bool": {"aws:MultiFactorAuthPresent": "true"}`: AssumeRole
   * succeeds only for MFA-authenticated callers (GetSessionToken with an MFA code, or this
   * AssumeRole call carrying a valid SerialNumber and TokenCode).
   */
  requiresMfa?: boolean;
  /**
   * The trust policy as an IAM JSON document (see parseIamPolicy). It replaces the shorthand
   * above: trustedPrincipalArns and trustedSamlProviderArns must then be empty and the booleans
   * false (definePolicyRole fills them in), so nothing is silently ignored.
   */
  trustPolicy?: PolicyDocument;
  /** The role's identity policy, checked when its sessions call AssumeRole (role chaining). */
  permissionPolicy?: PolicyDocument;
  /** IAM's Description (at most 1,000 characters); default "". */
  description?: string;
  /** IAM's Path, `/` or `/a/b/`; default "/". Service-linked roles live under `/aws-service-role/`. */
  path?: string;
}

export interface StandinAccount {
  id: string;
  /** Default "aws". Its roles' ARNs, and its users', SAML providers' and MFA devices', use it. */
  partition?: StandinPartition;
  roles: StandinRole[];
}

export interface StandinWorld {
  principals: StandinPrincipal[];
  accounts: StandinAccount[];
  /** IAM SAML providers known at start (default none); see also AwsStandin.registerSamlProvider. */
  samlProviders?: StandinSamlProvider[];
  /**
   * The AWS Organizations organization the accounts belong to, if any (served by the stand-in's
   * Organizations API; without it every Organizations call answers
   * AWSOrganizationsNotInUseException).
   */
  organization?: StandinOrganization;
}

/** An organization in AWS Organizations, as its management account sees it. */
export interface StandinOrganization {
  /** `o-` and 10 to 32 lowercase letters or digits. */
  id: string;
  /** `r-` and 4 to 32 lowercase letters or digits. */
  rootId: string;
  /** One of `members`: may call every read API. */
  managementAccountId: string;
  /** Members that are delegated administrators: they may call the read APIs too. */
  delegatedAdministratorIds?: string[];
  organizationalUnits?: StandinOrganizationalUnit[];
  /** Every account in the organization, in the order ListAccounts returns them. */
  members: StandinOrganizationMember[];
}

export interface StandinOrganizationalUnit {
  /** `ou-<root id without "r-">-` and 8 to 32 lowercase letters or digits. */
  id: string;
  name: string;
  /** The root's id or another unit's id. */
  parentId: string;
  tags?: Record<string, string>;
}

export interface StandinOrganizationMember {
  /** 12 digits. A member need not be in StandinWorld.accounts (it then has no roles). */
  id: string;
  name: string;
  email: string;
  /** Its account State; default "ACTIVE". */
  status?: "PENDING_ACTIVATION" | "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE" | "CLOSED";
  /** The root's id or a unit's id; default the root. */
  parentId?: string;
  tags?: Record<string, string>;
}

/** Picks roles, e.g. for trusting a SAML provider. */
export type RoleSelector = (role: StandinRole, accountId: string) => boolean;

/** A role found in the world, with the identifiers AWS would derive for it. */
export interface ResolvedRole extends StandinRole {
  account: string;
  partition: StandinPartition;
  /** `arn:<partition>:iam::<account>:role<path><name>`: IAM role ARNs include the path. */
  arn: string;
  /** `/` or `/a/b/`. */
  path: string;
  description: string;
  /** IAM's CreateDate: stable for roles of the initial world, the put time for putRole's. */
  createDate: Date;
  /** `AROA…`, stable for the role so AssumedRoleId does not change between sessions. */
  roleId: string;
  /** The trust policy, from the document or from the shorthand fields. */
  trust: ParsedPolicy;
  permissions: ParsedPolicy | undefined;
}

/** A long-term principal with its stable `AIDA…` user id. */
export interface ResolvedPrincipal extends StandinPrincipal {
  partition: StandinPartition;
  userId: string;
  permissions: ParsedPolicy | undefined;
}

/** Lookups over a validated world. */
export interface WorldIndex {
  principalByAccessKeyId(accessKeyId: string): ResolvedPrincipal | undefined;
  principalByArn(userArn: string): ResolvedPrincipal | undefined;
  /** The MFA device of the IAM user with this ARN, if it has one. */
  mfaDeviceOf(userArn: string): StandinMfaDevice | undefined;
  /** The role a role ARN names (exact name and path), if it exists. */
  roleByArn(arn: string): ResolvedRole | undefined;
  /** The roles of one account in one partition, in IAM ListRoles order (by name). */
  rolesOf(partition: StandinPartition, account: string): ResolvedRole[];
  /**
   * Adds a role to an account (created at `createdAt`), or replaces the role of that name
   * (compared case-insensitively, as IAM does); the replacement gets a new RoleId, as a role
   * deleted and created again does at AWS. An account not yet in the world is added in its
   * organization's partition (when a member) or `aws`.
   *
   * @throws TypeError when the role or account id is malformed (see indexWorld).
   */
  putRole(accountId: string, role: StandinRole, createdAt: Date): ResolvedRole;
  /** Removes the role an ARN names (exact name and path); false when there is none. */
  removeRole(roleArn: string): boolean;
  /** The organization, when the world has one. */
  organization(): OrganizationIndex | undefined;
  samlProvider(arn: string): ResolvedSamlProvider | undefined;
  samlProviders(): ResolvedSamlProvider[];
  /**
   * Adds a SAML provider, or replaces the metadata of one with the same ARN (as IAM's
   * UpdateSAMLProvider does).
   *
   * @throws TypeError when the ARN or the metadata is malformed, or the ARN's partition is not
   *   its account's.
   */
  registerSamlProvider(provider: StandinSamlProvider): ResolvedSamlProvider;
}
