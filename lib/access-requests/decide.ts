import "server-only";
import { z } from "zod";
import { principalOf } from "@/lib/access/find-grants";
import { actorOf } from "@/lib/audit/actor";
import { stepUpPagePath } from "@/lib/auth/step-up";
import { AppError } from "@/lib/errors";
import { zodValidationError } from "@/lib/validation-error";
import { mayDecide } from "./approvers";
import type { RequestContext } from "./context";
import { recordRequestEvent } from "./events";
import { approversAsRecorded } from "./recorded-approvers";
import { readMoment, requestInclude, statusOf, type RequestRow } from "./request-view";
import { decidersNow, standingApprovals } from "./standing-approvals";

export const decideInput = z.object({
  requestId: z.string().trim().min(1, "is required").max(100),
  decision: z.enum(["approve", "deny"], { message: 'must be "approve" or "deny"' }),
  comment: z.string().trim().max(1000, "must be at most 1,000 characters").default(""),
});
export type DecideInput = z.input<typeof decideInput>;

/** Reads a request the caller may see, or throws not_found (a request id can't be probed). */
export async function loadRequest(
  ctx: Pick<RequestContext, "db">,
  id: string,
): Promise<RequestRow> {
  const row = await ctx.db.accessRequest.findUnique({ where: { id }, include: requestInclude });
  if (!row) throw new AppError("not_found", "There is no such request.");
  return row;
}

/** Why a request can no longer be decided, or null while it can. */
export function undecidableReason(r: RequestRow, now: Date): string | null {
  const status = statusOf(r, readMoment(r, now));
  if (status === "pending") return null;
  if (status === "expired") return "This request expired before it was decided.";
  if (status === "cancelled") return "This request was cancelled.";
  // Who decided it, so an approver who lost a race or reloads late sees what happened.
  const outcome = r.state === "denied" ? "deny" : "approve";
  const decider = r.decisions.findLast((d) => d.decision === outcome);
  const by = decider ? ` by ${decider.email}` : "";
  if (r.state === "denied") return `This request was already denied${by}.`;
  const when = status === "approved" ? `starts ${r.startsAt.toISOString()}` : status;
  return `This request was already approved${by} (${when}).`;
}

/**
 * What a decider whose conditional write matched nothing is told: the request as it stands after
 * the decision that landed first, read again, so they learn what happened instead of guessing.
 */
async function lostRace(ctx: RequestContext, id: string): Promise<AppError> {
  const now = await loadRequest(ctx, id).catch(() => null);
  const reason = now ? undecidableReason(now, ctx.now) : null;
  return new AppError(
    "conflict",
    `${reason ?? "Another decision on this request landed at the same moment: reload it to see where it stands."} Your decision was not recorded.`,
  );
}

/**
 * One approver's approve or deny. The caller must be one of the rule's approvers and not the
 * requester (by person, so a linked identity or shared group changes nothing). A deny ends the
 * request; approvals count until the rule's number is reached, which approves it. The change is
 * conditional on the version read, so of two deciders at the same moment exactly one lands; the
 * other gets `conflict` and nothing of theirs is written.
 * @throws AppError not_found (no such request, or not theirs to decide), forbidden (their own),
 *   mfa_required, conflict, validation_error
 */
export async function decideAccessRequest(
  ctx: RequestContext,
  raw: DecideInput,
): Promise<{ status: string }> {
  const parsed = decideInput.safeParse(raw);
  if (!parsed.success) {
    throw zodValidationError(parsed.error);
  }
  const input = parsed.data;
  const read = await loadRequest(ctx, input.requestId);
  const principal = principalOf(ctx.user);
  // By person, and by the identity that filed it: an admin may since have moved that identity to
  // another person, who must not approve what it asked for (docs/ACCESS-REQUESTS.md "Invariants").
  if (read.personId === principal.personId || read.requesterUserId === ctx.user.id) {
    throw new AppError("forbidden", "You can't decide your own request.", {
      internalReason:
        read.personId === principal.personId
          ? "self-approval refused (same person)"
          : "self-approval refused (the identity that filed it)",
    });
  }
  // To anyone who may not decide it, the request does not exist, as for cancel and revoke: its id
  // can't be probed. Its approvers as recorded at filing still learn that its rule is gone.
  if (!mayDecide(await approversAsRecorded(ctx.db, read), principal, read.personId)) {
    throw new AppError("not_found", "There is no such request.", {
      internalReason: "not among the rule's approvers",
    });
  }
  if (!read.rule || read.rule.kind !== "eligible") {
    throw new AppError("conflict", "The rule this request was made under no longer exists.");
  }
  const undecidable = undecidableReason(read, ctx.now);
  if (undecidable) throw new AppError("conflict", undecidable);
  if (read.decisions.some((d) => d.personId === principal.personId))
    throw new AppError("conflict", "You already decided this request.");
  if (input.decision === "approve" && read.rule.requireMfaToApprove && !ctx.user.mfaAuthenticated) {
    throw new AppError("mfa_required", "Approving this request needs a sign-in with MFA.", {
      // Back to this request after the step-up, as a notification's link returns to it.
      nextUrl: stepUpPagePath(`/requests?request=${read.id}`, { problem: "no-mfa" }),
    });
  }
  const rule = read.rule;
  const required = Math.max(1, rule.approvalsRequired);
  const approvals =
    standingApprovals(read, await decidersNow(ctx.db, [read]), principal.personId) +
    (input.decision === "approve" ? 1 : 0);
  const next =
    input.decision === "deny"
      ? ({ state: "denied" } as const)
      : approvals >= required
        ? (() => {
            const startsAt = read.startsAt > ctx.now ? read.startsAt : ctx.now;
            // The rule as it is now bounds what an approval grants: an admin who shortened its
            // longest elevation while the request waited meant it for this request too.
            const seconds = Math.min(read.durationSeconds, rule.maxElevationSeconds);
            return {
              state: "approved",
              approvedAt: ctx.now,
              startsAt,
              endsAt: new Date(startsAt.getTime() + seconds * 1000),
              activatedAt: startsAt <= ctx.now ? ctx.now : null,
            } as const;
          })()
        : null;

  const lost = new Error("lost the race");
  return ctx.db
    .$transaction(async (tx) => {
      // The version is in the UPDATE itself: a concurrent decision or cancel makes this match nothing.
      const claimed = await tx.accessRequest.updateMany({
        where: { id: read.id, version: read.version, state: "pending", decideBy: { gt: ctx.now } },
        data: { version: { increment: 1 }, ...(next ?? {}) },
      });
      if (claimed.count !== 1) throw lost;
      await tx.accessRequestDecision.create({
        data: {
          requestId: read.id,
          personId: principal.personId,
          userId: ctx.user.id,
          email: ctx.user.email ?? ctx.user.subject,
          decision: input.decision,
          comment: input.comment,
        },
      });
      const after = await tx.accessRequest.findUniqueOrThrow({
        where: { id: read.id },
        include: requestInclude,
      });
      const event = {
        request: after,
        actor: actorOf(ctx.user),
        meta: ctx.meta,
        now: ctx.now,
        notify: ctx.notify,
        comment: input.comment,
      };
      if (input.decision === "deny") await recordRequestEvent(tx, { ...event, event: "denied" });
      else if (!next) await recordRequestEvent(tx, { ...event, event: "approval-recorded" });
      else {
        await recordRequestEvent(tx, { ...event, event: "approved" });
        if (after.activatedAt) await recordRequestEvent(tx, { ...event, event: "activated" });
      }
      return { status: statusOf(after, ctx.now) };
    })
    .catch(async (error: unknown) => {
      throw error === lost ? await lostRace(ctx, read.id) : error;
    });
}
