/**
 * The model of the changes a discovery proposes (docs/DISCOVERY.md): what the database holds
 * (KnownAccount, KnownRole), each kind of change and its fields (DiscoveryChange), the kinds the
 * periodic sync applies by itself, and the notices a run records. Pure description; the diff that
 * produces them is diff.ts.
 */
import type { OrganizationStatus } from "./snapshot";
import type { TrustVerdict } from "./trust-policy";

/** "" (never discovered) is how a hand-entered account starts. */
export type AccountStatus = "" | OrganizationStatus | "NOT_IN_ORGANIZATION";

/**
 * The Organizations statuses in which an account's roles may be used: ACTIVE, "" (entered by hand,
 * never discovered) and NOT_IN_ORGANIZATION (it left: discovery no longer reads it, but it may
 * still be the company's, moved to another organization). Every other one grants nothing —
 * suspended, closing, closed, not yet activated, or a state discovery did not understand — so a
 * state AWS adds later fails closed (roleIsUsable in lib/access/resolve-grants.ts).
 */
const USABLE_ACCOUNT_STATUSES: ReadonlySet<string> = new Set(["", "ACTIVE", "NOT_IN_ORGANIZATION"]);

export function accountStatusGrants(status: string): boolean {
  return USABLE_ACCOUNT_STATUSES.has(status);
}

export interface KnownRole {
  arn: string;
  name: string;
  description: string;
  maxSessionDurationSeconds: number;
  assumeMethod: string;
  samlProviderArn: string | null;
  requiresBrokerMfa: boolean;
  missingSince: Date | null;
  trustStatus: string;
  /** Access rules on the role: what a removal would stop. */
  ruleCount: number;
}

export interface KnownAccount {
  accountId: string;
  name: string;
  environment: string;
  tags: Record<string, string>;
  organizationStatus: string;
  organizationPath: string;
  roles: KnownRole[];
}

/** A role as discovery would create it. */
export interface ProposedRole {
  arn: string;
  name: string;
  description: string;
  maxSessionDurationSeconds: number;
  trust: TrustVerdict;
}

export interface FieldChange {
  field:
    | "arn"
    | "description"
    | "maxSessionDurationSeconds"
    | "assumeMethod"
    | "samlProviderArn"
    | "requiresBrokerMfa"
    | "trustStatus";
  from: string | number | boolean | null;
  to: string | number | boolean | null;
}

export type DiscoveryChange =
  | {
      key: string;
      kind: "account-new";
      accountId: string;
      name: string;
      environment: string;
      path: string;
      status: string;
      tags: Record<string, string>;
      /** Its roles the portal can assume (created with it). */
      roles: ProposedRole[];
      /** Why its roles could not be read, if so. */
      rolesError: string | null;
    }
  | { key: string; kind: "account-renamed"; accountId: string; from: string; to: string }
  | {
      key: string;
      kind: "account-status";
      accountId: string;
      accountName: string;
      from: AccountStatus;
      to: AccountStatus;
      /** Rules on the account's roles: they stop (or start again) granting. */
      ruleCount: number;
    }
  | {
      key: string;
      kind: "account-details";
      accountId: string;
      accountName: string;
      environment: { from: string; to: string } | null;
      path: { from: string; to: string } | null;
      tags: { from: Record<string, string>; to: Record<string, string> } | null;
    }
  | { key: string; kind: "role-new"; accountId: string; accountName: string; role: ProposedRole }
  | {
      key: string;
      kind: "role-gone";
      accountId: string;
      accountName: string;
      arn: string;
      name: string;
      ruleCount: number;
    }
  | {
      key: string;
      kind: "role-returned";
      accountId: string;
      accountName: string;
      arn: string;
      name: string;
    }
  | {
      key: string;
      kind: "role-changed";
      accountId: string;
      accountName: string;
      arn: string;
      name: string;
      fields: FieldChange[];
      /** The trust as read now: "untrusted" means the portal could not assume the role. */
      trust: TrustVerdict;
    };

export type ChangeKind = DiscoveryChange["kind"];

export const CHANGE_KINDS: readonly ChangeKind[] = [
  "account-new",
  "account-renamed",
  "account-status",
  "account-details",
  "role-new",
  "role-gone",
  "role-returned",
  "role-changed",
];

/** What the periodic sync applies by itself: additions and the marking of removals. */
export const SYNC_KINDS: ReadonlySet<ChangeKind> = new Set([
  "account-new",
  "role-new",
  "role-gone",
  "role-returned",
  "account-status",
]);

export interface DiscoveryNotice {
  accountId: string;
  message: string;
}
