import "server-only";
import type { SignedInUser } from "@/lib/auth/portal-session";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import type { RequestContext } from "./context";
import { auditRequestRefusal } from "./request-access";
import { kickAccessRequestWorker } from "./worker";

/** The context of one access-request operation by the signed-in user, on the portal's clock. */
export function requestContextFor(user: SignedInUser, meta: RequestMeta): RequestContext {
  const config = getConfig();
  return {
    db: getDb(),
    now: currentTime(),
    meta,
    user,
    decideWithinSeconds: config.accessRequests.decideWithinSeconds,
    notify: { webhookUrl: config.accessRequests.webhookUrl, portalUrl: config.publicUrl },
  };
}

/**
 * Runs one access-request operation: a refusal (not eligible, not an approver, not theirs) is
 * audited as access-request.refused before it propagates; after a change commits, its webhooks are
 * sent at once.
 */
export async function runRequestOperation<T>(
  ctx: RequestContext,
  what: string,
  requestId: string | null,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    const result = await operation();
    kickAccessRequestWorker();
    return result;
  } catch (error) {
    if (isAppError(error) && ["forbidden", "not_found"].includes(error.code))
      await auditRequestRefusal(ctx, what, error, requestId);
    throw error;
  }
}
