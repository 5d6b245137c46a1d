/**
 * The changes one discovery proposes, as a pure function of what it read (DiscoverySnapshot) and
 * what the database holds (docs/DISCOVERY.md). Every change has a stable key, so an admin can
 * apply any subset, and applying checks each one still holds. Nothing is ever deleted: a role gone
 * from AWS is marked (its rules then grant nothing), an account that left or closed is marked.
 */
import type { DiscoveryConfig } from "@/lib/config";
import type {
  AccountStatus,
  DiscoveryChange,
  DiscoveryNotice,
  FieldChange,
  KnownAccount,
  KnownRole,
  ProposedRole,
} from "./changes";
import { environmentOf, plainText } from "./environment";
import type { DiscoveredAccount, DiscoveredRole, DiscoverySnapshot } from "./snapshot";
import type { TrustVerdict } from "./trust-policy";

/** The longest description the admin forms accept. */
const MAX_DESCRIPTION = 500;

type Mapping = Pick<DiscoveryConfig, "environmentTag" | "nameTag" | "ouEnvironments">;

/** A role the portal could use: it trusts the broker or a SAML provider. */
function isAssumable(role: DiscoveredRole): boolean {
  return role.trust.kind !== "untrusted";
}

export function proposedRole(role: DiscoveredRole): ProposedRole {
  return {
    arn: role.arn,
    name: role.name,
    description: plainText(role.description, MAX_DESCRIPTION),
    maxSessionDurationSeconds: role.maxSessionDurationSeconds,
    trust: role.trust,
  };
}

/** The Role columns a trust verdict decides. */
export function trustFields(trust: TrustVerdict): {
  assumeMethod: string | null;
  samlProviderArn: string | null;
  requiresBrokerMfa: boolean | null;
  trustStatus: string;
} {
  switch (trust.kind) {
    case "broker":
      return {
        assumeMethod: "assume-role",
        samlProviderArn: null,
        requiresBrokerMfa: trust.requiresMfa,
        trustStatus: "broker",
      };
    case "saml":
      return {
        assumeMethod: "assume-role-with-saml",
        samlProviderArn: trust.samlProviderArn,
        requiresBrokerMfa: false,
        trustStatus: "saml",
      };
    case "untrusted":
      // The portal can't assume it: how it would be assumed is left as the admin set it.
      return {
        assumeMethod: null,
        samlProviderArn: null,
        requiresBrokerMfa: null,
        trustStatus: "untrusted",
      };
  }
}

export function pathText(path: readonly string[]): string {
  return path.join("/");
}

export function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/** Every change between the database and the snapshot, accounts in snapshot order. */
export function diffDiscovery(
  snapshot: DiscoverySnapshot,
  known: readonly KnownAccount[],
  mapping: Mapping,
): { changes: DiscoveryChange[]; notices: DiscoveryNotice[] } {
  const changes: DiscoveryChange[] = [];
  const notices: DiscoveryNotice[] = [];
  const byId = new Map(known.map((a) => [a.accountId, a]));
  const seen = new Set<string>();
  for (const account of snapshot.accounts) {
    seen.add(account.accountId);
    if (account.rolesError !== null)
      notices.push({
        accountId: account.accountId,
        message: `roles not read: ${account.rolesError}`,
      });
    const stored = byId.get(account.accountId);
    if (!stored) {
      changes.push(newAccountChange(account, mapping));
      continue;
    }
    diffKnownAccount(account, stored, mapping, changes);
  }
  for (const stored of known) {
    if (seen.has(stored.accountId)) continue;
    if (stored.organizationStatus === "" || stored.organizationStatus === "NOT_IN_ORGANIZATION") {
      if (stored.organizationStatus === "")
        notices.push({
          accountId: stored.accountId,
          message: `${stored.name} is not in the organization (entered by hand; left alone)`,
        });
      continue;
    }
    changes.push({
      key: `account-status:${stored.accountId}`,
      kind: "account-status",
      accountId: stored.accountId,
      accountName: stored.name,
      from: stored.organizationStatus as AccountStatus,
      to: "NOT_IN_ORGANIZATION",
      ruleCount: stored.roles.reduce((n, r) => n + r.ruleCount, 0),
    });
  }
  return { changes, notices };
}

function newAccountChange(account: DiscoveredAccount, mapping: Mapping): DiscoveryChange {
  return {
    key: `account-new:${account.accountId}`,
    kind: "account-new",
    accountId: account.accountId,
    name: account.name,
    environment: environmentOf(account, mapping),
    path: pathText(account.path),
    status: account.status,
    tags: account.tags,
    roles: (account.roles ?? []).filter(isAssumable).map(proposedRole),
    rolesError: account.rolesError,
  };
}

function diffKnownAccount(
  account: DiscoveredAccount,
  stored: KnownAccount,
  mapping: Mapping,
  changes: DiscoveryChange[],
): void {
  const id = account.accountId;
  const accountName = stored.name;
  if (stored.organizationStatus !== "" && account.name !== stored.name)
    changes.push({
      key: `account-renamed:${id}`,
      kind: "account-renamed",
      accountId: id,
      from: stored.name,
      to: account.name,
    });
  const wasStatus = (stored.organizationStatus || "ACTIVE") as AccountStatus;
  if (wasStatus !== account.status)
    changes.push({
      key: `account-status:${id}`,
      kind: "account-status",
      accountId: id,
      accountName,
      from: stored.organizationStatus as AccountStatus,
      to: account.status,
      ruleCount: stored.roles.reduce((n, r) => n + r.ruleCount, 0),
    });
  const environment = environmentOf(account, mapping);
  const path = pathText(account.path);
  const details = {
    environment:
      environment !== "unassigned" && environment !== stored.environment
        ? { from: stored.environment, to: environment }
        : null,
    path: path !== stored.organizationPath ? { from: stored.organizationPath, to: path } : null,
    tags: sameTags(stored.tags, account.tags) ? null : { from: stored.tags, to: account.tags },
  };
  if (details.environment || details.path || details.tags)
    changes.push({
      key: `account-details:${id}`,
      kind: "account-details",
      accountId: id,
      accountName,
      ...details,
    });

  if (account.roles === null) return; // unreadable: known roles are left alone
  const discovered = new Map(account.roles.map((r) => [r.name, r]));
  for (const role of stored.roles) {
    const found = discovered.get(role.name);
    discovered.delete(role.name);
    if (!found) {
      if (role.missingSince === null)
        changes.push({
          key: `role-gone:${role.arn}`,
          kind: "role-gone",
          accountId: id,
          accountName,
          arn: role.arn,
          name: role.name,
          ruleCount: role.ruleCount,
        });
      continue;
    }
    if (role.missingSince !== null)
      changes.push({
        key: `role-returned:${role.arn}`,
        kind: "role-returned",
        accountId: id,
        accountName,
        arn: role.arn,
        name: role.name,
      });
    const fields = changedFields(role, found);
    if (fields.length > 0)
      changes.push({
        key: `role-changed:${role.arn}`,
        kind: "role-changed",
        accountId: id,
        accountName,
        arn: role.arn,
        name: role.name,
        fields,
        trust: found.trust,
      });
  }
  for (const role of discovered.values()) {
    if (!isAssumable(role)) continue;
    changes.push({
      key: `role-new:${role.arn}`,
      kind: "role-new",
      accountId: id,
      accountName,
      role: proposedRole(role),
    });
  }
}

function changedFields(stored: KnownRole, found: DiscoveredRole): FieldChange[] {
  const fields: FieldChange[] = [];
  const add = (field: FieldChange["field"], from: FieldChange["from"], to: FieldChange["to"]) => {
    if (to !== null && from !== to) fields.push({ field, from, to });
  };
  add("arn", stored.arn, found.arn);
  add("description", stored.description, plainText(found.description, MAX_DESCRIPTION));
  add(
    "maxSessionDurationSeconds",
    stored.maxSessionDurationSeconds,
    found.maxSessionDurationSeconds,
  );
  const trust = trustFields(found.trust);
  add("assumeMethod", stored.assumeMethod, trust.assumeMethod);
  if (trust.assumeMethod !== null)
    add("samlProviderArn", stored.samlProviderArn, trust.samlProviderArn);
  add("requiresBrokerMfa", stored.requiresBrokerMfa, trust.requiresBrokerMfa);
  // "" (never read) is no news unless the role turns out untrusted.
  const storedTrust =
    stored.trustStatus === "" && trust.trustStatus !== "untrusted"
      ? trust.trustStatus
      : stored.trustStatus;
  add("trustStatus", storedTrust, trust.trustStatus);
  return fields;
}
