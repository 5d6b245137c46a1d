import "server-only";
import { z } from "zod";
import { namingPrincipal, principalOf } from "@/lib/access/find-grants";
import { ruleMatches } from "@/lib/access/resolve-grants";
import { actorOf } from "@/lib/audit/actor";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { stepUpPagePath } from "@/lib/auth/step-up";
import { MIN_SESSION_SECONDS } from "@/lib/aws/partitions";
import { formatDuration } from "@/lib/aws/session-duration";
import { serializableTransaction } from "@/lib/db/serializable-transaction";
import { AppError } from "@/lib/errors";
import { formatUtc } from "@/lib/format-utc";
import { validationErrorOf, zodValidationError } from "@/lib/validation-error";
import type { RequestContext } from "./context";
import { recordRequestEvent } from "./events";
import { freeText } from "./free-text";
import { openRequestWhere } from "./open-requests";
import { requestInclude } from "./request-view";

/** The latest a request may ask to start: far enough to plan a change window, no further. */
export const MAX_START_DELAY_SECONDS = 30 * 86_400;

/**
 * How far in the past a requested start may be and still mean "now": a client's clock a little
 * behind the portal's. Anything earlier is refused rather than quietly moved (docs/ACCESS-REQUESTS.md).
 */
export const START_SKEW_SECONDS = 60;

export const requestAccessInput = z.strictObject({
  roleId: z.string().trim().min(1, "is required").max(100),
  durationSeconds: z
    .number({ message: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(MIN_SESSION_SECONDS, "must be at least 15 minutes (AWS's shortest session)"),
  /** ISO time to start at; absent or empty: now. */
  startsAt: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return null;
      const t = new Date(v);
      if (Number.isNaN(t.getTime())) {
        ctx.addIssue({ code: "custom", message: "must be a date and time" });
        return z.NEVER;
      }
      return t;
    }),
  reason: freeText(1000).default(""),
  ticket: z
    .string()
    .trim()
    .max(100, "must be at most 100 characters")
    .regex(/^[\w .:#/-]*$/, "may hold letters, digits and . : # / - only")
    .default(""),
  breakGlass: z.boolean({ message: "must be true or false" }).default(false),
});
export type RequestAccessInput = z.input<typeof requestAccessInput>;

/** The request body as read: shape only; requestAccess validates each field. */
export const requestAccessBody = z.record(z.string(), z.unknown());

function invalid(path: string, message: string): AppError {
  return validationErrorOf([{ path, message }]);
}

/**
 * Files a request for a role the user is eligible for (or, for a break-glass rule and
 * `breakGlass`, activates it at once). The rule is found from the database by the role and the
 * user's own identity, never taken from the input. Returns the request's id.
 * @throws AppError not_found (not eligible), validation_error, mfa_required, conflict
 */
export async function requestAccess(
  ctx: RequestContext,
  raw: RequestAccessInput | Record<string, unknown>,
): Promise<{ id: string; status: "pending" | "active" }> {
  const parsed = requestAccessInput.safeParse(raw);
  if (!parsed.success) {
    throw zodValidationError(parsed.error);
  }
  const input = parsed.data;
  const principal = principalOf(ctx.user);
  const rules = (
    await ctx.db.accessRule.findMany({
      where: {
        roleId: input.roleId,
        kind: "eligible",
        ...namingPrincipal(principal),
      },
      include: { role: { include: { awsAccount: true } } },
    })
  ).filter((rule) => ruleMatches(rule, principal, ctx.now) && (rule.allowCli || rule.allowConsole));
  if (rules.length === 0) {
    // "Not eligible" and "no such role" are one answer, so role ids can't be probed.
    throw new AppError("not_found", "You can't request this role.", {
      internalReason: `no eligible rule names this user for role ${input.roleId}`,
    });
  }
  const candidates = rules.filter((r) => !input.breakGlass || r.breakGlass);
  if (candidates.length === 0)
    throw invalid("breakGlass", "no rule lets you activate this role without approval");
  // Of several rules, the one needing the fewest approvals that allows this long.
  const fitting = candidates
    .filter((r) => r.maxElevationSeconds >= input.durationSeconds)
    .sort(
      (a, b) =>
        a.approvalsRequired - b.approvalsRequired || b.maxElevationSeconds - a.maxElevationSeconds,
    );
  const rule = fitting[0];
  if (!rule) {
    const longest = Math.max(...candidates.map((r) => r.maxElevationSeconds));
    throw invalid("durationSeconds", `must be at most ${formatDuration(longest)} for this role`);
  }
  if ((rule.requireReason || input.breakGlass) && input.reason === "")
    throw invalid("reason", "is required for this role");
  if (rule.requireTicket && input.ticket === "")
    throw invalid("ticket", "is required for this role");
  if (rule.requireMfaToRequest && !ctx.user.mfaAuthenticated) {
    throw new AppError("mfa_required", "Requesting this role needs a sign-in with MFA.", {
      nextUrl: stepUpPagePath("/requests", { problem: "no-mfa" }),
    });
  }
  if (
    input.startsAt !== null &&
    ctx.now.getTime() - input.startsAt.getTime() > START_SKEW_SECONDS * 1000
  )
    throw invalid("startsAt", "must not be in the past");
  const startsAt = input.startsAt === null || input.startsAt < ctx.now ? ctx.now : input.startsAt;
  if (input.breakGlass && startsAt > ctx.now)
    throw invalid("startsAt", "break-glass access starts now");
  if (startsAt.getTime() - ctx.now.getTime() > MAX_START_DELAY_SECONDS * 1000)
    throw invalid("startsAt", "must be within 30 days");

  // Serializable, so "no open request for this role" and the insert see one state: under
  // PostgreSQL's default isolation, requests sent at the same moment (a double click, a retrying
  // script) would each find none and each be filed. The loser is rerun and answers conflict.
  return serializableTransaction(ctx.db, async (tx) => {
    // A request whose rule was since removed (or made standing) can't be decided and grants
    // nothing: it does not stand in the way of one under the rule that names them now. Nor does
    // an elevation too near its end to issue a session.
    const open = await tx.accessRequest.findFirst({
      where: { personId: principal.personId, roleId: rule.roleId, ...openRequestWhere(ctx.now) },
      select: { id: true, state: true, version: true, startsAt: true },
    });
    // Break-glass is for when waiting is not an option: it replaces the person's own request still
    // waiting for a decision (docs/ACCESS-REQUESTS.md invariant 5), rather than making them find
    // and cancel it first. An approved elevation is not replaced: its approval is worth keeping.
    const replaced = open?.state === "pending" && input.breakGlass ? open : null;
    if (open && !replaced) throw openRequestConflict(open, input.breakGlass, ctx.now);
    const endsAt = new Date(startsAt.getTime() + input.durationSeconds * 1000);
    const created = await tx.accessRequest.create({
      data: {
        ruleId: rule.id,
        roleId: rule.roleId,
        personId: principal.personId,
        requesterUserId: ctx.user.id,
        requesterEmail: ctx.user.email ?? ctx.user.subject,
        reason: input.reason,
        ticket: input.ticket,
        durationSeconds: input.durationSeconds,
        startsAt,
        decideBy: new Date(ctx.now.getTime() + ctx.decideWithinSeconds * 1000),
        breakGlass: input.breakGlass,
        ...(input.breakGlass
          ? { state: "approved", approvedAt: ctx.now, endsAt, activatedAt: ctx.now }
          : {}),
      },
      include: requestInclude,
    });
    const event = {
      request: created,
      actor: actorOf(ctx.user),
      meta: ctx.meta,
      now: ctx.now,
      notify: ctx.notify,
    };
    if (replaced) {
      await tx.accessRequest.update({
        where: { id: replaced.id, version: replaced.version },
        data: {
          version: { increment: 1 },
          state: "cancelled",
          closedBy: ctx.user.email ?? ctx.user.subject,
          closedComment: `Replaced by break-glass access (request ${created.id}).`,
        },
      });
      const cancelled = await tx.accessRequest.findUniqueOrThrow({
        where: { id: replaced.id },
        include: requestInclude,
      });
      await recordRequestEvent(tx, {
        ...event,
        request: cancelled,
        event: "cancelled",
        comment: cancelled.closedComment,
      });
    }
    await recordRequestEvent(tx, { ...event, event: "requested" });
    if (input.breakGlass) await recordRequestEvent(tx, { ...event, event: "break-glass" });
    return {
      id: created.id,
      status: input.breakGlass ? ("active" as const) : ("pending" as const),
    };
  });
}

/** Why another request for a role is refused while one is open, and what the person can do. */
function openRequestConflict(
  open: { state: string; startsAt: Date },
  breakGlass: boolean,
  now: Date,
): AppError {
  if (open.state === "pending")
    return new AppError(
      "conflict",
      "You already have a pending request for this role: cancel it under “My requests” to file another.",
    );
  if (breakGlass && open.startsAt > now)
    return new AppError(
      "conflict",
      `You already have an approved request for this role (from ${formatUtc(open.startsAt)}): cancel it under “My requests” to break glass now.`,
    );
  return new AppError(
    "conflict",
    "You already have access to this role through an approved request.",
  );
}

/** What a refused action was about: an existing request, or the role a new request named. */
export type RefusalSubject = { requestId: string } | { roleId: string };

/**
 * Audits a refused request-side action (not eligible, not an approver, …) outside any change. The
 * record names the role and account the action was about, and the requester, when they exist:
 * an auditor filtering the log by account or role finds the refusals too (the caller's answer does
 * not change: a request id still can't be probed).
 */
export async function auditRequestRefusal(
  ctx: Pick<RequestContext, "db" | "meta" | "now" | "user">,
  what: string,
  error: AppError,
  subject: RefusalSubject,
): Promise<void> {
  const about = await refusalTarget(ctx, subject);
  await writeAuditEvent(ctx.db, {
    action: "access-request.refused",
    outcome: "denied",
    actor: actorOf(ctx.user),
    meta: ctx.meta,
    at: ctx.now,
    ...(about.target ? { target: about.target } : {}),
    details: {
      what,
      request: "requestId" in subject ? subject.requestId : null,
      ...("roleId" in subject && subject.roleId
        ? { requestedRoleId: subject.roleId.slice(0, 100) }
        : {}),
      ...(about.requester ? { requester: about.requester } : {}),
      reason: error.internalReason ?? error.publicMessage,
    },
  });
}

async function refusalTarget(
  ctx: Pick<RequestContext, "db">,
  subject: RefusalSubject,
): Promise<{ target?: { awsAccountId: string; roleArn: string }; requester?: string }> {
  const roleSelect = { arn: true, awsAccount: { select: { accountId: true } } } as const;
  if ("requestId" in subject) {
    const request = await ctx.db.accessRequest.findUnique({
      where: { id: subject.requestId },
      select: { requesterEmail: true, role: { select: roleSelect } },
    });
    if (!request) return {};
    return {
      target: { awsAccountId: request.role.awsAccount.accountId, roleArn: request.role.arn },
      requester: request.requesterEmail,
    };
  }
  if (!subject.roleId) return {};
  const role = await ctx.db.role.findUnique({ where: { id: subject.roleId }, select: roleSelect });
  return role ? { target: { awsAccountId: role.awsAccount.accountId, roleArn: role.arn } } : {};
}
