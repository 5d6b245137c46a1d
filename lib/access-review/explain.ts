import { describeApprovers, parseApprovers } from "@/lib/access-requests/approvers";
import { formatUtc } from "@/lib/format-utc";
import {
  resolveGrants,
  roleIsUsable,
  ruleMatches,
  type Grant,
  type Principal,
  type RuleForResolution,
} from "@/lib/access/resolve-grants";

export type Output = "console" | "cli";

/** What one rule of the role does for this user, and why. */
export type RuleVerdict =
  | { kind: "grants" }
  /** Through an approved access request, until its end. */
  | { kind: "grants-by-request"; requestId: string; until: string; approvedBy: string[] }
  /** An eligible rule naming the user: they may request it; approvers decide. */
  | { kind: "eligible"; approvers: string }
  | { kind: "not-subject" }
  /** Discovery found the role gone, or its account suspended or closing: no rule grants it. */
  | { kind: "role-unavailable"; reason: string }
  | { kind: "expired"; at: string }
  | { kind: "no-outputs" }
  | { kind: "requires-mfa" }
  | { kind: "output-not-allowed"; output: Output };

export type Decision =
  | "granted"
  /** Rules name the user, but all of them expired. */
  | "expired"
  /** No rule names the user or any of their groups. */
  | "no-rule"
  /** Only rules that allow neither console nor CLI name the user. */
  | "no-outputs"
  /** Only rules requiring MFA grant it, and this sign-in has none: granted after a step-up. */
  | "requires-mfa"
  /** The role is granted, but not for the output asked about. */
  | "output-not-allowed"
  /** No grant, but an eligible rule names the user: they may request it. */
  | "eligible"
  /** Discovery found the role gone from AWS, or its account suspended or closing. */
  | "role-unavailable";

export interface Explanation {
  decision: Decision;
  granted: boolean;
  /** The grant as issuance would see it (null when none): duration, outputs, rules behind it. */
  grant: Grant | null;
  rules: Array<{ ruleId: string; verdict: RuleVerdict }>;
}

/**
 * Why a user can or can't use a role. The decision is resolveGrants' own (the function every
 * issuance calls), never a second implementation; the per-rule verdicts only say which of its
 * conditions (subject via ruleMatches, expiry, outputs, MFA) each rule fails. `rules` must be the
 * role's rules (all of them, expired ones included).
 */
export function explainAccess(
  rules: readonly RuleForResolution[],
  principal: Principal,
  now: Date,
  output?: Output,
): Explanation {
  const hasMfa = principal.mfaAuthenticated === true;
  const verdicts = rules.map((rule) => ({
    ruleId: rule.id,
    verdict: verdictOf(rule, principal, now, hasMfa, output),
  }));
  const grant = resolveGrants(rules, principal, now)[0] ?? null;
  const allows = (g: Grant) =>
    output === undefined || (output === "console" ? g.allowConsole : g.allowCli);
  let decision: Decision;
  const unavailable = rules.length > 0 && rules[0] && !roleIsUsable(rules[0].role);
  if (unavailable) decision = "role-unavailable";
  else if (grant && grant.needsMfaStepUp) decision = "requires-mfa";
  else if (grant) decision = allows(grant) ? "granted" : "output-not-allowed";
  else if (verdicts.some((v) => v.verdict.kind === "eligible")) decision = "eligible";
  else if (verdicts.some((v) => v.verdict.kind === "expired")) decision = "expired";
  else if (verdicts.some((v) => v.verdict.kind === "no-outputs")) decision = "no-outputs";
  else decision = "no-rule";
  return { decision, granted: decision === "granted", grant, rules: verdicts };
}

function verdictOf(
  rule: RuleForResolution,
  principal: Principal,
  now: Date,
  hasMfa: boolean,
  output: Output | undefined,
): RuleVerdict {
  // The subject test is ruleMatches itself, asked as if the rule never expired.
  if (!ruleMatches({ ...rule, expiresAt: null, elevation: undefined }, principal, now))
    return { kind: "not-subject" };
  if (!roleIsUsable(rule.role)) return { kind: "role-unavailable", reason: unusableReason(rule) };
  if (rule.kind === "eligible" && !rule.elevation)
    return {
      kind: "eligible",
      approvers: describeApprovers(parseApprovers(rule.approversJson ?? "[]")),
    };
  if (!ruleMatches(rule, principal, now))
    return { kind: "expired", at: (rule.expiresAt ?? now).toISOString() };
  if (!rule.allowConsole && !rule.allowCli) return { kind: "no-outputs" };
  if (rule.requireMfa && !hasMfa) return { kind: "requires-mfa" };
  if (output === "console" && !rule.allowConsole) return { kind: "output-not-allowed", output };
  if (output === "cli" && !rule.allowCli) return { kind: "output-not-allowed", output };
  if (rule.elevation)
    return {
      kind: "grants-by-request",
      requestId: rule.elevation.requestId,
      until: rule.elevation.endsAt.toISOString(),
      approvedBy: rule.elevation.approvedBy ?? [],
    };
  return { kind: "grants" };
}

function unusableReason(rule: RuleForResolution): string {
  const missing = rule.role.missingSince ?? null;
  if (missing !== null)
    return `the role was gone from AWS at discovery on ${formatUtc(missing, "date")}`;
  return `AWS Organizations reports the account ${rule.role.awsAccount.organizationStatus ?? ""}`;
}

/** A verdict or decision in words, for the page and the CSV. */
export function describeVerdict(v: RuleVerdict): string {
  switch (v.kind) {
    case "grants":
      return "grants access";
    case "grants-by-request":
      return `grants access until ${formatUtc(v.until)} because request ${v.requestId} was approved by ${v.approvedBy.join(" and ") || "break-glass (no approver)"}`;
    case "eligible":
      return `eligible: may be requested, needs approval by ${v.approvers}`;
    case "not-subject":
      return "names neither this user nor any of their groups";
    case "role-unavailable":
      return `grants nothing: ${v.reason}`;
    case "expired":
      return `expired at ${formatUtc(v.at)}`;
    case "no-outputs":
      return "allows neither the console nor the CLI";
    case "requires-mfa":
      return "requires a sign-in with MFA";
    case "output-not-allowed":
      return `does not allow the ${v.output === "cli" ? "CLI" : "console"}`;
  }
}

export const DECISION_TEXT: Record<Decision, string> = {
  granted: "Granted",
  expired: "Denied: every rule naming this user or their groups has expired",
  "no-rule": "Denied: no rule names this user or any of their groups",
  "no-outputs": "Denied: the rules naming this user allow neither the console nor the CLI",
  "requires-mfa": "Granted only after signing in with MFA: every rule that grants it requires MFA",
  "output-not-allowed": "Denied for this output: the role is granted, but not this way",
  eligible: "Not granted, but eligible: the user may request it, and an approver decides",
  "role-unavailable":
    "Denied: discovery found this role gone from AWS, or its account suspended or closing (Admin → Accounts → Discover)",
};
