import { externalIdFingerprint } from "@/lib/admin/role-input";
import { webhookUrlForAudit } from "@/lib/admin/rule-view";
import {
  approversKey,
  approversLabel,
  canonicalPolicy,
  type Subject,
  type RuleState,
} from "./state";

/** The fields an import compares and writes, and how each is compared and shown. */

export type FieldValue = string | number | boolean | null;

export interface FieldChange {
  field: string;
  before: FieldValue;
  after: FieldValue;
}

/** The fields of each kind an import compares and writes (apply-config inserts them too). */
export const ACCOUNT_FIELDS = ["name", "alias", "environment", "description"] as const;
export const ROLE_FIELDS = [
  "arn",
  "description",
  "maxSessionDurationSeconds",
  "assumeMethod",
  "samlProviderArn",
  "externalId",
  "requiresBrokerMfa",
] as const;
/**
 * What makes a rule eligible and its terms (docs/ACCESS-REQUESTS.md): compared like the rest, and
 * written together (apply-config), so no term is left from what the row held before.
 */
export const REQUEST_FIELDS = [
  "kind",
  "approvers",
  "approvalsRequired",
  "maxElevationSeconds",
  "requireReason",
  "requireTicket",
  "requireMfaToRequest",
  "requireMfaToApprove",
  "breakGlass",
  "webhookUrl",
] as const;
export const RULE_FIELDS = [
  "maxSessionDurationSeconds",
  "allowConsole",
  "allowCli",
  "expiresAt",
  "requireMfa",
  "sessionPolicy",
  "description",
  ...REQUEST_FIELDS,
] as const;

/**
 * How a field's value is shown: ExternalIds only as fingerprints, webhook URLs as where they
 * point and a fingerprint (the rest can be the receiver's secret), policies canonical, approvers in
 * words.
 */
export function shown(field: string, value: unknown): FieldValue {
  if (field === "externalId") return externalIdFingerprint(value as string | null);
  if (field === "webhookUrl") return webhookUrlForAudit(value as string | null);
  if (field === "sessionPolicy") return canonicalPolicy(value as string | null);
  if (field === "approvers") return approversLabel(value as Subject[]);
  return value as FieldValue;
}

/** How a field's value is compared: policies canonical, approvers as a set (approversKey). */
function compared(field: string, value: unknown): FieldValue {
  if (field === "sessionPolicy") return canonicalPolicy(value as string | null);
  if (field === "approvers") return approversKey(value as Subject[]);
  return value as FieldValue;
}

export function fieldChanges<T extends object>(
  fields: readonly (keyof T & string)[],
  before: T,
  after: T,
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of fields) {
    const b: unknown = before[field];
    const a: unknown = after[field];
    if (compared(field, b) !== compared(field, a))
      out.push({ field, before: shown(field, b), after: shown(field, a) });
  }
  return out;
}

/** Whether two rules (of one subject) hold the same terms: what an import would leave unchanged. */
export function sameRuleTerms(a: RuleState, b: RuleState): boolean {
  return fieldChanges(RULE_FIELDS, a, b).length === 0;
}
