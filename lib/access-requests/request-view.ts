import { parseApprovers, type Approver } from "./approvers";

/** What every access-request read loads: the request, its rule's terms, its role and account. */
export const requestInclude = {
  rule: {
    select: {
      id: true,
      kind: true,
      approversJson: true,
      approvalsRequired: true,
      maxElevationSeconds: true,
      requireMfaToApprove: true,
      webhookUrl: true,
    },
  },
  role: {
    select: {
      id: true,
      name: true,
      arn: true,
      awsAccount: { select: { accountId: true, name: true, environment: true } },
    },
  },
  decisions: { orderBy: { createdAt: "asc" as const } },
} as const;

export interface RequestRow {
  id: string;
  ruleId: string | null;
  roleId: string;
  personId: string;
  requesterUserId: string;
  requesterEmail: string;
  reason: string;
  ticket: string;
  durationSeconds: number;
  startsAt: Date;
  state: string;
  breakGlass: boolean;
  decideBy: Date;
  approvedAt: Date | null;
  endsAt: Date | null;
  activatedAt: Date | null;
  endedAt: Date | null;
  closedBy: string | null;
  closedComment: string;
  version: number;
  createdAt: Date;
  rule: {
    id: string;
    kind: string;
    approversJson: string;
    approvalsRequired: number;
    maxElevationSeconds: number;
    requireMfaToApprove: boolean;
    webhookUrl: string | null;
  } | null;
  role: {
    id: string;
    name: string;
    arn: string;
    awsAccount: { accountId: string; name: string; environment: string };
  };
  decisions: Array<{
    personId: string;
    userId: string;
    email: string;
    decision: string;
    comment: string;
    createdAt: Date;
  }>;
}

/**
 * Where a request stands now. Stored states are pending, approved, denied, cancelled, expired and
 * revoked; the clock splits "approved" into approved (starts later), active and ended, and turns a
 * pending request past its deadline into expired before the sweep has written it.
 */
export type RequestStatus =
  "pending" | "approved" | "active" | "ended" | "denied" | "cancelled" | "expired" | "revoked";

/**
 * The moment a caller reads a request it loaded: its own `now`, or the request's approval when
 * that is later. An approval it sees happened before this moment, though its clock, taken when
 * its own HTTP request began, may be a little behind the approver's: read earlier, an approval
 * that started at once would look scheduled to whoever raced it (docs/ACCESS-REQUESTS.md
 * invariant 4).
 */
export function readMoment(r: Pick<RequestRow, "approvedAt">, now: Date): Date {
  return r.approvedAt && r.approvedAt > now ? r.approvedAt : now;
}

export function statusOf(
  r: Pick<RequestRow, "state" | "decideBy" | "startsAt" | "endsAt">,
  now: Date,
): RequestStatus {
  switch (r.state) {
    case "pending":
      return r.decideBy <= now ? "expired" : "pending";
    case "approved":
      if (r.endsAt === null || r.endsAt <= now) return "ended";
      return r.startsAt <= now ? "active" : "approved";
    case "denied":
    case "cancelled":
    case "expired":
    case "revoked":
      return r.state;
    default:
      // An unknown stored state grants nothing and can't be decided.
      return "ended";
  }
}

export interface RequestView {
  id: string;
  status: RequestStatus;
  roleId: string;
  roleName: string;
  roleArn: string;
  accountId: string;
  accountName: string;
  environment: string;
  requesterEmail: string;
  reason: string;
  ticket: string;
  durationSeconds: number;
  breakGlass: boolean;
  startsAt: string;
  endsAt: string | null;
  decideBy: string;
  createdAt: string;
  approvalsRequired: number;
  approvals: number;
  decisions: Array<{ email: string; decision: string; comment: string; at: string }>;
  closedBy: string | null;
  closedComment: string;
  /**
   * The eligible rule it was made under was deleted or made standing since: a pending request
   * can no longer be decided, an approved one grants nothing (elevations.ts).
   */
  ruleRemoved: boolean;
  version: number;
}

export function ruleRemoved(r: Pick<RequestRow, "rule">): boolean {
  return r.rule?.kind !== "eligible";
}

/**
 * A request as pages and the API show it: plain JSON, no ids of people. `approvals` is the number
 * that still counts (standing-approvals.ts); without it, every approval recorded.
 */
export function requestView(r: RequestRow, now: Date, approvals?: number): RequestView {
  return {
    id: r.id,
    status: statusOf(r, now),
    roleId: r.role.id,
    roleName: r.role.name,
    roleArn: r.role.arn,
    accountId: r.role.awsAccount.accountId,
    accountName: r.role.awsAccount.name,
    environment: r.role.awsAccount.environment,
    requesterEmail: r.requesterEmail,
    reason: r.reason,
    ticket: r.ticket,
    durationSeconds: r.durationSeconds,
    breakGlass: r.breakGlass,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt?.toISOString() ?? null,
    decideBy: r.decideBy.toISOString(),
    createdAt: r.createdAt.toISOString(),
    approvalsRequired: r.rule?.approvalsRequired ?? 1,
    approvals: approvals ?? r.decisions.filter((d) => d.decision === "approve").length,
    decisions: r.decisions.map((d) => ({
      email: d.email,
      decision: d.decision,
      comment: d.comment,
      at: d.createdAt.toISOString(),
    })),
    closedBy: r.closedBy,
    closedComment: r.closedComment,
    ruleRemoved: ruleRemoved(r),
    version: r.version,
  };
}

export function approversOf(r: Pick<RequestRow, "rule">): Approver[] {
  return r.rule ? parseApprovers(r.rule.approversJson) : [];
}
