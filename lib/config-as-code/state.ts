/**
 * Configuration as plain values, the same for what a file asks for and what the database holds,
 * so the two can be compared field by field. Keys identify things across both sides: an account
 * by its 12-digit id, a role by account and name, a rule by role, subject and how many rules for
 * that same subject come before it on that role (so two rules for one group are both kept).
 */

/**
 * Who a rule names. A group, from any IdP or (issuer) only as one IdP asserts it; or a person,
 * named in a file by an email only they have, else by one of their identities (docs/SECURITY.md
 * "People").
 */
import { DEFAULT_ELIGIBLE_SETTINGS, type EligibleSettings } from "@/lib/admin/rule-input";

export type Subject =
  | { kind: "group"; group: string; issuer: string | null }
  | { kind: "user"; personId: string; ref: UserRef };

export type UserRef = { email: string } | { idp: string; subject: string };

export interface RuleState extends EligibleSettings {
  key: string;
  subject: Subject;
  maxSessionDurationSeconds: number;
  allowConsole: boolean;
  allowCli: boolean;
  /** ISO 8601 instant or null. */
  expiresAt: string | null;
  requireMfa: boolean;
  /** JSON text; compared in canonical form (see canonicalPolicy). */
  sessionPolicy: string | null;
  description: string;
  /**
   * "standing" grants while it matches; "eligible" may only be requested and approved
   * (docs/ACCESS-REQUESTS.md). Any other stored value is kept as read, so the diff shows it.
   */
  kind: string;
  /** Eligible rules: who approves (groups; people by person). Empty for a standing rule. */
  approvers: Subject[];
}

/** The terms of an eligible rule (RuleState fields named as the AccessRule columns, but approvers). */
export type RequestTerms = Pick<
  RuleState,
  | "approvers"
  | "approvalsRequired"
  | "maxElevationSeconds"
  | "requireReason"
  | "requireTicket"
  | "requireMfaToRequest"
  | "requireMfaToApprove"
  | "breakGlass"
  | "webhookUrl"
>;

/**
 * A standing rule's terms: the column defaults the admin editor writes for one, so a standing
 * rule in a file equals a standing rule stored, whatever an earlier eligible version left behind.
 */
export function standingTerms(): RequestTerms {
  return { approvers: [], ...DEFAULT_ELIGIBLE_SETTINGS };
}

/**
 * Approvers compared as a set of who may approve: a group with its issuer, a person by their id
 * (not by the email a file or the stored list happens to name them by).
 */
export function approversKey(approvers: readonly Subject[]): string {
  return [...new Set(approvers.map(subjectKey))].sort().join("\n");
}

/** Approvers in words for a diff: "group sre, user alice@corp.example"; null when none. */
export function approversLabel(approvers: readonly Subject[]): string | null {
  return approvers.length === 0 ? null : approvers.map(subjectLabel).join(", ");
}

/** AccessRule.approversJson, in the shape the admin editor stores (docs/ACCESS-REQUESTS.md). */
export function storedApprovers(approvers: readonly Subject[]): string {
  return JSON.stringify(
    approvers.map((a) =>
      a.kind === "group"
        ? { group: a.group, issuer: a.issuer }
        : { personId: a.personId, email: "email" in a.ref ? a.ref.email : null },
    ),
  );
}

export interface RoleState {
  key: string;
  name: string;
  arn: string;
  description: string;
  maxSessionDurationSeconds: number;
  assumeMethod: "assume-role" | "assume-role-with-saml";
  samlProviderArn: string | null;
  externalId: string | null;
  requiresBrokerMfa: boolean;
  rules: RuleState[];
}

export interface AccountState {
  key: string;
  accountId: string;
  name: string;
  alias: string;
  environment: string;
  description: string;
  roles: RoleState[];
}

/** Database identity of a current row, to update or delete it. */
export interface RowRef {
  dbId: string;
}

export type CurrentRule = RuleState & RowRef;
export type CurrentRole = Omit<RoleState, "rules"> & RowRef & { rules: CurrentRule[] };
export type CurrentAccount = Omit<AccountState, "roles"> & RowRef & { roles: CurrentRole[] };

export function roleKey(accountId: string, roleName: string): string {
  return `${accountId}/${roleName}`;
}

export function subjectKey(subject: Subject): string {
  if (subject.kind === "user") return `person:${subject.personId}`;
  return subject.issuer === null
    ? `group:${subject.group}`
    : `group:${subject.group}|idp:${subject.issuer}`;
}

/** Who a rule grants to, in words, as the admin pages say it. */
export function subjectLabel(subject: Subject): string {
  if (subject.kind === "group")
    return subject.issuer === null
      ? `group ${subject.group}`
      : `group ${subject.group} (only from ${subject.issuer})`;
  return "email" in subject.ref
    ? `user ${subject.ref.email}`
    : `user ${subject.ref.subject} at ${subject.ref.idp}`;
}

/** Gives every rule of a role its key: role, subject, and its rank among rules for that subject. */
export function keyRules<T extends { subject: Subject }>(
  roleKeyText: string,
  rules: readonly T[],
): Array<T & { key: string }> {
  const seen = new Map<string, number>();
  return rules.map((rule) => {
    const s = subjectKey(rule.subject);
    const n = (seen.get(s) ?? 0) + 1;
    seen.set(s, n);
    return { ...rule, key: `${roleKeyText}|${s}#${n}` };
  });
}

/** A policy's canonical text (parsed and re-serialised), so whitespace never counts as a change. */
export function canonicalPolicy(policy: string | null): string | null {
  if (policy === null) return null;
  try {
    return JSON.stringify(JSON.parse(policy));
  } catch {
    return policy.trim();
  }
}
