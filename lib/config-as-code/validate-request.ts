import "server-only";
import type { RuleInput } from "@/lib/admin/rule-input";
import type { ApproverEntry, DocPath, RuleEntry } from "./document";
import { subjectKey, type Subject, type UserRef } from "./state";
import {
  knownIssuer,
  personByEmail,
  personByIdentity,
  personProblem,
  type PersonLookup,
} from "./validate-subject";
import { EMAIL_SHAPE, type Report, type ValidationContext } from "./validation-context";

/** The admin form's fields for a rule's access and request terms, as parseRule takes them. */
type RequestInput = Pick<
  RuleInput,
  | "access"
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

export interface RequestCheck {
  /** What parseRule checks, so the file and the form accept the same terms. */
  input: RequestInput;
  /** The approvers, each resolved; null when a problem was reported (the rule is then invalid). */
  approvers: Subject[] | null;
  /**
   * No approver reached the form's list: either none was named, or each was refused; that was
   * reported in the file's words, so parseRule's "name who approves" is not repeated.
   */
  approversReported: boolean;
}

const MISSING_APPROVERS =
  "An eligible rule needs `request: { approvers: [...] }`: the groups, or people by email, who approve its requests.";

/**
 * Reads a rule's `access:` and `request:` (docs/ACCESS-REQUESTS.md). A request block on a standing
 * rule is refused rather than ignored: the author meant the rule to need approval, and importing
 * it as standing would grant without any. Approvers are resolved as `user:` is (one person per
 * email); parseRule then checks the terms as the admin form does.
 */
export function checkRequest(
  entry: RuleEntry,
  ctx: ValidationContext,
  at: DocPath,
  report: Report,
): RequestCheck {
  const request = entry.request;
  if (entry.access !== "eligible") {
    if (request !== undefined)
      report(
        [...at, "request"],
        "`request:` is for a rule with `access: eligible` (granted on request and approval): add that, or remove the block.",
      );
    return {
      input: { access: "standing" },
      approvers: request === undefined ? [] : null,
      approversReported: false,
    };
  }
  const entries = request?.approvers ?? [];
  const approvers = new Map<string, Subject>();
  const formEntries: string[] = [];
  let valid = true;
  entries.forEach((approver, i) => {
    const resolved = approverOf(approver, i, ctx, [...at, "request", "approvers", i], report);
    if (!resolved) valid = false;
    else {
      formEntries.push(resolved.form);
      if (resolved.subject) approvers.set(subjectKey(resolved.subject), resolved.subject);
    }
  });
  if (entries.length === 0) report([...at, "request", "approvers"], MISSING_APPROVERS);
  return {
    input: {
      access: "eligible",
      approvers: formEntries.join(","),
      approvalsRequired: request?.approvalsRequired ?? 1,
      maxElevationSeconds: request?.maxElevationSeconds ?? 3600,
      requireReason: request?.requireReason ?? true,
      requireTicket: request?.requireTicket ?? false,
      requireMfaToRequest: request?.requireMfaToRequest ?? false,
      requireMfaToApprove: request?.requireMfaToApprove ?? false,
      breakGlass: request?.breakGlass ?? false,
      webhookUrl: request?.webhookUrl ?? "",
    },
    approvers: valid && entries.length > 0 ? [...approvers.values()] : null,
    approversReported: formEntries.length === 0,
  };
}

/**
 * One approver: its entry in the form's comma-separated list, and who it is (null for an email
 * the form will refuse by its shape). Null when it is invalid (reported).
 */
function approverOf(
  entry: ApproverEntry,
  index: number,
  ctx: ValidationContext,
  at: DocPath,
  report: Report,
): { form: string; subject: Subject | null } | null {
  if (typeof entry === "string" || "group" in entry) {
    const name = (typeof entry === "string" ? entry : entry.group).trim();
    if (name === "" || /[,\n]/.test(name)) {
      // The form splits its list at commas and new lines: one entry must stay one approver.
      report(at, "Name one group or one email per entry, without commas.");
      return null;
    }
    if (typeof entry !== "string") {
      const issuer = knownIssuer(entry.idp, ctx, [...at, "idp"], report);
      return issuer === null
        ? null
        : { form: name, subject: { kind: "group", group: name, issuer } };
    }
    if (!name.includes("@"))
      return { form: name, subject: { kind: "group", group: name, issuer: null } };
    if (!EMAIL_SHAPE.test(name)) return { form: name, subject: null };
    return personApprover({ email: name }, personByEmail(ctx.people, name), name, at, report);
  }
  const ref = { idp: entry.idp.trim(), subject: entry.subject.trim() };
  // The form only needs an email's shape; each placeholder differs, so none looks like another.
  const form = `approver-${index}@resolved.invalid`;
  return personApprover(ref, personByIdentity(ctx.people, ref), form, at, report);
}

function personApprover(
  ref: UserRef,
  found: PersonLookup,
  form: string,
  at: DocPath,
  report: Report,
): { form: string; subject: Subject } | null {
  if (found.ok) return { form, subject: { kind: "user", personId: found.personId, ref } };
  report(
    at,
    personProblem(
      ref,
      found.why,
      found.why === "unknown" ? "name their group" : "{ idp, subject }",
    ),
  );
  return null;
}

/**
 * Nobody approves their own request (docs/ACCESS-REQUESTS.md invariant 3): a rule naming one
 * person may not have that person, under any of their names, as its only approver.
 */
export function selfApproved(subject: Subject, approvers: readonly Subject[]): boolean {
  return (
    subject.kind === "user" &&
    approvers.length > 0 &&
    approvers.every((a) => a.kind === "user" && a.personId === subject.personId)
  );
}
