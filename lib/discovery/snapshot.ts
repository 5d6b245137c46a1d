/**
 * What one discovery read from AWS: the organization's accounts (with their OU path and tags) and,
 * for each account whose discovery role could be assumed, its roles with their trust verdicts.
 * Plain data, so the diff is a pure function of it and the database's state (docs/DISCOVERY.md).
 */
import type { TrustVerdict } from "./trust-policy";

/**
 * An account's `State` in ListAccounts (the older `Status` was retired on 9 September 2026).
 * UNKNOWN stands for a state missing or not one of AWS's five: like every state but ACTIVE, it
 * grants nothing (roleIsUsable), so a state AWS adds later fails closed until it is understood.
 */
export const ORGANIZATION_STATES = [
  "ACTIVE",
  "PENDING_ACTIVATION",
  "SUSPENDED",
  "PENDING_CLOSURE",
  "CLOSED",
] as const;

export type OrganizationStatus = (typeof ORGANIZATION_STATES)[number] | "UNKNOWN";

export interface DiscoveredRole {
  arn: string;
  name: string;
  /** IAM path, "/" or "/a/b/". */
  path: string;
  description: string;
  maxSessionDurationSeconds: number;
  trust: TrustVerdict;
}

export interface DiscoveredAccount {
  accountId: string;
  /** The name Organizations gives it (or the configured name tag's value). */
  name: string;
  status: OrganizationStatus;
  /** OU names from the root down, the root first ("Root"). */
  path: string[];
  tags: Record<string, string>;
  /**
   * The account's roles, or null when they could not be read (the discovery role missing or
   * refused, or the account not active): its known roles are then left alone, never marked gone.
   */
  roles: DiscoveredRole[] | null;
  /** Why `roles` is null. */
  rolesError: string | null;
}

export interface DiscoverySnapshot {
  organizationId: string;
  managementAccountId: string;
  accounts: DiscoveredAccount[];
  /** Roles read but not offered: they trust neither the broker nor a SAML provider. */
  untrustedRoleCount: number;
  /** Accounts and roles AWS answered with that are not well formed: left out, each said why. */
  malformed: Array<{ accountId: string; message: string }>;
}

/** Service-linked roles and the discovery role itself: never candidates. */
export function isIgnoredRole(
  role: { name: string; path: string },
  discoveryRoleName: string,
): boolean {
  return role.path.startsWith("/aws-service-role/") || role.name === discoveryRoleName;
}
