import "server-only";
import { createHash } from "node:crypto";
import { parseApprovers } from "@/lib/access-requests/approvers";
import { webhookDestination } from "@/lib/access-requests/webhook-destination";
import { personEmail, personLabel, type PersonIdentities } from "@/lib/people/person-label";
import type { EligibleSettings } from "./rule-input";

/** An access rule as the admin pages and the audit log show it. */

export interface RuleRow extends EligibleSettings {
  groupName: string | null;
  groupIssuer: string | null;
  personId: string | null;
  person?: PersonIdentities | null;
  maxSessionDurationSeconds: number;
  allowConsole: boolean;
  allowCli: boolean;
  expiresAt: Date | null;
  requireMfa: boolean;
  sessionPolicy: string | null;
  description: string;
  version: number;
  kind: string;
  approversJson: string;
}

/** Who a rule grants to, in words: "group developers" or "user bob@corp.example". */
export function ruleSubjectOf(
  rule: Pick<RuleRow, "groupName" | "groupIssuer" | "personId" | "person">,
): string {
  if (rule.groupName !== null)
    return rule.groupIssuer === null
      ? `group ${rule.groupName}`
      : `group ${rule.groupName} (only from ${rule.groupIssuer})`;
  return `user ${rule.person ? personLabel(rule.person) : (rule.personId ?? "?")}`;
}

/**
 * A rule as the admin pages show it (plain values, instants as ISO text); its audit events record
 * ruleAuditView.
 */
export function ruleView(rule: RuleRow) {
  return {
    subject: ruleSubjectOf(rule),
    groupName: rule.groupName,
    groupIssuer: rule.groupIssuer,
    userEmail: rule.groupName === null ? (rule.person ? personEmail(rule.person) : null) : null,
    maxSessionDurationSeconds: rule.maxSessionDurationSeconds,
    allowConsole: rule.allowConsole,
    allowCli: rule.allowCli,
    expiresAt: rule.expiresAt ? rule.expiresAt.toISOString() : null,
    requireMfa: rule.requireMfa,
    sessionPolicy: rule.sessionPolicy,
    description: rule.description,
    version: rule.version,
    access: rule.kind === "eligible" ? ("eligible" as const) : ("standing" as const),
    ...(rule.kind === "eligible"
      ? {
          approvers: approverLabels(rule.approversJson),
          approvalsRequired: rule.approvalsRequired,
          maxElevationSeconds: rule.maxElevationSeconds,
          requireReason: rule.requireReason,
          requireTicket: rule.requireTicket,
          requireMfaToRequest: rule.requireMfaToRequest,
          requireMfaToApprove: rule.requireMfaToApprove,
          breakGlass: rule.breakGlass,
          webhookUrl: rule.webhookUrl,
        }
      : {}),
  };
}

/**
 * A rule's webhook URL as the audit log and the import's diff show it: where it points (as the
 * webhook deliveries page shows it) and a short fingerprint, so a change of URL is visible without
 * the URL. A Slack incoming-webhook URL is a bearer credential, and the audit log is read by
 * auditors and never rewritten (docs/INVARIANTS.md invariant 3).
 */
export function webhookUrlForAudit(url: string | null): string | null {
  if (url === null) return null;
  const fingerprint = createHash("sha256").update(url).digest("hex").slice(0, 12);
  return `${webhookDestination(url)} (sha256:${fingerprint})`;
}

/** A rule as its audit events record it: as ruleView, with the webhook URL fingerprinted. */
export function ruleAuditView(rule: RuleRow) {
  const view = ruleView(rule);
  return "webhookUrl" in view
    ? { ...view, webhookUrl: webhookUrlForAudit(view.webhookUrl ?? null) }
    : view;
}

/** An eligible rule's approvers as the form and the audit show them: group names and emails. */
export function approverLabels(approversJson: string): string[] {
  return parseApprovers(approversJson).map((a) =>
    "group" in a ? a.group : (a.email ?? `person ${a.personId}`),
  );
}

export function isRuleExpired(rule: { expiresAt: Date | null }, now: Date): boolean {
  return rule.expiresAt !== null && rule.expiresAt <= now;
}
