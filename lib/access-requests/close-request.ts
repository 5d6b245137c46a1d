import "server-only";
import { principalOf } from "@/lib/access/find-grants";
import { actorOf } from "@/lib/audit/actor";
import { AppError } from "@/lib/errors";
import { mayDecide } from "./approvers";
import type { RequestContext } from "./context";
import { loadRequest } from "./decide";
import { recordRequestEvent } from "./events";
import { approversOf, readMoment, requestInclude, statusOf } from "./request-view";

/**
 * The requester withdraws a request that is still pending, or approved but not yet started.
 * @throws AppError not_found (another person's request), conflict (too late)
 */
export async function cancelAccessRequest(ctx: RequestContext, requestId: string): Promise<void> {
  const read = await loadRequest(ctx, requestId);
  if (read.personId !== ctx.user.personId)
    throw new AppError("not_found", "There is no such request.", {
      internalReason: "cancel of another person's request",
    });
  const status = statusOf(read, readMoment(read, ctx.now));
  if (status === "active") throw new AppError("conflict", "This access is active: end it instead.");
  if (status !== "pending" && status !== "approved")
    throw new AppError("conflict", `This request is already ${status}.`);
  // The UPDATE carries the conditions checked above, on the clock as the write runs: a request
  // that started (or expired) between the check and the write is left alone, and the caller told
  // to reload, rather than an active elevation recorded as cancelled (docs/ACCESS-REQUESTS.md).
  const writtenAt = ctx.clock();
  const stillCancellable =
    status === "pending"
      ? { state: "pending", decideBy: { gt: writtenAt } }
      : { state: "approved", startsAt: { gt: writtenAt } };
  await ctx.db.$transaction(async (tx) => {
    const claimed = await tx.accessRequest.updateMany({
      where: { id: read.id, version: read.version, ...stillCancellable },
      data: {
        version: { increment: 1 },
        state: "cancelled",
        closedBy: ctx.user.email ?? ctx.user.subject,
      },
    });
    if (claimed.count !== 1)
      throw new AppError("conflict", "This request changed at the same moment: reload it.");
    const after = await tx.accessRequest.findUniqueOrThrow({
      where: { id: read.id },
      include: requestInclude,
    });
    await recordRequestEvent(tx, {
      event: "cancelled",
      request: after,
      actor: actorOf(ctx.user),
      meta: ctx.meta,
      now: ctx.now,
      notify: ctx.notify,
    });
  });
}

/**
 * Ends an active (or approved, not yet started) elevation now: by the requester, one of the
 * rule's approvers, or an admin. Issuance reads the request on every call, so the next issuance on
 * any replica is refused.
 * @throws AppError not_found (not theirs to end), conflict (not active)
 */
export async function revokeElevation(
  ctx: RequestContext,
  requestId: string,
  comment: string,
): Promise<void> {
  const read = await loadRequest(ctx, requestId);
  const principal = principalOf(ctx.user);
  const isRequester = read.personId === principal.personId;
  const isApprover = mayDecide(approversOf(read), principal, read.personId);
  if (!isRequester && !isApprover && !ctx.user.isAdmin)
    throw new AppError("not_found", "There is no such request.", {
      internalReason: "revoke by someone who is neither requester, approver nor admin",
    });
  // An approval read here may have started a moment after this request's clock: it ends then, so
  // the record never shows it ending before it started.
  const at = readMoment(read, ctx.now);
  const status = statusOf(read, at);
  if (status !== "active" && status !== "approved")
    throw new AppError("conflict", `There is no access to end: this request is ${status}.`);
  const trimmed = comment.trim().slice(0, 1000);
  await ctx.db.$transaction(async (tx) => {
    const claimed = await tx.accessRequest.updateMany({
      where: { id: read.id, version: read.version, state: "approved" },
      data: {
        version: { increment: 1 },
        state: "revoked",
        endsAt: at,
        endedAt: at,
        closedBy: ctx.user.email ?? ctx.user.subject,
        closedComment: trimmed,
      },
    });
    if (claimed.count !== 1)
      throw new AppError("conflict", "This request changed at the same moment: reload it.");
    const after = await tx.accessRequest.findUniqueOrThrow({
      where: { id: read.id },
      include: requestInclude,
    });
    await recordRequestEvent(tx, {
      event: "revoked",
      request: after,
      actor: actorOf(ctx.user),
      meta: ctx.meta,
      now: ctx.now,
      notify: ctx.notify,
      comment: trimmed,
    });
  });
}
