import type { ChangeKind, FieldChange } from "@/lib/discovery/changes";
import { formatDuration } from "../format-duration";

/** How each kind of change is named: its filter chip, and what "Apply all …" applies. */
export const KIND_WORDING: Record<ChangeKind, { label: string; plural: string }> = {
  "account-new": { label: "New accounts", plural: "new accounts" },
  "role-new": { label: "New roles", plural: "new roles" },
  "role-gone": { label: "Gone roles", plural: "gone roles" },
  "account-renamed": { label: "Renamed", plural: "renames" },
  "account-status": { label: "Status", plural: "status changes" },
  "account-details": { label: "Details", plural: "detail changes" },
  "role-changed": { label: "Changed roles", plural: "role changes" },
  "role-returned": { label: "Returned", plural: "returned roles" },
};

/** The chips' order: what is added first, then what stops granting, then the rest. */
export const KIND_ORDER: readonly ChangeKind[] = [
  "account-new",
  "role-new",
  "role-gone",
  "account-renamed",
  "account-status",
  "account-details",
  "role-changed",
  "role-returned",
];

export function isChangeKind(value: string | null): value is ChangeKind {
  return value !== null && Object.hasOwn(KIND_WORDING, value);
}

export function formatNumber(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 role", "3,900 roles" (0 is "0 roles": progress counts, not a list). */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(n)} ${n === 1 ? singular : plural}`;
}

const TRIGGERS: Record<string, string> = {
  manual: "Manual",
  schedule: "Periodic sync",
  cli: "Command line",
};

export function triggerLabel(trigger: string): string {
  return TRIGGERS[trigger] ?? trigger;
}

const ORGANIZATION_STATUS: Record<string, string> = {
  "": "entered by hand",
  ACTIVE: "active",
  PENDING_ACTIVATION: "not yet activated",
  SUSPENDED: "suspended",
  PENDING_CLOSURE: "closing",
  CLOSED: "closed",
  UNKNOWN: "in an unknown state",
  NOT_IN_ORGANIZATION: "not in the organization",
};

/** An account's AWS Organizations status in words ("" is an account never discovered). */
export function organizationStatusLabel(status: string): string {
  return ORGANIZATION_STATUS[status] ?? status;
}

const FIELD_LABELS: Record<FieldChange["field"], string> = {
  arn: "ARN",
  description: "Description",
  maxSessionDurationSeconds: "Longest session",
  assumeMethod: "Assumed by",
  samlProviderArn: "SAML provider",
  requiresBrokerMfa: "Needs the broker's MFA",
  trustStatus: "Trust",
};

export function fieldLabel(field: FieldChange["field"]): string {
  return FIELD_LABELS[field];
}

const TRUST_STATUS: Record<string, string> = {
  "": "not read yet",
  broker: "the broker",
  saml: "SAML",
  untrusted: "neither (the portal can't assume it)",
};

/** One side of a changed field, as a person reads it. */
export function fieldValue(field: FieldChange["field"], value: FieldChange["from"]): string {
  if (value === null || value === "") return "—";
  switch (field) {
    case "maxSessionDurationSeconds":
      return typeof value === "number" ? formatDuration(value) : String(value);
    case "assumeMethod":
      return value === "assume-role-with-saml"
        ? "SAML"
        : value === "assume-role"
          ? "the broker"
          : String(value);
    case "requiresBrokerMfa":
      return value === true ? "yes" : value === false ? "no" : String(value);
    case "trustStatus":
      return TRUST_STATUS[String(value)] ?? String(value);
    default:
      return String(value);
  }
}
