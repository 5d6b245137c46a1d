import "server-only";
import { namingPrincipal, principalOf } from "@/lib/access/find-grants";
import { ruleMatches } from "@/lib/access/resolve-grants";
import { ruleSelect } from "@/lib/access/rule-select";
import { describeApprovers, mayDecide, parseApprovers } from "./approvers";
import type { SignedInUser } from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import type { RequestContext } from "./context";
import {
  approversOf,
  requestInclude,
  ruleRemoved,
  requestView,
  statusOf,
  type RequestStatus,
  type RequestView,
} from "./request-view";
import { decidersNow, standingApprovals } from "./standing-approvals";

/** How many requests each list shows (newest first). */
const LIST_LIMIT = 200;

/** A role the user may request, with the terms of the most generous rule that makes them eligible. */
export interface EligibleRole {
  roleId: string;
  roleName: string;
  roleArn: string;
  roleDescription: string;
  accountId: string;
  accountName: string;
  accountAlias: string;
  environment: string;
  maxElevationSeconds: number;
  approvalsRequired: number;
  requireReason: boolean;
  requireTicket: boolean;
  requireMfaToRequest: boolean;
  breakGlass: boolean;
  approvers: string;
}

/** A request an approver sees, with the requester's record of earlier requests. */
export interface DecidableRequest extends RequestView {
  history: { total: number; approved: number; denied: number; revoked: number };
}

/** A role the user may request but already asked for or holds, and where that request stands. */
export interface RequestedRole extends EligibleRole {
  status: Extract<RequestStatus, "pending" | "approved" | "active">;
}

export interface RequestLists {
  /** Whether any eligible rule names this person as an approver (the page shows their lists). */
  isApprover: boolean;
  eligible: EligibleRole[];
  /** Eligible roles not offered again because a request of this person's for them is open. */
  requested: RequestedRole[];
  mine: RequestView[];
  toDecide: DecidableRequest[];
  /** Approved elevations the user approves for (not their own), so they can end them early. */
  overseen: RequestView[];
}

/** How many roles the user may request (for the accounts page's pointer to them). */
export async function countRequestableRoles(
  db: Db,
  user: SignedInUser,
  now: Date,
): Promise<number> {
  const eligible = await findEligibleRoles({ db, user, now });
  // Most people are eligible for nothing: then one query is all the accounts page pays.
  if (eligible.length === 0) return 0;
  const open = await openRequestRoleIds({ db, user, now });
  return eligible.filter((r) => !open.has(r.roleId)).length;
}

/**
 * Roles with a request of this person's still pending, or approved and not yet ended, under a rule
 * that is still eligible (requestAccess refuses a second one on the same terms).
 */
async function openRequestRoleIds(
  ctx: Pick<RequestContext, "db" | "user" | "now">,
): Promise<Set<string>> {
  const rows = await ctx.db.accessRequest.findMany({
    where: {
      personId: ctx.user.personId,
      rule: { kind: "eligible" },
      OR: [
        { state: "pending", decideBy: { gt: ctx.now } },
        { state: "approved", endsAt: { gt: ctx.now } },
      ],
    },
    select: { roleId: true },
  });
  return new Set(rows.map((r) => r.roleId));
}

/** The roles the principal may request (eligible rules that name them now), one entry per role. */
export async function findEligibleRoles(
  ctx: Pick<RequestContext, "db" | "user" | "now">,
): Promise<EligibleRole[]> {
  const principal = principalOf(ctx.user);
  const rules = await ctx.db.accessRule.findMany({
    where: {
      kind: "eligible",
      ...namingPrincipal(principal),
    },
    select: {
      ...ruleSelect,
      maxElevationSeconds: true,
      approvalsRequired: true,
      requireReason: true,
      requireTicket: true,
      requireMfaToRequest: true,
      breakGlass: true,
      approversJson: true,
    },
  });
  const byRole = new Map<string, EligibleRole>();
  for (const rule of rules) {
    if (!ruleMatches(rule, principal, ctx.now) || (!rule.allowCli && !rule.allowConsole)) continue;
    const seen = byRole.get(rule.role.id);
    const entry: EligibleRole = {
      roleId: rule.role.id,
      roleName: rule.role.name,
      roleArn: rule.role.arn,
      roleDescription: rule.role.description,
      accountId: rule.role.awsAccount.accountId,
      accountName: rule.role.awsAccount.name,
      accountAlias: rule.role.awsAccount.alias,
      environment: rule.role.awsAccount.environment,
      maxElevationSeconds: rule.maxElevationSeconds,
      approvalsRequired: rule.approvalsRequired,
      requireReason: rule.requireReason,
      requireTicket: rule.requireTicket,
      requireMfaToRequest: rule.requireMfaToRequest,
      breakGlass: rule.breakGlass,
      approvers: describeApprovers(parseApprovers(rule.approversJson)),
    };
    if (!seen) byRole.set(rule.role.id, entry);
    else {
      // Several rules: the longest elevation, the fewest approvals, break-glass if any allows it.
      seen.maxElevationSeconds = Math.max(seen.maxElevationSeconds, entry.maxElevationSeconds);
      seen.approvalsRequired = Math.min(seen.approvalsRequired, entry.approvalsRequired);
      seen.requireReason &&= entry.requireReason;
      seen.requireTicket &&= entry.requireTicket;
      seen.requireMfaToRequest &&= entry.requireMfaToRequest;
      seen.breakGlass ||= entry.breakGlass;
      if (!seen.approvers.includes(entry.approvers)) seen.approvers += `; ${entry.approvers}`;
    }
  }
  return [...byRole.values()].sort(
    (a, b) => a.accountName.localeCompare(b.accountName) || a.roleName.localeCompare(b.roleName),
  );
}

export async function listRequestsFor(ctx: RequestContext): Promise<RequestLists> {
  const principal = principalOf(ctx.user);
  const [eligible, mine, approverLists] = await Promise.all([
    findEligibleRoles(ctx),
    ctx.db.accessRequest.findMany({
      where: { personId: principal.personId },
      include: requestInclude,
      orderBy: { createdAt: "desc" },
      take: LIST_LIMIT,
    }),
    ctx.db.accessRule.findMany({
      where: { kind: "eligible" },
      select: { id: true, approversJson: true },
    }),
  ]);
  // Anyone but this person stands in as the requester: which rules does this person approve for?
  const approvedRuleIds = approverLists
    .filter((r) =>
      mayDecide(parseApprovers(r.approversJson), principal, `not-${principal.personId}`),
    )
    .map((r) => r.id);
  const isApprover = approvedRuleIds.length > 0;
  // The limit applies to this approver's own queue: filtering after it would let other teams'
  // pending requests fill the page and hide the ones waiting for them.
  const [pending, approved] = await Promise.all([
    ctx.db.accessRequest.findMany({
      where: {
        state: "pending",
        decideBy: { gt: ctx.now },
        personId: { not: principal.personId },
        ruleId: { in: approvedRuleIds },
        decisions: { none: { personId: principal.personId } },
      },
      include: requestInclude,
      orderBy: { createdAt: "asc" },
      take: LIST_LIMIT,
    }),
    ctx.db.accessRequest.findMany({
      where: {
        state: "approved",
        endsAt: { gt: ctx.now },
        personId: { not: principal.personId },
        ...(ctx.user.isAdmin ? {} : { ruleId: { in: approvedRuleIds } }),
      },
      include: requestInclude,
      orderBy: { endsAt: "asc" },
      take: LIST_LIMIT,
    }),
  ]);
  const approves = (r: (typeof pending)[number]) =>
    r.rule?.kind === "eligible" && mayDecide(approversOf(r), principal, r.personId);
  const decidable = pending.filter(
    (r) => approves(r) && !r.decisions.some((d) => d.personId === principal.personId),
  );
  const [history, deciders] = await Promise.all([
    historyOf(ctx, [...new Set(decidable.map((r) => r.personId))]),
    decidersNow(ctx.db, [...mine, ...decidable]),
  ]);
  // A pending request shows the approvals that still count, as its next decision counts them; a
  // decided one, those it was decided with.
  const view = (r: (typeof pending)[number]) =>
    requestView(
      r,
      ctx.now,
      statusOf(r, ctx.now) === "pending" ? standingApprovals(r, deciders) : undefined,
    );
  // A role already asked for (pending) or held (approved, not ended) is not offered again; the
  // page says why, with the newest open request's status.
  const open = new Map<string, RequestedRole["status"]>();
  for (const r of mine) {
    const status = statusOf(r, ctx.now);
    const isOpen = status === "pending" || status === "approved" || status === "active";
    if (isOpen && !ruleRemoved(r) && !open.has(r.roleId)) open.set(r.roleId, status);
  }
  return {
    isApprover,
    eligible: eligible.filter((e) => !open.has(e.roleId)),
    requested: eligible.flatMap((e) => {
      const status = open.get(e.roleId);
      return status ? [{ ...e, status }] : [];
    }),
    mine: mine.map(view),
    toDecide: decidable.map((r) => ({
      ...view(r),
      history: history.get(r.personId) ?? { total: 0, approved: 0, denied: 0, revoked: 0 },
    })),
    overseen: approved
      .filter((r) => approves(r) || ctx.user.isAdmin)
      .map((r) => requestView(r, ctx.now)),
  };
}

async function historyOf(
  ctx: RequestContext,
  personIds: string[],
): Promise<Map<string, DecidableRequest["history"]>> {
  const out = new Map<string, DecidableRequest["history"]>();
  if (personIds.length === 0) return out;
  const rows = await ctx.db.accessRequest.groupBy({
    by: ["personId", "state"],
    where: { personId: { in: personIds } },
    _count: { _all: true },
  });
  for (const row of rows) {
    const h = out.get(row.personId) ?? { total: 0, approved: 0, denied: 0, revoked: 0 };
    h.total += row._count._all;
    if (row.state === "approved") h.approved += row._count._all;
    if (row.state === "denied") h.denied += row._count._all;
    if (row.state === "revoked") h.revoked += row._count._all;
    out.set(row.personId, h);
  }
  return out;
}
