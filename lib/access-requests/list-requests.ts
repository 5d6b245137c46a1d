import "server-only";
import { namingPrincipal, principalOf } from "@/lib/access/find-grants";
import { ruleMatches } from "@/lib/access/resolve-grants";
import { ruleSelect } from "@/lib/access/rule-select";
import { describeApprovers, mayDecide, parseApprovers } from "./approvers";
import type { SignedInUser } from "@/lib/auth/portal-session";
import type { Db } from "@/lib/db/client";
import type { RequestContext } from "./context";
import type { Prisma } from "@gatehouse/db-sqlite";
import type { ListQuery } from "./list-query";
import { openRequestWhere } from "./open-requests";
import { pageOfRequests, queueFilterWhere, type ListPage } from "./paged-lists";
import {
  approversOf,
  requestInclude,
  requestView,
  statusOf,
  type RequestRow,
  type RequestStatus,
  type RequestView,
} from "./request-view";
import { decidersNow, standingApprovals } from "./standing-approvals";

/** How many approved elevations "Access you approve for" shows (the soonest to end first). */
const OVERSEEN_LIMIT = 200;

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
  /**
   * The two paged lists: the queue's matching requests (`total`) and all waiting for this person
   * (`waiting`, the same unless filtered), the person's own requests; cursors to the next and
   * previous page.
   */
  pages: { toDecide: ListPage & { waiting: number }; mine: ListPage };
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
  const open = await openRequestStatuses({ db, user, now });
  return eligible.filter((r) => !open.has(r.roleId)).length;
}

/**
 * Roles with a request of this person's open as requestAccess judges it (pending, or approved with
 * a session's worth of time left, under a rule that is still eligible), each with its
 * newest open request's status. Read apart from the paged list: an open request may be on any page.
 */
async function openRequestStatuses(
  ctx: Pick<RequestContext, "db" | "user" | "now">,
): Promise<Map<string, RequestedRole["status"]>> {
  const rows = await ctx.db.accessRequest.findMany({
    where: { personId: ctx.user.personId, ...openRequestWhere(ctx.now) },
    select: { roleId: true, state: true, decideBy: true, startsAt: true, endsAt: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  const open = new Map<string, RequestedRole["status"]>();
  for (const r of rows) {
    const status = statusOf(r, ctx.now);
    if (status === "pending" || status === "approved" || status === "active")
      if (!open.has(r.roleId)) open.set(r.roleId, status);
  }
  return open;
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

export async function listRequestsFor(
  ctx: RequestContext,
  query: ListQuery = {},
  linked: string | null = null,
): Promise<RequestLists> {
  const principal = principalOf(ctx.user);
  const [eligible, open, mine, approverLists] = await Promise.all([
    findEligibleRoles(ctx),
    openRequestStatuses(ctx),
    pageOfRequests(ctx.db, { personId: principal.personId }, "desc", query.mine),
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
  // The queue is read as this approver's own (the rules naming them) before it is paged, so other
  // teams' requests never crowd it; it leaves out what decide refuses them: their own person's
  // requests, and those the identity they are signed in with filed (moved since to another person).
  const waiting: Prisma.AccessRequestWhereInput = {
    state: "pending",
    decideBy: { gt: ctx.now },
    personId: { not: principal.personId },
    requesterUserId: { not: ctx.user.id },
    ruleId: { in: approvedRuleIds },
    decisions: { none: { personId: principal.personId } },
  };
  const filtered = query.requester || query.role;
  const queueWhere = filtered ? { AND: [waiting, await queueFilterWhere(ctx.db, query)] } : waiting;
  const [queue, waitingTotal, linkedRow, approved] = await Promise.all([
    pageOfRequests(ctx.db, queueWhere, "asc", query.queue),
    filtered ? ctx.db.accessRequest.count({ where: waiting }) : null,
    // The request a notification links to is shown first, whichever page it is on.
    linked
      ? ctx.db.accessRequest.findFirst({
          where: { AND: [waiting, { id: linked }] },
          include: requestInclude,
        })
      : null,
    ctx.db.accessRequest.findMany({
      where: {
        state: "approved",
        endsAt: { gt: ctx.now },
        personId: { not: principal.personId },
        ...(ctx.user.isAdmin ? {} : { ruleId: { in: approvedRuleIds } }),
      },
      include: requestInclude,
      orderBy: [{ endsAt: "asc" }, { id: "asc" }],
      take: OVERSEEN_LIMIT,
    }),
  ]);
  const approves = (r: RequestRow) =>
    r.rule?.kind === "eligible" && mayDecide(approversOf(r), principal, r.personId);
  const decidable = linkedRow
    ? [linkedRow, ...queue.rows.filter((r) => r.id !== linkedRow.id)]
    : queue.rows;
  const [history, deciders] = await Promise.all([
    historyOf(ctx, [...new Set(decidable.map((r) => r.personId))]),
    decidersNow(ctx.db, [...mine.rows, ...decidable]),
  ]);
  // A pending request shows the approvals that still count, as its next decision counts them; a
  // decided one, those it was decided with.
  const view = (r: RequestRow) =>
    requestView(
      r,
      ctx.now,
      statusOf(r, ctx.now) === "pending" ? standingApprovals(r, deciders) : undefined,
    );
  return {
    isApprover,
    eligible: eligible.filter((e) => !open.has(e.roleId)),
    requested: eligible.flatMap((e) => {
      const status = open.get(e.roleId);
      return status ? [{ ...e, status }] : [];
    }),
    mine: mine.rows.map(view),
    toDecide: decidable.map((r) => ({
      ...view(r),
      history: history.get(r.personId) ?? { total: 0, approved: 0, denied: 0, revoked: 0 },
    })),
    overseen: approved
      .filter((r) => approves(r) || ctx.user.isAdmin)
      .map((r) => requestView(r, ctx.now)),
    pages: {
      toDecide: { ...queue.page, waiting: waitingTotal ?? queue.page.total },
      mine: mine.page,
    },
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
