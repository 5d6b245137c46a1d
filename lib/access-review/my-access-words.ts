import { formatUtc } from "@/lib/format-utc";
import { describeVerdict } from "./explain";
import type { MyRuleReason, RuleSubject } from "./my-access";

/**
 * The /me page's reasons in the person's own words ("your group developers"), where the access
 * review (explain.ts describeVerdict) speaks of "this user". Pure, so the wording is unit-tested.
 */

/** `labelOf` names an IdP by its issuer (lib/identity/identity-providers.ts issuerLabel). */
export function describeSubject(subject: RuleSubject, labelOf: (issuer: string) => string): string {
  if (subject.kind === "user") return "a rule naming you";
  const only = subject.onlyFrom === null ? "" : ` (as sent by ${labelOf(subject.onlyFrom)})`;
  return `your group “${subject.group}”${only}`;
}

export function describeMyReason(
  reason: MyRuleReason,
  labelOf: (issuer: string) => string = (issuer) => issuer,
): string {
  const who = describeSubject(reason.subject, labelOf);
  const until = reason.ruleExpiresAt ? `, until ${formatUtc(reason.ruleExpiresAt)}` : "";
  const v = reason.verdict;
  switch (v.kind) {
    case "grants":
      return `Granted by ${who}${until}`;
    case "grants-by-request":
      return `Granted by your approved access request ${v.requestId}, until ${formatUtc(v.until)} (approved by ${v.approvedBy.join(" and ") || "nobody: break-glass"})`;
    case "requires-mfa":
      return `Granted by ${who}${until}, once you sign in with MFA`;
    case "eligible":
      // Who will decide, as the Access requests page says it (approvers.ts describeApprovers).
      return `You may request it under Access requests (${who})${v.approvers ? `, approved by ${v.approvers}` : ""}`;
    case "expired":
      return `Not granted: the rule (${who}) expired at ${formatUtc(v.at)}`;
    default:
      return `Not granted: the rule (${who}) ${describeVerdict(v)}`;
  }
}
