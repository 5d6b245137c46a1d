import { toCsv } from "./csv";
import type { RoleAccess } from "./account-access";
import type { UserAccess } from "./user-access";

const iso = (d: Date | null) => (d ? d.toISOString() : "");
const memberList = (rule: RoleAccess["rules"][number]) =>
  rule.members.map((m) => m.email ?? m.subject).join("; ");
/** The five columns naming the account and role a row is about. */
const roleColumns = (a: RoleAccess) => [
  a.account.accountId,
  a.account.name,
  a.account.environment,
  a.role.name,
  a.role.arn,
];

/** "Who can reach": one row per rule, with the group's known members (as last asserted). */
export function roleAccessCsv(access: readonly RoleAccess[]): string {
  const rows: Array<Array<string | number | boolean | null>> = [
    [
      "account_id",
      "account_name",
      "environment",
      "role",
      "role_arn",
      "subject_kind",
      "subject",
      "expires_at",
      "expired",
      "console",
      "cli",
      "requires_mfa",
      "max_session_seconds",
      "session_policy",
      "known_members_last_asserted",
      "access",
    ],
  ];
  for (const a of access) {
    for (const r of a.rules)
      rows.push([
        ...roleColumns(a),
        r.subjectKind,
        r.subject,
        iso(r.expiresAt),
        r.isExpired,
        r.allowConsole,
        r.allowCli,
        r.requireMfa,
        r.maxSessionDurationSeconds,
        r.hasSessionPolicy,
        r.subjectKind === "group" ? memberList(r) : r.subject,
        r.access === "eligible" ? `by request, approved by ${r.approvers ?? "nobody"}` : "standing",
      ]);
    // Who holds the role now by an approved request, as the screen lists them under the role.
    for (const e of a.elevations)
      rows.push([
        ...roleColumns(a),
        "approved_request",
        e.requester,
        iso(e.endsAt),
        false,
        null,
        null,
        null,
        null,
        null,
        e.requester,
        `holds it by approved request ${e.requestId}${e.breakGlass ? " (break-glass)" : ""}`,
      ]);
  }
  return toCsv(rows);
}

/** "What can U reach": one row per role granted, with the rules behind it. */
export function userAccessCsv(access: readonly UserAccess[]): string {
  const rows: Array<Array<string | number | boolean | null>> = [
    [
      "user_email",
      "user_issuer",
      "account_id",
      "account_name",
      "environment",
      "role",
      "role_arn",
      "console",
      "cli",
      "max_session_seconds",
      "needs_mfa_step_up",
      "granted_by",
      "until",
      "by_request",
    ],
  ];
  for (const u of access)
    for (const g of u.grants)
      rows.push([
        [...new Set(u.person.identities.map((i) => i.email ?? i.subject))].join(" / "),
        g.via.join(" "),
        g.account.accountId,
        g.account.name,
        g.account.environment,
        g.roleName,
        g.roleArn,
        g.allowConsole,
        g.allowCli,
        g.maxSessionDurationSeconds,
        g.needsMfaStepUp,
        g.rules.map((r) => `${r.subjectKind} ${r.subject}`).join("; "),
        g.until ?? "",
        g.byRequest.join(" "),
      ]);
  return toCsv(rows);
}
