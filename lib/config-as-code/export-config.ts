import { stringify } from "yaml";
import { defaultRoleArn } from "@/lib/admin/role-input";
import type { AwsPartition } from "@/lib/aws/partitions";
import type {
  AccountEntry,
  ApproverEntry,
  ConfigDocument,
  RequestEntry,
  RoleEntry,
  RuleEntry,
} from "./document";
import type { AccountState, RoleState, RuleState, Subject } from "./state";

/**
 * The configuration as a document: defaults and empty values left out so a file reads like what
 * an admin would write, and everything else in the stored order, so exporting twice gives the
 * same bytes and importing the export changes nothing.
 */
export function toDocument(
  accounts: readonly AccountState[],
  partition: AwsPartition,
): ConfigDocument {
  return { version: 1, accounts: accounts.map((a) => accountEntryOf(a, partition)) };
}

function accountEntryOf(a: AccountState, partition: AwsPartition): AccountEntry {
  return {
    id: a.accountId,
    name: a.name,
    ...(a.alias ? { alias: a.alias } : {}),
    environment: a.environment,
    ...(a.description ? { description: a.description } : {}),
    roles: a.roles.map((r) => roleEntryOf(a.accountId, r, partition)),
  };
}

function roleEntryOf(accountId: string, r: RoleState, partition: AwsPartition): RoleEntry {
  return {
    name: r.name,
    ...(r.arn !== defaultRoleArn(accountId, r.name, partition) ? { arn: r.arn } : {}),
    ...(r.description ? { description: r.description } : {}),
    maxSessionDurationSeconds: r.maxSessionDurationSeconds,
    ...(r.assumeMethod !== "assume-role" ? { assumeMethod: r.assumeMethod } : {}),
    ...(r.samlProviderArn ? { samlProviderArn: r.samlProviderArn } : {}),
    ...(r.externalId ? { externalId: r.externalId } : {}),
    ...(r.requiresBrokerMfa ? { requiresBrokerMfa: true } : {}),
    rules: r.rules.map(ruleEntryOf),
  };
}

function ruleEntryOf(r: RuleState): RuleEntry {
  return {
    ...(r.subject.kind === "group"
      ? { group: r.subject.group, ...(r.subject.issuer !== null ? { idp: r.subject.issuer } : {}) }
      : { user: "email" in r.subject.ref ? r.subject.ref.email : r.subject.ref }),
    // Written whenever eligible: a reader must never take a rule that needs approval for a grant.
    ...(r.kind === "eligible" ? { access: "eligible" as const } : {}),
    maxSessionDurationSeconds: r.maxSessionDurationSeconds,
    console: r.allowConsole,
    cli: r.allowCli,
    ...(r.expiresAt ? { expiresAt: r.expiresAt } : {}),
    ...(r.requireMfa ? { requireMfa: true } : {}),
    ...(r.sessionPolicy ? { sessionPolicy: policyValue(r.sessionPolicy) } : {}),
    ...(r.description ? { description: r.description } : {}),
    ...(r.kind === "eligible" ? { request: requestEntryOf(r) } : {}),
  };
}

/**
 * An eligible rule's terms (docs/ACCESS-REQUESTS.md): approvers always, even none (an import then
 * refuses the rule rather than guess), the numbers always, the rest only when not the default.
 */
function requestEntryOf(r: RuleState): RequestEntry {
  return {
    approvers: r.approvers.map(approverEntryOf),
    approvalsRequired: r.approvalsRequired,
    maxElevationSeconds: r.maxElevationSeconds,
    ...(!r.requireReason ? { requireReason: false } : {}),
    ...(r.requireTicket ? { requireTicket: true } : {}),
    ...(r.requireMfaToRequest ? { requireMfaToRequest: true } : {}),
    ...(r.requireMfaToApprove ? { requireMfaToApprove: true } : {}),
    ...(r.breakGlass ? { breakGlass: true } : {}),
    ...(r.webhookUrl ? { webhookUrl: r.webhookUrl } : {}),
  };
}

/** An approver as the form names them: a group or an email; otherwise as an object. */
function approverEntryOf(a: Subject): ApproverEntry {
  if (a.kind === "group") return a.issuer === null ? a.group : { group: a.group, idp: a.issuer };
  return "email" in a.ref ? a.ref.email : a.ref;
}

/** A policy as an object when it is JSON (readable in YAML), else as the stored text. */
function policyValue(policy: string): string | Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(policy);
    if (value && typeof value === "object" && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // stored as text: export it as text
  }
  return policy;
}

export function serialiseDocument(doc: ConfigDocument, format: "yaml" | "json"): string {
  if (format === "json") return `${JSON.stringify(doc, null, 2)}\n`;
  return `# Gatehouse configuration (accounts, roles, access rules). Import it at /admin/config.\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
