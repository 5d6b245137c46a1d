import "server-only";
import { parseRule, tooFewApprovers } from "@/lib/admin/rule-input";
import type { DocPath, RuleEntry } from "./document";
import { standingTerms, type RuleState } from "./state";
import { checkRequest, selfApproved } from "./validate-request";
import { reportFields, type Report, type ValidationContext } from "./validation-context";

// The rule form names fields as the form does; a file names them as the document does.
const RULE_FIELD: Record<string, string | DocPath> = {
  groupName: "group",
  userEmail: "user",
  allowConsole: "console",
  allowCli: "cli",
  outputs: "console",
  subjectKind: "",
  approvers: ["request", "approvers"],
  approvalsRequired: ["request", "approvalsRequired"],
  maxElevationSeconds: ["request", "maxElevationSeconds"],
  requireReason: ["request", "requireReason"],
  requireTicket: ["request", "requireTicket"],
  requireMfaToRequest: ["request", "requireMfaToRequest"],
  requireMfaToApprove: ["request", "requireMfaToApprove"],
  breakGlass: ["request", "breakGlass"],
  webhookUrl: ["request", "webhookUrl"],
};

export function placeholderRule(): Omit<RuleState, "key" | "subject"> {
  return {
    maxSessionDurationSeconds: 0,
    allowConsole: false,
    allowCli: false,
    expiresAt: null,
    requireMfa: false,
    sessionPolicy: null,
    description: "",
    kind: "standing",
    ...standingTerms(),
  };
}

export function validateRule(
  entry: RuleEntry,
  keyed: Pick<RuleState, "key" | "subject">,
  ctx: ValidationContext,
  at: DocPath,
  report: Report,
): RuleState | null {
  const policy =
    entry.sessionPolicy === undefined || entry.sessionPolicy === null
      ? ""
      : typeof entry.sessionPolicy === "string"
        ? entry.sessionPolicy
        : JSON.stringify(entry.sessionPolicy);
  const subject = keyed.subject;
  const request = checkRequest(entry, ctx, at, report);
  const parsed = parseRule(
    {
      subjectKind: subject.kind,
      groupName: subject.kind === "group" ? subject.group : "",
      groupIssuer: subject.kind === "group" ? (subject.issuer ?? "") : "",
      // The person is resolved already; the form's email check only needs an email's shape.
      userEmail:
        subject.kind === "user"
          ? "email" in subject.ref
            ? subject.ref.email
            : "identity@resolved.invalid"
          : "",
      maxSessionDurationSeconds: entry.maxSessionDurationSeconds ?? 3600,
      allowConsole: entry.console ?? true,
      allowCli: entry.cli ?? true,
      expiresAt: entry.expiresAt ?? "",
      requireMfa: entry.requireMfa ?? false,
      sessionPolicy: policy,
      description: entry.description ?? "",
      ...request.input,
    },
    { now: ctx.now, previousExpiresAt: ctx.previousExpiresAt(keyed.key) ?? null },
  );
  if (!parsed.ok) {
    const errors = Object.entries(parsed.errors).filter(
      ([field]) => field !== "approvers" || !request.approversReported,
    );
    reportFields(Object.fromEntries(errors), at, RULE_FIELD, report);
    return null;
  }
  if (request.approvers === null) return null;
  if (selfApproved(subject, request.approvers)) {
    report(
      [...at, "request", "approvers"],
      "Nobody approves their own request: name someone other than the person this rule grants to.",
    );
    return null;
  }
  const v = parsed.values;
  const e = v.eligible;
  if (e && request.approvers.every((a) => a.kind === "user")) {
    // Two names of one person are one approver (parseRule counted them as written).
    const people = new Set(request.approvers.map((a) => (a.kind === "user" ? a.personId : "")));
    if (subject.kind === "user") people.delete(subject.personId);
    if (people.size < e.approvalsRequired) {
      report(
        [...at, "request", "approvalsRequired"],
        tooFewApprovers(e.approvalsRequired, people.size),
      );
      return null;
    }
  }
  return {
    key: keyed.key,
    subject,
    maxSessionDurationSeconds: v.maxSessionDurationSeconds,
    allowConsole: v.allowConsole,
    allowCli: v.allowCli,
    expiresAt: v.expiresAt ? v.expiresAt.toISOString() : null,
    requireMfa: v.requireMfa,
    sessionPolicy: v.sessionPolicy,
    description: v.description,
    ...(e
      ? {
          kind: "eligible",
          approvers: request.approvers,
          approvalsRequired: e.approvalsRequired,
          maxElevationSeconds: e.maxElevationSeconds,
          requireReason: e.requireReason,
          requireTicket: e.requireTicket,
          requireMfaToRequest: e.requireMfaToRequest,
          requireMfaToApprove: e.requireMfaToApprove,
          breakGlass: e.breakGlass,
          webhookUrl: e.webhookUrl,
        }
      : { kind: "standing", ...standingTerms() }),
  };
}
